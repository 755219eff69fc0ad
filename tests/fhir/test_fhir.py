"""Issue 14: a read-only FHIR R4 view of the graph under /fhir/.

Every resource is checked by two FHIR model libraries (``fhir.resources`` R4B and
``fhirclient``'s R4 models, both strict), and against what the graph says, asked
by SPARQL here independently of the publisher's own queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhirclient.models.fhirelementfactory import FHIRElementFactory
from flask import Flask
from flask.testing import FlaskClient

from publisher import Settings
from publisher.fhir.mapping import TYPES
from publisher.fhir.search import PARAMETERS
from tests.conftest import BASE, DATA, MakeApp

DIRECTORY = DATA / "fhir"

FHIR_JSON = "application/fhir+json"
SNOMED = "http://snomed.info/sct"
BASIS = BASE + "fhir/StructureDefinition/statement-basis"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def check(document: dict[str, Any]) -> None:
    """Both libraries accept ``document`` (each raises on unknown or ill-typed elements)."""
    kind = document["resourceType"]
    get_fhir_model_class(kind).model_validate(document)
    FHIRElementFactory.instantiate(kind, document)


def get(client: FlaskClient, path: str, status: int = 200, **kwargs: Any) -> dict[str, Any]:
    response = client.get(path, **kwargs)
    assert response.status_code == status, (path, response.get_data(as_text=True))
    assert response.mimetype == FHIR_JSON, path
    document: dict[str, Any] = response.get_json(force=True)
    check(document)
    return document


def every(client: FlaskClient, kind: str) -> list[dict[str, Any]]:
    bundle = get(client, f"/fhir/{kind}?_count=100")
    assert bundle["total"] == len(bundle.get("entry", []))
    return [entry["resource"] for entry in bundle.get("entry", [])]


def select(app: Flask, query: str) -> list[dict[str, str]]:
    rows = app.extensions["publisher"].store.select(query)
    return [{k: str(v) for k, v in row.items()} for row in rows]


def basis(element: dict[str, Any]) -> dict[str, list[str]]:
    """The statement-basis extension of an element, as {part: [values]}."""
    (ext,) = [e for e in element.get("extension", []) if e["url"] == BASIS]
    parts: dict[str, list[str]] = {}
    for part in ext["extension"]:
        value = next(v for k, v in part.items() if k.startswith("value"))
        parts.setdefault(part["url"], []).append(value)
    return parts


RIM = BASE + "ontology#"
PREFIXES = (
    f"PREFIX rim: <{RIM}> PREFIX schema: <https://schema.org/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX prov: <http://www.w3.org/ns/prov#> "
)
ORGANISATIONS = (
    "VALUES ?class { rim:ImagingGroup rim:Network rim:ImagingCentre } "
    "?o a ?type . ?type rdfs:subClassOf* ?class ."
)


def ask(app: Flask, query: str) -> bool:
    return bool(app.extensions["publisher"].store.ask(PREFIXES + query))


def status(app: Flask, s: str, p: str, o: str) -> str:
    """How the graph supports ``s p o``, asked here without the publisher's queries."""
    reified = f"?r rdf:subject <{s}> ; rdf:predicate <{p}> ; rdf:object <{o}> ."
    premise = (
        "?r ?link ?premise . ?link rdfs:subPropertyOf* prov:wasDerivedFrom . "
        "?premise rdf:subject ?any ."
    )
    if ask(
        app,
        f"ASK {{ {reified} ?r a rim:Fact ; oa:hasSelector ?q FILTER NOT EXISTS {{ {premise} }} }}",
    ):
        return "fact"
    return "inference" if ask(app, f"ASK {{ {reified} {premise} }}") else "unsupported"


def iri_of(resource: dict[str, Any]) -> str:
    return str(resource["identifier"][0]["value"])


# -- the shipped graph: every answer derived from what SPARQL finds in it -------------------


def test_every_resource_validates_and_reads_back(client: FlaskClient) -> None:
    for kind in TYPES:
        for resource in every(client, kind):
            assert get(client, f"/fhir/{kind}/{resource['id']}") == resource
    check(get(client, "/fhir/metadata"))


def test_organizations_are_the_graphs_groups_networks_and_centres(
    app: Flask, client: FlaskClient
) -> None:
    names = select(
        app,
        PREFIXES + f"SELECT ?o ?name WHERE {{ {ORGANISATIONS} "
        "{ ?o schema:name ?name } UNION { ?o rdfs:label ?name } }",
    )
    organizations = {iri_of(o): o for o in every(client, "Organization")}
    assert set(organizations) == {row["o"] for row in names} and len(organizations) >= 5
    for iri, organization in organizations.items():
        assert organization["name"] in {row["name"] for row in names if row["o"] == iri}
        assert "telecom" not in organization and "contact" not in organization
    links = select(
        app,
        PREFIXES + "SELECT ?o ?p ?parent WHERE { VALUES ?p { schema:parentOrganization "
        "schema:memberOf } { ?o ?p ?parent } UNION "
        "{ ?r rdf:subject ?o ; rdf:predicate ?p ; rdf:object ?parent } }",
    )
    assert links
    for row in links:
        part_of = organizations[row["o"]]["partOf"]
        assert part_of["reference"] == "Organization/" + organizations[row["parent"]]["id"]
        statement = basis(part_of)
        assert statement["property"] == [row["p"]]
        assert statement["status"] == [status(app, row["o"], row["p"], row["parent"])]


