"""A text index over the published labels, built once per data version.

Labels (``skos:prefLabel``, ``skos:altLabel``, ``schema:name``, ``rdfs:label``)
are folded (case and accents removed) and split into words; a sorted word list
answers prefix look-ups by bisection, so a search costs a few set operations
instead of a scan of every literal. Facets come from the links between
entities, read once with the labels.

>>> fold("ÉCHOGRAPHIE") == fold("echographie") == ("echographie",)
True
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib

from publisher.store.base import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://schema.org/name",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
#: Facet name → the ``id/{kind}/`` its values live under (``type`` is rdf:type).
FACETS: dict[str, str | None] = {
    "type": None,
    "modality": "modality",
    "specialty": "specialty",
    "aspect": "aspect",
    "centre": "centre",
    "town": "town",
}
#: How a label matched, best first.
EXACT, PREFIX, WORD = 3, 2, 1

_WORD = re.compile(r"\w+")


def fold(text: str) -> tuple[str, ...]:
    """The words of ``text``, lower-cased and without accents.

    >>> fold("Saint-Raphaël, l’IRM")
    ('saint', 'raphael', 'l', 'irm')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_WORD.findall(bare.casefold()))


def match_level(label: tuple[str, ...], query: tuple[str, ...]) -> int:
    """How well folded ``label`` matches folded ``query``: EXACT, PREFIX, WORD or 0.

    >>> match_level(("irm",), ("irm",)), match_level(("radiologie", "conventionnelle"), ("radio",))
    (3, 2)
    >>> match_level(("radiologie", "interventionnelle"), ("interv",))
    1
    """
    if not query:
        return 0
    if label == query:
        return EXACT
    if " ".join(label).startswith(" ".join(query)):
        return PREFIX
    if all(any(word.startswith(token) for word in label) for token in query):
        return WORD
    return 0


@dataclass(frozen=True)
class Label:
    text: str
    language: str  # "" when untagged
    words: tuple[str, ...]


@dataclass
class Entry:
    """One searchable thing: its labels, types and facet values."""

    iri: str
    labels: list[Label] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    facets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def label(self, language: str) -> Label | None:
        """The label to show in ``language``, falling back to untagged then any."""
        return best_label(self.labels, language)


def best_label(labels: list[Label], language: str) -> Label | None:
    """Labels come ordered by property preference; pick by language first."""
    for wanted in (language, ""):
        for label in labels:
            if label.language == wanted:
                return label
    return labels[0] if labels else None


@dataclass(frozen=True)
class Hit:
    entry: Entry
    level: int
    matched: Label | None


@dataclass(frozen=True)
class Result:
    """A page of hits plus what the whole result set looks like."""

    total: int
    hits: list[Hit]
    facet_counts: dict[str, list[tuple[str, int]]]


class SearchIndex:
    """Every labelled entity under ``{base}id/``, searchable by folded words."""

    def __init__(self, entries: dict[str, Entry], names: dict[str, list[Label]]) -> None:
        self.entries = entries
        self.names = names  # labels of every IRI (types and facet values included)
        postings: dict[str, set[str]] = defaultdict(set)
        for entry in entries.values():
            for label in entry.labels:
                for word in label.words:
                    postings[word].add(entry.iri)
        self._postings = dict(postings)
        self._words = sorted(postings)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, token: str) -> set[str]:
        """IRIs with a label word starting with ``token`` (bisection on sorted words)."""
        found: set[str] = set()
        start = bisect_left(self._words, token)
        for word in self._words[start:]:
            if not word.startswith(token):
                break
            found |= self._postings[word]
        return found

    def search(
        self,
        text: str,
        filters: dict[str, set[str]],
        language: str,
        offset: int,
        limit: int,
    ) -> Result:
        """Rank entities matching ``text`` and every facet filter; count facets over all.

        No words and no filters give nothing: an empty search is not a listing.
        """
        query = fold(text)
        if not query and not any(filters.values()):
            return Result(0, [], {name: [] for name in FACETS})
        if query:
            iris = set.intersection(*(self.candidates(token) for token in query))
        else:
            iris = set(self.entries)
        hits = []
        for iri in iris:
            entry = self.entries[iri]
            if not all(entry.facets.get(n, set()) & wanted for n, wanted in filters.items()):
                continue
            level, matched = self._best_match(entry, query, language)
            if query and not level:
                continue
            hits.append(Hit(entry, level, matched))
        hits.sort(key=lambda h: (-h.level, _sort_key(h.entry.label(language)), h.entry.iri))
        counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
        for hit in hits:
            for name in FACETS:
                counts[name].update(hit.entry.facets.get(name, ()))
        facet_counts = {
            name: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            for name, counter in counts.items()
        }
        return Result(len(hits), hits[offset : offset + limit], facet_counts)

    @staticmethod
    def _best_match(
        entry: Entry, query: tuple[str, ...], language: str
    ) -> tuple[int, Label | None]:
        best: tuple[int, int, Label | None] = (0, 0, None)
        for label in entry.labels:
            level = match_level(label.words, query)
            rank = (level, label.language in (language, ""))
            if rank > best[:2]:
                best = (*rank, label)
        return best[0], best[2]

    def name(self, iri: str, language: str) -> str:
        """A label for any IRI the data names (else the IRI's last segment)."""
        label = best_label(self.names.get(iri, []), language)
        return label.text if label else re.split(r"[/#]", iri)[-1] or iri


