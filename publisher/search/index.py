"""A text index over the published labels, and the search over it.

Labels (``skos:prefLabel``, ``skos:altLabel``, ``schema:name``, ``rdfs:label``)
are folded (:mod:`publisher.search.words`) and split into words; a sorted word
list answers prefix look-ups by bisection, so a search costs a few set operations
instead of a scan of every literal. Facets come from the links between entities,
read with the labels (:mod:`publisher.search.build`).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from publisher.rdf.labels import preferred
from publisher.search.words import EXACT, PREFIX, WORD, fold, match_level

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
#: How many values of each facet a result lists (chosen values are always listed).
FACET_VALUES = 20


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
