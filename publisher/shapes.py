"""SHACL validation: pyshacl underneath, a small report we can print and test."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS

from publisher.sources import Dataset, load

_SCHEMA_NAME = rdflib.URIRef("https://schema.org/name")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Result:
    """One SHACL result, with the focus node's label for people."""

    severity: str
    focus_node: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    source_shape: str


@dataclass(frozen=True)
class Report:
    """The outcome of one validation run."""

    conforms: bool
    results: tuple[Result, ...]
    graph: rdflib.Graph

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity != "Violation")

    def passes(self, strict: bool = False) -> bool:
        """True when publishable: no violations (nor warnings when ``strict``)."""
        return not (self.results if strict else self.violations)

    def to_json(self) -> str:
        return json.dumps(
            {"conforms": self.conforms, "results": [asdict(r) for r in self.results]},
            ensure_ascii=False,
            indent=2,
        )

    def to_text(self) -> str:
        """Results grouped by severity then shape, readable in a terminal."""
        if not self.results:
            return "The data conforms to the shapes: no violation, no warning."
        lines = [
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)",
        ]
        current: tuple[str, str] | None = None
        for r in self.results:
            if (r.severity, r.source_shape) != current:
                current = (r.severity, r.source_shape)
                lines.append(f"\n{r.severity.upper()}  {r.source_shape}")
            label = f" ({r.focus_label})" if r.focus_label else ""
            lines.append(f"  - {r.focus_node}{label}")
            if r.path:
                lines.append(f"      path:    {r.path}")
            if r.value:
                lines.append(f"      value:   {r.value}")
            lines.append(f"      message: {r.message}")
        return "\n".join(lines)


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    labels: dict[str, str] = {}
    for prop in (SKOS.prefLabel, RDFS.label, _SCHEMA_NAME):
        for value in graph.objects(node, prop):
            if isinstance(value, rdflib.Literal):
                labels.setdefault(value.language or "", str(value))
    for lang in ("en", "fr", ""):
        if lang in labels:
            return labels[lang]
    return next(iter(labels.values()), None)  # no English or French label


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
    results.sort(
        key=lambda r: (
            SEVERITY_ORDER.get(r.severity, 9),
            r.source_shape,
            r.focus_node,
            r.path or "",
        )
    )
    return Report(conforms=bool(conforms), results=tuple(results), graph=report_graph)


def validate_dataset(dataset: Dataset, fallback_shapes: Sequence[Path] = ()) -> Report:
    """Validate a dataset's ontology and data against its own shapes.

    Third-party data that brings no shapes is checked against ``fallback_shapes``
    (the project's own) instead.
    """
    shapes = dataset.rdflib_graph("shapes")
    if not len(shapes) and fallback_shapes:
        shapes = load(fallback_shapes, dataset.base_url).rdflib_graph("shapes")
    return validate(dataset.rdflib_graph("ontology", "data"), shapes)
