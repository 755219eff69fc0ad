"""Issue 15: the schema.org JSON-LD of every page asserts nothing the data does not state.

Each triple the embedded JSON-LD expands to (with pyld, offline) must be one the data
states, or a safe entailment of it, by the rule in ``docs/provenance.md``:

- ``@type``: a schema.org type asserted for the node, or a super-class the ontology declares
  for one of its types (``Thing`` when it has none);
- ``name``: its ``schema:name``; ``sameAs``: its ``skos:exactMatch`` (never a close match);
- ``description``: a definition a quoted ``rim:Fact`` reifies (never an editorial one);
- ``mainEntityOfPage``: the page itself;
- any other property P: a triple with P or a project property declared ``rdfs:subPropertyOf``
  P, or the link from the other end by P's schema.org inverse; literals keep their value,
  and a value marked ``rim:isApproximate`` never goes out as a number.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.namespace import RDF, RDFS, SKOS

from tests.graph_support import BASE_URL
from tests.render.test_schemaorg import embedded, entity_paths, expand

SDO = "http://schema.org/"
SCHEMA = rdflib.Namespace("https://schema.org/")
RIM = rdflib.Namespace(f"{BASE_URL}ontology#")
#: schema.org's own inverses (schema:inverseOf in the vocabulary) the projection writes.
INVERSES = {
    "subOrganization": "parentOrganization",
    "parentOrganization": "subOrganization",
    "member": "memberOf",
    "subjectOf": "about",
}


def _https(term: rdflib.URIRef) -> rdflib.URIRef:
    return rdflib.URIRef(str(term).replace(SDO, str(SCHEMA), 1))


def _same_value(a: rdflib.term.Node, b: rdflib.term.Node) -> bool:
    if isinstance(a, rdflib.Literal) and isinstance(b, rdflib.Literal):
        return str(a) == str(b) or a.toPython() == b.toPython()
    return a == b


def _quoted(
    data: rdflib.Graph, s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.Literal
) -> bool:
    return any(
        (record, RDF.type, RIM.Fact) in data
        and (record, RDF.predicate, p) in data
        and any(_same_value(o, v) for v in data.objects(record, RDF.object))
        for record in data.subjects(RDF.subject, s)
    )


def _types(data: rdflib.Graph, node: rdflib.term.Node) -> set[rdflib.term.Node]:
    asserted = set(data.objects(node, RDF.type))
    return asserted | {s for t in asserted for s in data.objects(t, RDFS.subClassOf)}


def unsupported(data: rdflib.Graph, emitted: rdflib.Graph, page: str) -> Iterator[str]:
    """Every expanded triple that is neither stated nor a safe entailment."""
    for s, p, o in emitted:
        name = str(p).removeprefix(SDO)
        if p == RDF.type:
            ok = _https(o) in _types(data, s) or (o == rdflib.URIRef(SDO + "Thing"))
        elif name == "mainEntityOfPage":
            ok = str(o) == str(s).replace("/id/", "/doc/", 1)
        elif name == "sameAs":
            ok = (s, SKOS.exactMatch, o) in data
        elif name == "name":
            ok = any(_same_value(o, v) for v in data.objects(s, SCHEMA.name))
        elif name == "description":
            ok = isinstance(o, rdflib.Literal) and _quoted(data, s, SKOS.definition, o)
        else:
            target = SCHEMA[name]
            predicates = {target, *data.subjects(RDFS.subPropertyOf, target)}
            ok = any(_same_value(o, v) for q in predicates for v in data.objects(s, q))
            if name in INVERSES:
                ok = ok or (o, SCHEMA[INVERSES[name]], s) in data
            if name == "value" and (s, RIM.isApproximate, rdflib.Literal(True)) in data:
                ok = ok and not isinstance(
                    o.toPython() if isinstance(o, rdflib.Literal) else o, int
                )
        if not ok:
            yield f"{page}: {s} {name} {o}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_says_only_what_the_data_states(
    client: FlaskClient, knowledge_graph: rdflib.Graph, lang: str
) -> None:
    problems: list[str] = []
    paths = entity_paths(client)
    assert len(paths) > 30
    for path in paths:
        page = f"/doc/{path}?lang={lang}"
        for block in embedded(client.get(page).get_data(True)):
            problems.extend(unsupported(knowledge_graph, expand(block), page))
    assert problems == []


def test_the_check_catches_what_the_issue_found(knowledge_graph: rdflib.Graph) -> None:
    """The checker is real: the old projection's services, bare number and editorial
    definition are each reported."""
    centre = rdflib.URIRef(f"{BASE_URL}id/centre/frejus")
    aspect = rdflib.URIRef(f"{BASE_URL}id/aspect/therapeutic")
    stat = rdflib.URIRef(f"{BASE_URL}id/statistic/annual-radiology-acts")
    modality = rdflib.URIRef(f"{BASE_URL}id/modality/ct")
    sdo = rdflib.Namespace(SDO)
    emitted = rdflib.Graph()
    emitted.add((centre, sdo.availableService, aspect))
    emitted.add((aspect, RDF.type, sdo.TherapeuticProcedure))
    emitted.add((stat, sdo.value, rdflib.Literal(68500000)))
    emitted.add((modality, sdo.description, rdflib.Literal("Technique d’imagerie")))
    emitted.add((modality, sdo.sameAs, rdflib.URIRef("http://snomed.info/id/77477000")))
    assert len(list(unsupported(knowledge_graph, emitted, "made-up"))) == 5


def test_the_statistic_keeps_its_approximation(client: FlaskClient) -> None:
    data = embedded(client.get("/doc/statistic/annual-radiology-acts").get_data(True))[0]
    assert data["value"] == "environ 68,5 millions"


def test_descriptions_are_the_sources_words_with_their_citation(client: FlaskClient) -> None:
    radiology = embedded(client.get("/doc/specialty/radiology?lang=en").get_data(True))[0]
    # the INCa definition, in French (the English one is our translation), and its source
    assert radiology["description"]["@language"] == "fr"
    assert radiology["description"]["@value"].startswith("spécialité médicale qui utilise")
    assert radiology["subjectOf"]["@id"].endswith("/id/document/inca-radiology-definition")
    for path in ("modality/ct", "specialty/conventional-radiology", "aspect/diagnostic"):
        data = embedded(client.get(f"/doc/{path}").get_data(True))[0]
        assert "description" not in data, path  # editorial definitions stay in the RDF views
