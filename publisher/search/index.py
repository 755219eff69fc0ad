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

import csv
import heapq
import io
import re
import sys
import threading
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import rdflib

from publisher.rdf.formats import RESULTS, by_token
from publisher.rdf.labels import preferred
from publisher.search.relations import FACET_RELATIONS, pairs_query
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
_NONE: frozenset[str] = frozenset()
_SCHEMA, _SKOS, _PROV = (
    "https://schema.org/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/prov#",
)
LANGUAGE_INDEX = {"fr": 0, "en": 1}
#: (fr, en) labels of the other vocabularies' types the data uses without labelling them.
TYPE_LABELS: dict[str, tuple[str, str]] = {
    _SKOS + "Concept": ("concept", "concept"),
    _SKOS + "ConceptScheme": ("schéma de concepts", "concept scheme"),
    _PROV + "Entity": ("entité (provenance)", "entity (provenance)"),
    _PROV + "Activity": ("activité (provenance)", "activity (provenance)"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement": ("énoncé", "statement"),
    _SCHEMA + "MedicalClinic": ("clinique", "medical clinic"),
    _SCHEMA + "MedicalOrganization": ("organisation médicale", "medical organization"),
    _SCHEMA + "Organization": ("organisation", "organization"),
    _SCHEMA + "MedicalSpecialty": ("spécialité médicale", "medical specialty"),
    _SCHEMA + "MedicalImagingTechnique": ("technique d’imagerie", "medical imaging technique"),
    _SCHEMA + "MedicalProcedure": ("acte médical", "medical procedure"),
    _SCHEMA + "DiagnosticProcedure": ("acte diagnostique", "diagnostic procedure"),
    _SCHEMA + "TherapeuticProcedure": ("acte thérapeutique", "therapeutic procedure"),
    _SCHEMA + "SurgicalProcedure": ("acte chirurgical", "surgical procedure"),
    _SCHEMA + "MedicalTherapy": ("traitement", "medical therapy"),
    _SCHEMA + "City": ("ville", "city"),
    _SCHEMA + "Country": ("pays", "country"),
    _SCHEMA + "Observation": ("observation", "observation"),
    _SCHEMA + "QuantitativeValue": ("valeur chiffrée", "quantitative value"),
    _SCHEMA + "MedicalWebPage": ("page web médicale", "medical web page"),
    _SCHEMA + "VideoObject": ("vidéo", "video"),
    _SCHEMA + "CreativeWork": ("œuvre", "creative work"),
}
CSV_RESULTS = by_token("csv", RESULTS) or RESULTS[2]
#: How many values of each facet a result lists (chosen values are always listed).
FACET_VALUES = 20
#: How a label matched, best first.
EXACT, PREFIX, WORD = 3, 2, 1

_WORD = re.compile(r"\w+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> tuple[str, ...]:
    """The words of ``text``, lower-cased and without accents.

    >>> fold("Saint-Raphaël, l’IRM")
    ('saint', 'raphael', 'l', 'irm')
    """
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return tuple(sys.intern(word) for word in _WORD.findall(text.casefold()))


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
    if label[: len(query) - 1] == query[:-1] and len(label) >= len(query):
        if label[len(query) - 1].startswith(query[-1]):
            return PREFIX
    if all(any(word.startswith(token) for word in label) for token in query):
        return WORD
    return 0


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    language: str  # "" when untagged
    words: tuple[str, ...]


@dataclass(slots=True)
class Entry:
    """One searchable thing: its labels, types and facet values."""

    iri: str
    labels: list[Label] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    facets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    shown: dict[str, Label | None] = field(default_factory=dict)

    def label(self, language: str) -> Label | None:
        """The label to show in ``language``, falling back to untagged then any."""
        if language not in self.shown:
            self.shown[language] = best_label(self.labels, language)
        return self.shown[language]


def best_label(labels: list[Label], language: str) -> Label | None:
    """Labels come ordered by property preference; pick by language first."""
    return preferred(labels, (language, ""), lambda label: label.language)


@dataclass(frozen=True, slots=True)
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
        self._named: dict[tuple[str, ...], set[str]] | None = None

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
        wanted = [(name, values) for name, values in filters.items() if values]
        for iri in iris:
            entry = self.entries[iri]
            if wanted and not all(entry.facets.get(n, _NONE) & v for n, v in wanted):
                continue
            level, matched = self._best_match(entry, query, language) if query else (0, None)
            if query and not level:
                continue
            hits.append(Hit(entry, level, matched))
        hits.sort(key=lambda h: (-h.level, _sort_key(h.entry.label(language)), h.entry.iri))
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for hit in hits:
            for name, values in hit.entry.facets.items():
                counter = counts[name]
                for value in values:
                    counter[value] = counter.get(value, 0) + 1
        facet_counts = {
            name: _top(counter, filters.get(name, _NONE)) for name, counter in counts.items()
        }
        return Result(len(hits), hits[offset : offset + limit], facet_counts)

    @staticmethod
    def _best_match(
        entry: Entry, query: tuple[str, ...], language: str
    ) -> tuple[int, Label | None]:
        """The best level over the entry's labels; ties go to the asked language."""
        best_level, best_score, best = 0, 0, None
        single = query[0] if len(query) == 1 else None
        for label in entry.labels:
            words = label.words
            if single is not None:  # the common case, without the general function's cost
                if not words:
                    level = 0
                elif words[0].startswith(single):
                    level = EXACT if len(words) == 1 and words[0] == single else PREFIX
                else:
                    level = WORD if any(w.startswith(single) for w in words) else 0
            else:
                level = match_level(words, query)
            score = 2 * level + (label.language == language or not label.language)
            if score > best_score:
                best_level, best_score, best = level, score, label
                if level == EXACT and score & 1:
                    break
        return best_level, best

    def name(self, iri: str, language: str) -> str:
        """A label for any IRI the data names (else one made from the IRI)."""
        return self.label(iri, language).text

    def label(self, iri: str, language: str) -> Label:
        """The label of any IRI in ``language`` if it has one; its ``language`` says which.

        Terms of other vocabularies the data does not label (``skos:Concept``,
        ``schema:MedicalClinic``) get :data:`TYPE_LABELS`, else their local name
        in words, untagged.
        """
        found = best_label(self.names.get(iri, []), language)
        if found is not None and (found.language in (language, "") or iri not in TYPE_LABELS):
            return found
        if iri in TYPE_LABELS:
            text = TYPE_LABELS[iri][LANGUAGE_INDEX.get(language, 1)]
            return Label(text, language, fold(text))
        local = re.split(r"[/#]", iri)[-1] or iri
        text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local)
        text = text[:1] + text[1:].lower()
        return Label(text, "", fold(text))

    def values(self, name: str, base_url: str) -> list[str]:
        """Every IRI facet ``name`` can take: the things of its kind, or the types in use."""
        kind = FACETS[name]
        if kind is None:
            return sorted({t for entry in self.entries.values() for t in entry.types})
        return self.things(kind, base_url)

    def things(self, kind: str, base_url: str) -> list[str]:
        """Every labelled thing under ``{base}id/{kind}/``."""
        namespace = f"{base_url}id/{kind}/"
        return sorted(iri for iri in self.entries if iri.startswith(namespace))

    def resolve(self, value: str, candidates: list[str]) -> list[str]:
        """The candidates ``value`` names, as a person writes it: the IRI, the slug or
        local name, or a label in French or English, in any case, with or without accents.

        >>> idx = SearchIndex({}, {"http://h/id/town/frejus": [Label("Fréjus", "fr", ("frejus",))]})
        >>> idx.resolve("FREJUS", ["http://h/id/town/frejus"]), idx.resolve("x", [])
        (['http://h/id/town/frejus'], [])
        """
        if value in candidates:
            return [value]
        named = self.spellings().get(fold(value), _NONE)
        return [iri for iri in candidates if iri in named]

    def spellings(self) -> dict[tuple[str, ...], set[str]]:
        """Folded local name or label → the IRIs it names (built with the index)."""
        if self._named is None:
            named: dict[tuple[str, ...], set[str]] = defaultdict(set)
            types = {t for entry in self.entries.values() for t in entry.types}
            for iri in {*self.names, *types}:
                named[fold(re.split(r"[/#]", iri)[-1])].add(iri)
                for label in self.names.get(iri, []):
                    named[label.words].add(iri)
                for language in LANGUAGE_INDEX:
                    named[self.label(iri, language).words].add(iri)
            self._named = dict(named)
        return self._named


def _top(counter: dict[str, int], chosen: frozenset[str] | set[str]) -> list[tuple[str, int]]:
    """The most frequent facet values (and every chosen one), most frequent first."""
    top = heapq.nsmallest(FACET_VALUES, counter.items(), key=lambda kv: (-kv[1], kv[0]))
    extra = [(value, counter.get(value, 0)) for value in chosen if value not in dict(top)]
    return top + sorted(extra)


def _sort_key(label: Label | None) -> tuple[str, ...]:
    return label.words if label else ()


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
