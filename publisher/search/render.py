"""What ``/search`` answers: the JSON-LD collection and the HTML page's context.

Pure functions of the validated query and the index's result.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from publisher.rdf.prefixes import subset
from publisher.rdf.vocabulary import LANGUAGES
from publisher.search.index import FACETS, Label, Result, SearchIndex
from publisher.search.query import Query

PREFIXES = subset("rdf", "rdfs", "skos", "schema", "prov", "owl", "hydra", "foaf", "xsd")
TERM = re.compile(r"(?:([a-z][a-z0-9]*):)?([A-Za-z_][\w.-]*)")


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


def short_value(name: str, iri: str, base_url: str) -> str:
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
            label = idx.label(iri, query.language)
            values.append(
                {
                    "iri": iri,
                    "label": label.text,
                    "language": label.language,
                    "count": count,
                    "chosen": iri in chosen,
                    "query": urlencode(toggled(query, name, short_value(name, iri, base_url))),
                }
            )
        facets[name] = values
    return facets


def to_jsonld(idx: SearchIndex, query: Query, result: Result, base_url: str) -> dict[str, Any]:
    """The page of results as a Hydra collection with an inline context."""
    here = f"{base_url}search?"
    nav = {rel: here + qs for rel, qs in links(query, result).items()}
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
                "label": _value(Label(v["label"], v["language"], ())),
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
        "@context": _context(base_url),
        "id": nav["self"],
        "type": "hydra:Collection",
        "query": query.text,
        "total": result.total,
        "view": view,
        "items": items,
        "facets": facets,
    }


def _context(base_url: str) -> dict[str, Any]:
    """The inline JSON-LD context of a page of results."""
    vocab = f"{base_url}search#"
    return {
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


def compact(iri: str, base_url: str) -> str:
    """``rim:Term`` or ``schema:Term`` for an IRI under a known namespace."""
    for prefix, namespace in (("rim", f"{base_url}ontology#"), *PREFIXES.items()):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and TERM.fullmatch(local):
            return f"{prefix}:{local}"
    return iri


def _value(label: Label | None) -> dict[str, str] | None:
    if label is None:
        return None
    text, language = label.text, label.language
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