def _sort_key(label: Label | None) -> tuple[str, ...]:
    return label.words if label else ()


def _literal(value: str) -> str:
    return rdflib.Literal(value).n3()


def build(store: Store, base_url: str) -> SearchIndex:
    """Read labels, types and links from ``store`` (any backend) into an index."""
    id_base = f"{base_url}id/"
    prefix = _literal(id_base)
    properties = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    names: dict[str, list[tuple[int, Label]]] = defaultdict(list)
    label_rows = store.select(
        f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?l "
        "FILTER(isIRI(?s) && isLiteral(?l)) }"
    )
    for row in label_rows:
        literal = row["l"]
        assert isinstance(literal, rdflib.Literal)
        label = Label(str(literal), literal.language or "", fold(str(literal)))
        names[str(row["s"])].append((LABEL_PROPERTIES.index(str(row["p"])), label))
    ordered = {iri: _dedupe(sorted(found, key=lambda pl: pl[0])) for iri, found in names.items()}
    entries = {
        iri: Entry(iri, labels) for iri, labels in ordered.items() if iri.startswith(id_base)
    }
    for row in store.select(
        "SELECT DISTINCT ?s ?t WHERE { ?s a ?t "
        f"FILTER(isIRI(?t) && STRSTARTS(STR(?s), {prefix})) }}"
    ):
        entry = entries.get(str(row["s"]))
        if entry:
            entry.types.add(str(row["t"]))
            entry.facets["type"].add(str(row["t"]))
    links = store.select(
        "SELECT DISTINCT ?s ?o WHERE { { ?s ?p ?o } "
        "UNION { ?s ?p ?b . ?b ?q ?o FILTER(isBlank(?b)) }"
        f" FILTER(isIRI(?o) && ?p != <{RDF_TYPE}> && STRSTARTS(STR(?s), {prefix})"
        f" && STRSTARTS(STR(?o), {prefix})) }}"
    )
    kinds = {kind: f"{base_url}id/{kind}/" for kind in FACETS.values() if kind}
    pairs = [(str(r["s"]), str(r["o"])) for r in links]
    pairs += [(iri, iri) for iri in entries]  # a thing is its own facet value
    for name, kind in FACETS.items():
        if kind is None:
            continue
        for one, other in pairs:
            for entry_iri, value in ((one, other), (other, one)):
                if value.startswith(kinds[kind]) and entry_iri in entries:
                    entries[entry_iri].facets[name].add(value)
    return SearchIndex(entries, ordered)


def _dedupe(found: Iterable[tuple[int, Label]]) -> list[Label]:
    seen: set[tuple[str, str]] = set()
    labels = []
    for _, label in found:
        if (label.text, label.language) not in seen:
            seen.add((label.text, label.language))
            labels.append(label)
    return labels


class IndexCache:
    """One index per data version: a reload (on any backend) gets a fresh index."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._index: SearchIndex | None = None

    def get(self, store: Store, base_url: str, version: str) -> SearchIndex:
        with self._lock:
            if self._index is None or self._version != version:
                self._index, self._version = build(store, base_url), version
            return self._index
