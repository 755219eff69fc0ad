"""No query makes the server connect to another host: two layers, each tested alone.

The guard decides on a real parse (:mod:`publisher.sparql.analysis`); the query
processes have no network (:mod:`publisher.store.sandbox`). Every test watches a
real loopback listener and asserts it saw no connection at all.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.rdf.formats import by_token
from publisher.sparql import analysis
from publisher.store import QueryRefused, QuerySyntaxError, sandbox
from publisher.store.embedded import EmbeddedStore
from tests.conftest import MakeApp
from tests.servers import SparqlListener, free_port

#: The request of the issue: the old tokenizer read ``\u005C`` as a backslash escaping
#: the closing quote, pyoxigraph reads it as a backslash inside the string.
ISSUE_QUERY = (
    'SELECT * WHERE {{ BIND("\\u005C" AS ?x) SERVICE <{url}sparql> {{ ?s ?p ?o }} BIND("" AS ?y) }}'
)
#: Read two ways: rdflib, applying escapes first, sees SERVICE inside one long string;
#: pyoxigraph sees a SERVICE between two strings.
TWO_READINGS = (
    'SELECT * WHERE {{ BIND("\\u005C" AS ?x) SERVICE <{url}sparql> {{ ?s ?p ?o }} '
    'BIND(" AS ?y) BIND(\\u0022" AS ?z) }}'
)
NETWORK_WORDS = ("Connection refused", "os error", "Errno", "not allowed for HTTP", "port")


@pytest.fixture(scope="module")
def listener() -> Iterator[SparqlListener]:
    with SparqlListener() as running:
        yield running


@pytest.fixture(scope="module")
def web(make_app: MakeApp) -> Flask:
    return make_app(fresh=True)  # its own client budgets: it sends many refused queries


def test_the_listener_is_a_real_witness(listener: SparqlListener) -> None:
    """The control: an engine with the network does reach the listener."""
    before = listener.connections
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    assert list(ox.Store().query(query)) == []
    assert listener.connections == before + 1


# ---------------------------------------------------------------- layer 1: the parse


@pytest.mark.parametrize("template", [ISSUE_QUERY, TWO_READINGS])
def test_the_guard_refuses_queries_that_read_two_ways(template: str) -> None:
    with pytest.raises((QueryRefused, QuerySyntaxError)):
        analysis.stays_local(template.format(url="http://127.0.0.1:1/"))


def test_the_parse_sees_service_in_every_corner() -> None:
    hidden = [
        "SELECT * WHERE { FILTER NOT EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
        "SELECT * WHERE { OPTIONAL { { SELECT * WHERE { SERVICE ?e { ?s ?p ?o } } } } }",
        "ASK { MINUS { SERVICE SILENT <http://x/> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . SERVICE<http://x/>{} }",
        "SELECT * WHERE { ?s ?p 1 SERVICE <http://x/> {} }",
    ]
    for query in hidden:
        with pytest.raises(QueryRefused, match="SERVICE"):
            analysis.stays_local(query)


def test_the_dataset_clause_comes_from_the_parse() -> None:
    dataset = analysis.stays_local(
        "PREFIX g: <http://h/graph/> SELECT * FROM g:data FROM NAMED <ontology> { ?s ?p ?o }",
        "http://h/graph/",
    )
    assert dataset == analysis.Dataset(("http://h/graph/data",), ("http://h/graph/ontology",))


def test_queries_without_the_words_are_not_parsed() -> None:
    assert not analysis.needs_parse(
        "SELECT ?s WHERE { ?s <https://schema.org/availableService> ?o }"
    )
    assert analysis.needs_parse("SELECT ?s WHERE { ?s ?p 'service' }")  # a superset, on purpose


# ---------------------------------------------------------------- layer 2: the sandbox


def test_a_query_worker_cannot_open_an_internet_socket(listener: SparqlListener) -> None:
    """In a fork with the filter: TCP to the listener fails, pipes and AF_UNIX still work."""
    before = listener.connections
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork
        outcome = b"?"
        try:
            assert sandbox.deny_network() is None
            left, right = socket.socketpair(socket.AF_UNIX)
            left.close(), right.close()
            try:
                socket.create_connection(("127.0.0.1", listener.port), timeout=2)
                outcome = b"connected"
            except PermissionError:
                outcome = b"refused"
        finally:
            os.write(write_end, outcome)
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        outcome = answer.read()
    os.waitpid(pid, 0)
    assert outcome == b"refused"
    assert listener.connections == before


def test_with_the_guard_off_service_still_makes_no_connection(
    app: Flask, listener: SparqlListener
) -> None:
    """The store is called directly, past the guard: the worker's sandbox alone holds."""
    store = EmbeddedStore()
    store.load(app.extensions["publisher"].dataset)
    json_results = by_token("json")
    assert json_results is not None
    before = listener.connections
    for url in (f"{listener.url}sparql", f"http://127.0.0.1:{free_port()}/sparql"):
        with pytest.raises(QueryRefused) as refused:
            store.sparql(f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", json_results, timeout=0)
        assert not any(word in str(refused.value) for word in NETWORK_WORDS)
    assert listener.connections == before


def test_with_the_guard_off_the_endpoint_still_makes_no_connection(
    web: Flask, listener: SparqlListener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher.sparql import guard

    monkeypatch.setattr(guard, "stays_local", lambda *args, **kwargs: analysis.Dataset())
    before = listener.connections
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    answer = web.test_client().get("/sparql", query_string={"query": query})
    assert answer.status_code == 400, answer.data
    assert listener.connections == before


def test_start_up_says_which_layers_hold() -> None:
    assert sandbox.describe("embedded") == sandbox.BOTH_LAYERS
    assert "operator" in sandbox.describe("http://127.0.0.1:7878/query")


# ---------------------------------------------------------------- both layers, over HTTP


@pytest.mark.parametrize("template", [ISSUE_QUERY, TWO_READINGS])
def test_every_way_in_is_refused_without_a_connection(
    web: Flask, listener: SparqlListener, template: str
) -> None:
    query = template.format(url=listener.url)
    client = web.test_client()
    before = listener.connections
    answers = [
        client.get("/sparql", query_string={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post(
            "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"}),
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert listener.connections == before


def test_a_closed_port_is_not_revealed(web: Flask) -> None:
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    for template in (ISSUE_QUERY, "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"):
        answer = web.test_client().get(
            "/sparql", query_string={"query": template.format(url=closed)}
        )
        assert answer.status_code == 400
        assert not any(word.encode() in answer.data for word in NETWORK_WORDS)


_SERVICE_WORDS = st.sampled_from(
    ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "\\u0053ERVICE", "\\U00000053ERVICE"]
)
_NOISE = st.sampled_from(
    [
        'BIND("\\u005C" AS ?a)',
        'BIND("\\\\" AS ?b)',
        "BIND('\\u0027' AS ?c)",
        'BIND("\\u0022" AS ?d)',
        'BIND("""x\\"""" AS ?e)',
        "BIND('''\\u005C''' AS ?f)",
        "# comment \\u000A SERVICE\n",
        '# a comment with a " quote\n',
        "?s <http://x/\\u003E> ?o .",
        "?s <http://x/a\\u0020b> ?o .",
        'BIND("' + "x" * 300 + '" AS ?g)',
        'BIND(" AS ?h)',
        'BIND(\\u0022" AS ?i)',
        "BIND(1 AS ?j)",
        "",
    ]
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(_NOISE, max_size=3), word=_SERVICE_WORDS, after=st.lists(_NOISE, max_size=3))
def test_generated_service_queries_never_connect(
    web: Flask, listener: SparqlListener, before: list[str], word: str, after: list[str]
) -> None:
    query = (
        f"SELECT * WHERE {{ {' '.join(before)} {word} <{listener.url}sparql> "
        f"{{ ?s ?p ?o }} {' '.join(after)} }}"
    )
    seen = listener.connections
    answer = web.test_client().post("/sparql", data={"query": query})
    assert answer.status_code < 500, answer.data
    assert b"Traceback" not in answer.data
    assert not any(w.encode() in answer.data for w in NETWORK_WORDS[:3])
    assert listener.connections == seen, query
