"""Triple Pattern Fragments: parse a pattern, select one page of it, describe it with Hydra.

Terms in ``subject``, ``predicate`` and ``object`` are written as the TPF
specification's explicit representation: a bare IRI, ``"text"``,
``"text"@fr`` or ``"68500000"^^http://www.w3.org/2001/XMLSchema#integer``
(the datatype may also be in angle brackets). Empty or ``?name`` is a wildcard.

>>> parse_term('"IRM"@fr', "object")
rdflib.term.Literal('IRM', lang='fr')
>>> parse_term("?s", "subject") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from publisher.graph.sources import to_ox
from publisher.queries import iri_term
from publisher.rdf.prefixes import subset
from publisher.store.base import Store

PAGE_SIZE = 100
SORTED_UP_TO = 10_000
POSITIONS = ("subject", "predicate", "object")
VARIABLES = dict(zip(POSITIONS, ("s", "p", "o"), strict=True))

PREFIXES = subset(
    "hydra", "void", "rdf", "rdfs", "xsd", "foaf", "dcterms", "skos", "schema", "prov", "oa"
)
HYDRA, VOID, RDF = PREFIXES["hydra"], PREFIXES["void"], PREFIXES["rdf"]
XSD, FOAF, DCTERMS = PREFIXES["xsd"], PREFIXES["foaf"], PREFIXES["dcterms"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")

Term = rdflib.URIRef | rdflib.Literal
Triple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]


class BadPattern(ValueError):
    """A parameter is not a term in the explicit representation (HTTP 400)."""


def _iri(text: str, position: str) -> rdflib.URIRef:
    if not _SCHEME.match(text):
        raise BadPattern(f"{position} must be an absolute IRI or a literal, not {text!r}")
    try:
        iri_term(text)
    except ValueError:
        raise BadPattern(f"{position} is not a valid IRI: {text!r}") from None
    return rdflib.URIRef(text)


def parse_term(raw: str | None, position: str) -> Term | None:
    """The term a parameter names, or None for a wildcard.

    :raises BadPattern: a blank node, a relative IRI or a malformed literal.
    """
    text = (raw or "").strip()
    if not text or text.startswith("?"):
        return None
    if text.startswith("_:"):
        raise BadPattern(f"{position}: blank nodes cannot be asked for; use a variable")
    if not text.startswith('"'):
        return _iri(text, position)
    end = text.rfind('"')
    if end == 0:
        raise BadPattern(f"{position}: unterminated literal {text!r}")
    value, rest = text[1:end], text[end + 1 :]
    if not rest:
        return rdflib.Literal(value)
    if rest.startswith("@") and _LANGUAGE.fullmatch(rest[1:]):
        return rdflib.Literal(value, lang=rest[1:])
    if rest.startswith("^^"):
        datatype = rest[2:]
        if datatype.startswith("<") and datatype.endswith(">"):
            datatype = datatype[1:-1]
        return rdflib.Literal(value, datatype=_iri(datatype, position))
    raise BadPattern(f'{position}: literal {text!r} must end in ", @lang or ^^datatype')


@dataclass(frozen=True)
class Pattern:
    subject: Term | None = None
    predicate: Term | None = None
    object: Term | None = None

    def terms(self) -> tuple[Term | None, ...]:
        return (self.subject, self.predicate, self.object)

    def matches_nothing(self) -> bool:
        """Literals cannot be predicates, so such a pattern is empty by definition."""
        return isinstance(self.predicate, rdflib.Literal)

    def where(self) -> str:
        """The triple pattern in SPARQL, every fixed term written safely."""
        parts = []
        for position, term in zip(POSITIONS, self.terms(), strict=True):
            if term is None:
                parts.append(f"?{VARIABLES[position]}")
            elif isinstance(term, rdflib.URIRef):
                parts.append(iri_term(str(term)))
            else:
                parts.append(term.n3())
        return " ".join(parts)

    def triple(self, row: dict[str, rdflib.term.Node]) -> Triple:
        """The full triple from one result row."""
        s, p, o = (
            term if term is not None else row[VARIABLES[position]]
            for position, term in zip(POSITIONS, self.terms(), strict=True)
        )
        return s, p, o


def count(store: Store, pattern: Pattern) -> int:
    """How many distinct triples match (the whole store's size when nothing is fixed)."""
    if pattern.matches_nothing():
        return 0
    if pattern.terms() == (None, None, None):
        return store.count()
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT * WHERE {{ {pattern.where()} }} }}"
    )
    return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]


