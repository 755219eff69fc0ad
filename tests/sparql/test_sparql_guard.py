"""The guard reads queries as the grammar does: keywords cannot hide, nor be faked."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.sparql.guard import check_graphs, inspect
from publisher.store import QueryRefused, QuerySyntaxError

LOCAL = {"http://h/graph/data", "http://h/graph/ontology"}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }",
        "select * where { service silent <http://evil/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "PREFIX e: <http://evil/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * WHERE{SERVICE<http://evil/>{?s ?p ?o}}",
        r"SELECT * WHERE { \u0053ERVICE <http://evil/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p 'a # not a comment' . SERVICE <http://evil/> { ?s ?p ?o } }",
        "PREFIX e: <http://x/> SELECT * WHERE { ?s e:a\\#b ?o . SERVICE <http://evil/> {} }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://evil/> { ?s ?p ?o } } } }",
        'SELECT * WHERE { ?s ?p """multi\nline""" . SERVICE <http://evil/> { ?s ?p ?o } }',
    ],
)
def test_service_is_refused_wherever_and_however_written(query: str) -> None:
    # An escaped keyword is a syntax error to pyoxigraph, and refused unparsed here.
    with pytest.raises((QueryRefused, QuerySyntaxError), match="SERVICE"):
        inspect(query, "http://h/", LOCAL)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s <https://schema.org/availableService> ?o }",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:load ?o }",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://evil/> {}' }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://evil/> { }",
        "SELECT ?service ?load WHERE { ?service ?load ?o }",
        "SELECT * WHERE { ?s ?p <http://evil/SERVICE> }",
    ],
)
def test_look_alikes_are_not_refused(query: str) -> None:
    assert inspect(query, "http://h/", LOCAL).form == "SELECT"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a> <b> <c> }",
        "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://evil/data.ttl>",
        "load <http://evil/data.ttl> INTO GRAPH <http://h/g>",
        "CLEAR ALL",
        "DROP GRAPH <http://h/graph/data>",
        "WITH <http://h/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "ASK {} ; LOAD <http://evil/>",
    ],
)
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(QueryRefused, match="Update"):
        inspect(update, "http://h/", LOCAL)


def test_from_and_from_named_must_name_local_graphs() -> None:
    plan = inspect(
        "SELECT * FROM <graph/data> FROM NAMED <http://h/graph/ontology> WHERE { ?s ?p ?o }",
        "http://h/",
        LOCAL,
    )
    assert plan.default_graphs == ("http://h/graph/data",)
    assert plan.named_graphs == ("http://h/graph/ontology",)
    for clause in ("FROM", "FROM NAMED"):
        with pytest.raises(QueryRefused, match="not in this dataset"):
            inspect(f"SELECT * {clause} <http://evil/g.ttl> WHERE {{ ?s ?p ?o }}", None, LOCAL)
    with pytest.raises(QueryRefused):
        check_graphs(["http://evil/g.ttl"], LOCAL)


def test_form_and_prefixed_from() -> None:
    query = "BASE <http://h/> PREFIX g: <graph/> CONSTRUCT { ?s ?p ?o } FROM g:data WHERE {}"
    plan = inspect(query, None, LOCAL)
    assert plan.form == "CONSTRUCT" and plan.is_graph
    assert plan.default_graphs == ("http://h/graph/data",)
    assert inspect("DESCRIBE <http://h/id/x>").is_graph
    assert inspect("ask {}").form == "ASK"
    assert inspect("this is not SPARQL").form is None


# Decoys: text that looks like the keywords but is not (strings, IRIs, comments,
# prefixed names, variables), to mix around a real SERVICE clause or none.
_DECOYS = [
    "?s ?p 'SERVICE <http://evil/> { }' .",
    '?s ?p "x\\" SERVICE <http://evil/> {}" .',
    '?s ?p """LOAD <http://evil/>\nSERVICE <http://evil/> {}""" .',
    "?s <http://evil/SERVICE> ?o .",
    "?service ?load ?from .",
    "?s e:SERVICE ?o .",
    "?s e:a\\.b ?o .",
    "?s e:a\\#b ?o .",
    "?s e:x%41 ?o .",
    "FILTER (?s != <http://evil/#frag>)",
    "FILTER (?x < 3 && ?y > 2)",
]


@settings(deadline=None)  # a query naming SERVICE is parsed by rdflib: tens of ms
@given(
    before=st.lists(st.sampled_from(_DECOYS), max_size=3),
    after=st.lists(st.sampled_from(_DECOYS), max_size=3),
    keyword=st.sampled_from(["SERVICE", "service", "Service", "SERVICE SILENT", r"\u0053ERVICE"]),
    spacing=st.sampled_from([" ", "\n", "\t", "  # comment\n "]),
    real=st.booleans(),
    comment=st.booleans(),
)
def test_guard_finds_service_exactly_when_it_is_there(
    before: list[str], after: list[str], keyword: str, spacing: str, real: bool, comment: bool
) -> None:
    clause = f"{keyword}{spacing}<http://evil/sparql>{spacing}{{ ?a ?b ?c }}"
    if real and comment:
        clause = "".join(f"# {line}\n" for line in clause.splitlines())  # only a comment
    body = "\n".join([*before, clause if real else "", *after])
    query = f"PREFIX e: <http://x/>\nSELECT * WHERE {{\n{body}\n}}"
    if real and not comment:  # an escaped keyword is a syntax error to the engine too
        with pytest.raises((QueryRefused, QuerySyntaxError), match="SERVICE"):
            inspect(query, "http://h/", LOCAL)
    else:
        assert inspect(query, "http://h/", LOCAL).form == "SELECT"
