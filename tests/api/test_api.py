"""/api/: named partner queries, their OpenAPI document, and generated parameters."""

from __future__ import annotations

import csv
import io
import re
import shutil

import jsonschema
import pytest
import rdflib
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from publisher import Settings
from publisher.api.named import catalogue, parse
from publisher.config import PROJECT_ROOT
from publisher.search.build import index_of
from publisher.search.index import SearchIndex
from tests.conftest import BASE, MakeApp


@pytest.fixture(scope="module")
def spec(app) -> dict:
    return app.test_client().get("/api/openapi.json").get_json()


def operations(spec: dict) -> list[tuple[str, dict]]:
    return [(path, item["get"]) for path, item in spec["paths"].items()]


def example_args(operation: dict) -> dict[str, str]:
    return {p["name"]: p["example"] for p in operation.get("parameters", []) if "example" in p}


def test_openapi_document_is_valid_and_lists_every_query(spec: dict) -> None:
    validate(spec)
    assert {f"/api/{name}" for name in catalogue()} <= set(spec["paths"])
    assert len(catalogue()) >= 5
    assert spec["servers"] == [{"url": BASE.rstrip("/")}]


def test_every_path_answers_as_described(client: FlaskClient, spec: dict) -> None:
    for path, operation in operations(spec):
        response = client.get(path, query_string=example_args(operation))
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        described = operation["responses"]["200"]["content"]
        assert response.mimetype in described, path
        schema = described[response.mimetype]["schema"]
        if response.mimetype.endswith("json"):
            jsonschema.validate(response.get_json(), schema)
        for media_type in described:
            other = client.get(
                path, query_string=example_args(operation), headers={"Accept": media_type}
            )
            assert other.status_code == 200 and other.mimetype == media_type, (path, media_type)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_each_query_answers_its_example_in_every_format(client: FlaskClient, name: str) -> None:
    query = catalogue()[name]
    args = {p.name: p.example for p in query.parameters if p.example}
    document = client.get(f"/api/{name}", query_string=args).get_json()
    assert document["results"], f"{name} found nothing for its example"
    table = client.get(f"/api/{name}", query_string={**args, "format": "csv"})
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert rows[0] == document["columns"] and len(rows) == len(document["results"]) + 1
    linked = client.get(f"/api/{name}", query_string={**args, "format": "jsonld"})
    graph = rdflib.Graph().parse(data=linked.get_data(as_text=True), format="json-ld")
    result_type = rdflib.URIRef(f"{BASE}api/{name}#Result")
    assert len(set(graph.subjects(rdflib.RDF.type, result_type))) == len(document["results"])


def test_centres_offering_a_specialty(client: FlaskClient) -> None:
    body = client.get(
        "/api/centres-by-specialty?specialty=interventional-radiology&lang=en"
    ).get_json()
    towns = sorted(row["townLabel"] for row in body["results"])
    assert towns == ["Draguignan", "Fréjus", "Saint-Raphaël"]
    by_iri = client.get(
        "/api/centres-by-specialty", query_string={"specialty": f"{BASE}id/specialty/radiology"}
    ).get_json()
    assert by_iri["results"] == []  # the centres name the two sub-specialties, not radiology


def test_centres_offering_a_modality(client: FlaskClient) -> None:
    body = client.get("/api/centres-by-modality?modality=mri").get_json()
    assert {row["centre"] for row in body["results"]} == {
        f"{BASE}id/centre/{t}" for t in ("frejus", "saint-raphael", "draguignan")
    }
    unknown = client.get("/api/centres-by-modality?modality=pet")  # issue 12
    assert unknown.status_code == 400
    assert "pet" in unknown.get_data(as_text=True) and "mri (" in unknown.get_data(as_text=True)


def test_procedures_of_an_aspect_with_guiding_modalities(client: FlaskClient) -> None:
    body = client.get("/api/procedures-by-aspect?aspect=diagnostic&lang=en").get_json()
    assert {row["procedure"] for row in body["results"]} == {
        f"{BASE}id/procedure/image-guided-sampling"
    }
    assert {row["modalityLabel"] for row in body["results"]} == {
        "radiography", "ultrasound", "computed tomography", "MRI", "angiography"
    }  # fmt: skip
    therapeutic = client.get("/api/procedures-by-aspect?aspect=therapeutic").get_json()
    assert therapeutic["results"] and all("modality" not in r for r in therapeutic["results"])


