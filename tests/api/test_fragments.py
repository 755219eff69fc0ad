"""/fragments: Triple Pattern Fragments controls, counts, paging, formats, and Comunica."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher import Settings
from publisher.graph.publication import Publication
from tests.conftest import BASE
from tests.servers import start_publisher

ROOT = Path(__file__).resolve().parents[2]
COMUNICA = ROOT / "tests" / "clients" / "node_modules" / ".bin" / "comunica-sparql"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = rdflib.Namespace("https://schema.org/")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def fragment(client: FlaskClient, accept: str = "application/trig", **params: str):
    query = urlencode(params)
    response = client.get(f"/fragments?{query}", headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    url = f"{BASE}fragments?{query}" if query else f"{BASE}fragments"
    return response, url


def trig(client: FlaskClient, **params: str) -> tuple[rdflib.Dataset, str]:
    response, url = fragment(client, **params)
    dataset = rdflib.Dataset()
    dataset.parse(data=response.get_data(as_text=True), format="trig")
    return dataset, url


def data_triples(dataset: rdflib.Dataset) -> set[tuple]:
    return set(dataset.default_graph)


def distinct_triples(app: Flask, pattern: str = "?s ?p ?o") -> list[dict]:
    store = app.extensions["publisher"].store
    return store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} BIND(1 AS ?one) }}")


def test_controls_follow_the_tpf_specification(client: FlaskClient) -> None:
    dataset, url = trig(client, predicate=str(SKOS.prefLabel))
    metadata = dataset.graph(rdflib.URIRef(url + "#metadata"))
    page, controls = rdflib.URIRef(url), rdflib.URIRef(f"{BASE}fragments#dataset")
    assert (rdflib.URIRef(url + "#metadata"), rdflib.FOAF.primaryTopic, page) in metadata
    assert (controls, VOID.subset, page) in metadata
    form = metadata.value(controls, HYDRA.search)
    template = str(metadata.value(form, HYDRA.template))
    assert template == f"{BASE}fragments{{?subject,predicate,object}}"
    assert metadata.value(form, HYDRA.variableRepresentation) == HYDRA.ExplicitRepresentation
    mappings = {
        str(metadata.value(m, HYDRA.variable)): metadata.value(m, HYDRA.property)
        for m in metadata.objects(form, HYDRA.mapping)
    }
    assert mappings == {
        "subject": rdflib.RDF.subject,
        "predicate": rdflib.RDF.predicate,
        "object": rdflib.RDF.object,
    }
    assert metadata.value(page, HYDRA.itemsPerPage).toPython() == 100
    assert metadata.value(page, HYDRA.first) is not None


def test_counts_are_exact_for_a_pattern(client: FlaskClient, app: Flask) -> None:
    dataset, url = trig(client, predicate=str(SKOS.prefLabel))
    metadata = dataset.graph(rdflib.URIRef(url + "#metadata"))
    expected = len(distinct_triples(app, f"?s <{SKOS.prefLabel}> ?o"))
    assert metadata.value(rdflib.URIRef(url), VOID.triples).toPython() == expected
    assert metadata.value(rdflib.URIRef(url), HYDRA.totalItems).toPython() == expected
    assert len(data_triples(dataset)) == expected
    assert all(p == SKOS.prefLabel for _, p, _ in data_triples(dataset))


def test_pages_cover_every_triple_once(client: FlaskClient, app: Flask) -> None:
    dataset, url = trig(client)
    metadata = dataset.graph(rdflib.URIRef(url + "#metadata"))
    estimate = metadata.value(rdflib.URIRef(url), HYDRA.totalItems).toPython()
    expected = distinct_triples(app)
    assert estimate >= len(expected)  # the store's quad count: an upper estimate
    seen: list[tuple] = []
    pages = 0
    while url is not None:
        pages += 1
        response = client.get(url[len(BASE) - 1 :], headers={"Accept": "application/trig"})
        page = rdflib.Dataset()
        page.parse(data=response.get_data(as_text=True), format="trig")
        triples = list(page.default_graph)
        assert len(triples) <= 100
        seen += triples
        meta = page.graph(rdflib.URIRef(url + "#metadata"))
        following = meta.value(rdflib.URIRef(url), HYDRA.next)
        url = str(following) if following is not None else None
        assert pages < 100
    named = {t for t in seen if not any(isinstance(x, rdflib.BNode) for x in t)}
    wanted = {
        (r["s"], r["p"], r["o"])
        for r in expected
        if not any(isinstance(x, rdflib.BNode) for x in r.values())
    }
    assert named == wanted
    assert len(seen) == len(expected)
    assert pages == -(-len(expected) // 100)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"object": '"IRM"@fr'}, {(f"{BASE}id/modality/mri", str(SKOS.prefLabel))}),
        (
            {"predicate": str(SCHEMA.value), "object": f'"68500000"^^{XSD_INTEGER}'},
            {(f"{BASE}id/statistic/annual-radiology-acts", str(SCHEMA.value))},
        ),
        (
            {"predicate": str(SCHEMA.value), "object": f'"68500000"^^<{XSD_INTEGER}>'},
            {(f"{BASE}id/statistic/annual-radiology-acts", str(SCHEMA.value))},
        ),
        ({"object": '"Vidi"'}, {(f"{BASE}id/network/vidi", str(SCHEMA.name))}),
        ({"subject": "?s", "object": '"Vidi"'}, {(f"{BASE}id/network/vidi", str(SCHEMA.name))}),
    ],
)
def test_literals_in_the_explicit_representation(
    client: FlaskClient, params: dict[str, str], expected: set[tuple[str, str]]
) -> None:
    dataset, _ = trig(client, **params)
    found = {(str(s), str(p)) for s, p, _ in data_triples(dataset)}
    assert expected <= found
    if params.get("predicate"):
        assert found == expected


def test_no_match_is_an_empty_fragment_with_controls(client: FlaskClient) -> None:
    dataset, url = trig(client, subject=f"{BASE}id/nothing/here")
    assert not data_triples(dataset)
    metadata = dataset.graph(rdflib.URIRef(url + "#metadata"))
    assert metadata.value(rdflib.URIRef(url), VOID.triples).toPython() == 0


@pytest.mark.parametrize(
    ("accept", "rdflib_format", "quads"),
    [
        ("application/trig", "trig", True),
        ("text/turtle", "turtle", False),
        ("application/n-triples", "nt", False),
        ("application/ld+json", "json-ld", True),
    ],
)
def test_every_format_parses_with_data_and_controls(
    client: FlaskClient, accept: str, rdflib_format: str, quads: bool
) -> None:
    response, url = fragment(client, accept=accept, subject=f"{BASE}id/modality/ct")
    assert response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Dataset() if quads else rdflib.Graph()
    graph.parse(data=response.get_data(as_text=True), format=rdflib_format)
    triples = set(graph.triples((None, None, None))) if not quads else set()
    if quads:
        for _, p, o, _ in graph.quads((None, None, None, None)):
            triples.add((None, p, o))
        assert any(p == SKOS.prefLabel for _, p, _ in triples)
        assert any(p == HYDRA.search for _, p, _ in triples)
    else:
        ct = rdflib.URIRef(f"{BASE}id/modality/ct")
        assert (ct, SKOS.prefLabel, rdflib.Literal("scanner", lang="fr")) in graph
        assert (rdflib.URIRef(url), VOID.triples, None) in graph


def test_html_view_has_a_form_and_escapes(client: FlaskClient) -> None:
    response, _ = fragment(
        client, accept="text/html", object='"<b>x</b>"', subject=f"{BASE}id/modality/ct"
    )
    html = response.get_data(as_text=True)
    assert '<input name="subject"' in html and "<b>x</b>" not in html
    response, _ = fragment(client, accept="text/html", subject=f"{BASE}id/modality/ct")
    assert "scanner" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "subject=_:b0",
        "subject=relative/iri",
        "object=%22unterminated",
        "object=%22x%22@",
        "object=%22x%22%5E%5Enot-an-iri",
        "subject=http://x/%3Ca%3E",
        "page=0",
        "page=-1",
        "page=two",
    ],
)
def test_bad_patterns_are_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/fragments?{query}", headers={"Accept": "text/turtle"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_literal_predicate_or_empty_literal_matches_nothing(client: FlaskClient) -> None:
    dataset, _ = trig(client, predicate='"x"')
    assert not data_triples(dataset)
    dataset, _ = trig(client, object='""')
    assert not data_triples(dataset)


# ---------------------------------------------------------------- Comunica over a real server

COMUNICA_QUERIES = {
    "centres-and-guiding-modalities": """
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rim: <{base}ontology#>
SELECT ?centre ?townName ?modality ?label WHERE {{
  ?centre schema:medicalSpecialty ?specialty ;
          schema:location ?town .
  ?town schema:name ?townName .
  ?specialty rim:hasAspect ?aspect .
  ?aspect rim:imageGuidedBy ?modality .
  ?modality skos:prefLabel ?label .
  FILTER(lang(?label) = "fr")
}}""",
    "paged-through-next-links": """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?label WHERE {{ ?thing rdfs:label ?label }}""",
    "literals-as-join-keys": """
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?modality ?alt ?statistic ?name WHERE {{
  ?modality skos:prefLabel "IRM"@fr ; skos:altLabel ?alt .
  ?statistic schema:value 68500000 ; rdfs:label ?name .
}}""",
    # Patterns the page's own controls match: they must never be counted as data.
    "count-typed-things": "SELECT (COUNT(*) AS ?n) WHERE {{ ?s a ?t }}",
    "count-every-triple-over-many-pages": "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}",
    "hydra-and-void-terms-are-not-data": """
