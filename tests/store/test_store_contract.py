"""The same assertions for every store backend."""

import pytest
import rdflib

from publisher.graph.sources import load
from publisher.queries import describe, iri_term
from publisher.rdf.formats import by_token
from publisher.store import QuerySyntaxError, Store
from publisher.store.embedded import EmbeddedStore
from tests.conftest import BACKENDS, BASE, MINI, remote_store

ALPHA = BASE + "id/centre/alpha"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Store:
    """Each backend, freshly loaded with the mini dataset."""
    backend: Store = EmbeddedStore()
    if request.param != "embedded":
        backend = remote_store(request.getfixturevalue(f"{request.param}_server"))
    backend.load(load([MINI], BASE))
    return backend


def test_select_ask_and_count(store: Store) -> None:
    rows = store.select(f"SELECT ?name WHERE {{ <{ALPHA}> <https://schema.org/name> ?name }}")
    assert rows == [{"name": rdflib.Literal("Centre Alpha", lang="fr")}]
    assert store.ask(f"ASK {{ <{ALPHA}> a ?type }}")
    assert not store.ask("ASK { ?s <https://schema.org/telephone> ?o }")
    assert store.count() == len(
        list(rdflib.Dataset().parse(data=load([MINI], BASE).nquads, format="nquads").quads())
    )


def test_describe_gives_own_triples_and_unknown_gives_empty(store: Store) -> None:
    graph = describe(store, ALPHA)
    assert (
        rdflib.URIRef(ALPHA),
        rdflib.URIRef("https://schema.org/name"),
        rdflib.Literal("Centre Alpha", lang="fr"),
    ) in graph
    assert len(describe(store, BASE + "id/centre/nowhere")) == 0


def test_sparql_serialises_results_in_the_asked_format(store: Store) -> None:
    fmt = by_token("json")
    assert fmt is not None
    body = store.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", fmt)
    assert b'"n"' in body


def test_syntax_errors_are_typed(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        store.select("SELEC ?x WHERE {}")


def test_reload_replaces_everything(store: Store) -> None:
    store.load(load([MINI / "ontology"], BASE))
    assert not store.ask(f"ASK {{ <{ALPHA}> ?p ?o }}")


def test_iri_term_refuses_injection() -> None:
    with pytest.raises(ValueError):
        iri_term("http://a/> } ; DROP ALL ; <x")
