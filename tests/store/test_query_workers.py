"""The embedded store's forked query workers: limits that hold, and fresh data after a load."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest

from publisher.graph.sources import load
from publisher.rdf.formats import by_token
from publisher.store import QueryTimeout
from publisher.store.embedded import EmbeddedStore
from publisher.store.errors import QueryResourceLimit
from publisher.store.workers import MEMORY_HEADROOM, QueryWorkers
from tests.conftest import BASE, MINI, MakeApp

JSON = by_token("json")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
NAMES = "SELECT ?n WHERE { ?s <https://schema.org/name> ?n }"


@pytest.fixture()
def store() -> EmbeddedStore:
    backend = EmbeddedStore()
    backend.load(load([MINI], BASE))
    return backend


def test_limit_stops_the_query_and_the_next_one_runs(store: EmbeddedStore) -> None:
    assert JSON is not None
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="limit"):
        store.sparql(SLOW, JSON, timeout=0.5)
    assert 0.45 < time.monotonic() - started < 2.5
    assert b"Centre Alpha" in store.sparql(NAMES, JSON, timeout=5)


def test_a_worker_killed_while_idle_is_replaced(store: EmbeddedStore) -> None:
    assert JSON is not None
    store.sparql(NAMES, JSON, timeout=5)
    workers = store._workers
    assert workers is not None and workers._idle
    victim = workers._idle[0].pid
    os.kill(victim, signal.SIGKILL)
    os.waitpid(victim, 0)
    assert b"Centre Alpha" in store.sparql(NAMES, JSON, timeout=5)
    assert workers._idle[0].pid != victim


def test_workers_see_the_new_data_after_a_load(store: EmbeddedStore) -> None:
    assert JSON is not None
    assert b"Centre Alpha" in store.sparql(NAMES, JSON, timeout=5)
    store.load(load([MINI / "ontology"], BASE))
    assert b"Centre Alpha" not in store.sparql(NAMES, JSON, timeout=5)


def test_rows_are_cut_in_the_worker_too(store: EmbeddedStore) -> None:
    assert JSON is not None
    answer = store.sparql("SELECT * WHERE { ?s ?p ?o }", JSON, timeout=5, max_rows=3)
    assert getattr(answer, "cut_at", None) == 3
    assert answer.count(b'"s":') == 3


def _allocate_beyond_the_cap() -> bytes:
    return bytes(bytearray(MEMORY_HEADROOM + (1 << 30)))


def _die_as_at_the_cap() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel or an aborting engine does


@pytest.mark.parametrize("job", [_allocate_beyond_the_cap, _die_as_at_the_cap])
def test_a_query_past_the_memory_cap_says_so(job: Callable[[], object]) -> None:
    """Not a 502 "store unreachable": a 503 that names the memory limit."""
    workers = QueryWorkers(job)
    try:
        with pytest.raises(QueryResourceLimit, match="memory"):
            workers.run(30)
    finally:
        workers.close()


def test_an_answer_over_the_engines_buffer_is_a_503_naming_the_limit(
    make_app: MakeApp,
) -> None:
    """The issue's query: one GROUP_CONCAT over the square of the graph."""
    app = make_app(query_timeout=120.0)
    query = "SELECT (GROUP_CONCAT(STR(?b)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }"
    answer = app.test_client().get("/sparql", query_string={"query": query})
    assert answer.status_code == 503, answer.data
    assert b"memory" in answer.data and b"Traceback" not in answer.data
