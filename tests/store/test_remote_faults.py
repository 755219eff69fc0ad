"""Issue 10, section 5: remote store faults, against real Oxigraph servers and Virtuoso.

A hung store (stopped with SIGSTOP, its socket open) bounds every request by one
time limit and does not touch requests that need no store; a store holding no
dataset for the served base URL is refused at start and never reported healthy;
two loads at once never leave a mix.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from publisher.cli import cli
from publisher.graph.sources import Dataset, load
from publisher.store import QueryTimeout, deadline
from publisher.store.content import version_of
from publisher.store.errors import LoadLocked
from publisher.store.lease import Lease
from publisher.store.loader import Loader
from publisher.store.remote import RemoteStore
from tests import servers
from tests.conftest import MINI, RICH, MakeApp, remote_store
from tests.servers import Server, start_publisher, wait_until

pytestmark = pytest.mark.remote


@contextmanager
def stopped(server: Server) -> Iterator[None]:
    """The server's process frozen (SIGSTOP): it accepts connections and never answers."""
    os.kill(server.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.pid, signal.SIGCONT)


def timed_get(url: str) -> tuple[int, float, bytes]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, time.monotonic() - started, body


# -- a hung store ----------------------------------------------------------------------------


def test_one_deadline_bounds_several_store_calls() -> None:
    with servers.oxigraph() as server:
        store = remote_store(server, "http://hung.example/", timeout=30)
        store.load(load([MINI], "http://hung.example/"))
        store.server = ""  # forget its name: the probe must spend the same time too
        with stopped(server):
            started = time.monotonic()
            with deadline.bounded(1.0):
                for _ in range(3):
                    with pytest.raises(QueryTimeout, match="1 s time limit"):
                        store.ask("ASK {}")
            took = time.monotonic() - started
    assert 0.9 < took < 1.9  # each call alone would have waited 30 s


def test_issue_10_a_hung_store_costs_one_limit_and_search_does_not_wait() -> None:
    base, limit = "http://hung.example/", 3.0
    with servers.oxigraph() as server:
        RemoteStore(server.query_url, base).load(load([MINI, RICH], base))
        args = ("--store", server.query_url, "--base-url", base, str(MINI))
        env = {"PUBLISHER_QUERY_TIMEOUT": str(limit)}
        with start_publisher(*args, environ=env) as url:
            assert timed_get(url + "search?q=alpha")[0] == 200  # each worker's index is built
            assert timed_get(url + "search?q=beta")[0] == 200
            with stopped(server):
                for path in ("doc/centre/alpha", "sparql?query=ASK%7B%7D%23one", "healthz"):
                    status, took, body = timed_get(url + path)
                    assert status == 503 and b"time limit" in body, path
                    assert took < limit * 1.5, f"{path} took {took:.1f} s"  # it took 2x before
                for query in ("alpha", "beta", "frejus", "alpha"):  # both workers, past a check
                    status, took, _ = timed_get(url + f"search?q={query}")
                    assert status == 200 and took < limit / 2, f"/search took {took:.1f} s"
            status, _, body = timed_get(url + "healthz")  # resumed: healthy again
            assert status == 200 and json.loads(body)["status"] == "ok"


# -- a store without our dataset ---------------------------------------------------------------


def test_issue_10_serve_refuses_a_store_loaded_under_another_base_url(
    oxigraph_server: Server,
) -> None:
    loaded = "http://loaded-here.example/"
    remote_store(oxigraph_server, loaded).load(load([MINI], loaded))
    wrong = "http://served-there.example/"
    result = CliRunner().invoke(
        cli, ["serve", "--store", oxigraph_server.query_url, "--base-url", wrong, str(MINI)]
    )
    assert result.exit_code == 3, result.output
    assert f"holds no dataset for the base URL {wrong}" in result.output
    assert loaded in result.output.split("holds datasets for:")[1]
    assert "Traceback" not in result.output


def test_issue_10_healthz_is_not_ok_about_an_empty_dataset(
    make_app: MakeApp, oxigraph_server: Server
) -> None:
    app = make_app(base_url="http://empty.example/", store=oxigraph_server.query_url, fresh=True)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "empty" and body["quads"] == 0
    assert "http://empty.example/" in body["error"]


# -- two loads at once ----------------------------------------------------------------------


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


def state(store: RemoteStore) -> tuple[int, int]:
    """Quads in the role graphs, and how many version tags graph/meta records."""
    meta = f"{store.base_url}graph/meta"
    rows = store.select_in(
        f"SELECT ?v WHERE {{ <{meta}> <http://www.w3.org/2002/07/owl#versionInfo> ?v }}",
        [meta],
        [],
    )
    return store.count(), len(rows)


def staging(store: RemoteStore) -> list[str]:
    rows = store.select_in(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=[], named_graphs=[]
    )
    return [str(r["g"]) for r in rows if str(r["g"]).startswith(store.base_url + "graph/data-")]


def test_issue_10_a_load_meets_a_held_lease_and_changes_nothing(server: Server) -> None:
    base = f"http://leased-{server.name}.example/"
    store = remote_store(server, base)
    store.load(load([MINI], base))
    before = (state(store), store.version())
    holder = Lease(Loader(store), "holder")
    holder.take()
    try:
        env = {**server.environ(), "PUBLISHER_BASE_URL": base}
        result = CliRunner().invoke(
            cli, ["load", "--to", server.query_url, str(MINI), str(RICH)], env=env
        )
        assert result.exit_code == 4, result.output
        assert "another load is running" in result.output and "nothing was changed" in result.output
        assert (state(store), store.version()) == before and staging(store) == []
    finally:
        holder.release()
    new = load([MINI, RICH], base)
    store.load(new)  # released: the next load goes through
    assert state(store) == (len(new.nquads.splitlines()), 1)


def test_issue_10_the_lease_of_a_dead_load_expires(server: Server) -> None:
    base = f"http://dead-{server.name}.example/"
    store = remote_store(server, base)
    dead = Loader(store, lease=4.0)  # long enough to be seen held on a loaded machine
    Lease(dead, "dead").take()  # and never released: its holder "died"
    with pytest.raises(LoadLocked):
        Loader(store).replace(load([MINI], base), "v1")
    leases = Lease(Loader(store), "reader")
    held = leases._leases  # live or not by the store's clock
    wait_until(lambda: not any(live for _, live, _ in held().values()), 30, "the lease expiring")
    dataset = load([MINI], base)
    Loader(store).replace(dataset, version_of(dataset))
    assert state(store) == (len(dataset.nquads.splitlines()), 1)
    assert leases._leases() == {}  # the dead lease was cleared, ours released


def test_issue_10_concurrent_loads_never_leave_a_mix(server: Server) -> None:
    base = f"http://race-{server.name}.example/"
    # pyoxigraph results may not be freed on another thread than their own: collect the
    # earlier tests' garbage here, not in the loaders' threads below.
    gc.collect()
    first, second = load([MINI], base), load([MINI, RICH], base)
    outcomes = {(len(d.nquads.splitlines()), 1) for d in (first, second)}
    remote_store(server, base).load(first)
    refused = 0
    for _ in range(4):
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def run(
            dataset: Dataset,
            errors: list[BaseException] = errors,
            start: threading.Barrier = start,
        ) -> None:
            loader = Loader(remote_store(server, base), batch_size=5)
            start.wait()
            try:
                loader.replace(dataset, version_of(dataset))
            except LoadLocked as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(d,)) for d in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        store = remote_store(server, base)
        assert state(store) in outcomes
        assert staging(store) == []
        refused += len(errors)
    assert refused >= 1  # the loads really overlapped, and the loser was refused
