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
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest

from publisher.rdf.formats import HTML, Format
from publisher.rdf.vocabulary import LANGUAGES
from publisher.search.index import FACETS, IndexCache, SearchIndex
from publisher.search.render import PREFIXES, TERM, page_context, short_value, to_jsonld
from publisher.store.base import StoreError
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)

JSONLD = Format("jsonld", "application/ld+json", "jsonld", aliases=("application/json",))
OFFERED = (JSONLD, HTML)
PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE, MAX_QUERY = 20, 100, 10_000, 200
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


def term_iri(value: str, base_url: str) -> str | None:
    """The IRI a type written as a term or an IRI names, if it is written so.

    >>> term_iri("schema:MedicalClinic", "http://x/"), term_iri("ImagingCentre", "http://x/")
    ('https://schema.org/MedicalClinic', 'http://x/ontology#ImagingCentre')
    """
    if _IRI.fullmatch(value):
        return value
    term = TERM.fullmatch(value)
    if term and (term.group(1) is None or term.group(1) in PREFIXES or term.group(1) == "rim"):
        prefix = term.group(1) or "rim"
        namespace = f"{base_url}ontology#" if prefix == "rim" else PREFIXES[prefix]
        return namespace + term.group(2)
    return None


def facet_iris(idx: SearchIndex, name: str, value: str, base_url: str, language: str) -> list[str]:
    """The IRIs a facet value names: an IRI, a slug (a term for ``type``), or a label
    in French or English, in any case, with or without accents.

    :raises BadRequest: nothing of the facet's kind answers to ``value``; the message
        lists the valid values.
    """
    candidates = idx.values(name, base_url)
    if FACETS[name] is None:
        iri = term_iri(value, base_url)
        if iri in candidates:
            return [iri]
    found = idx.resolve(value, candidates)
    if found:
        return found
    valid = choices(idx, name, base_url, language)
    raise BadRequest(f"{name}: nothing is called {value!r}; {valid}")


def choices(idx: SearchIndex, name: str, base_url: str, language: str) -> str:
    """The valid values of a facet, each as written in a link, with its label."""
    values = idx.values(name, base_url)
    return valid_values(idx, values, language, lambda iri: short_value(name, iri, base_url))


def valid_values(
    idx: SearchIndex, iris: list[str], language: str, written: Callable[[str], str], most: int = 60
) -> str:
    """``valid values: a (label), b (label), …`` for an error message."""
    shown = [f"{written(iri)} ({idx.name(iri, language)})" for iri in iris]
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"valid values: {', '.join(shown[:most])}{more}"


def thing_iri(idx: SearchIndex, name: str, kind: str, value: str, base_url: str, lang: str) -> str:
    """The one thing of ``kind`` a parameter names as a person writes it (for ``/api/``).

    :raises BadRequest: nothing, or more than one thing, answers to ``value``.
    """
    candidates = idx.things(kind, base_url)
    found = idx.resolve(value, candidates)
    if len(found) == 1:
        return found[0]
    if found:
        listed = valid_values(idx, found, lang, _slug).replace("valid values", "it may be")
        raise BadRequest(f"{name}: {value!r} names more than one {kind}; {listed}")
    valid = valid_values(idx, candidates, lang, _slug)
    raise BadRequest(f"{name}: nothing is called {value!r}; {valid}")


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


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
    idx = index()
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
