"""Which parts of a shapes graph run as SPARQL on pyoxigraph, and which stay with the
core engine (:mod:`publisher.validation.sparql` says why and runs them).

A SPARQL target is taken out whenever it is a plain ``sh:select``; a SPARQL
constraint only on a top-level node shape, and only when its query needs neither
the shapes graph nor a path. :func:`binds_this` tells whether a constraint's
query may be run once for every focus node at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

#: Predicates through which one shape uses another (then it is checked on other focus nodes).
_SHAPE_REFERENCES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"], RDF.first)
_TRUE = rdflib.Literal(True)
#: What a shape may say that constrains nothing (anything else may be a constraint parameter).
_NOT_CONSTRAINTS = {RDF.type, RDFS.label, RDFS.comment} | {
    SH[name]
    for name in (
        "name description message severity deactivated order group prefixes declare "
        "target targetClass targetNode targetSubjectsOf targetObjectsOf"
    ).split()
}


@dataclass(frozen=True)
class Constraint:
    """A SPARQL-based constraint this module evaluates, with what the result needs."""

    shape: rdflib.term.Node
    node: rdflib.term.Node
    query: str
    prefixes: dict[str, str]
    severity: rdflib.term.Node
    messages: tuple[rdflib.Literal, ...]


@dataclass
class Plan:
    """The shapes split in two: what the core engine gets, and the SPARQL parts run here."""

    core: rdflib.Graph
    constraints: list[Constraint] = field(default_factory=list)
    targets: dict[rdflib.term.Node, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        """How many queries the plan runs (for progress)."""
        return sum(len(t) for t in self.targets.values()) + len(self.constraints)

    @property
    def core_needs_targets(self) -> bool:
        """Whether a shape with a SPARQL target keeps constraints for the core engine,
        which must then wait for the target's nodes; otherwise both run at once."""
        return any(
            p not in _NOT_CONSTRAINTS for shape in self.targets for p in self.core.predicates(shape)
        )


def prefixes_of(shapes: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    """The prefixes ``node`` declares through ``sh:prefixes`` (SHACL 5.2.1)."""
    declared: dict[str, str] = {}
    for holder in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                declared[str(prefix)] = str(namespace)
    return declared


def _deactivated(shapes: rdflib.Graph, node: rdflib.term.Node) -> bool:
    return shapes.value(node, SH.deactivated) == _TRUE


def _shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    found: set[rdflib.term.Node] = set(shapes.subjects(SH.sparql, None))
    found |= set(shapes.subjects(SH.target, None))
    return found


def plan(shapes: rdflib.Graph) -> Plan:
    """Split ``shapes``: SPARQL targets and top-level node shapes' SPARQL constraints
    come out; the rest is a copy for the core engine."""
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    result = Plan(core)
    for shape in _shapes(shapes):
        if _deactivated(shapes, shape):
            continue
        for target in list(shapes.objects(shape, SH.target)):
            select = shapes.value(target, SH.select)
            if select is None or _deactivated(shapes, target):
                continue  # a custom target type: the core engine keeps it
            result.targets.setdefault(shape, []).append((str(select), prefixes_of(shapes, target)))
            core.remove((shape, SH.target, target))
        if not _top_level_node_shape(shapes, shape):
            continue
        for node in list(shapes.objects(shape, SH.sparql)):
            selects = list(shapes.objects(node, SH.select))
            if len(selects) != 1 or _deactivated(shapes, node):
                continue
            query = str(selects[0])
            if re.search(r"[?$](shapesGraph|PATH)\b", query):
                continue  # needs the shapes graph or a path: the core engine keeps it
            messages = tuple(
                m for m in shapes.objects(node, SH.message) if isinstance(m, rdflib.Literal)
            )
            result.constraints.append(
                Constraint(
                    shape=shape,
                    node=node,
                    query=query,
                    prefixes=prefixes_of(shapes, node),
                    severity=shapes.value(shape, SH.severity) or SH.Violation,
                    messages=messages
                    + tuple(
                        m
                        for m in shapes.objects(shape, SH.message)
                        if isinstance(m, rdflib.Literal) and m not in messages
                    ),
                )
            )
            core.remove((shape, SH.sparql, node))
    return result


def _top_level_node_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    if shapes.value(shape, SH.path) is not None:
        return False
    return not any((None, p, shape) in shapes for p in _SHAPE_REFERENCES)


def binds_this(query: str, prefixes: dict[str, str]) -> bool:
    """Whether every solution of the query's top-level pattern binds ``$this``, so
    that evaluating it unbound and keeping the focus nodes equals pre-binding."""
    try:
        algebra = prepareQuery(query, initNs=prefixes).algebra
    except Exception:  # rdflib cannot parse it: take the exact, per-node way
        return False
    return rdflib.Variable("this") in _certain(algebra)


def _certain(node: object) -> set[rdflib.Variable]:
    """Variables bound in every solution of an algebra node (conservative)."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        return {t for triple in node.triples for t in triple if isinstance(t, rdflib.Variable)}
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _certain(node.p1)
    if name == "Union":
        return _certain(node.p1) & _certain(node.p2)
    if name == "Project":
        return _certain(node.p) & set(node.PV)
    if name in ("SelectQuery", "Filter", "Extend", "Distinct", "Reduced", "Slice", "OrderBy"):
        return _certain(node.p)
    if name == "Graph":
        return _certain(node.p)
    return set()
