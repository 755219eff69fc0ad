"""``/search``: free text over labels plus facets, as JSON-LD (API) or HTML (browsers).

Facets combine with AND across names and OR among repeated values of one name
(``?modality=ct&modality=mri&town=frejus``). A facet value is a slug
(``ct``), the entity's IRI, or for ``type`` a term (``ImagingCentre``,
``schema:MedicalClinic`` or a full IRI).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest

from publisher.app import publication
from publisher.formats import HTML, Format
from publisher.negotiation import LANGUAGES, negotiate, negotiate_language
from publisher.search import FACETS, IndexCache, SearchIndex
from publisher.search_render import PREFIXES, TERM, page_context, to_jsonld
from publisher.store.base import StoreError

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)

JSONLD = Format("jsonld", "application/ld+json", "jsonld", aliases=("application/json",))
OFFERED = (JSONLD, HTML)
PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE, MAX_QUERY = 20, 100, 10_000, 200
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_IRI = re.compile(r"https?://[^\x00-\x20<>\"{}|^`\\]+")


@dataclass
class Query:
    """The validated parameters of one search request."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # name → IRIs
    raw_filters: dict[str, list[str]] = field(default_factory=dict)
    language: str = "fr"
    language_asked: bool = False
    page: int = 1
    size: int = PAGE_SIZE

    def params(self, **changes: object) -> list[tuple[str, str]]:
        """Query-string pairs for this search with some changed (for links)."""
        values = {"page": self.page, "size": self.size, **changes}
        pairs = [("q", self.text)] if self.text else []
        raw = changes.get("raw_filters", self.raw_filters)
        assert isinstance(raw, dict)
        pairs += [(name, value) for name, values_ in raw.items() for value in values_]
        if "lang" in changes:
            pairs.append(("lang", str(changes["lang"])))
        elif self.language_asked:
            pairs.append(("lang", self.language))
        if values["size"] != PAGE_SIZE:
            pairs.append(("size", str(values["size"])))
        pairs.append(("page", str(values["page"])))
        return pairs


def _integer(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def facet_iri(name: str, value: str, base_url: str) -> str:
    """The IRI a facet value names.

    >>> facet_iri("modality", "ct", "http://x/")
    'http://x/id/modality/ct'
    >>> facet_iri("type", "schema:MedicalClinic", "http://x/")
    'https://schema.org/MedicalClinic'

    :raises BadRequest: the value is not a slug, an IRI or (for type) a known term.
    """
    kind = FACETS[name]
    if kind is not None:
        namespace = f"{base_url}id/{kind}/"
        slug = value[len(namespace) :] if value.startswith(namespace) else value
        if _SLUG.fullmatch(slug):
            return namespace + slug
        raise BadRequest(f"{name} must be a slug such as 'ct' or an IRI under {namespace}")
    if _IRI.fullmatch(value):
        return value
    term = TERM.fullmatch(value)
    if term and (term.group(1) is None or term.group(1) in PREFIXES or term.group(1) == "rim"):
        prefix = term.group(1) or "rim"
        namespace = f"{base_url}ontology#" if prefix == "rim" else PREFIXES[prefix]
        return namespace + term.group(2)
    raise BadRequest("type must be a term ('ImagingCentre', 'schema:MedicalClinic') or an IRI")


def parse_query(base_url: str) -> Query:
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
            query.raw_filters[name] = values
            query.filters[name] = [facet_iri(name, v, base_url) for v in values]
    return query


def index() -> SearchIndex:
    pub = publication()
    cache: IndexCache = current_app.extensions["publisher-search"]
    return cache.get(pub.store, pub.settings.base_url, pub.version)


@bp.record_once
def _build_at_load(state: BlueprintSetupState) -> None:
    """Index the data when the app starts; later versions re-index on first use."""
    app = state.app
    cache = app.extensions.setdefault("publisher-search", IndexCache())
    pub = app.extensions["publisher"]
    try:
        cache.get(pub.store, pub.settings.base_url, pub.version)
    except StoreError as error:  # a remote store may be down at start: index on first use
        log.warning("search index not built at start: %s", error)


@bp.get("/search")
def search() -> Response:
    fmt = negotiate(request.headers.get("Accept"), OFFERED, request.args.get("format"))
    base_url = publication().settings.base_url
    query = parse_query(base_url)
    idx = index()
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
        response = Response(body, mimetype=JSONLD.media_type)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