def page(
    store: Store, pattern: Pattern, number: int, total: int, size: int = PAGE_SIZE
) -> list[Triple]:
    """The triples of one page (1-based).

    Fragments up to :data:`SORTED_UP_TO` triples are sorted, so pages are stable on
    any backend; larger ones rely on the backend's own order (stable in Oxigraph),
    because sorting every triple for each page would cost more than it gives.
    """
    if pattern.matches_nothing():
        return []
    offset = (number - 1) * size
    variables = [
        f"?{VARIABLES[p]}" for p, t in zip(POSITIONS, pattern.terms(), strict=True) if t is None
    ]
    order = f"ORDER BY {' '.join(variables)} " if variables and total <= SORTED_UP_TO else ""
    rows = store.select(
        f"SELECT DISTINCT * WHERE {{ {pattern.where()} }} {order}LIMIT {size} OFFSET {offset}"
    )
    return [pattern.triple(row) for row in rows]


@dataclass(frozen=True)
class Controls:
    """What the metadata of one fragment page says."""

    fragments_url: str  # {base}fragments
    fragment: str  # this page's URL, exactly as the client asked for it
    total: int
    links: dict[str, str]  # first / previous / next → URL
    size: int = PAGE_SIZE
    collection: str = ""  # the pattern's URL without ``page`` (``fragment`` when empty)


def metadata(controls: Controls) -> list[ox.Triple]:
    """Hydra and VoID triples: the dataset's search form and this page's counts and links."""
    n, lit = ox.NamedNode, ox.Literal
    integer = n(XSD + "integer")
    dataset, fragment = n(controls.fragments_url + "#dataset"), n(controls.fragment)
    collection = n(controls.collection or controls.fragment)
    form = ox.BlankNode("tpfSearchForm")
    triples = [
        ox.Triple(n(controls.fragment + "#metadata"), n(FOAF + "primaryTopic"), collection),
        ox.Triple(dataset, n(RDF + "type"), n(VOID + "Dataset")),
        ox.Triple(dataset, n(RDF + "type"), n(HYDRA + "Collection")),
        ox.Triple(dataset, n(VOID + "subset"), fragment),
        ox.Triple(dataset, n(HYDRA + "search"), form),
        ox.Triple(
            form, n(HYDRA + "template"), lit(controls.fragments_url + "{?subject,predicate,object}")
        ),
        ox.Triple(form, n(HYDRA + "variableRepresentation"), n(HYDRA + "ExplicitRepresentation")),
    ]
    for position in POSITIONS:
        mapping = ox.BlankNode(f"tpfMapping{position.title()}")
        triples += [
            ox.Triple(form, n(HYDRA + "mapping"), mapping),
            ox.Triple(mapping, n(HYDRA + "variable"), lit(position)),
            ox.Triple(mapping, n(HYDRA + "property"), n(RDF + position)),
        ]
    triples += [
        ox.Triple(fragment, n(RDF + "type"), n(HYDRA + "PartialCollectionView")),
        ox.Triple(fragment, n(DCTERMS + "source"), dataset),
        ox.Triple(fragment, n(VOID + "triples"), lit(str(controls.total), datatype=integer)),
        ox.Triple(fragment, n(HYDRA + "totalItems"), lit(str(controls.total), datatype=integer)),
        ox.Triple(fragment, n(HYDRA + "itemsPerPage"), lit(str(controls.size), datatype=integer)),
    ]
    triples += [ox.Triple(fragment, n(HYDRA + rel), n(url)) for rel, url in controls.links.items()]
    # Last, as the TPF server does: clients take the last subset of this page as the
    # topic of its metadata graph (Comunica reads them in order).
    triples.append(ox.Triple(collection, n(VOID + "subset"), fragment))
    return triples


def quads(data: list[Triple], controls: Controls) -> list[ox.Quad]:
    """Data in the default graph, metadata in ``<page#metadata>`` (the TPF convention)."""
    graph = ox.NamedNode(controls.fragment + "#metadata")
    found = []
    for s, p, o in data:
        subject, predicate = to_ox(s), to_ox(p)
        assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
        found.append(ox.Quad(subject, predicate, to_ox(o), ox.DefaultGraph()))
    found += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in metadata(controls)]
    return found
