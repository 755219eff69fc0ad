"""SHACL validation as publishing runs it, fast enough for a million triples.

:func:`validate_store` runs the SPARQL parts of the shapes on pyoxigraph
(:mod:`publisher.validation.sparql`) and the core constraints on pyshacl-turbo
(:mod:`publisher.validation.core`): the answers of the reference engine
(:mod:`publisher.validation.reference`, pyshacl on rdflib) in seconds instead of
hours. ``tests/validation/test_shacl_parity.py`` keeps the two from drifting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from publisher.graph import progress
from publisher.graph.sources import Dataset, load
from publisher.rdf.labels import LABEL_PREDICATES, preferred
from publisher.validation.reference import REPORT_LANGUAGES
from publisher.validation.report import Report, Result, sort_results

if TYPE_CHECKING:
    from publisher.validation.cache import ValidationCache

_P = {
    name: str(SH[name])
    for name in (
        "conforms",
        "result",
        "focusNode",
        "resultSeverity",
        "resultMessage",
        "value",
        "sourceShape",
        "resultPath",
        "alternativePath",
        "inversePath",
    )
} | {"first": str(RDF.first), "rest": str(RDF.rest), "nil": str(RDF.nil)}


class _Index:
    """A report's triples by subject, for reading results without rdflib."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict[
            object, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]
        ] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(
                t.object  # type: ignore[arg-type]
            )

    def all(self, node: object, name: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """The values of ``node``'s property ``name`` (a key of ``_P``)."""
        return self.by_subject.get(node, {}).get(_P[name], [])

    def one(self, node: object, name: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        values = self.all(node, name)
        return values[0] if values else None

    def items(self, head: object) -> list[object]:
        found: list[object] = []
        while isinstance(head, ox.BlankNode):
            first = self.one(head, "first")
            if first is None:
                break
            found.append(first)
            head = self.one(head, "rest")
        return found

    def path_text(self, path: object) -> str | None:
        """As :func:`publisher.validation.reference.path_text`, over the index."""
        if path is None:
            return None
        if isinstance(path, ox.BlankNode):
            alternatives = self.one(path, "alternativePath")
            if alternatives is not None:
                return " | ".join(_ox_text(i) for i in self.items(alternatives))
            inverse = self.one(path, "inversePath")
            if inverse is not None:
                return f"^{_ox_text(inverse)}"
            if self.one(path, "first") is not None:
                return " / ".join(_ox_text(i) for i in self.items(path))
        return _ox_text(path)


def _ox_text(node: object) -> str:
    if isinstance(node, ox.BlankNode):
        return "[blank node]"
    return str(getattr(node, "value", node))


def _store_label(store: ox.Store, graphs: list[ox.NamedNode], node: object) -> str | None:
    """As the reference engine labels focus nodes, read from the store (the data never
    goes through rdflib)."""
    if not isinstance(node, ox.NamedNode | ox.BlankNode):
        return None
    values = [
        quad.object
        for prop in LABEL_PREDICATES
        for graph in graphs
        for quad in store.quads_for_pattern(node, ox.NamedNode(str(prop)), None, graph)
        if isinstance(quad.object, ox.Literal)
    ]
    found = preferred(values, REPORT_LANGUAGES, lambda value: value.language or "")
    return None if found is None else found.value


def _results_of(triples: list[ox.Triple], label: Callable[[object], str | None]) -> list[Result]:
    """The top-level results of a report given as triples."""
    index = _Index(triples)
    found = []
    for report in [t.subject for t in triples if t.predicate.value == _P["conforms"]]:
        for node in index.all(report, "result"):
            focus = index.one(node, "focusNode")
            severity = index.one(node, "resultSeverity")
            messages = [m.value for m in index.all(node, "resultMessage")]
            value = index.one(node, "value")
            shape = index.one(node, "sourceShape")
            found.append(
                Result(
                    severity=severity.value.rsplit("#", 1)[-1] if severity else "Violation",
                    focus_node=_ox_text(focus) if focus is not None else "",
                    focus_label=label(focus) if focus is not None else None,
                    path=index.path_text(index.one(node, "resultPath")),
                    value=_ox_text(value) if value is not None else None,
                    message="; ".join(sorted(messages)) or "constraint not met",
                    source_shape=_ox_text(shape) if shape is not None else "",
                )
            )
    return found


def validate_store(
    store: ox.Store,
    graphs: list[ox.NamedNode],
    shapes: rdflib.Graph,
    data_ntriples: bytes | None = None,
) -> Report:
    """Validate the union of ``graphs`` in ``store`` against ``shapes``, as :func:`validate`
    would (no inference, SHACL-SPARQL on), but fast: see the module docstring.

    :param data_ntriples: the same graphs as N-Triples, if the caller has them.
    """
    from publisher.validation import core as shacl_core
    from publisher.validation import plan as shacl_plan
    from publisher.validation import sparql as shacl_sparql

    plan = shacl_plan.plan(shapes)
    if data_ntriples is None:
        data_ntriples = b"".join(
            store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in graphs
        )
    with progress.current().stage("checking shapes", total=plan.steps + 1, unit="steps") as step:
        wait = plan.core_needs_targets
        selected = shacl_sparql.run_targets(plan, store, graphs, step) if wait else {}
        # Both engines release the GIL: the core constraints run beside the SPARQL ones.
        with ThreadPoolExecutor(max_workers=1) as pool:
            core = pool.submit(shacl_core.validate, data_ntriples, plan.core)
            if not wait:
                selected = shacl_sparql.run_targets(plan, store, graphs, step, into_core=False)
            found = shacl_sparql.run_constraints(plan, store, graphs, shapes, selected, step)
            conforms, triples = core.result()
        step(1)
    del data_ntriples
    triples = _merge(triples, found)
    conforms = conforms and not any(r.severity == SH.Violation for r in found)
    labels: dict[object, str | None] = {}

    def label(node: object) -> str | None:
        if node not in labels:
            labels[node] = _store_label(store, graphs, node)
        return labels[node]

    results = _results_of(triples, label)
    _set_conforms(triples, conforms)
    source = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Report(conforms=conforms, results=sort_results(results), source=source)


def _merge(triples: list[ox.Triple], found: Sequence[object]) -> list[ox.Triple]:
    """The core engine's report triples plus the SPARQL constraints' results."""
    from publisher.graph.sources import to_ox
    from publisher.validation.sparql import SparqlResult

    report = next(t.subject for t in triples if t.predicate.value == str(SH.conforms))

    def iri(term: rdflib.URIRef) -> ox.NamedNode:
        return ox.NamedNode(str(term))

    for result in found:
        assert isinstance(result, SparqlResult)
        node = ox.BlankNode()
        add = [
            (iri(RDF.type), iri(SH.ValidationResult)),
            (iri(SH.focusNode), to_ox(result.focus)),
            (iri(SH.resultSeverity), to_ox(result.severity)),
            (iri(SH.sourceShape), to_ox(result.shape)),
            (iri(SH.sourceConstraint), to_ox(result.constraint)),
            (iri(SH.sourceConstraintComponent), iri(SH.SPARQLConstraintComponent)),
        ]
        if result.path is not None:
            add.append((iri(SH.resultPath), to_ox(result.path)))
        if result.value is not None:
            add.append((iri(SH.value), to_ox(result.value)))
        add.extend((iri(SH.resultMessage), to_ox(m)) for m in result.messages)
        triples.append(ox.Triple(report, iri(SH.result), node))
        triples.extend(ox.Triple(node, p, o) for p, o in add)
    return triples


def _set_conforms(triples: list[ox.Triple], conforms: bool) -> None:
    for i, t in enumerate(triples):
        if t.predicate.value == str(SH.conforms):
            triples[i] = ox.Triple(
                t.subject,
                t.predicate,
                ox.Literal(
                    str(conforms).lower(),
                    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
                ),
            )


def shapes_of(
    dataset: Dataset, fallback_shapes: Sequence[Path] = ()
) -> tuple[rdflib.Graph, tuple[Path, ...]]:
    """The shapes a dataset is validated against, and the fallback files if they were used."""
    shapes = dataset.rdflib_graph("shapes")
    if not len(shapes) and fallback_shapes:
        return load(fallback_shapes, dataset.base_url).rdflib_graph("shapes"), tuple(
            fallback_shapes
        )
    return shapes, ()


def validate_dataset(
    dataset: Dataset,
    fallback_shapes: Sequence[Path] = (),
    cache: ValidationCache | None = None,
) -> Report:
    """Validate a dataset's ontology and data against its own shapes.

    Third-party data that brings no shapes is checked against ``fallback_shapes``
    (the project's own) instead. With a ``cache``, a dataset whose files and
    shapes did not change since a previous run gets that run's report back.
    """
    with progress.use(progress.Progress()):  # fallback shapes load silently
        shapes, extra = shapes_of(dataset, fallback_shapes)
    key = cache.key(dataset, extra) if cache is not None else None
    if cache is not None and key is not None:
        cached = cache.get(key)
        if cached is not None:
            progress.current().note(
                "SHACL: unchanged files, validation result taken from the cache"
            )
            return cached
    graphs = dataset.graph_names("ontology", "data")
    report = validate_store(dataset.store(), graphs, shapes)
    if cache is not None and key is not None:
        cache.put(key, report)
        # The cached copy reads the report's triples from disk only when asked.
        report = cache.get(key) or report
    return report
