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

from publisher import Settings, create_app
from publisher.config import DEFAULT_DATA_PATHS
from publisher.fhir.mapping import TYPES
from publisher.fhir.search import PARAMETERS
from tests.conftest import BASE, DATA

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


PREFIXES = (
    "PREFIX rim: <http://127.0.0.1:8080/ontology#> PREFIX schema: <https://schema.org/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)


# -- resources ----------------------------------------------------------------------------


def test_every_resource_validates_and_reads_back(client: FlaskClient) -> None:
    for kind in TYPES:
        for resource in every(client, kind):
            assert get(client, f"/fhir/{kind}/{resource['id']}") == resource
    check(get(client, "/fhir/metadata"))


def test_organizations_are_the_graphs_groups_networks_and_centres(
    app: Flask, client: FlaskClient
) -> None:
    rows = select(
        app,
        PREFIXES + "SELECT ?o ?name WHERE { VALUES ?c { rim:ImagingGroup rim:Network "
        "rim:ImagingCentre } ?o a ?c ; schema:name ?name }",
    )
    organizations = {o["identifier"][0]["value"]: o for o in every(client, "Organization")}
    assert set(organizations) == {row["o"] for row in rows} and len(rows) >= 5
    for row in rows:
        assert organizations[row["o"]]["name"] == row["name"]
    parents = select(
        app,
        PREFIXES + "SELECT ?o ?p WHERE { { ?o schema:parentOrganization ?p } "
        "UNION { ?o schema:memberOf ?p } }",
    )
    assert parents
    ids = {o["identifier"][0]["value"]: f"Organization/{o['id']}" for o in organizations.values()}
    for row in parents:
        part_of = organizations[row["o"]]["partOf"]
        assert part_of["reference"] == ids[row["p"]]
        assert basis(part_of)["status"] == ["fact"]
        assert basis(part_of)["statement"][0].startswith(BASE + "id/fact/")
    for organization in organizations.values():
        assert organization["meta"]["source"] == BASE + "id/document/interventional-radiology-page"
        assert "telecom" not in organization and "contact" not in organization


def test_locations_have_the_town_as_city_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    rows = select(
        app,
        PREFIXES + "SELECT ?c ?city WHERE { ?c a rim:ImagingCentre ; schema:location ?t . "
        "?t schema:name ?city }",
    )
    locations = {loc["identifier"][0]["value"]: loc for loc in every(client, "Location")}
    assert set(locations) == {row["c"] for row in rows} and len(rows) == 3
    for row in rows:
        location = locations[row["c"]]
        address = location["address"]
        assert address["city"] == row["city"]
        assert set(address) == {"city", "extension"}  # no lines, postcode or country
        assert basis(address)["property"] == ["https://schema.org/location"]
        assert location["managingOrganization"]["reference"] == f"Organization/{location['id']}"
        assert not {"telecom", "hoursOfOperation", "position"} & set(location)


def test_healthcare_services_code_specialties_only_with_verified_identifiers(
    app: Flask, client: FlaskClient
) -> None:
    rows = select(app, PREFIXES + "SELECT ?c ?s WHERE { ?c schema:medicalSpecialty ?s }")
    codes = {
        row["s"]: row["m"].rsplit("/", 1)[-1]
        for row in select(
            app,
            PREFIXES + "SELECT ?s ?m WHERE { ?x schema:medicalSpecialty ?s . ?s skos:exactMatch ?m "
            'FILTER(STRSTARTS(STR(?m), "http://snomed.info/id/")) }',
        )
    }
    services = every(client, "HealthcareService")
    assert len(services) == len(rows) == 6
    uncoded = 0
    for service in services:
        (specialty,) = service["specialty"]
        statement = basis(specialty)
        subject = next(
            r["c"]
            for r in rows
            if service["id"].startswith(r["c"][len(BASE) + 3 :].replace("/", "-"))
        )
        assert service["providedBy"]["reference"] == "Organization/" + subject[
            len(BASE) + 3 :
        ].replace("/", "-")
        assert service["location"][0]["reference"] == service["providedBy"]["reference"].replace(
            "Organization", "Location"
        )
        spec = next(
            r["s"]
            for r in rows
            if r["c"] == subject and service["id"].endswith(r["s"].rsplit("/", 1)[-1])
        )
        if spec in codes:
            assert specialty["coding"] == [{"system": SNOMED, "code": codes[spec]}]
        else:
            assert "coding" not in specialty and specialty["text"]
            uncoded += 1
        assert statement["status"] == ["fact"] and statement["quote"]
        assert "comment" not in service
    assert uncoded == 3  # conventional radiology has no verified code


def test_no_provenance_without_a_recorded_time_and_an_agent(
    app: Flask, client: FlaskClient
) -> None:
    held = select(
        app,
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT * WHERE { ?f prov:wasGeneratedBy ?a . "
        "{ ?a prov:endedAtTime ?t } UNION { ?f prov:generatedAtTime ?t } }",
    )
    assert held == []  # the shipped graph records no time: FHIR's Provenance.recorded
    assert get(client, "/fhir/Provenance")["total"] == 0


@pytest.fixture(scope="module")
def augmented() -> FlaskClient:
    """The shipped graph plus an inferred statement and a recorded time and agent."""
    paths = (*DEFAULT_DATA_PATHS, DATA / "fhir")
    return create_app(Settings(data_paths=paths, validate=False)).test_client()


def test_an_inferred_statement_stays_marked_as_one(augmented: FlaskClient) -> None:
    service = get(augmented, "/fhir/HealthcareService/centre-frejus--radiology")
    (specialty,) = service["specialty"]
    statement = basis(specialty)
    assert statement["status"] == ["inference"]
    assert statement["statement"] == [BASE + "id/inference/frejus-radiology"]
    assert "not as a quoted fact" in service["comment"]
    assert specialty["coding"] == [{"system": SNOMED, "code": "394914008"}]
    assert service["meta"]["source"] == BASE + "id/document/interventional-radiology-page"


def test_provenance_when_the_graph_records_time_and_agent(augmented: FlaskClient) -> None:
    bundle = get(augmented, "/fhir/Provenance?_count=100")
    assert bundle["total"] == 13  # 3 parents, 1 membership, 3 towns, 6 specialties
    for entry in bundle["entry"]:
        provenance = entry["resource"]
        recorded = datetime.fromisoformat(provenance["recorded"])
        assert recorded == datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
        assert provenance["agent"][0]["who"]["identifier"]["value"] == BASE + "id/agent/editor"
        for target in provenance["target"]:
            get(augmented, "/fhir/" + target["reference"])
    target = "Organization/organisation-var-imagerie-medicale"
    found = get(augmented, f"/fhir/Provenance?target={target}")
    assert found["total"] == 1 and "member-of-vidi" in found["entry"][0]["resource"]["id"]


# -- search -------------------------------------------------------------------------------


def ids(client: FlaskClient, path: str) -> list[str]:
    bundle = get(client, path)
    assert bundle["type"] == "searchset"
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fhir/Organization?name=var", 4),
        ("/fhir/Organization?name=VAR%20IMAGERIE%20MEDICALE%20%E2%80%93%20saint", 1),
        ("/fhir/Organization?name:contains=raphael", 1),
        ("/fhir/Organization?name:exact=Vidi", 1),
        ("/fhir/Organization?name:exact=vidi", 0),
        ("/fhir/Organization?name=vidi,draguignan", 1),
        ("/fhir/Organization?name:contains=vidi,draguignan", 2),
        ("/fhir/Organization?partof=organisation-var-imagerie-medicale", 3),
        ("/fhir/Organization?partof=Organization/network-vidi", 1),
        (f"/fhir/Organization?partof={BASE}fhir/Organization/network-vidi", 1),
        ("/fhir/Organization?address-city=saint-raph", 1),
        ("/fhir/Location?address-city=fr%C3%A9jus", 1),
        ("/fhir/Location?name=var&organization=centre-draguignan", 1),
        ("/fhir/Location?organization=Organization/centre-frejus,centre-draguignan", 2),
        (f"/fhir/HealthcareService?specialty={SNOMED}|408455009", 3),
        ("/fhir/HealthcareService?specialty=408455009", 3),
        ("/fhir/HealthcareService?specialty=|408455009", 0),
        (f"/fhir/HealthcareService?specialty={SNOMED}|", 3),
        ("/fhir/HealthcareService?specialty=http://other|408455009", 0),
        ("/fhir/HealthcareService?specialty:text=radiologie%20conv", 3),
        ("/fhir/HealthcareService?organization=centre-frejus", 2),
        ("/fhir/HealthcareService?location=Location/centre-frejus&specialty=408455009", 1),
        ("/fhir/HealthcareService?name=radiologie&name=radiologie%20i", 3),
        ("/fhir/Organization?_id=network-vidi,centre-frejus", 2),
        ("/fhir/Organization?_id=network-vidi&name=var", 0),
        ("/fhir/Organization?name=", 5),  # an empty parameter is ignored
        ("/fhir/Organization?_format=json", 5),
        ("/fhir/Organization?_format=application/fhir%2Bjson", 5),
    ],
)
def test_search_parameters(client: FlaskClient, path: str, expected: int) -> None:
    bundle = get(client, path)
    assert bundle["total"] == expected == len(bundle.get("entry", []))
    for entry in bundle.get("entry", []):
        assert (
            entry["fullUrl"]
            == f"{BASE}fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        )
        assert entry["search"] == {"mode": "match"}


def test_paging_links_walk_every_match_once(client: FlaskClient) -> None:
    everything = ids(client, "/fhir/HealthcareService?_count=100")
    seen: list[str] = []
    path: str | None = "/fhir/HealthcareService?_count=4"
    pages = 0
    while path:
        bundle = get(client, path)
        assert bundle["total"] == len(everything) == 6
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert {"self", "first", "last"} <= set(links)
        seen += [entry["resource"]["id"] for entry in bundle["entry"]]
        nxt = links.get("next")
        path = urlsplit(nxt).path + "?" + urlsplit(nxt).query if nxt else None
        pages += 1
    assert seen == everything and pages == 2
    assert "previous" in {link["relation"] for link in bundle["link"]}
    counted = get(client, "/fhir/HealthcareService?_count=0")
    assert counted["total"] == 6 and "entry" not in counted


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
