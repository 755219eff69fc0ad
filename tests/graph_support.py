"""Helpers for the knowledge-graph tests: load the Turtle files, validate with SHACL.

They mirror the lead's API (``publisher.sources.load`` and ``publisher.shapes.validate``)
with rdflib and pyshacl directly, so the graph tests run without the package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

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


@dataclass(frozen=True)
class Result:
    """One SHACL result (same fields as ``publisher.shapes.Result`` that tests use)."""

    severity: str
    focus_node: str
    path: str | None
    message: str
    source_shape: str


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Result, ...]

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")


def path_text(graph: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A readable SHACL path: IRI, ``a / b`` for sequences, ``a | b`` for alternatives."""
    if path is None:
        return None
    if isinstance(path, rdflib.BNode):
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(str(i) for i in Collection(graph, alternatives))
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        return " / ".join(str(i) for i in Collection(graph, path))
    return str(path)


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> Report:
    """SHACL validation as the publisher runs it: no inference, SHACL-SPARQL on."""
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert isinstance(report, rdflib.Graph)
    results = []
    # Top-level results only: pyshacl also types the nested sh:detail results of sh:node.
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1],
                focus_node=str(report.value(node, SH.focusNode)),
                path=path_text(report, report.value(node, SH.resultPath)),
                message="; ".join(messages),
                source_shape=str(report.value(node, SH.sourceShape)),
            )
        )
    return Report(conforms=bool(conforms), results=tuple(results))


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
