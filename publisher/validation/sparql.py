"""The SPARQL side of SHACL run where the data already is: pyoxigraph.

rdflib evaluates a SHACL-SPARQL query once per focus node, and its
``FILTER NOT EXISTS``/``MINUS`` loop is what made validation take hours at a
million triples (issue 11). pyoxigraph answers the same query for every focus
node at once in about a second. This module does only that part, for any
shapes graph:

* a SPARQL-based target (``sh:target [ sh:select … ]``) is run once and
  replaced, in the shapes handed to the core engine, by ``sh:targetNode`` for
  each node it selected;
* a SPARQL-based constraint (``sh:sparql [ sh:select … ]``) of a top-level node
  shape is run once with ``$this`` unbound, and its solutions are kept for the
  shape's focus nodes. That is the same as pre-binding ``$this`` (SHACL 5.3.1)
  whenever every solution of the query's top-level pattern binds ``$this``,
  which :func:`~publisher.validation.plan.binds_this` checks on rdflib's
  algebra; other queries are run once per focus node with ``$this``
  substituted, which is exactly pre-binding.

Everything else (core constraints, SPARQL constraints of nested or property
shapes, custom constraint components) stays in the shapes the core engine
gets, so nothing of SHACL is re-implemented here beyond target selection and
the mapping of solutions to results (SHACL 5.3.2), matched to pyshacl's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from publisher.graph.sources import to_ox, to_rdflib
from publisher.validation.plan import Constraint, Plan, binds_this


@dataclass(frozen=True)
class SparqlResult:
    """One solution of a SPARQL constraint, mapped to SHACL result fields (rdflib terms)."""

    shape: rdflib.term.Node
    constraint: rdflib.term.Node
    severity: rdflib.term.Node
    focus: rdflib.term.Node
    path: rdflib.term.Node | None
    value: rdflib.term.Node | None
    messages: tuple[rdflib.Literal, ...]


def focus_nodes(
    store: ox.Store,
    graphs: list[ox.NamedNode],
    shapes: rdflib.Graph,
    shape: rdflib.term.Node,
    selected: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal],
) -> set[ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The focus nodes of a shape (SHACL 2.1.3): its declared targets, plus ``selected``
    (what its SPARQL targets chose)."""
    found: set[ox.NamedNode | ox.BlankNode | ox.Literal] = set(selected)
    patterns = []
    for node in shapes.objects(shape, SH.targetNode):
        found.add(to_ox(node))
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.append(shape)
    for cls in classes:
        patterns.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}>")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this <{prop}> []")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        patterns.append(f"[] <{prop}> ?this")
    if patterns:
        union = " UNION ".join("{ " + p + " }" for p in patterns)
        for row in _select(store, graphs, f"SELECT DISTINCT ?this WHERE {{ {union} }}", {}):
            if row["this"] is not None:
                found.add(row["this"])
    return found


def run_targets(
    plan: Plan,
    store: ox.Store,
    graphs: list[ox.NamedNode],
    step: Callable[[int], None],
    into_core: bool = True,
) -> dict[rdflib.term.Node, list[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """Run every SPARQL target; with ``into_core``, each selected node also becomes a
    ``sh:targetNode`` in the core engine's copy, so the shape's core constraints see it."""
    selected: dict[rdflib.term.Node, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for shape, queries in plan.targets.items():
        nodes = selected.setdefault(shape, [])
        for query, prefixes in queries:
            substitutions = _shape_binding(query, shape)
            for row in _select(store, graphs, query, prefixes, substitutions):
                if row["this"] is not None:
                    nodes.append(row["this"])
            step(1)
        for node in nodes if into_core else ():
            plan.core.add((shape, SH.targetNode, to_rdflib(node)))
    return selected


def run_constraints(
    plan: Plan,
    store: ox.Store,
    graphs: list[ox.NamedNode],
    shapes: rdflib.Graph,
    selected: dict[rdflib.term.Node, list[ox.NamedNode | ox.BlankNode | ox.Literal]],
    step: Callable[[int], None],
) -> list[SparqlResult]:
    """Every result of the SPARQL constraints taken out of the core engine's shapes."""
    results: list[SparqlResult] = []
    focus_cache: dict[rdflib.term.Node, set[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for constraint in plan.constraints:
        if constraint.shape not in focus_cache:
            focus_cache[constraint.shape] = focus_nodes(
                store, graphs, shapes, constraint.shape, selected.get(constraint.shape, ())
            )
        results.extend(_evaluate(constraint, store, graphs, focus_cache[constraint.shape]))
        step(1)
    return results


def _evaluate(
    constraint: Constraint,
    store: ox.Store,
    graphs: list[ox.NamedNode],
    focus: set[ox.NamedNode | ox.BlankNode | ox.Literal],
) -> Iterator[SparqlResult]:
    if not focus:
        return
    shape_binding = _shape_binding(constraint.query, constraint.shape)
    if binds_this(constraint.query, constraint.prefixes):
        rows = (
            row
            for row in _select(store, graphs, constraint.query, constraint.prefixes, shape_binding)
            if row.get("this") in focus
        )
    else:
        rows = (
            {**row, "this": node}
            for node in focus
            for row in _select(
                store,
                graphs,
                constraint.query,
                constraint.prefixes,
                {**shape_binding, ox.Variable("this"): node},
            )
        )
    seen: set[tuple[object, ...]] = set()
    failed: set[object] = set()
    for row in rows:
        this = row.get("this")
        if this is None:  # a solution that names no focus node maps to no result
            continue
        if row.get("failure") is not None:  # pyshacl: one result per focus node
            if this in failed:
                continue
            failed.add(this)
            yield _result(constraint, this, {"this": this}, None, this)
            continue
        key = tuple(sorted((k, str(v)) for k, v in row.items()))
        if key in seen:
            continue
        seen.add(key)
        path, value = row.get("path"), row.get("value")
        yield _result(constraint, this, row, path, value if value is not None else this)


def _result(
    constraint: Constraint,
    this: ox.NamedNode | ox.BlankNode | ox.Literal,
    row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None],
    path: ox.NamedNode | ox.BlankNode | ox.Literal | None,
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None,
) -> SparqlResult:
    bound = {k: v for k, v in row.items() if v is not None}
    messages = tuple(dict.fromkeys(_format(m, bound) for m in constraint.messages))
    return SparqlResult(
        shape=constraint.shape,
        constraint=constraint.node,
        severity=constraint.severity,
        focus=to_rdflib(this),
        path=to_rdflib(path) if path is not None else None,
        value=to_rdflib(value) if value is not None else None,
        messages=messages,
    )


def _format(
    message: rdflib.Literal, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]
) -> rdflib.Literal:
    """``{?var}`` and ``{$var}`` in a message replaced by the solution's values (as pyshacl)."""
    text = str(message)
    if "{" not in text:
        return message
    for name, value in bound.items():
        text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", str(to_rdflib(value)), text)
    return rdflib.Literal(text, lang=message.language, datatype=message.datatype)


def _shape_binding(
    query: str, shape: rdflib.term.Node
) -> dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal]:
    if re.search(r"[?$]currentShape\b", query) and isinstance(shape, rdflib.URIRef):
        return {ox.Variable("currentShape"): ox.NamedNode(str(shape))}
    return {}


def _select(
    store: ox.Store,
    graphs: list[ox.NamedNode],
    query: str,
    prefixes: dict[str, str],
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
) -> Iterator[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
    solutions = store.query(
        query,
        prefixes=prefixes,
        default_graph=list(graphs),
        substitutions=substitutions or None,  # type: ignore[arg-type]
    )
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names}
