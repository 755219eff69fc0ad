"""What the class diagram shows: which classes link to which, and where each is placed.

Links come from the ontology (subclasses, object properties' domain and range),
the shapes (``sh:class`` on a target class's paths) and the data (properties used
between typed resources). Classes are placed in columns by the longest chain of
links leading to them; :mod:`publisher.ontology.diagram` draws the result.
"""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from publisher.ontology.vocabulary import CLASS_TYPES, declared_terms, rim

#: ``(source class, target class, kind, property)``; kind is ``subclass`` or ``property``.
Link = tuple[str, str, str, str]


def edges(
    ontology: rdflib.Graph,
    base: str,
    shapes: rdflib.Graph | None = None,
    data: rdflib.Graph | None = None,
) -> list[Link]:
    """``(source, target, kind, property)``: sub-class links and properties between classes.

    Properties come from the ontology's domains and ranges, and from shapes
    that give a property of a class a ``sh:class`` (e.g. a centre's
    ``schema:parentOrganization`` is a group). A class that neither links
    gets the links the data makes between instances of the ontology's
    classes, so no box floats alone. ``kind`` is ``subclass`` or ``property``.
    """
    ns = rim(base)
    terms = declared_terms(ontology, ns)
    classes = {t for t, k in terms.items() if k & set(CLASS_TYPES)}
    found: list[Link] = []
    for cls in sorted(classes):
        for sup in ontology.objects(cls, RDFS.subClassOf):
            if sup in classes:
                found.append((str(sup), str(cls), "subclass", ""))
    for prop, kinds in sorted(terms.items()):
        if OWL.ObjectProperty not in kinds:
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for target in ontology.objects(prop, RDFS.range):
                if domain in classes or target in classes:
                    found.append((str(domain), str(target), "property", str(prop)))
    for source, path, target in _shape_links(shapes) if shapes is not None else []:
        if source in classes and target in classes:
            link = (str(source), str(target), "property", str(path))
            if link not in found:
                found.append(link)
    linked = {s for s, *_ in found} | {t for _, t, *_ in found}
    lonely = {str(c) for c in classes} - linked
    for link in _data_links(data, classes) if data is not None else []:
        if (link[0] in lonely or link[1] in lonely) and link not in found:
            found.append(link)
    return found


def _shape_links(shapes: rdflib.Graph) -> list[tuple[rdflib.term.Node, ...]]:
    links = []
    for shape in set(shapes.subjects(SH.targetClass, None)):
        for node in [shape, *shapes.objects(shape, SH.property)]:
            path, target = shapes.value(node, SH.path), shapes.value(node, SH["class"])
            if isinstance(path, rdflib.URIRef) and target is not None:
                links += [(c, path, target) for c in shapes.objects(shape, SH.targetClass)]
    return sorted(links)


def _data_links(data: rdflib.Graph, classes: set[rdflib.URIRef]) -> list[Link]:
    """Properties the data uses from an instance of one class to an instance of another."""
    types: dict[rdflib.term.Node, set[rdflib.term.Node]] = {}
    for thing, cls in data.subject_objects(RDF.type):
        if cls in classes:
            types.setdefault(thing, set()).add(cls)
    found: set[Link] = set()
    for thing, own in types.items():
        for prop, value in data.predicate_objects(thing):
            if value in types and not str(prop).startswith(str(RDF)):
                pairs = ((a, b) for a in own for b in types[value])
                found |= {(str(a), str(b), "property", str(prop)) for a, b in pairs}
    return sorted(found)


def layout(nodes: list[str], links: list[Link]) -> dict[str, tuple[int, int]]:
    """Column and row of each node.

    Column = fewest links from a class nothing points to (breadth first, so
    long chains do not widen the diagram); rows are ordered by the mean row
    of each node's neighbours in earlier columns, to cut crossings; nodes
    without any link go to a band under the others.
    """
    outgoing: dict[str, list[str]] = {n: [] for n in nodes}
    incoming: dict[str, int] = {n: 0 for n in nodes}
    linked: set[str] = set()
    for source, target, _, _ in links:
        linked |= {source, target}
        if source != target:
            outgoing[source].append(target)
            incoming[target] += 1
    column: dict[str, int] = {}
    pending = [n for n in nodes if n in linked]
    while len(column) < len(linked):
        roots = [n for n in pending if n not in column and incoming[n] == 0]
        frontier = roots or [next(n for n in pending if n not in column)]
        for node in frontier:
            column[node] = 0 if not column else min(column.values())
        while frontier:
            following = []
            for node in frontier:
                for nxt in outgoing[node]:
                    if nxt not in column:
                        column[nxt] = column[node] + 1
                        following.append(nxt)
            frontier = following
    placed: dict[str, tuple[int, int]] = {}
    for col in sorted(set(column.values())):
        members = [n for n in nodes if column.get(n) == col]

        def weight(node: str, col: int = col, members: list[str] = members) -> float:
            rows = [
                placed[s][1]
                for s, t, _, _ in links
                if t == node and s in placed and placed[s][0] < col
            ]
            return sum(rows) / len(rows) if rows else float(members.index(node))

        for row, node in enumerate(sorted(members, key=weight)):
            placed[node] = (col, row)
    width = max((c for c, _ in placed.values()), default=0) + 1
    first = max((r for _, r in placed.values()), default=-1) + 1
    for index, node in enumerate(n for n in nodes if n not in linked):
        placed[node] = (index % width, first + index // width)
    return placed