SELECT ?s ?p WHERE {{
  ?s ?p ?o .
  FILTER(STRSTARTS(STR(?p), "http://www.w3.org/ns/hydra/")
      || STRSTARTS(STR(?p), "http://rdfs.org/ns/void#")
      || STRSTARTS(STR(?o), "http://www.w3.org/ns/hydra/"))
}}""",
}


@pytest.fixture(scope="module")
def fragments_server() -> Iterator[str]:
    """``python -m publisher serve`` (one worker) on a free loopback port, stopped afterwards."""
    with start_publisher(workers=1) as base:
        yield base


def _rows(bindings: list[dict]) -> set[frozenset]:
    return {frozenset((k, v["value"]) for k, v in row.items()) for row in bindings}


@pytest.mark.network
@pytest.mark.parametrize("name", sorted(COMUNICA_QUERIES))
def test_comunica_answers_like_the_store(fragments_server: str, name: str) -> None:
    query = COMUNICA_QUERIES[name].format(base=fragments_server)
    result = subprocess.run(
        [
            str(COMUNICA),
            f"{fragments_server}fragments",
            "-q",
            query,
            "-t",
            "application/sparql-results+json",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answered = _rows(json.loads(result.stdout)["results"]["bindings"])
    settings = Settings(base_url=fragments_server, validate=False)  # the server validated it
    store = Publication.open(settings).store
    expected = {frozenset((k, str(v)) for k, v in row.items()) for row in store.select(query)}
    assert answered == expected
    if name.startswith("count"):  # the same count as the live server's own /sparql
        (row,) = expected
        asked = urllib.request.Request(
            f"{fragments_server}sparql?{urlencode({'query': query})}",
            headers={"Accept": "text/csv"},
        )
        with urllib.request.urlopen(asked, timeout=60) as response:  # noqa: S310 (loopback)
            assert response.read().decode().split() == ["n", dict(row)["n"]]
        assert int(dict(row)["n"]) > 100  # many pages, some holding control triples
    elif not name.startswith("hydra"):
        assert len(expected) >= 3
    if name.startswith("paged"):
        assert len(expected) > 100  # more than one page, so Comunica followed hydra:next


TERMS = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda value, suffix: f'"{value}"{suffix}',
        st.text(max_size=20),
        st.one_of(
            st.just(""),
            st.from_regex(r"@[a-zA-Z-]{0,12}", fullmatch=True),
            st.sampled_from(["^^", "^^<", "^^http://www.w3.org/2001/XMLSchema#"]).map(
                lambda prefix: prefix + "integer"
            ),
            st.text(max_size=10).map(lambda text: "^^" + text),
        ),
    ),
    st.from_regex(r"https?://[a-z.]{1,10}/[^\s]{0,15}", fullmatch=True),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=TERMS, predicate=TERMS, obj=TERMS, page=st.text(max_size=5))
def test_generated_patterns_never_cause_a_server_error(
    client: FlaskClient, subject: str, predicate: str, obj: str, page: str
) -> None:
    params = {"subject": subject, "predicate": predicate, "object": obj, "page": page}
    for accept in ("application/trig", "text/html"):
        response = client.get("/fragments", query_string=params, headers={"Accept": accept})
        assert response.status_code in {200, 400}, response.get_data(as_text=True)


def test_issue_12_a_page_names_itself_with_the_url_as_requested(client: FlaskClient) -> None:
    """Lower-case escapes and the parameters' order are kept: clients compare the URL
    they fetched with the page's metadata character for character."""
    query = "predicate=http%3a%2f%2fwww.w3.org%2f2004%2f02%2fskos%2fcore%23prefLabel&page=1"
    response = client.get(f"/fragments?{query}", headers={"Accept": "application/n-quads"})
    assert response.status_code == 200
    assert response.mimetype == "application/n-quads"
    dataset = rdflib.Dataset()
    dataset.parse(data=response.get_data(as_text=True), format="nquads")
    page = rdflib.URIRef(f"{BASE}fragments?{query}")
    pattern = rdflib.URIRef(f"{BASE}fragments?{query.rsplit('&', 1)[0]}")
    metadata = dataset.graph(rdflib.URIRef(f"{page}#metadata"))
    assert (metadata.identifier, rdflib.FOAF.primaryTopic, pattern) in metadata
    assert (pattern, VOID.subset, page) in metadata
    assert metadata.value(page, HYDRA.totalItems).toPython() == len(dataset.default_graph) > 0
