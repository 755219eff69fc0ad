"""A resource document is one graph: every format parses to it, and it holds the
resource's own triples, the labels of what it links to, and its provenance."""

from __future__ import annotations

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from publisher.rdf.formats import RDF as RDF_FORMATS
from tests.conftest import BASE

SCHEMA = rdflib.Namespace("https://schema.org/")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SAMPLE = [
    "centre/frejus",
    "specialty/interventional-radiology",
    "modality/ct",
    "organisation/var-imagerie-medicale",
    "document/interventional-radiology-page",
]


def fetch_graph(client: FlaskClient, path: str, fmt) -> rdflib.Graph:
    """The document in ``fmt`` as a plain graph; quad formats must hold exactly one
    named graph, the document's URL, and nothing in the default graph."""
    response = client.get(f"/doc/{path}.{fmt.extension}")
    assert response.status_code == 200, (path, fmt.token)
    if not fmt.quads:
        return rdflib.Graph().parse(data=response.data, format=fmt.rdflib_name)
    dataset = rdflib.Dataset()
    dataset.parse(data=response.data, format=fmt.rdflib_name)
    names = {str(g) for _, _, _, g in dataset.quads((None, None, None, None))}
    assert names == {f"{BASE}doc/{path}"}, names
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize("path", SAMPLE)
def test_every_format_gives_the_same_graph(client: FlaskClient, path: str) -> None:
    reference = fetch_graph(client, path, RDF_FORMATS[1])  # Turtle
    assert len(reference) > 5
    for fmt in RDF_FORMATS:
        assert isomorphic(fetch_graph(client, path, fmt), reference), fmt.token


def all_entities(client: FlaskClient) -> list[str]:
    nt = client.get("/dumps/dataset.nq").get_data(as_text=True)
    prefix = f"<{BASE}id/"
    return sorted(
        {
            line.split(" ", 1)[0][len(prefix) : -1]
            for line in nt.splitlines()
            if line.startswith(prefix)
        }
    )


def test_every_resource_turtle_and_nquads_agree(client: FlaskClient) -> None:
    paths = all_entities(client)
    assert len(paths) >= 10
    for path in paths:
        turtle = fetch_graph(client, path, RDF_FORMATS[1])
        quads = fetch_graph(client, path, RDF_FORMATS[-1])
        assert isomorphic(turtle, quads), path
        assert (rdflib.URIRef(f"{BASE}id/{path}"), None, None) in turtle, path


def test_document_holds_own_triples_labels_of_links_and_provenance(
    client: FlaskClient,
) -> None:
    graph = fetch_graph(client, "centre/frejus", RDF_FORMATS[1])
    centre = rdflib.URIRef(f"{BASE}id/centre/frejus")
    specialty = rdflib.URIRef(f"{BASE}id/specialty/interventional-radiology")
    group = rdflib.URIRef(f"{BASE}id/organisation/var-imagerie-medicale")
    assert (centre, SCHEMA.medicalSpecialty, specialty) in graph
    assert (centre, SCHEMA.parentOrganization, group) in graph
    # labels of what it links to, in both languages
    labels = {
        lit.language
        for p in (RDFS.label, SKOS.prefLabel, SCHEMA.name)
        for lit in graph.objects(specialty, p)
    }
    assert {"fr", "en"} <= labels
    # the group's own facts are not repeated here (only its labels)
    assert (group, SCHEMA.memberOf, None) not in graph
    # provenance: a fact about the centre's town, its source and its quote
    town = rdflib.URIRef(f"{BASE}id/town/frejus")
    [fact] = [
        f
        for f in graph.subjects(RDF.subject, centre)
        if graph.value(f, RDF.predicate) == SCHEMA.location and graph.value(f, RDF.object) == town
    ]
    page = graph.value(fact, PROV.wasDerivedFrom)
    assert page is not None and graph.value(page, RDFS.label) is not None
    quote = graph.value(graph.value(fact, OA.hasSelector), OA.exact)
    assert "radiologie interventionnelle" in str(quote)
    # the centre's specialty is an inference: the document names its premises
    rim = rdflib.Namespace(f"{BASE}ontology#")
    [inference] = [
        f
        for f in graph.subjects(RDF.subject, centre)
        if graph.value(f, RDF.predicate) == SCHEMA.medicalSpecialty
        and graph.value(f, RDF.object) == specialty
    ]
    assert (inference, RDF.type, rim.Inference) in graph
    assert len(list(graph.objects(inference, rim.premise))) == 2


def test_inverse_links_are_in_the_document(client: FlaskClient) -> None:
    graph = fetch_graph(client, "specialty/interventional-radiology", RDF_FORMATS[1])
    centre = rdflib.URIRef(f"{BASE}id/centre/frejus")
    specialty = rdflib.URIRef(f"{BASE}id/specialty/interventional-radiology")
    assert (centre, SCHEMA.medicalSpecialty, specialty) in graph
    assert graph.value(centre, RDFS.label) is not None