def test_locations_have_the_town_as_city_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    rows = select(
        app,
        PREFIXES + "SELECT ?c ?t ?city WHERE { ?c a rim:ImagingCentre ; schema:location ?t . "
        "?t schema:name ?city }",
    )
    locations = {iri_of(location): location for location in every(client, "Location")}
    assert set(locations) == {row["c"] for row in rows} and len(rows) >= 3
    for row in rows:
        location = locations[row["c"]]
        address = location["address"]
        assert address["city"] == row["city"]
        assert set(address) == {"city", "extension"}  # no lines, postcode or country
        held = status(app, row["c"], "https://schema.org/location", row["t"])
        assert basis(address)["status"] == [held]
        assert location["managingOrganization"]["reference"] == f"Organization/{location['id']}"
        assert not {"telecom", "hoursOfOperation", "position"} & set(location)


def test_healthcare_services_code_specialties_only_with_verified_identifiers(
    app: Flask, client: FlaskClient
) -> None:
    specialty = "https://schema.org/medicalSpecialty"
    rows = select(
        app,
        PREFIXES + f"SELECT DISTINCT ?o ?s WHERE {{ {ORGANISATIONS} "
        "{ ?o schema:medicalSpecialty ?s } UNION "
        "{ ?r rdf:subject ?o ; rdf:predicate schema:medicalSpecialty ; rdf:object ?s } }",
    )
    codes = {
        row["s"]: row["m"].rsplit("/", 1)[-1]
        for row in select(
            app,
            PREFIXES + "SELECT ?s ?m WHERE { ?s skos:exactMatch ?m "
            'FILTER(STRSTARTS(STR(?m), "http://snomed.info/id/")) }',
        )
    }
    organizations = {o["id"]: iri_of(o) for o in every(client, "Organization")}
    services = every(client, "HealthcareService")
    pairs = set()
    for service in services:
        provider = organizations[service["providedBy"]["reference"].split("/")[1]]
        (concept,) = service["specialty"]
        spec = next(
            r["s"]
            for r in rows
            if r["o"] == provider and service["id"].endswith(r["s"].rsplit("/", 1)[-1])
        )
        pairs.add((provider, spec))
        if spec in codes:
            assert concept["coding"] == [{"system": SNOMED, "code": codes[spec]}]
        else:
            assert "coding" not in concept and concept["text"]
        held = status(app, provider, specialty, spec)
        assert basis(concept)["status"] == [held]
        assert ("comment" in service) == (held != "fact")
        if ask(app, f"ASK {{ <{provider}> a rim:ImagingCentre }}"):
            assert (
                service["location"][0]["reference"]
                == f"Location/{service['providedBy']['reference'].split('/')[1]}"
            )
    assert pairs == {(r["o"], r["s"]) for r in rows} and len(pairs) >= 6
    assert any("coding" not in s["specialty"][0] for s in services)  # conventional radiology


def test_no_provenance_without_a_recorded_time_and_an_agent(
    app: Flask, client: FlaskClient
) -> None:
    held = ask(
        app,
        "ASK { ?f a rim:Fact ; prov:wasGeneratedBy ?a . "
        "{ ?a prov:endedAtTime ?t } UNION { ?f prov:generatedAtTime ?t } }",
    )
    assert not held  # the shipped graph records no time: FHIR's Provenance.recorded
    assert get(client, "/fhir/Provenance")["total"] == 0


# -- a fixture directory: exact answers ------------------------------------------------------


@pytest.fixture(scope="module")
def fixture(make_app: MakeApp) -> FlaskClient:
    """``tests/data/fhir/directory.ttl`` alone (not validated: it has no shapes)."""
    return make_app(Settings(data_paths=(DIRECTORY,), validate=False)).test_client()


