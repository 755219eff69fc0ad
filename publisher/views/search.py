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
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest

from publisher.app import publication
from publisher.formats import HTML, Format
from publisher.negotiation import LANGUAGES, negotiate, negotiate_language
from publisher.search import FACETS, IndexCache, Result, SearchIndex
from publisher.store.base import StoreError

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)

JSONLD = Format("jsonld", "application/ld+json", "jsonld", aliases=("application/json",))
OFFERED = (JSONLD, HTML)
PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE, MAX_QUERY = 20, 100, 10_000, 200
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_TERM = re.compile(r"(?:([a-z][a-z0-9]*):)?([A-Za-z_][\w.-]*)")
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
    term = _TERM.fullmatch(value)
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


def document_iri(iri: str, base_url: str) -> str:
    """The document about an ``id/`` IRI: ``{base}id/k/s`` → ``{base}doc/k/s``."""
    return f"{base_url}doc/{iri[len(base_url) + len('id/') :]}"


def links(query: Query, result: Result) -> dict[str, str]:
    """Query strings of this page and of first/previous/next/last, as far as they exist."""
    last = max(1, -(-result.total // query.size))
    found = {"self": urlencode(query.params()), "first": urlencode(query.params(page=1))}
    found["last"] = urlencode(query.params(page=last))
    if query.page > 1:
        found["previous"] = urlencode(query.params(page=min(query.page - 1, last)))
    if query.page < last:
        found["next"] = urlencode(query.params(page=query.page + 1))
    return found


def toggled(query: Query, name: str, value: str) -> list[tuple[str, str]]:
    """Parameters with one facet value switched on or off (back to page 1)."""
    raw = {k: list(v) for k, v in query.raw_filters.items()}
    current = raw.setdefault(name, [])
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return query.params(page=1, raw_filters={k: v for k, v in raw.items() if v})


def _short(name: str, iri: str, base_url: str) -> str:
    """The facet value as written in links: a slug, or the type as a term."""
    return iri.rsplit("/", 1)[-1] if FACETS[name] else compact(iri, base_url)


def facet_values(
    idx: SearchIndex, query: Query, result: Result, base_url: str
) -> dict[str, list[dict[str, Any]]]:
    """For each facet: its values with label, count, toggle link and whether chosen."""
    facets = {}
    for name, counts in result.facet_counts.items():
        chosen = set(query.filters.get(name, []))
        values = []
        for iri, count in counts:
            values.append(
                {
                    "iri": iri,
                    "label": idx.name(iri, query.language),
                    "count": count,
                    "chosen": iri in chosen,
                    "query": urlencode(toggled(query, name, _short(name, iri, base_url))),
                }
            )
        facets[name] = values
    return facets


def to_jsonld(idx: SearchIndex, query: Query, result: Result, base_url: str) -> dict[str, Any]:
    """The page of results as a Hydra collection with an inline context."""
    here = f"{base_url}search?"
    nav = {rel: here + qs for rel, qs in links(query, result).items()}
    vocab = f"{base_url}search#"
    context = {
        "@version": 1.1,
        **PREFIXES,
        "rim": f"{base_url}ontology#",
        "search": vocab,
        "id": "@id",
        "type": "@type",
        "total": {"@id": "hydra:totalItems", "@type": "xsd:integer"},
        "items": "hydra:member",
        "view": "hydra:view",
        **{rel: {"@id": f"hydra:{rel}", "@type": "@id"} for rel in ("first", "last", "next")},
        "previous": {"@id": "hydra:previous", "@type": "@id"},
        "label": "rdfs:label",
        "matchedLabel": "search:matchedLabel",
        "rank": {"@id": "search:rank", "@type": "xsd:integer"},
        "document": {"@id": "foaf:isPrimaryTopicOf", "@type": "@id"},
        "query": "search:query",
        # "type" means @type everywhere but inside "facets", where it names a facet.
        "facets": {"@id": "search:facets", "@context": {"type": "search:typeFacet"}},
        **{name: f"search:{name}" for name in FACETS if name != "type"},
        "value": {"@id": "search:value", "@type": "@id"},
        "count": {"@id": "search:count", "@type": "xsd:integer"},
        "filter": {"@id": "search:filter", "@type": "@id"},
    }
    items = []
    for rank, hit in enumerate(result.hits, start=(query.page - 1) * query.size + 1):
        entry, shown = hit.entry, hit.entry.label(query.language)
        item = {
            "id": entry.iri,
            "type": sorted(compact(t, base_url) for t in entry.types),
            "label": _value(shown),
            "rank": rank,
            "document": document_iri(entry.iri, base_url),
        }
        if hit.matched is not None:
            item["matchedLabel"] = _value(hit.matched)
        items.append(item)
    facets = {
        name: [
            {
                "value": v["iri"],
                "label": {"@value": v["label"], "@language": query.language},
                "count": v["count"],
                "filter": here + v["query"],
            }
            for v in values
        ]
        for name, values in facet_values(idx, query, result, base_url).items()
    }
    view = {"id": nav["self"], "type": "hydra:PartialCollectionView"}
    view.update({k: v for k, v in nav.items() if k != "self"})
    return {
        "@context": context,
        "id": nav["self"],
        "type": "hydra:Collection",
        "query": query.text,
        "total": result.total,
        "view": view,
        "items": items,
        "facets": facets,
    }


def compact(iri: str, base_url: str) -> str:
    """``rim:Term`` or ``schema:Term`` for an IRI under a known namespace."""
    for prefix, namespace in (("rim", f"{base_url}ontology#"), *PREFIXES.items()):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _TERM.fullmatch(local):
            return f"{prefix}:{local}"
    return iri


def _value(label: object) -> dict[str, str] | None:
    if label is None:
        return None
    text, language = label.text, label.language  # type: ignore[attr-defined]
    return {"@value": text, "@language": language} if language else {"@value": text}


def page_context(idx: SearchIndex, query: Query, result: Result, base_url: str) -> dict[str, Any]:
    """What the HTML template needs; links are root-relative so any host works."""
    nav = links(query, result)
    root = urlsplit(base_url).path
    return {
        "query": query,
        "result": result,
        "facets": facet_values(idx, query, result, base_url),
        "items": [
            {
                "iri": hit.entry.iri,
                "label": hit.entry.label(query.language),
                "matched": hit.matched,
                "types": [idx.name(t, query.language) for t in sorted(hit.entry.types)],
                "href": root + document_iri(hit.entry.iri, base_url)[len(base_url) :],
            }
            for hit in result.hits
        ],
        "self_query": nav["self"],
        "lang_queries": {code: urlencode(query.params(lang=code)) for code in LANGUAGES},
        "previous": nav.get("previous"),
        "next": nav.get("next"),
        "facet_names": list(FACETS),
    }
