"""Which changes to SHACL shapes tighten them (breaking) and which loosen them.

A shape is identified by its IRI; a property shape nested in a node shape
(``sh:property [ sh:path p ; … ]``) by its parent and path. Each parameter is
compared by the direction it moves: a raised ``sh:minCount``, a lowered
``sh:maxCount``, a narrowed ``sh:in``, a new or changed ``sh:datatype``,
``sh:class`` or ``sh:pattern``… can reject data that passed before, so the
change is breaking; the opposite moves only loosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from publisher.rdf.terms import canonical, short

#: Parameters whose value only loosens when it goes up / tightens when it goes up.
_MINIMA = {SH.minCount, SH.qualifiedMinCount, SH.minLength, SH.minInclusive, SH.minExclusive}
_MAXIMA = {SH.maxCount, SH.qualifiedMaxCount, SH.maxLength, SH.maxInclusive, SH.maxExclusive}
_SETS = {SH["in"], SH.languageIn}
_ANNOTATIONS = {SH.message, SH.name, SH.description, SH.order, SH.group}
_STRUCTURE = {SH.property, RDF.type}


@dataclass(frozen=True)
class ShapeChange:
    """One change to one shape parameter."""

    shape: str
    message: str
    breaking: bool

    @property
    def bump(self) -> str:
        """major when tightened, patch when only reworded, else minor."""
        if self.breaking:
            return "major"
        return "patch" if self.message.endswith("reworded") else "minor"


def _shapes(graph: rdflib.Graph, base: str) -> dict[str, rdflib.term.Node]:
    """Every shape by a stable key: its IRI, or ``parent / path`` when nested."""
    found: dict[str, rdflib.term.Node] = {}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if isinstance(shape, rdflib.URIRef):
                found[short(shape, base)] = shape
    for parent in list(found.values()):
        for nested in graph.objects(parent, SH.property):
            if isinstance(nested, rdflib.BNode):
                path = canonical(graph, graph.value(nested, SH.path), base)
                found[f"{short(parent, base)} / {path}"] = nested
    return found


def _values(
    graph: rdflib.Graph, shape: rdflib.term.Node, base: str
) -> dict[rdflib.URIRef, set[str]]:
    params: dict[rdflib.URIRef, set[str]] = {}
    for p, o in graph.predicate_objects(shape):
        if p in _STRUCTURE or not isinstance(p, rdflib.URIRef):
            continue
        if p in _SETS and isinstance(o, rdflib.BNode):
            params.setdefault(p, set()).update(
                canonical(graph, i, base) for i in Collection(graph, o)
            )
        else:
            params.setdefault(p, set()).add(canonical(graph, o, base))
    return params


def _number(values: set[str]) -> float | None:
    try:
        return max(float(v.split("^^")[0].strip('"')) for v in values)
    except ValueError:
        return None


def _compare(p: rdflib.URIRef, old: set[str], new: set[str], base: str) -> tuple[str, bool] | None:
    name = short(p, base)
    if old == new:
        return None
    if p in _ANNOTATIONS:
        return f"{name} reworded", False
    if p == SH.severity:  # no severity means sh:Violation
        was, now = old or {"sh:Violation"}, new or {"sh:Violation"}
        if was == now:
            return None
        return f"{name} {_show(was)} → {_show(now)}", now == {"sh:Violation"}
    if not new:
        return f"{name} {_show(old)} removed", False
    if not old:
        return f"{name} {_show(new)} added", True
    if p in _MINIMA or p in _MAXIMA:
        a, b = _number(old), _number(new)
        if a is not None and b is not None:
            raised = b > a
            word = "raised" if raised else "lowered"
            return f"{name} {word} {_show(old)} → {_show(new)}", raised == (p in _MINIMA)
    if p in _SETS or p == SH.targetClass:
        removed, added = old - new, new - old
        parts = [f"-{_show(removed)}" if removed else "", f"+{_show(added)}" if added else ""]
        narrowed = bool(removed) if p in _SETS else bool(added)
        return f"{name} {' '.join(x for x in parts if x)}", narrowed
    return f"{name} {_show(old)} → {_show(new)}", True


def _show(values: set[str]) -> str:
    return ", ".join(sorted(values)) or "∅"


def compare_shapes(
    old: rdflib.Graph, new: rdflib.Graph, is_new_class: Callable[[str], bool], base: str
) -> Iterator[ShapeChange]:
    """Changes between two shapes graphs, each flagged breaking or not.

    A new shape is breaking unless it is a warning or targets only classes
    that did not exist before (``is_new_class``): it can reject old data.
    """
    before, after = _shapes(old, base), _shapes(new, base)
    for key in sorted(before.keys() - after.keys()):
        yield ShapeChange(key, "shape removed (loosens)", False)
    for key in sorted(after.keys() - before.keys()):
        params = _values(new, after[key], base)
        targets = params.get(SH.targetClass, set())
        lenient = any("Warning" in v or "Info" in v for v in params.get(SH.severity, ()))
        only_new = bool(targets) and all(is_new_class(t) for t in targets)
        breaking = not (lenient or only_new)
        why = "can reject existing data" if breaking else "warning or new classes only"
        yield ShapeChange(key, f"shape added ({why})", breaking)
    for key in sorted(before.keys() & after.keys()):
        was, now = _values(old, before[key], base), _values(new, after[key], base)
        for p in sorted(was.keys() | now.keys()):
            moved = _compare(p, was.get(p, set()), now.get(p, set()), base)
            if moved:
                yield ShapeChange(key, moved[0], moved[1])
