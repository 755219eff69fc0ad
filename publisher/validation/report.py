"""A SHACL validation's outcome as we print, cache and test it, whichever engine ran.

The engines (:mod:`publisher.validation.reference`, :mod:`publisher.validation.shapes`)
produce a :class:`Report`; the cache (:mod:`publisher.validation.cache`) keeps one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from publisher.graph.sources import to_rdflib

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
    """The outcome of one validation run.

    ``source`` is the SHACL validation report: an rdflib graph, its N-Triples, or
    a function that reads them (a cached report), parsed into :attr:`graph` only
    when someone asks, e.g. ``--format turtle``.
    """

    conforms: bool
    results: tuple[Result, ...]
    source: rdflib.Graph | bytes | Callable[[], bytes]

    @cached_property
    def graph(self) -> rdflib.Graph:
        """The SHACL validation report as an rdflib graph."""
        if isinstance(self.source, rdflib.Graph):
            return self.source
        graph = rdflib.Graph()
        graph.bind("sh", SH)
        for triple in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES):
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    @property
    def ntriples(self) -> bytes:
        """The validation report as N-Triples (what the cache keeps)."""
        if isinstance(self.source, bytes):
            return self.source
        if isinstance(self.source, rdflib.Graph):
            return self.source.serialize(format="nt", encoding="utf-8")
        return self.source()

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


def sort_results(results: Iterable[Result]) -> tuple[Result, ...]:
    """Violations first, then by shape, focus node and path: a stable, readable order."""
    return tuple(
        sorted(
            results,
            key=lambda r: (
                SEVERITY_ORDER.get(r.severity, 9),
                r.source_shape,
                r.focus_node,
                r.path or "",
            ),
        )
    )
