"""Building the search index from a store (any backend): labels, types and links.

Three whole-store reads, as CSV so they parse in C, then one pass per relation
the partner queries follow. The publication's cache keeps the index once per
data version (:func:`index_of`).
"""

from __future__ import annotations

import csv
import io
import logging
import sys
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

import rdflib

from publisher.graph.publication import Publication
from publisher.rdf.formats import RESULTS, by_token
from publisher.search.index import FACETS, Entry, Label, SearchIndex
from publisher.search.relations import FACET_RELATIONS, pairs_query
from publisher.search.words import fold
from publisher.store.apart import in_a_fork
from publisher.store.base import Store
from publisher.store.errors import StoreError
from publisher.store.heap import release_free_memory

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
CSV_RESULTS = by_token("csv", RESULTS) or RESULTS[2]
log = logging.getLogger(__name__)


def index_of(publication: Publication) -> SearchIndex:
    """The index of the data ``publication`` serves, built by the first caller of a
    data version; callers arriving meanwhile wait for that build, so none answers
    from part of an index."""
    store, base_url = publication.store, publication.settings.base_url
    return publication.cache.once("search", (), lambda: _build_apart(store, base_url))


def _build_apart(store: Store, base_url: str) -> SearchIndex:
    """Build where the scan costs least: a scan of an in-memory store in a forked
    worker would copy the whole store into that worker, so it runs in a throwaway
    fork that sends back only the index."""
    if store.copies_on_scan:
        index = in_a_fork(partial(build, store, base_url))
    else:
        index = build(store, base_url)
    release_free_memory()  # the build's rows, dropped, are most of its peak
    return index


def warm(publication: Publication) -> None:
    """Build a remote store's index before serving: search keeps answering while that
    store hangs or is down (issue 10), and ``publisher serve`` forks its workers after
    this, so they share it. An embedded store's index waits for the first search:
    the store lives in the process, and start-up need not pay for it."""
    if not publication.external:
        return
    try:
        index_of(publication)
    except StoreError as error:  # a remote store may be down at start: index on first use
        log.warning("search index not built at start: %s", error)


def _literal(value: str) -> str:
    return rdflib.Literal(value).n3()


def _select(store: Store, query: str) -> list[list[str]]:
    """Rows as CSV strings: whole-store reads parse in C instead of building rdflib terms."""
    text = store.sparql(query, CSV_RESULTS).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    # IRIs repeat across rows (types, towns, ...): one string each keeps the index small.
    return [[sys.intern(value) for value in row] for row in reader]


def build(store: Store, base_url: str) -> SearchIndex:
    """Read labels, types and links from ``store`` (any backend) into an index."""
    id_base = f"{base_url}id/"
    prefix = _literal(id_base)
    properties = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    preference = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
    folded: dict[str, tuple[str, ...]] = {}
    names: dict[str, list[tuple[int, Label]]] = defaultdict(list)
    for iri, prop, language, text in _select(
        store,
        f"SELECT DISTINCT ?s ?p ?lang ?l WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?l "
        "FILTER(isIRI(?s) && isLiteral(?l)) BIND(LANG(?l) AS ?lang) }",
    ):
        words = folded.get(text)
        if words is None:
            words = folded[text] = fold(text)
        names[iri].append((preference[prop], Label(text, language, words)))
    ordered = {iri: _dedupe(sorted(found, key=lambda pl: pl[0])) for iri, found in names.items()}
    entries = {i: Entry(i, labels) for i, labels in ordered.items() if i.startswith(id_base)}
    for iri, type_ in _select(
        store,
        "SELECT DISTINCT ?s ?t WHERE { ?s a ?t "
        f"FILTER(isIRI(?t) && STRSTARTS(STR(?s), {prefix})) }}",
    ):
        entry = entries.get(iri)
        if entry:
            entry.types.add(type_)
            entry.facets["type"].add(type_)
    pairs = [
        (one, other)
        for one, other in _select(
            store,
            "SELECT DISTINCT ?s ?o WHERE { { ?s ?p ?o } "
            "UNION { ?s ?p ?b . ?b ?q ?o FILTER(isBlank(?b)) }"
            f" FILTER(isIRI(?o) && ?p != <{RDF_TYPE}> && STRSTARTS(STR(?s), {prefix})"
            f" && STRSTARTS(STR(?o), {prefix})) }}",
        )
    ]
    for relation, from_kind, to_kind in FACET_RELATIONS:  # as the partner queries follow them
        query = pairs_query(relation, base_url, from_kind, to_kind)
        pairs += [(one, other) for one, other in _select(store, query)]
    pairs += [(iri, iri) for iri in entries]  # a thing is its own facet value
    facet_of_kind = {kind: name for name, kind in FACETS.items() if kind}
    for one, other in pairs:
        for entry_iri, value in ((one, other), (other, one)):
            entry = entries.get(entry_iri)
            if entry is None:
                continue
            name = facet_of_kind.get(value[len(id_base) :].split("/", 1)[0])
            if name:
                entry.facets[name].add(value)
    index = SearchIndex(entries, ordered)
    index.spellings()  # here, rather than in the first request that reads a facet value
    return index


def _dedupe(found: Iterable[tuple[int, Label]]) -> list[Label]:
    seen: set[tuple[str, str]] = set()
    labels = []
    for _, label in found:
        if (label.text, label.language) not in seen:
            seen.add((label.text, label.language))
            labels.append(label)
    return labels
