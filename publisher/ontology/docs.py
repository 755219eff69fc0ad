"""The ontology's documentation as plain data, built from the graphs.

:func:`build` turns the ontology, shapes and data graphs (plus usage counts
from the store) into :class:`TermDoc` records that one Jinja template renders
both for ``/ontology`` and for the static ``docs/ontology.html``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from publisher.graph.sources import graph_iri
from publisher.ontology.vocabulary import NOTES, SCHEMA, concepts, declared_terms, rim
from publisher.rdf.labels import external_code, stated_label, statement_label
from publisher.rdf.terms import canonical, short
from publisher.rdf.vocabulary import LANGUAGES
from publisher.store import Store

KIND_NAMES = {
    OWL.Class: ("Classes", "Classes"),
    RDFS.Class: ("Classes", "Classes"),
    OWL.ObjectProperty: ("Propriétés d’objet", "Object properties"),
    OWL.DatatypeProperty: ("Propriétés de données", "Datatype properties"),
    OWL.AnnotationProperty: ("Propriétés d’annotation", "Annotation properties"),
    RDF.Property: ("Propriétés", "Properties"),
}
EXAMPLES = 3


@dataclass
class Link:
    """Something to link to: its IRI, a label and where a browser should go."""

    iri: str
    text: str
    href: str | None = None


@dataclass
class TermDoc:
    """Everything the documentation shows about one term or concept."""

    iri: str
    anchor: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    supers: list[Link] = field(default_factory=list)
    subs: list[Link] = field(default_factory=list)
    counterparts: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    domain: list[Link] = field(default_factory=list)
    range: list[Link] = field(default_factory=list)
    shapes: list[Link] = field(default_factory=list)
    usage: int = 0
    examples: list[Link] = field(default_factory=list)
    href: str | None = None


@dataclass
class Usage:
    """How the data uses the terms: counts by term and a few example instances."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)


def usage_from_store(store: Store, base: str) -> Usage:
    """Count classes' instances, properties' uses and concepts' mentions in the data graph."""
    data = f"<{graph_iri(base, 'data')}>"
    counts: dict[str, int] = {}
    queries = (
        f"SELECT ?t (COUNT(?s) AS ?n) WHERE {{ GRAPH {data} {{ ?s a ?t }} }} GROUP BY ?t",
        f"SELECT ?t (COUNT(?s) AS ?n) WHERE {{ GRAPH {data} {{ ?s ?t ?o }} }} GROUP BY ?t",
        f"SELECT ?t (COUNT(?s) AS ?n) WHERE {{ GRAPH {data} {{ ?s ?p ?t . ?t a "
        f"<{SKOS.Concept}> }} }} GROUP BY ?t",
    )
    for query in queries:
        for row in store.select(query):
            counts[str(row["t"])] = counts.get(str(row["t"]), 0) + int(str(row["n"]))
    examples: dict[str, list[str]] = defaultdict(list)
    rows = store.select(
        f"SELECT ?t ?s WHERE {{ GRAPH {data} {{ ?s a ?t }} FILTER(isIRI(?s) && "
        f'STRSTARTS(STR(?t), "{rim(base)}")) }} ORDER BY ?t ?s'
    )
    for row in rows:
        bucket = examples[str(row["t"])]
        if len(bucket) < EXAMPLES:
            bucket.append(str(row["s"]))
    return Usage(counts, dict(examples))


