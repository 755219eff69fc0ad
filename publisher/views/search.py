"""``/search``: free text over labels plus facets, as JSON-LD (API) or HTML (browsers).

Facets combine with AND across names and OR among repeated values of one name
(``?modality=ct&modality=mri&town=frejus``). A facet value is a slug
(``ct``), the entity's IRI, its label in French or English as a person writes it
(``Fréjus``, ``frejus``, ``IRM``, ``scanner``), or for ``type`` a term
(``ImagingCentre``, ``schema:MedicalClinic``), an IRI or a label. A value that
names nothing is a 400 listing the facet's valid values.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.rdf.formats import HTML, Format
from publisher.rdf.vocabulary import LANGUAGES
from publisher.search.build import index_of
from publisher.search.index import FACETS, SearchIndex
from publisher.search.query import PAGE_SIZE, Query
from publisher.search.render import page_context, short_value, to_jsonld
from publisher.search.values import facet_iris
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("search", __name__)

JSONLD = Format("jsonld", "application/ld+json", "jsonld", aliases=("application/json",))
OFFERED = (JSONLD, HTML)
MAX_PAGE_SIZE, MAX_PAGE, MAX_QUERY = 100, 10_000, 200


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def parse_query(base_url: str, idx: SearchIndex) -> Query:
    """Validate the request's parameters.

    :raises BadRequest: with a message naming the parameter at fault.
    """
    text = request.args.get("q", "").strip()
    if len(text) > MAX_QUERY:
        raise BadRequest(f"q is limited to {MAX_QUERY} characters")
    asked = request.args.get("lang")
    if asked is not None and asked not in LANGUAGES:
        raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}, not {asked!r}")
    query = Query(
        text=text,
        language=negotiate_language(request.headers.get("Accept-Language"), asked),
        language_asked=asked is not None,
        page=_integer("page", 1, 1, MAX_PAGE),
        size=_integer("size", PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )
    for name in FACETS:
        values = [v.strip() for v in request.args.getlist(name) if v.strip()]
        if values:
            iris = [i for v in values for i in facet_iris(idx, name, v, base_url, query.language)]
            query.filters[name] = list(dict.fromkeys(iris))
            # Links write each value as its slug (or term), so a chosen one toggles off.
            query.raw_filters[name] = [short_value(name, i, base_url) for i in query.filters[name]]
    return query


@bp.get("/search")
def search() -> Response:
    fmt = negotiate(request.headers.get("Accept"), OFFERED, request.args.get("format"))
    base_url = publication().settings.base_url
    idx = index_of(publication())
    query = parse_query(base_url, idx)
    filters = {name: set(iris) for name, iris in query.filters.items()}
    result = idx.search(
        query.text, filters, query.language, (query.page - 1) * query.size, query.size
    )
    if fmt is HTML:
        body = render_template(
            "search.html", **page_context(idx, query, result, base_url), lang=query.language
        )
        response = Response(body, mimetype="text/html")
    else:
        document = to_jsonld(idx, query, result, base_url)
        body = json.dumps(document, ensure_ascii=False, indent=2)
        response = Response(body, content_type=f"{JSONLD.media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
