"""Read what the FHIR view needs from the store, in the graph's own terms.

Three things are read, in six SPARQL queries that work on every backend (plain
joins, UNIONs and one sub-select; no FILTER inside OPTIONAL, see ``queries/describe.rq``):

- the organisations (instances of ``rim:ImagingGroup``, ``rim:Network`` and
  ``rim:ImagingCentre`` or their subclasses);
- the statements that become FHIR links (:data:`LINKS`), whether the graph
  asserts them as triples or only reifies them (``rdf:subject``/``rdf:predicate``/
  ``rdf:object``), and how each is supported (:class:`Basis`);
- names, labels, notes and ``skos:exactMatch`` identifiers of everything involved.

How a statement is supported is decided here, once (:func:`Basis.status`), so the
rule can follow the data: a *fact* is reified by a ``rim:Fact`` with a quote and
rests on no other statement; an *inference* is reified by something that rests on
other statements (``prov:wasDerivedFrom``, or a sub-property such as ``rim:premise``,
to a node that is itself a reified statement); anything else the graph holds without
such support is *unsupported*.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

import rdflib

from publisher.rdf.formats import RESULTS
from publisher.store.base import Store

CSV = next(f for f in RESULTS if f.token == "csv")

SCHEMA = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"

#: Statements that become FHIR links, by the schema.org property that carries them.
PARENT = SCHEMA + "parentOrganization"
MEMBER_OF = SCHEMA + "memberOf"
LOCATION = SCHEMA + "location"
SPECIALTY = SCHEMA + "medicalSpecialty"
LINKS = (PARENT, MEMBER_OF, LOCATION, SPECIALTY)
#: Ontology classes (local names under ``{base}ontology#``) whose instances are organisations.
ROLES = {"ImagingGroup": "group", "Network": "network", "ImagingCentre": "centre"}
#: Properties read for every thing involved: names first, in order of preference.
NAME = SCHEMA + "name"
PREF_LABEL = SKOS + "prefLabel"
LABEL = RDFS + "label"
ALIASES = (SKOS + "altLabel", SCHEMA + "alternateName")
NOTE = SKOS + "editorialNote"
EXACT_MATCH = SKOS + "exactMatch"
DESCRIBING = (NAME, PREF_LABEL, LABEL, *ALIASES, NOTE, EXACT_MATCH)

Triple = tuple[str, str, str]


@dataclass
class Basis:
    """How the graph supports one statement: the nodes reifying it and what they hold."""

    statements: set[str] = field(default_factory=set)
    facts: set[str] = field(default_factory=set)  # reified by a quoted rim:Fact
    premised: set[str] = field(default_factory=set)  # resting on other statements
    quoted: set[str] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    recorded: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)

    @property
    def status(self) -> str:
        """``fact``, ``inference`` or ``unsupported`` (see the module docstring)."""
        if self.facts - self.premised:
            return "fact"
        if self.premised:
            return "inference"
        return "unsupported"


@dataclass
class Thing:
    """What the graph says to name and describe one IRI."""

    iri: str
    values: dict[str, list[rdflib.Literal]] = field(default_factory=lambda: defaultdict(list))
    matches: list[str] = field(default_factory=list)

    def literals(self, prop: str) -> list[rdflib.Literal]:
        return self.values.get(prop, [])


@dataclass
class Directory:
    """Everything the FHIR resources are made of."""

    base_url: str
    roles: dict[str, str]  # organisation IRI -> group | network | centre
    statements: dict[Triple, Basis]
    things: dict[str, Thing]
    sources: dict[str, set[str]]  # organisation IRI -> documents of the facts naming it
    documents: dict[str, Thing]  # source document IRI -> its names

    def __post_init__(self) -> None:
        self._objects: dict[tuple[str, str], list[str]] = defaultdict(list)
        for subject, prop, value in sorted(self.statements):
            self._objects[(subject, prop)].append(value)

    def objects(self, subject: str, prop: str) -> list[str]:
        """The objects of ``subject prop ?o``, asserted or reified, in IRI order."""
        return self._objects.get((subject, prop), [])

    def thing(self, iri: str) -> Thing:
        return self.things.get(iri) or Thing(iri)


def _org_pattern(base_url: str, var: str) -> str:
    """Instances of the organisation classes, for the top level of a WHERE block
    (Virtuoso 7.2 loses rows when this path sits inside a nested group or UNION)."""
    classes = " ".join(f"<{base_url}ontology#{name}>" for name in ROLES)
    return f"VALUES ?class {{ {classes} }} {var} a ?type . ?type <{RDFS}subClassOf>* ?class ."


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    """SELECT rows as text (SPARQL CSV): IRIs and literals' lexical forms, parsed in C.

    Building rdflib terms costs about 80 µs a row; whole-store reads here have tens
    of thousands of rows at 100k triples. Unbound values are empty strings.
    """
    text = store.sparql(query, CSV).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _iris(values: tuple[str, ...]) -> str:
    return " ".join(f"<{v}>" for v in values)


def read_roles(store: Store, base_url: str) -> dict[str, str]:
    """Each organisation IRI and its role; a thing of two roles keeps the first of ROLES."""
    classes = " ".join(f'(<{base_url}ontology#{n}> "{r}")' for n, r in ROLES.items())
    rows = _rows(
        store,
        f"SELECT DISTINCT ?thing ?role WHERE {{ VALUES (?class ?role) {{ {classes} }} "
        f"?thing a ?type . ?type <{RDFS}subClassOf>* ?class FILTER(isIRI(?thing)) }}",
    )
    order = list(ROLES.values())
    roles: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: order.index(r["role"])):
        roles.setdefault(row["thing"], row["role"])
    return roles


def derivations(store: Store) -> tuple[str, ...]:
    """``prov:wasDerivedFrom`` and its sub-properties (such as ``rim:premise``): the links
    by which a statement rests on another. Asked first, so the main query joins on a
    known list (an open ``?r ?link ?premise`` pattern takes seconds at 10k triples)."""
    rows = _rows(
        store,
        f"SELECT DISTINCT ?link WHERE {{ ?link <{RDFS}subPropertyOf>+ <{PROV}wasDerivedFrom> }}",
    )
    return (PROV + "wasDerivedFrom", *sorted(row["link"] for row in rows))


def read_statements(store: Store, base_url: str) -> dict[Triple, Basis]:
    """Every LINKS statement (asserted or reified) with what supports it."""
    links = _iris(LINKS)
    statements: dict[Triple, Basis] = {}
    for row in _rows(
        store,
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {links} }} "
        f"{{ ?s ?p ?o }} UNION {{ ?r <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o }}"
        " FILTER(isIRI(?s) && isIRI(?o)) }",
    ):
        statements[(row["s"], row["p"], row["o"])] = Basis()
    derived, generated = f"<{PROV}wasDerivedFrom>", f"<{PROV}wasGeneratedBy>"
    document = f"<{base_url}ontology#SourceDocument>"
    premises = _iris(derivations(store))
    branches = (
        f'?r a <{base_url}ontology#Fact> BIND("fact" AS ?field)',
        f'?r <{OA}hasSelector> ?selector . ?selector <{OA}exact> ?value BIND("quote" AS ?field)',
        f'?r <{NOTE}> ?value BIND("note" AS ?field)',
        f"VALUES ?link {{ {premises} }} ?r ?link ?value . ?value <{RDF}subject> ?any"
        ' BIND("premise" AS ?field)',
        f'?r {derived} ?value . ?value a {document} BIND("source" AS ?field)',
        f"VALUES ?link {{ {premises} }} ?r ?link ?premise . ?premise <{RDF}subject> ?any ."
        f' ?premise {derived} ?value . ?value a {document} BIND("source" AS ?field)',
        f'?r <{PROV}generatedAtTime> ?value BIND("recorded" AS ?field)',
        f"?r {generated} ?activity . ?activity <{PROV}endedAtTime> ?value"
        ' BIND("recorded" AS ?field)',
        f'?r <{PROV}wasAttributedTo> ?value BIND("agent" AS ?field)',
        f"?r {generated} ?activity . ?activity <{PROV}wasAssociatedWith> ?value"
        ' BIND("agent" AS ?field)',
    )
    union = " UNION ".join(f"{{ {branch} }}" for branch in branches)
    rows = _rows(
        store,
        f"SELECT DISTINCT ?r ?s ?p ?o ?field ?value WHERE {{ VALUES ?p {{ {links} }} "
        f"?r <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o . {union} }}",
    )
    typed: set[str] = set()
    for row in rows:
        basis = statements.setdefault((row["s"], row["p"], row["o"]), Basis())
        node, kind, value = row["r"], row["field"], row["value"]
        basis.statements.add(node)
        if kind == "fact":
            typed.add(node)
        elif kind == "premise":
            basis.premised.add(node)
        else:
            getattr(basis, _FIELDS[kind]).add(value)
            if kind == "quote":
                basis.quoted.add(node)
    for basis in statements.values():
        basis.facts = basis.quoted & typed
    return statements


_FIELDS = {
    "quote": "quotes",
    "note": "notes",
    "source": "sources",
    "recorded": "recorded",
    "agent": "agents",
}


def read_things(store: Store, base_url: str) -> dict[str, Thing]:
    """Names, labels, notes and exact matches of organisations, link targets and documents."""
    links = _iris(LINKS)
    document = f"<{base_url}ontology#SourceDocument>"
    describing = f"VALUES ?p {{ {_iris(DESCRIBING)} }} ?thing ?p ?value FILTER(isIRI(?thing))"
    rows = store.select(
        f"SELECT DISTINCT ?thing ?p ?value WHERE {{ {_org_pattern(base_url, '?thing')} "
        f"{describing} }}"
    )
    targets = (  # DISTINCT first: joined as one pattern, this took seconds at 10k triples
        f"SELECT DISTINCT ?thing WHERE {{ {{ VALUES ?link {{ {links} }} ?x ?link ?thing }}"
        f" UNION {{ VALUES ?link {{ {links} }} ?r <{RDF}predicate> ?link ; <{RDF}object> ?thing }}"
        f" UNION {{ ?thing a {document} }} }}"
    )
    rows += store.select(
        f"SELECT DISTINCT ?thing ?p ?value WHERE {{ {{ {targets} }} {describing} }}"
    )
    things: dict[str, Thing] = {}
    for row in rows:
        iri, prop, value = str(row["thing"]), str(row["p"]), row["value"]
        thing = things.setdefault(iri, Thing(iri))
        if isinstance(value, rdflib.Literal) and value not in thing.values[prop]:
            thing.values[prop].append(value)
        elif prop == EXACT_MATCH and isinstance(value, rdflib.URIRef):
            if str(value) not in thing.matches:
                thing.matches.append(str(value))
    for thing in things.values():
        thing.matches.sort()
        for literals in thing.values.values():
            literals.sort(key=lambda lit: (lit.language or "", str(lit)))
    return things


def read_sources(store: Store, base_url: str, roles: dict[str, str]) -> dict[str, set[str]]:
    """For each organisation, the source documents of the reified statements naming it."""
    document = f"<{base_url}ontology#SourceDocument>"
    rows = _rows(
        store,
        f"SELECT DISTINCT ?thing ?document WHERE {{"
        f" ?f <{PROV}wasDerivedFrom> ?document . ?document a {document} ."
        f" {{ ?f <{RDF}subject> ?thing }} UNION {{ ?f <{RDF}object> ?thing }}"
        " FILTER(isIRI(?thing)) }",
    )
    sources: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["thing"] in roles:
            sources[row["thing"]].add(row["document"])
    return dict(sources)


def read_directory(store: Store, base_url: str) -> Directory:
    """Everything the FHIR view is made of, in six queries (any backend)."""
    things = read_things(store, base_url)
    document = f"{base_url}ontology#SourceDocument"
    documents = {
        row["d"]: things.get(row["d"]) or Thing(row["d"])
        for row in _rows(store, f"SELECT DISTINCT ?d WHERE {{ ?d a <{document}> }}")
    }
    roles = read_roles(store, base_url)
    return Directory(
        base_url=base_url,
        roles=roles,
        statements=read_statements(store, base_url),
        things=things,
        sources=read_sources(store, base_url, roles),
        documents=documents,
    )