def test_resource_with_its_provenance(client: FlaskClient) -> None:
    body = client.get("/api/provenance?resource=centre/frejus").get_json()
    facts = {(row["property"], row["value"]) for row in body["results"]}
    assert ("https://schema.org/location", f"{BASE}id/town/frejus") in facts
    # a quoted fact has its quote; an inference (each centre's specialties, read from what
    # the page says of the centres together) has its kind and reasoning instead
    assert all(row["source"] for row in body["results"])
    assert all(row.get("quote") or row.get("reasoning") for row in body["results"])
    inferred = [r for r in body["results"] if r["kind"].endswith("ontology#Inference")]
    assert {r["value"] for r in inferred} == {
        f"{BASE}id/specialty/interventional-radiology",
        f"{BASE}id/specialty/conventional-radiology",
    }
    quote = body["results"][0]["quote"]
    assert "Fréjus" in quote


def test_national_statistic_with_its_source(client: FlaskClient) -> None:
    body = client.get("/api/national-statistic?lang=en").get_json()
    (row,) = body["results"]
    assert row["value"] == 68500000 and row["approximate"] is True
    assert row["source"] == f"{BASE}id/document/interventional-radiology-page"
    assert "68,5 millions" in row["quote"]


@pytest.mark.parametrize(
    "query",
    [
        "/api/centres-by-specialty",
        "/api/centres-by-specialty?specialty=",
        "/api/centres-by-specialty?specialty=Oncology",
        "/api/centres-by-specialty?specialty=x%3E%20%7D%20%3B%20DROP%20ALL",
        "/api/centres-by-specialty?specialty=http://elsewhere.example/id/specialty/x",
        "/api/centres-by-specialty?specialty=radiology&lang=de",
        "/api/provenance?resource=frejus",
        "/api/provenance?resource=%22%29%20%7D%20SELECT",
        "/api/procedures-by-aspect?aspect=diagnostic%22%40fr",
    ],
)
def test_missing_or_ill_typed_parameters_are_400(client: FlaskClient, query: str) -> None:
    response = client.get(query)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_query_is_404_and_unknown_format_406(client: FlaskClient) -> None:
    assert client.get("/api/no-such-query").status_code == 404
    response = client.get("/api/national-statistic", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_values_are_bound_as_terms_not_pasted() -> None:
    query = catalogue()["centres-by-specialty"]
    text, used = query.bind({"specialty": "interventional-radiology", "lang": "en"}, BASE)
    assert (
        f'VALUES (?specialty ?lang) {{ (<{BASE}id/specialty/interventional-radiology> "en") }}'
        in text
    )
    assert text.startswith(f"BASE <{BASE}>")
    assert used == {"specialty": "interventional-radiology", "lang": "en"}


def test_header_must_declare_used_parameters() -> None:
    with pytest.raises(ValueError, match="never uses"):
        parse("broken", "# title: t\n# param: x string required an x\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="title"):
        parse("broken", "SELECT * WHERE { ?s ?p ?o }")


def test_catalogue_page_lists_every_query_with_a_form(client: FlaskClient) -> None:
    html = client.get("/api/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for name, query in catalogue().items():
        assert f'action="{name}"' in html and query.title in html
    assert 'href="openapi.json"' in html


# ---------------------------------------------------------------- generated parameters


def _strategy(parameter: dict) -> st.SearchStrategy[str]:
    schema = parameter["schema"]
    if schema["type"] == "array":
        schema = schema["items"]
    choices = [st.text(max_size=60), st.from_regex(r"[a-z0-9-]{0,30}", fullmatch=True)]
    if "example" in parameter:
        choices.append(st.just(parameter["example"]))
    if "enum" in schema:
        choices.append(st.sampled_from(schema["enum"]))
    if "pattern" in schema:
        choices.append(st.from_regex(schema["pattern"], fullmatch=True))
    if "x-kind" in schema:
        choices.append(st.sampled_from(["IRM", "scanner", "Radiologie interventionnelle", "diag"]))
    return st.one_of(choices)


def _conforms(parameter: dict, value: str | None, index: SearchIndex) -> bool:
    schema = parameter["schema"]
    value = value.strip() if value is not None else None
    if not value:
        return not parameter["required"] or "default" in schema
    if "x-kind" in schema:  # a label, slug or IRI of one thing of that kind
        return len(index.resolve(value, index.things(schema["x-kind"], BASE))) == 1
    if "enum" in schema and value not in schema["enum"]:
        return False
    return "pattern" not in schema or re.fullmatch(schema["pattern"], value) is not None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_generated_parameters_never_cause_a_server_error(
    client: FlaskClient, spec: dict, data: st.DataObject
) -> None:
    path, operation = data.draw(st.sampled_from(operations(spec)))
    args = {}
    for parameter in operation.get("parameters", []):
        if data.draw(st.booleans()) or parameter["required"]:
            args[parameter["name"]] = data.draw(_strategy(parameter))
    response = client.get(path, query_string=args)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert str(response.status_code) in operation["responses"]
    if not path.startswith("/api/"):
        return  # /search and /fragments check more than their schemas can say
    index = index_of(client.application.extensions["publisher"])
    parameters = operation.get("parameters", [])
    valid = all(_conforms(p, args.get(p["name"]), index) for p in parameters)
    assert (response.status_code == 200) == valid, (args, response.get_data(as_text=True))


def test_missing_optional_links_stay_empty(make_app: MakeApp, tmp_path) -> None:
    """A centre with no town and no group: no town or group is made up from other labels."""
    data = tmp_path / "graph"
    for part in ("ontology", "data"):
        shutil.copytree(PROJECT_ROOT / part, data / part)
    (data / "data" / "lonely.ttl").write_text(
        "@prefix rim: <ontology#> .\n@prefix schema: <https://schema.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<id/centre/lonely> a rim:ImagingCentre ; rdfs:label "centre isolé"@fr ;\n'
        "    schema:medicalSpecialty <id/specialty/conventional-radiology> .\n",
        encoding="utf-8",
    )
    client = make_app(Settings(data_paths=(data,), validate=False), fresh=True).test_client()
    body = client.get("/api/centres-by-specialty?specialty=conventional-radiology").get_json()
    (lonely,) = [row for row in body["results"] if row["centre"].endswith("/lonely")]
    assert lonely == {"centre": f"{BASE}id/centre/lonely", "centreLabel": "centre isolé"}
    assert len(body["results"]) == 4


# ---------------------------------------------------------------- issue 12: as people type it


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("centres-by-modality?modality=IRM", "mri"),
        ("centres-by-modality?modality=MRI", "mri"),
        ("centres-by-modality?modality=scanner", "ct"),
        ("centres-by-modality?modality=%C3%A9chographie", "ultrasound"),
        ("centres-by-specialty?specialty=radiologie interventionnelle", "interventional-radiology"),
        ("procedures-by-aspect?aspect=Versant%20diagnostique", "diagnostic"),
    ],
)
def test_issue_12_id_parameters_accept_labels(
    client: FlaskClient, query: str, expected: str
) -> None:
    response = client.get(f"/api/{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.get_json()
    assert expected in body["parameters"].values() and body["results"]
    slug_query = query.split("=")[0] + "=" + expected
    assert client.get(f"/api/{slug_query}").get_json()["results"] == body["results"]


def test_issue_12_every_json_answer_says_utf_8(client: FlaskClient) -> None:
    for url in (
        "/api/openapi.json",
        "/api/centres-by-modality?modality=mri&format=jsonld",
        "/search?q=irm",
        "/fragments?format=jsonld",
        "/sparql?query=ASK%7B%7D&format=json",
    ):
        content_type = client.get(url).headers["Content-Type"]
        assert content_type.endswith("; charset=utf-8"), (url, content_type)
