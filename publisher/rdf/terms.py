"""Short, stable text forms of RDF terms, so two graphs can be compared and shown.

Blank nodes have no identity across files, so each is written out as its
content (``[ p o ; … ]``, or ``( a b )`` for a list) and folded into the
resource that points at it.
"""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from publisher.config import Settings

BASE = Settings().base_url
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sh": "http://www.w3.org/ns/shacl#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
    "rim": f"{BASE}ontology#",
    "rimsh": f"{BASE}shapes#",
}


_PLAIN = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}


def short(term: rdflib.term.Node, base: str = BASE) -> str:
    """A compact name: ``rim:ImagingCentre``, ``<id/centre/frejus>``, ``"x"@fr``.

    >>> short(rdflib.URIRef(BASE + "id/centre/frejus"))
    '<id/centre/frejus>'
    """
    if isinstance(term, rdflib.URIRef):
        text = str(term)
        for prefix, namespace in PREFIXES.items():
            namespace = namespace.replace(BASE, base)
            if text.startswith(namespace) and "/" not in text[len(namespace) :]:
                return f"{prefix}:{text[len(namespace) :]}"
        if text.startswith(base):
            return f"<{text[len(base) :]}>"
        return f"<{text}>"
    if isinstance(term, rdflib.Literal):
        if term.datatype in _PLAIN:
            return str(term)
        if term.datatype:
            return f"{rdflib.Literal(str(term)).n3()}^^{short(term.datatype, base)}"
        return term.n3()
    return "[]"


def canonical(graph: rdflib.Graph, term: rdflib.term.Node | None, depth: int = 0) -> str:
    """``term`` as text, blank nodes written out by content (lists as ``( … )``)."""
    if term is None:
        return "∅"
    if not isinstance(term, rdflib.BNode) or depth > 8:
        return short(term)
    if (term, RDF.first, None) in graph or term == RDF.nil:
        items = [canonical(graph, i, depth + 1) for i in Collection(graph, term)]
        return "( " + " ".join(items) + " )"
    parts = sorted(
        f"{short(p)} {canonical(graph, o, depth + 1)}" for p, o in graph.predicate_objects(term)
    )
    return "[ " + " ; ".join(parts) + " ]"


def descriptions(graph: rdflib.Graph) -> dict[rdflib.URIRef, set[tuple[str, str]]]:
    """Each IRI subject's ``(predicate, object)`` pairs, blank nodes inlined."""
    found: dict[rdflib.URIRef, set[tuple[str, str]]] = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.URIRef):
            found.setdefault(s, set()).add((short(p), canonical(graph, o)))
    return found


def label(graph: rdflib.Graph, node: rdflib.term.Node, lang: str = "en") -> str | None:
    """A label for people: ``lang`` first, then any."""
    from rdflib.namespace import RDFS, SKOS

    values = [
        v
        for p in (SKOS.prefLabel, RDFS.label, rdflib.URIRef("https://schema.org/name"))
        for v in graph.objects(node, p)
        if isinstance(v, rdflib.Literal)
    ]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else None