def test_the_fixture_maps_as_described(fixture: FlaskClient) -> None:
    expected = {
        "Organization": [
            "centre-one",
            "centre-three",
            "centre-two",
            "network-net",
            "organisation-alpha-group",
        ],
        "Location": ["centre-one", "centre-three", "centre-two"],
        "HealthcareService": [
            "centre-one--conv",
            "centre-one--ir",
            "centre-three--conv",
            "centre-two--ir",
        ],
        "Provenance": ["fact-one-parent"],
    }
    for kind, found in expected.items():
        assert [r["id"] for r in every(fixture, kind)] == found, kind
    one = get(fixture, "/fhir/Organization/centre-one")
    assert "meta" not in one  # two source documents: one extension each
    extensions = {
        (e["url"].rsplit("/", 1)[-1], next(iter(v for k, v in e.items() if k != "url")))
        for e in one["extension"]
    }
    assert extensions == {
        ("editorial-note", "The name is descriptive."),
        ("source-document", BASE + "id/document/page"),
        ("source-document", BASE + "id/document/other"),
    }
    two = get(fixture, "/fhir/Location/centre-two")
    assert two["name"] == "Centre deux" and two["alias"] == ["Centre two"]
    assert basis(get(fixture, "/fhir/Organization/organisation-alpha-group")["partOf"])[
        "status"
    ] == ["unsupported"]
    assert basis(get(fixture, "/fhir/Organization/centre-three")["partOf"])["status"] == [
        "unsupported"
    ]


def test_an_inferred_statement_stays_marked_as_one(fixture: FlaskClient) -> None:
    service = get(fixture, "/fhir/HealthcareService/centre-two--ir")
    (specialty,) = service["specialty"]
    statement = basis(specialty)
    assert statement["status"] == ["inference"]
    assert statement["statement"] == [BASE + "id/inference/two-ir"]
    assert statement["note"] == [
        "Read distributively from what the page says of the centres together."
    ]
    assert "as an inference" in service["comment"]
    assert specialty["coding"] == [{"system": SNOMED, "code": "408455009"}]  # not example.org's
    only_reified = get(fixture, "/fhir/HealthcareService/centre-three--conv")
    assert basis(only_reified["specialty"][0])["status"] == ["inference"]
    assert only_reified["meta"]["source"] == BASE + "id/document/other"  # through its premise
    assert "coding" not in only_reified["specialty"][0]  # closeMatch is not identity


def test_provenance_only_where_the_graph_records_time_and_agent(fixture: FlaskClient) -> None:
    (provenance,) = every(fixture, "Provenance")
    recorded = datetime.fromisoformat(provenance["recorded"])
    assert recorded == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    assert provenance["agent"] == [
        {"who": {"identifier": {"system": "urn:ietf:rfc:3986", "value": BASE + "id/agent/editor"}}}
    ]
    assert provenance["target"] == [{"reference": "Organization/centre-one"}]
    assert provenance["entity"][0]["what"]["display"] == "La page"
    assert basis(provenance)["quote"] == ["Le centre un du groupe Alpha."]
    found = get(fixture, "/fhir/Provenance?target=Organization/centre-one")
    assert found["total"] == 1
    assert get(fixture, "/fhir/Provenance?target=centre-two")["total"] == 0


# -- search -------------------------------------------------------------------------------


