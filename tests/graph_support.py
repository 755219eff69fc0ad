"""Helpers for the knowledge-graph tests: the shipped files, IRIs, single shapes.

Validation itself is the publisher's own (:func:`publisher.validation.shapes.validate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

from publisher.validation.reference import validate as validate
from publisher.validation.report import Report as Report

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
BASE_URL = "http://127.0.0.1:8080/"
SOURCE_PAGE = REPO / "data" / "source" / "interventional-radiology-page.fr.txt"
SHARED_SEED = REPO.parent / "shared" / "seed" / "interventional-radiology-page.fr.txt"
SCHEMAORG = TESTS / "data" / "schemaorg-current-https.ttl"

SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")


def rim(base_url: str = BASE_URL) -> rdflib.Namespace:
    """The project ontology namespace under a base URL."""
    return rdflib.Namespace(f"{base_url}ontology#")


def turtle_files(*folders: str) -> list[Path]:
    """The shipped Turtle files of some top-level folders, in a stable order."""
    return sorted(p for folder in folders for p in (REPO / folder).glob("*.ttl"))


def load_graph(paths: Iterable[Path], base_url: str = BASE_URL) -> rdflib.Graph:
    """Parse Turtle files into one graph, relative IRIs resolved against ``base_url``."""
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle", publicID=base_url)
    return graph


def iri(relative: str, base_url: str = BASE_URL) -> rdflib.URIRef:
    """A project IRI from its relative form, e.g. ``id/centre/frejus``."""
    return rdflib.URIRef(base_url + relative)


def shape_subgraph(shapes: rdflib.Graph, shape: rdflib.URIRef) -> rdflib.Graph:
    """One named shape with everything it needs (blank nodes, lists, SPARQL prefixes)."""
    sub = rdflib.Graph()
    todo: list[rdflib.term.Node] = [shape]
    seen: set[rdflib.term.Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            sub.add((node, predicate, value))
            if isinstance(value, rdflib.BNode) or predicate == SH.prefixes:
                todo.append(value)
    return sub


def named_shapes(shapes: rdflib.Graph) -> list[rdflib.URIRef]:
    """Every shape given an IRI (the shapes people name, read and test)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    return sorted(s for s in found if isinstance(s, rdflib.URIRef))


def shape_message(shapes: rdflib.Graph, shape: rdflib.URIRef) -> str:
    """The sh:message a named shape reports (on the shape itself)."""
    messages = [str(m) for m in shapes.objects(shape, SH.message)]
    assert len(messages) == 1, f"{shape} must have exactly one sh:message"
    return messages[0]
