"""/sparql served by gunicorn as a real process, against real clients, a local
listener that must never be called, and a query that must be stopped."""

from __future__ import annotations

import csv
import http.client
import io
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.servers import SparqlListener, start_publisher

pytestmark = pytest.mark.network

ROOT = Path(__file__).resolve().parents[2]
COMUNICA = ROOT / "tests" / "clients" / "node_modules" / ".bin" / "comunica-sparql"
TIME_LIMIT = 2.0
SCHEMA = "https://schema.org/"
#: A cross product no engine finishes in seconds, even on a small graph.
PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``publisher serve`` of the shipped graph under gunicorn (2 workers) with a short
    time limit; its base URL."""
    with start_publisher(environ={"PUBLISHER_QUERY_TIMEOUT": str(TIME_LIMIT)}) as base:
        yield base


def get(url: str, timeout: float = 30, **params: str) -> tuple[int, bytes, float]:
    """Status, body and seconds taken of a GET."""
    started = time.monotonic()
    full = url + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(full, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def ir_centres(base: str) -> str:
    return (
        f"SELECT ?centre ?name WHERE {{ ?centre <{SCHEMA}medicalSpecialty> "
        f"<{base}id/specialty/interventional-radiology> ; <{SCHEMA}name> ?name }}"
    )


# ---------------------------------------------------------------- time limit


def test_time_limit_stops_the_query_and_the_server_keeps_answering(server: str) -> None:
    slow: dict[str, object] = {}
    sent = threading.Event()

    def run_pathological() -> None:
        started = time.monotonic()
        address = urllib.parse.urlsplit(server)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            target = "/sparql?" + urllib.parse.urlencode({"query": PATHOLOGICAL, "format": "json"})
            connection.request("GET", target)
            sent.set()  # the whole request is on the server's socket
            response = connection.getresponse()
            slow["status"], slow["body"] = response.status, response.read()
            slow["seconds"] = time.monotonic() - started
        finally:
            sent.set()
            connection.close()

    worker = threading.Thread(target=run_pathological)
    worker.start()
    assert sent.wait(timeout=30)
    meanwhile = []
    while worker.is_alive() and len(meanwhile) < 3:
        status, body, seconds = get(server + "sparql", query=ir_centres(server), format="json")
        meanwhile.append((status, seconds, worker.is_alive()))
        assert status == 200 and f"{server}id/centre/frejus".encode() in body
        # Spread the three questions over the slow query's run; stop early if it ends.
        worker.join(timeout=0.2)
    worker.join(timeout=30)
    assert meanwhile and all(alive for *_, alive in meanwhile), meanwhile
    assert all(seconds < TIME_LIMIT for _, seconds, _ in meanwhile), meanwhile
    assert slow["status"] == 503, slow
    assert b"limit" in slow["body"]  # type: ignore[operator]
    assert TIME_LIMIT * 0.9 <= slow["seconds"] < TIME_LIMIT + 3, slow  # type: ignore[operator]
    # the stopped worker is replaced: the same query is stopped again, others still answer
    assert get(server + "sparql", query=PATHOLOGICAL)[0] == 503
    for _ in range(4):
        assert get(server + "sparql", query=ir_centres(server))[0] == 200


# ---------------------------------------------------------------- no request leaves the server


def test_no_query_makes_the_server_fetch_a_url(server: str) -> None:
    with SparqlListener() as listener:
        url = listener.url
        attempts = {
            "SERVICE": f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
            "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
            "escaped SERVICE": f"SELECT * WHERE {{ \\u0053ERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
            "LOAD": f"LOAD <{url}data.ttl>",
            "FROM": f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
            "FROM NAMED": f"SELECT * FROM NAMED <{url}g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        }
        answers = {name: get(server + "sparql", query=q)[:2] for name, q in attempts.items()}
        plain = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
        answers["default-graph-uri"] = get(
            server + "sparql", query=plain, **{"default-graph-uri": url + "g.ttl"}
        )[:2]
        answers["named-graph-uri"] = get(
            server + "sparql", query=plain, **{"named-graph-uri": url + "g.ttl"}
        )[:2]
        assert listener.connections == 0 and listener.requests == []
    for name, (status, body) in answers.items():
        assert status == 400, (name, body)
        assert b"Traceback" not in body


# ---------------------------------------------------------------- real clients


def test_sparqlwrapper_select_in_json_xml_csv_and_construct(server: str) -> None:
    frejus = f"{server}id/centre/frejus"
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(ir_centres(server))
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert frejus in {b["centre"]["value"] for b in bindings}
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    uris = {node.firstChild.data for node in document.getElementsByTagName("uri")}  # type: ignore[union-attr]
    assert frejus in uris
    client.setReturnFormat(CSV)
    rows = list(csv.DictReader(io.StringIO(client.queryAndConvert().decode())))  # type: ignore[union-attr]
    assert frejus in {row["centre"] for row in rows}
    client.setMethod("POST")
    client.setQuery(f"CONSTRUCT {{ <{frejus}> ?p ?o }} WHERE {{ <{frejus}> ?p ?o }}")
    client.setReturnFormat("turtle")
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert "Fréjus" in str(graph.value(rdflib.URIRef(frejus), rdflib.URIRef(SCHEMA + "name")))


def _select_values(answer: object, fmt: str) -> set[str]:
    """Every value of a SELECT or ASK answer, as SPARQLWrapper converts it."""
    if fmt == JSON:
        assert isinstance(answer, dict)
        if "boolean" in answer:
            return {str(answer["boolean"]).lower()}
        return {v["value"] for row in answer["results"]["bindings"] for v in row.values()}
    if fmt == XML:
        texts = set()
        for tag in ("uri", "literal", "boolean"):
            for node in answer.getElementsByTagName(tag):  # type: ignore[attr-defined]
                texts.add(node.firstChild.data)
        return texts
    assert isinstance(answer, bytes)
    delimiter = "," if fmt == CSV else "\t"
    rows = list(csv.reader(io.StringIO(answer.decode()), delimiter=delimiter))
    cells = [cell for row in rows for cell in row]  # TSV writes terms: <iri>, "text"
    return {cell.split('"')[1] if '"' in cell else cell.strip("<>") for cell in cells}


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("form", ["SELECT", "ASK"])
def test_issue_12_sparqlwrapper_every_results_format(server: str, form: str, fmt: str) -> None:
    frejus = f"{server}id/centre/frejus"
    client = SPARQLWrapper(server + "sparql")
    if form == "SELECT":
        client.setQuery(ir_centres(server))
    else:
        client.setQuery(f"ASK {{ <{frejus}> ?p ?o }}")
    client.setReturnFormat(fmt)
    values = _select_values(client.queryAndConvert(), fmt)
    if form == "SELECT":
        assert frejus in values
        assert "Var Imagerie Médicale – Fréjus" in values
    else:
        assert "true" in values


# SPARQLWrapper builds its RDF/XML and JSON-LD answers in rdflib's deprecated ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, RDFXML, JSONLD])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_issue_12_sparqlwrapper_every_graph_format(server: str, fmt: str, method: str) -> None:
    """SPARQLWrapper's N3 sends ``format=n3`` and N3 media types: Turtle answers it."""
    frejus = rdflib.URIRef(f"{server}id/centre/frejus")
    client = SPARQLWrapper(server + "sparql")
    client.setMethod(method)
    client.setQuery(
        f"PREFIX schema: <{SCHEMA}> CONSTRUCT {{ <{frejus}> schema:name ?n }} "
        f"WHERE {{ <{frejus}> schema:name ?n }}"
    )
    client.setReturnFormat(fmt)
    answer = client.queryAndConvert()
    if isinstance(answer, bytes):  # TURTLE and N3 come back as bytes
        graph = rdflib.Graph().parse(data=answer.decode(), format="n3")
    else:
        assert isinstance(answer, rdflib.Graph)
        graph = answer
    assert rdflib.Literal("Var Imagerie Médicale – Fréjus") in set(
        graph.objects(frejus, rdflib.URIRef(SCHEMA + "name"))
    )


def test_rdflib_sparqlstore(server: str) -> None:
    frejus = rdflib.URIRef(f"{server}id/centre/frejus")
    graph = rdflib.Graph(SPARQLStore(server + "sparql", returnFormat="json"))
    rows = list(graph.query(ir_centres(server)))
    assert frejus in {row.centre for row in rows}  # type: ignore[union-attr]
    assert graph.query(f"ASK {{ <{frejus}> ?p ?o }}").askAnswer is True
    names = set(graph.objects(frejus, rdflib.URIRef(SCHEMA + "name")))
    assert rdflib.Literal("Var Imagerie Médicale – Fréjus") in names


def test_comunica_queries_the_endpoint(server: str) -> None:
    assert COMUNICA.exists(), "run npm install in tests/clients (done by .ci/setup)"
    completed = subprocess.run(
        [
            str(COMUNICA),
            f"sparql@{server}sparql",
            ir_centres(server),
            "-t",
            "application/sparql-results+json",
        ],
        capture_output=True,
        timeout=120,
        cwd=ROOT / "tests" / "clients",
    )
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    bindings = json.loads(completed.stdout)["results"]["bindings"]
    assert f"{server}id/centre/frejus" in {b["centre"]["value"] for b in bindings}
