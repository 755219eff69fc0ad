"""The ontology's own vocabulary: its namespace, the terms it declares, its concepts.

The documentation page, the diagram, ``publisher diff`` and the lint all read
the ontology through these, so the web layer needs no developer tool to do it.
"""

from __future__ import annotations

from collections import defaultdict

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

SCHEMA = "https://schema.org/"
TERM_TYPES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
CLASS_TYPES = (OWL.Class, RDFS.Class)
LABELS = (RDFS.label, SKOS.prefLabel)
NOTES = (SKOS.editorialNote, SKOS.note, SKOS.scopeNote, RDFS.comment)


def rim(base_url: str) -> str:
    """The ontology's namespace under ``base_url``."""
    return f"{base_url}ontology#"


def declared_terms(
    ontology: rdflib.Graph, namespace: str
) -> dict[rdflib.URIRef, set[rdflib.URIRef]]:
    """Terms the ontology declares in ``namespace``, with their declared types."""
    terms: dict[rdflib.URIRef, set[rdflib.URIRef]] = defaultdict(set)
    for kind in TERM_TYPES:
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, rdflib.URIRef) and str(term).startswith(namespace):
                terms[term].add(kind)
    return dict(terms)


def concepts(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """Every IRI typed ``skos:Concept``."""
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, rdflib.URIRef)}