def _texts(
    graph: rdflib.Graph, node: rdflib.term.Node, props: tuple[rdflib.URIRef, ...]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in props:
        for value in graph.objects(node, prop):
            if isinstance(value, rdflib.Literal):
                found.setdefault(value.language or "", str(value))
    return found


def _paths(shapes: rdflib.Graph, path: rdflib.term.Node | None) -> set[rdflib.term.Node]:
    """The predicates a ``sh:path`` mentions (alternative and sequence paths included)."""
    if path is None:
        return set()
    if isinstance(path, rdflib.URIRef):
        return {path}
    found: set[rdflib.term.Node] = set()
    if (path, RDF.first, None) in shapes:
        for item in Collection(shapes, path):
            found |= _paths(shapes, item)
    for inner in shapes.objects(path, None):
        found |= _paths(shapes, inner) if isinstance(inner, rdflib.BNode) else set()
        if isinstance(inner, rdflib.URIRef) and inner != RDF.nil:
            found.add(inner)
    return found


def shapes_index(shapes: rdflib.Graph) -> dict[rdflib.term.Node, set[rdflib.URIRef]]:
    """Named shapes by the class they target and by the predicates they constrain."""
    index: dict[rdflib.term.Node, set[rdflib.URIRef]] = defaultdict(set)
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if not isinstance(shape, rdflib.URIRef):
                continue
            for target in shapes.objects(shape, SH.targetClass):
                index[target].add(shape)
            nested = [shape, *shapes.objects(shape, SH.property)]
            for node in nested:
                for predicate in _paths(shapes, shapes.value(node, SH.path)):
                    index[predicate].add(shape)
    return index


# Long: one record per term and per concept, field by field, sharing the link() closure.
def build(
    ontology: rdflib.Graph,
    shapes: rdflib.Graph,
    data: rdflib.Graph,
    usage: Usage,
    base: str,
    lang: str,
    doc_href: Callable[[str], str | None],
) -> dict[str, list[TermDoc]]:
    """Sections (classes, properties…, then one per concept scheme) of term records."""
    ns = rim(base)
    index = shapes_index(shapes)
    both = ontology + data

    def link(node: rdflib.term.Node) -> Link:
        text = (
            stated_label(both, node, lang) or statement_label(both, node, lang) or short(node, base)
        )
        if str(node).startswith(ns):
            return Link(str(node), text, "#" + str(node)[len(ns) :])
        if str(node).startswith(SCHEMA) or not str(node).startswith(base):
            return Link(str(node), external_code(str(node)) or short(node, base), str(node))
        return Link(str(node), text, doc_href(str(node)))

    sections: dict[str, list[TermDoc]] = defaultdict(list)
    for term, kinds in sorted(declared_terms(ontology, ns).items()):
        kind = next(k for k in KIND_NAMES if k in kinds)
        up, down = (RDFS.subClassOf, RDFS.subPropertyOf)
        sup = [o for p in (up, down, OWL.equivalentClass) for o in ontology.objects(term, p)]
        sub = [s for p in (up, down) for s in ontology.subjects(p, term)]
        doc = TermDoc(
            iri=str(term),
            anchor=str(term)[len(ns) :],
            kind=KIND_NAMES[kind][LANGUAGES.index(lang) if lang in LANGUAGES else 1],
            labels=_texts(ontology, term, (RDFS.label, SKOS.prefLabel)),
            definitions=_texts(ontology, term, (SKOS.definition,)),
            supers=[link(o) for o in sup if isinstance(o, rdflib.URIRef)],
            subs=[link(s) for s in sorted(sub, key=str)],
            counterparts=[link(o) for o in sup if str(o).startswith(SCHEMA)],
            notes=[str(n) for p in NOTES for n in ontology.objects(term, p) if _english(n)],
            domain=[link(o) for o in ontology.objects(term, RDFS.domain)],
            range=[link(o) for o in ontology.objects(term, RDFS.range)],
            shapes=[link_shape(shapes, s, base) for s in _applying(ontology, index, term)],
            usage=usage.counts.get(str(term), 0),
            examples=[link(rdflib.URIRef(e)) for e in usage.examples.get(str(term), [])],
        )
        sections[doc.kind].append(doc)
    for concept in sorted(concepts(data)):
        scheme = data.value(concept, SKOS.inScheme)
        title = stated_label(data, scheme, lang) if scheme is not None else None
        alignments = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
        matches = [o for p in alignments for o in data.objects(concept, p)]
        types = [t for t in data.objects(concept, RDF.type) if str(t).startswith(ns)]
        sections[title or "Concepts"].append(
            TermDoc(
                iri=str(concept),
                anchor=str(concept)[len(base) :].replace("/", "-"),
                kind="concept",
                labels=_texts(data, concept, (SKOS.prefLabel, RDFS.label)),
                definitions=_texts(data, concept, (SKOS.definition,)),
                supers=[link(o) for o in data.objects(concept, SKOS.broader)]
                + [link(t) for t in types],
                subs=[link(s) for s in sorted(data.subjects(SKOS.broader, concept), key=str)],
                counterparts=[link(o) for o in matches],
                notes=[str(n) for p in NOTES for n in data.objects(concept, p) if _english(n)],
                shapes=[
                    link_shape(shapes, s, base)
                    for t in types
                    for s in _applying(ontology, index, t)
                ],
                usage=usage.counts.get(str(concept), 0),
                href=doc_href(str(concept)),
            )
        )
    return dict(sections)


def _english(note: rdflib.term.Node) -> bool:
    return isinstance(note, rdflib.Literal) and note.language in ("en", None)


def _applying(
    ontology: rdflib.Graph,
    index: dict[rdflib.term.Node, set[rdflib.URIRef]],
    term: rdflib.term.Node,
) -> list[rdflib.URIRef]:
    """Shapes that target the class or a super-class, or constrain the property."""
    found: set[rdflib.URIRef] = set()
    for sup in ontology.transitive_objects(term, RDFS.subClassOf):
        if sup is not None:
            found |= index.get(sup, set())
    return sorted(found)


def link_shape(shapes: rdflib.Graph, shape: rdflib.URIRef, base: str) -> Link:
    name = shapes.value(shape, SH.name) or short(shape, base)
    return Link(str(shape), str(name), "/shapes#" + str(shape).rsplit("#", 1)[-1])


@dataclass
class ShapeDoc:
    """One named shape for the ``/shapes`` page."""

    iri: str
    anchor: str
    name: str
    description: str
    targets: list[Link]
    constraints: list[str]
    message: str
    severity: str


def shape_docs(shapes: rdflib.Graph, base: str) -> list[ShapeDoc]:
    """Every named shape with its targets and constraints written out."""
    skip = {RDF.type, SH.name, SH.description, SH.message, SH.severity, *_TARGETS}
    docs = []
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in sorted(shapes.subjects(RDF.type, kind), key=str):
            if not isinstance(shape, rdflib.URIRef):
                continue
            targets = [
                Link(str(o), f"{short(p, base)} {short(o, base)}", _term_href(o, base))
                for p in _TARGETS
                for o in shapes.objects(shape, p)
            ]
            constraints = sorted(
                f"{short(p, base)} {canonical(shapes, o, base)}"
                for p, o in shapes.predicate_objects(shape)
                if p not in skip
            )
            severity = shapes.value(shape, SH.severity)
            docs.append(
                ShapeDoc(
                    iri=str(shape),
                    anchor=str(shape).rsplit("#", 1)[-1],
                    name=str(shapes.value(shape, SH.name) or short(shape, base)),
                    description=str(shapes.value(shape, SH.description) or ""),
                    targets=targets,
                    constraints=constraints,
                    message=str(shapes.value(shape, SH.message) or ""),
                    severity=short(severity, base) if severity else "sh:Violation",
                )
            )
    return docs


def _term_href(term: rdflib.term.Node, base: str) -> str | None:
    """``/ontology#Term`` for a term of the ontology, else nothing."""
    ns = rim(base)
    return "/ontology#" + str(term)[len(ns) :] if str(term).startswith(ns) else None


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
