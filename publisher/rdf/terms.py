"""Short, stable text forms of RDF terms, so two graphs can be compared and shown.

Blank nodes have no identity across files, so each is written out as its
content (``[ p o ; … ]``, or ``( a b )`` for a list) and folded into the
resource that points at it.
"""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from publisher.rdf.prefixes import COMMON, project, subset

#: The vocabularies compact names are written in (the project's own are added per base).
_VOCABULARIES = subset(*COMMON)

_PLAIN = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}


def prefixes(base: str) -> dict[str, str]:
    """Every prefix :func:`short` writes, with the project's own under ``base``."""
    return _VOCABULARIES | project(base)


def short(term: rdflib.term.Node, base: str) -> str:
    """A compact name: ``rim:ImagingCentre``, ``<id/centre/frejus>``, ``"x"@fr``.

    >>> short(rdflib.URIRef("http://h/id/centre/frejus"), "http://h/")
    '<id/centre/frejus>'
    >>> short(rdflib.URIRef("http://h/ontology#Fact"), "http://h/")
    'rim:Fact'
    """
    if isinstance(term, rdflib.URIRef):
        text = str(term)
        for prefix, namespace in prefixes(base).items():
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


def canonical(graph: rdflib.Graph, term: rdflib.term.Node | None, base: str, depth: int = 0) -> str:
    """``term`` as text, blank nodes written out by content (lists as ``( … )``)."""
    if term is None:
        return "∅"
    if not isinstance(term, rdflib.BNode) or depth > 8:
        return short(term, base)
    if (term, RDF.first, None) in graph or term == RDF.nil:
        items = [canonical(graph, i, base, depth + 1) for i in Collection(graph, term)]
        return "( " + " ".join(items) + " )"
    parts = sorted(
        f"{short(p, base)} {canonical(graph, o, base, depth + 1)}"
        for p, o in graph.predicate_objects(term)
    )
    return "[ " + " ; ".join(parts) + " ]"


def descriptions(graph: rdflib.Graph, base: str) -> dict[rdflib.URIRef, set[tuple[str, str]]]:
    """Each IRI subject's ``(predicate, object)`` pairs, blank nodes inlined."""
    found: dict[rdflib.URIRef, set[tuple[str, str]]] = {}
    for s, p, o in graph:
        if isinstance(s, rdflib.URIRef):
            found.setdefault(s, set()).add((short(p, base), canonical(graph, o, base)))
    return found
