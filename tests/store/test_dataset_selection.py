"""Issue 12: the SPARQL protocol's dataset cases answer alike on every backend.

``default-graph-uri``, ``named-graph-uri``, ``FROM`` and ``FROM NAMED``, alone and
combined, over ``/sparql`` on the embedded store, a real Oxigraph server and a
real Virtuoso; the embedded store's answer is the reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import rdflib
from flask import Flask
from rdflib.compare import isomorphic

from publisher import Settings
from publisher.graph.sources import load
from tests.conftest import BACKENDS, BASE, MINI, RICH, MakeApp, remote_store

PATHS = (MINI, RICH)
DATA, ONTOLOGY, SHAPES = (f"{BASE}graph/{role}" for role in ("data", "ontology", "shapes"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_GRAPH = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY STR(?g)"
)
BOTH = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o BIND('default' AS ?g) } "
    "UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g ORDER BY STR(?g)"
)  # STR: Virtuoso sorts literals before IRIs, against SPARQL's order

#: (name, query, default-graph-uri, named-graph-uri)
CASES = [
    ("union by default", COUNT, [], []),
    ("default-graph-uri data", COUNT, [DATA], []),
    ("default-graph-uri ontology", COUNT, [ONTOLOGY], []),
    ("default-graph-uri merges two", COUNT, [DATA, ONTOLOGY], []),
    ("named-graph-uri data", PER_GRAPH, [], [DATA]),
    ("named-graph-uri two", PER_GRAPH, [], [DATA, SHAPES]),
    ("default and named", BOTH, [ONTOLOGY], [DATA]),
    ("every graph named", PER_GRAPH, [], [DATA, ONTOLOGY, SHAPES]),
    ("FROM data", f"SELECT (COUNT(*) AS ?n) FROM <{DATA}> WHERE {{ ?s ?p ?o }}", [], []),
    ("FROM relative", "SELECT (COUNT(*) AS ?n) FROM <graph/ontology> WHERE { ?s ?p ?o }", [], []),
    ("FROM two", f"SELECT (COUNT(*) AS ?n) FROM <{DATA}> FROM <{SHAPES}> {{ ?s ?p ?o }}", [], []),
    (
        "FROM NAMED",
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> {{ GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g",
        [],
        [],
    ),
    (
        "FROM and FROM NAMED",
        BOTH.replace("WHERE", f"FROM <{DATA}> FROM NAMED <{SHAPES}> WHERE"),
        [],
        [],
    ),
    (
        "protocol beats FROM",
        f"SELECT (COUNT(*) AS ?n) FROM <{DATA}> WHERE {{ ?s ?p ?o }}",
        [ONTOLOGY],
        [],
    ),
    (
        "CONSTRUCT from one graph",
        f"CONSTRUCT {{ ?s a ?t }} FROM <{DATA}> WHERE {{ ?s a ?t }}",
        [],
        [],
    ),
    ("ASK in a named graph", f"ASK {{ GRAPH <{DATA}> {{ ?s ?p ?o }} }}", [], [DATA]),
]
FOREIGN = [
    ("default-graph-uri", COUNT, ["http://elsewhere.example/g"], []),
    ("named-graph-uri", PER_GRAPH, [], ["http://elsewhere.example/g"]),
    ("FROM", "SELECT * FROM <http://elsewhere.example/g> WHERE { ?s ?p ?o }", [], []),
    ("a staging graph", COUNT, [DATA + "-staging-0123456789ab"], []),
    ("the meta graph", COUNT, [f"{BASE}graph/meta"], []),
]


@pytest.fixture(scope="module")
def reference(make_app: MakeApp) -> Flask:
    return make_app(Settings(data_paths=PATHS))


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, make_app: MakeApp) -> Iterator[Flask]:
    if request.param == "embedded":
        app = make_app(Settings(data_paths=PATHS), fresh=True)  # its config is marked below
    else:
        server = request.getfixturevalue(f"{request.param}_server")
        remote_store(server).load(load(PATHS, BASE))
        app = make_app(Settings(data_paths=PATHS, store=server.query_url), fresh=True)
    app.config["BACKEND"] = request.param
    yield app


def ask(app: Flask, query: str, defaults: list[str], named: list[str]) -> tuple[int, bytes]:
    params = [("query", query)]
    params += [("default-graph-uri", g) for g in defaults]
    params += [("named-graph-uri", g) for g in named]
    accept = "application/n-triples" if query.startswith("CONSTRUCT") else "application/json"
    response = app.test_client().get("/sparql", query_string=params, headers={"Accept": accept})
    return response.status_code, response.get_data()


@pytest.mark.parametrize(("name", "query", "defaults", "named"), CASES, ids=[c[0] for c in CASES])
def test_issue_12_dataset_cases_answer_as_on_the_embedded_store(
    served: Flask, reference: Flask, name: str, query: str, defaults: list[str], named: list[str]
) -> None:
    expected = ask(reference, query, defaults, named)
    assert expected[0] == 200, expected[1]
    if name == "protocol beats FROM" and served.config["BACKEND"] == "virtuoso":
        status, body = ask(served, query, defaults, named)  # it would merge them: refused
        assert status == 400 and b"name the graphs in one place only" in body
        return
    if query.startswith("CONSTRUCT"):
        graphs = [
            rdflib.Graph().parse(data=body, format="nt")
            for body in (ask(served, query, defaults, named)[1], expected[1])
        ]
        assert len(graphs[1]) > 1 and isomorphic(graphs[0], graphs[1])
        return
    assert ask(served, query, defaults, named) == expected
    answer = json.loads(expected[1])
    if "boolean" not in answer:
        assert answer["results"]["bindings"], "the reference found nothing: a vacuous case"


def test_issue_12_the_cases_tell_the_graphs_apart(reference: Flask) -> None:
    """The cases above could not pass by accident: each graph gives a different count."""
    counts = {
        graph: json.loads(ask(reference, COUNT, [graph], [])[1])["results"]["bindings"][0]["n"]
        for graph in (DATA, ONTOLOGY, SHAPES)
    }
    assert len({c["value"] for c in counts.values()}) == 3


@pytest.mark.parametrize(
    ("name", "query", "defaults", "named"), FOREIGN, ids=[f[0] for f in FOREIGN]
)
def test_issue_12_graphs_outside_the_dataset_are_refused_everywhere(
    served: Flask, name: str, query: str, defaults: list[str], named: list[str]
) -> None:
    status, body = ask(served, query, defaults, named)
    assert status == 400
    text = body.decode()
    assert "is not in this dataset" in text
    assert f"<{DATA}>" in text and f"<{ONTOLOGY}>" in text  # the graphs on offer are listed
