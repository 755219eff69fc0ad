"""The reference SHACL engine: pyshacl on rdflib graphs, as the project always validated.

Too slow to publish with (hours at a million triples), it is what the fast engine
of :mod:`publisher.validation.shapes` is compared against
(``tests/validation/test_shacl_parity.py``) and what small tests use.
"""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from publisher.rdf.labels import LABEL_PREDICATES, preferred
from publisher.validation.report import Report, Result, sort_results

#: Reports are read in English first; a focus node labelled in neither falls back to any.
REPORT_LANGUAGES = ("en", "fr", "")


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    values = [
        value
        for prop in LABEL_PREDICATES
        for value in graph.objects(node, prop)
        if isinstance(value, rdflib.Literal)
    ]
    found = preferred(values, REPORT_LANGUAGES, lambda value: value.language or "")
    return None if found is None else str(found)


def _text(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return "[blank node]"
    return str(node)


def path_text(report: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A readable SHACL path: IRI, ``a / b`` for sequences, ``a | b`` for alternatives."""
    if path is None:
        return None
    if isinstance(path, rdflib.BNode):
        alternatives = report.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(str(i) for i in Collection(report, alternatives))
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        if report.value(path, RDF.first) is not None:
            return " / ".join(str(i) for i in Collection(report, path))
    return _text(path)


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> Report:
    """Validate ``data`` against ``shapes`` (no inference; SHACL-SPARQL enabled)."""
    from pyshacl import validate as pyshacl_validate  # half a second to import: only here

    conforms, report_graph, _ = pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    results = []
    # Top-level results only: pyshacl also types the nested sh:detail results of sh:node.
    for node in report_graph.objects(None, SH.result):
        focus = report_graph.value(node, SH.focusNode)
        severity = report_graph.value(node, SH.resultSeverity)
        messages = [str(m) for m in report_graph.objects(node, SH.resultMessage)]
        results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus_node=_text(focus) or "",
                focus_label=_label(data, focus) if focus is not None else None,
                path=path_text(report_graph, report_graph.value(node, SH.resultPath)),
                value=_text(report_graph.value(node, SH.value)),
                message="; ".join(sorted(messages)) or "constraint not met",
                source_shape=_text(report_graph.value(node, SH.sourceShape)) or "",
            )
        )
    return Report(conforms=bool(conforms), results=sort_results(results), source=report_graph)