def ids(client: FlaskClient, path: str) -> list[str]:
    bundle = get(client, path)
    assert bundle["type"] == "searchset"
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fhir/Organization?name=alpha", 2),  # a name and an alias ("Alpha group")
        ("/fhir/Organization?name=ALPHA%20%E2%80%93%20saint-raphael", 1),
        ("/fhir/Organization?name:contains=raphael", 1),
        ("/fhir/Organization?name:exact=Trois", 1),
        ("/fhir/Organization?name:exact=trois", 0),
        ("/fhir/Organization?name=trois,reseau", 2),
        ("/fhir/Organization?name=net", 0),
        ("/fhir/Organization?name:contains=net", 1),
        ("/fhir/Organization?partof=organisation-alpha-group", 3),
        ("/fhir/Organization?partof=Organization/network-net", 1),
        (f"/fhir/Organization?partof={BASE}fhir/Organization/network-net", 1),
        ("/fhir/Organization?partof=Location/network-net", 0),
        ("/fhir/Organization?address-city=saint-raph", 1),
        ("/fhir/Location?address-city=fr%C3%A9jus", 1),
        ("/fhir/Location?address-city=FREJUS", 1),
        ("/fhir/Location?name=centre&organization=centre-two", 1),
        ("/fhir/Location?organization=Organization/centre-one,centre-two", 2),
        (f"/fhir/HealthcareService?specialty={SNOMED}|408455009", 2),
        ("/fhir/HealthcareService?specialty=408455009", 2),
        ("/fhir/HealthcareService?specialty=|408455009", 0),
        (f"/fhir/HealthcareService?specialty={SNOMED}|", 2),
        ("/fhir/HealthcareService?specialty=http://other|408455009", 0),
        ("/fhir/HealthcareService?specialty=1", 0),
        ("/fhir/HealthcareService?specialty:text=radiologie%20conv", 2),
        ("/fhir/HealthcareService?organization=centre-one", 2),
        ("/fhir/HealthcareService?location=Location/centre-one&specialty=408455009", 1),
        ("/fhir/HealthcareService?name=radiologie&name=radiologie%20i", 2),
        ("/fhir/Organization?_id=network-net,centre-one", 2),
        ("/fhir/Organization?_id=network-net&name=alpha", 0),
        ("/fhir/Organization?name=", 5),  # an empty parameter is ignored
        ("/fhir/Organization?_format=json", 5),
        ("/fhir/Organization?_format=application/fhir%2Bjson", 5),
    ],
)
def test_search_parameters(fixture: FlaskClient, path: str, expected: int) -> None:
    bundle = get(fixture, path)
    assert bundle["total"] == expected == len(bundle.get("entry", []))
    for entry in bundle.get("entry", []):
        assert (
            entry["fullUrl"]
            == f"{BASE}fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        )
        assert entry["search"] == {"mode": "match"}


def test_paging_links_walk_every_match_once(fixture: FlaskClient) -> None:
    everything = ids(fixture, "/fhir/HealthcareService?_count=100")
    seen: list[str] = []
    path: str | None = "/fhir/HealthcareService?_count=3"
    pages = 0
    while path:
        bundle = get(fixture, path)
        assert bundle["total"] == len(everything) == 4
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert {"self", "first", "last"} <= set(links)
        seen += [entry["resource"]["id"] for entry in bundle["entry"]]
        nxt = links.get("next")
        path = urlsplit(nxt).path + "?" + urlsplit(nxt).query if nxt else None
        pages += 1
    assert seen == everything and pages == 2
    assert "previous" in {link["relation"] for link in bundle["link"]}
    counted = get(fixture, "/fhir/HealthcareService?_count=0")
    assert counted["total"] == 4 and "entry" not in counted
    beyond = get(fixture, "/fhir/HealthcareService?_count=3&_offset=9")
    assert beyond["total"] == 4 and "entry" not in beyond


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/fhir/Organization?foo=1", 400, "not-supported"),
        ("/fhir/Organization?name:missing=a", 400, "not-supported"),
        ("/fhir/Organization?_sort=name", 400, "not-supported"),
        ("/fhir/Organization?_count=-1", 400, "invalid"),
        ("/fhir/Organization?_count=101", 400, "invalid"),
        ("/fhir/Organization?_count=x", 400, "invalid"),
        ("/fhir/Location?partof=x", 400, "not-supported"),
        ("/fhir/Patient", 404, "not-supported"),
        ("/fhir/Patient/1", 404, "not-supported"),
        ("/fhir/Organization/nowhere", 404, "not-found"),
        ("/fhir/Organization/centre-frejus/_history", 404, "not-supported"),
        ("/fhir/", 404, "not-supported"),
        ("/fhir/Organization?_format=xml", 406, "not-supported"),
        ("/fhir/metadata?_format=text/html", 406, "not-supported"),
    ],
)
def test_refusals_are_operation_outcomes(
    client: FlaskClient, path: str, status: int, code: str
) -> None:
    for accept in (BROWSER, FHIR_JSON):  # never HTML, even for a browser
        outcome = get(client, path, status, headers={"Accept": accept})
        assert outcome["resourceType"] == "OperationOutcome"
        assert outcome["issue"][0]["code"] == code and outcome["issue"][0]["diagnostics"]


def test_writes_are_refused_with_405(client: FlaskClient) -> None:
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/fhir/Organization/centre-frejus", json={})
        assert response.status_code == 405 and response.mimetype == FHIR_JSON
        assert response.headers["Allow"] == "GET, HEAD"
        check(response.get_json(force=True))


def test_capability_statement_lists_exactly_what_answers(client: FlaskClient) -> None:
    statement = get(client, "/fhir/metadata")
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    (rest,) = statement["rest"]
    assert [r["type"] for r in rest["resource"]] == list(TYPES)
    for resource in rest["resource"]:
        kind = resource["type"]
        assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}
        listed = {p["name"] for p in resource["searchParam"]}
        assert listed == {p.name for p in PARAMETERS[kind]} | {"_id", "_count", "_offset"}
        for name in listed:
            get(
                client,
                f"/fhir/{kind}?{name}=1" if name.startswith("_") else f"/fhir/{kind}?{name}=a",
            )
    for kind in ("Patient", "Practitioner", "Endpoint"):
        get(client, f"/fhir/{kind}", 404)


def test_fhir_json_whatever_the_accept_header(client: FlaskClient) -> None:
    for accept in (BROWSER, "application/json", "application/fhir+xml", "*/*"):
        response = client.get("/fhir/Organization/centre-frejus", headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == FHIR_JSON
        assert response.headers["ETag"] and "Accept" not in response.headers.get("Vary", "")
