"""Labels of things in a language, from whatever a graph holds about them.

Pages are French and English; the data labels most things in both, but not
everything (names of organisations are untagged, external IRIs have none), so
a label falls back from the asked language to untagged text, to any language,
and finally to the end of the IRI.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> ct = URIRef("http://x/id/modality/ct")
>>> _ = g.add((ct, RDFS.label, Literal("scanner", lang="fr")))
>>> label(g, ct, "en"), label(g, ct, "fr"), label(g, URIRef("http://x/a#Thing"), "fr")
('scanner', 'scanner', 'Thing')
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from publisher.queries import iri_term
from publisher.store.base import Store

SCHEMA_NAME = URIRef("https://schema.org/name")

#: Predicates naming a thing, best first.
LABEL_PREDICATES: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label, SCHEMA_NAME)


def pick(literals: Iterable[Node], lang: str) -> Literal | None:
    """The literal best suited to ``lang``: tagged ``lang``, untagged, then any.

    >>> pick([Literal("a", lang="en"), Literal("b")], "fr")
    rdflib.term.Literal('b')
    """
    ranked: list[tuple[int, str, Literal]] = []
    for value in literals:
        if not isinstance(value, Literal):
            continue
        tag = (value.language or "").lower()
        rank = 0 if tag == lang or tag.startswith(lang + "-") else 1 if not tag else 2
        ranked.append((rank, str(value), value))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None


def find_label(graph: Graph, node: Node, lang: str) -> Literal | None:
    """The best label ``graph`` gives ``node`` in ``lang``, or ``None``."""
    for predicate in LABEL_PREDICATES:
        found = pick(graph.objects(node, predicate), lang)
        if found is not None:
            return found
    return None


def local_name(iri: str) -> str:
    """The readable end of an IRI, for things nobody labelled.

    >>> local_name("https://schema.org/MedicalClinic"), local_name("http://x/id/town/frejus")
    ('MedicalClinic', 'frejus')
    """
    tail = iri.rstrip("/#")
    for separator in ("#", "/"):
        if separator in tail:
            tail = tail.rsplit(separator, 1)[1]
    return tail or iri


def label(graph: Graph, node: Node, lang: str) -> str:
    """A human label for ``node`` in ``lang``, never empty."""
    found = find_label(graph, node, lang)
    if found is not None:
        return str(found)
    if isinstance(node, Literal):
        return str(node)
    return local_name(str(node))


def fetch_labels(store: Store, things: Iterable[Node]) -> Graph:
    """The labels a store holds for ``things`` (predicates, classes), as a graph."""
    iris = sorted({str(t) for t in things if isinstance(t, URIRef)})
    graph = Graph()
    if not iris:
        return graph
    values = " ".join(iri_term(iri) for iri in iris)
    predicates = " ".join(iri_term(str(p)) for p in LABEL_PREDICATES)
    query = (
        f"CONSTRUCT {{ ?thing ?p ?label }} WHERE {{ VALUES ?thing {{ {values} }} "
        f"VALUES ?p {{ {predicates} }} ?thing ?p ?label }}"
    )
    return store.construct(query)
