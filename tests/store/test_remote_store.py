"""Issue 6: the remote backend's errors, time limits and loading, against real servers."""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import BNode

from publisher import Settings
from publisher.cli import cli
from publisher.graph.sources import load
from publisher.rdf.formats import by_token
from publisher.store import (
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
)
from publisher.store.content import version_of
from publisher.store.errors import LoadFailed
from publisher.store.lease import Lease
from publisher.store.loader import Loader
from publisher.store.remote import RemoteStore
from tests import servers
from tests.conftest import BASE, DATA, MINI, RICH, MakeApp, remote_store
from tests.servers import Server

pytestmark = pytest.mark.remote

REMOTES = ["oxigraph", "virtuoso"]
#: A join with no selective pattern: billions of rows over the test data.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


@pytest.fixture(params=REMOTES)
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


def staging_graphs(store: RemoteStore) -> list[str]:
    rows = store.select_in(
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "-staging-")) }',
        default_graphs=[],
        named_graphs=[],
    )
    return [str(row["g"]) for row in rows if str(row["g"]).startswith(BASE)]


def quads(store: RemoteStore) -> list[tuple[str, ...]]:
    """Every quad as text; blank nodes anonymous (each load mints new ones)."""
    rows = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sorted(
        tuple("_:" if isinstance(row[v], BNode) else row[v].n3() for v in "gspo") for row in rows
    )


def test_unreachable_store_is_unavailable_not_a_crash() -> None:
    store = RemoteStore(f"http://127.0.0.1:{servers.free_port()}/query", BASE, timeout=2)
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.ask("ASK {}")


def test_a_store_that_goes_away_gives_502_not_a_trace(make_app: MakeApp) -> None:
    with servers.oxigraph() as gone:
        remote_store(gone).load(load([MINI], BASE))
        app = make_app(Settings(data_paths=(MINI,), store=gone.query_url), fresh=True)
        assert app.test_client().get("/healthz").status_code == 200
    response = app.test_client().get("/healthz")
    assert response.status_code == 502
    assert "unreachable" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_serve_refuses_to_start_on_an_unreachable_store() -> None:
    url = f"http://127.0.0.1:{servers.free_port()}/query"
    result = CliRunner().invoke(cli, ["serve", "--store", url, str(MINI)])
    assert result.exit_code == 3
    assert "unreachable" in result.output and "Traceback" not in result.output


def test_syntax_errors_carry_the_servers_message(server: Server) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        remote_store(server).select("SELECT ?x WHERE { ?x ?y }")
    message = str(caught.value)
    assert message and "SPARQL query:" not in message and "Response:" not in message


def test_time_limit_stops_the_query_and_the_server_stays_responsive(server: Server) -> None:
    store = remote_store(server, timeout=1.0)
    store.load(load([MINI, RICH], BASE))
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit"):
        store.select(SLOW)
    assert time.monotonic() - started < 5
    assert remote_store(server).ask(f"ASK {{ <{BASE}id/centre/alpha> ?p ?o }}")


def test_readers_see_the_old_or_the_new_dataset_never_a_mix(server: Server) -> None:
    store = remote_store(server)
    old, new = load([MINI], BASE), load([MINI, RICH], BASE)
    store.load(old)
    sizes = {store.count()}
    versions = {store.version()}
    done = threading.Event()

    def read() -> None:
        reader = remote_store(server)
        while not done.is_set():
            sizes.add(reader.count())
            versions.add(reader.version())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        steps: list[str] = []
        Loader(store, progress=steps.append, batch_size=4).replace(new, version_of(new))
    finally:
        done.set()
        thread.join(timeout=30)
    assert len([s for s in steps if "staged" in s]) > 5  # many batches really went out
    assert sizes <= {len(old.nquads.splitlines()), len(new.nquads.splitlines())}
    assert versions <= {version_of(old), version_of(new)}
    assert store.count() == len(new.nquads.splitlines())


class BrokenSwap(Loader):
    """A load whose swap meets a wrong update URL, and whose clean-up fails too."""

    def _swap(self, staging: dict[str, str], version: str, lease: Lease) -> None:
        good, self.update_url = self.update_url, self.update_url + "-nowhere"
        try:
            super()._swap(staging, version, lease)
        finally:
            self.update_url = good

    def _drop(self, graphs: list[str]) -> None:
        pass  # say the network went: the staging graphs stay for the next load


@pytest.mark.parametrize("via", ["graph-store", "update"])
def test_a_failed_swap_keeps_the_old_data_and_the_next_load_cleans_up(
    server: Server, via: str
) -> None:
    good = remote_store(server)
    good.load(load([MINI], BASE))
    before = (good.count(), good.version())
    new = load([MINI, RICH], BASE)
    with pytest.raises(LoadFailed) as caught:
        BrokenSwap(remote_store(server), via=via).replace(new, version_of(new))
    message = str(caught.value)
    assert "-nowhere" in message and "HTTP 404" in message and "swapping" in message
    assert (good.count(), good.version()) == before
    assert len(staging_graphs(good)) == 3  # left for the next load
    steps: list[str] = []
    Loader(good, progress=steps.append, via=via).replace(new, version_of(new))
    assert staging_graphs(good) == []
    assert (good.count(), good.version()) == (len(new.nquads.splitlines()), version_of(new))
    assert any("earlier failed load" in step for step in steps)


def test_a_wrong_update_url_fails_before_anything_is_written(server: Server) -> None:
    good = remote_store(server)
    good.load(load([MINI], BASE))
    before = (good.count(), good.version())
    broken = remote_store(server)
    broken.update_url = server.update_url + "-nowhere"
    new = load([MINI, RICH], BASE)
    with pytest.raises(LoadFailed, match="taking the load lease failed.*-nowhere.*HTTP 404"):
        Loader(broken).replace(new, version_of(new))
    assert (good.count(), good.version()) == before and staging_graphs(good) == []


def test_loading_twice_gives_the_same_store(server: Server) -> None:
    store = remote_store(server)
    dataset = load([MINI, RICH], BASE)
    store.load(dataset)
    first = quads(store)
    store.load(dataset)
    assert quads(store) == first and store.version() == version_of(dataset)
    assert store.count() == len(dataset.nquads.splitlines())


def test_virtuoso_writes_need_the_credentials(virtuoso_server: Server) -> None:
    anonymous = RemoteStore(virtuoso_server.query_url, BASE)
    before = remote_store(virtuoso_server).count()
    with pytest.raises(LoadFailed, match="HTTP 401.*PUBLISHER_STORE_USER"):
        anonymous.load(load([MINI, RICH], BASE))
    assert remote_store(virtuoso_server).count() == before


# -- the command ---------------------------------------------------------------------------


def run_load(server: Server, *args: str, with_credentials: bool = True) -> tuple[int, str]:
    env = server.environ() if with_credentials else {}
    env = {"PUBLISHER_STORE_USER": "", "PUBLISHER_STORE_PASSWORD": "", **env}
    result = CliRunner().invoke(cli, ["load", "--to", server.query_url, *args], env=env)
    return result.exit_code, result.output


def test_load_command_validates_loads_and_shows_progress(server: Server) -> None:
    code, output = run_load(server, "--batch-size", "10", str(MINI), str(RICH))
    assert code == 0, output
    assert "conforms" in output and "staged" in output and "swapped in 3 graphs" in output
    store = remote_store(server)
    assert store.ask(f"ASK {{ <{BASE}id/centre/beta> ?p ?o }}")


def test_load_command_refuses_invalid_data_and_leaves_the_store(server: Server) -> None:
    store = remote_store(server)
    store.load(load([MINI], BASE))
    before = store.version()
    code, output = run_load(server, str(MINI), str(DATA / "broken" / "nameless-centre.ttl"))
    assert code == 1
    assert "A centre needs a name." in output and "Not loading" in output
    assert store.version() == before


def test_load_command_names_what_failed(virtuoso_server: Server) -> None:
    code, output = run_load(virtuoso_server, str(MINI), with_credentials=False)
    assert code == 3
    assert "HTTP 401" in output and "sparql-graph-crud-auth" in output
    assert "PUBLISHER_STORE_PASSWORD" in output and "still serves its previous data" in output
    assert "Traceback" not in output


def test_load_command_takes_no_credentials_on_the_command_line() -> None:
    result = CliRunner().invoke(cli, ["load", "--help"])
    assert result.exit_code == 0
    assert "--password" not in result.output and "--user" not in result.output
    assert "PUBLISHER_STORE_PASSWORD" in result.output
    bad = CliRunner().invoke(cli, ["load", "--to", "ftp://example.org/sparql", str(MINI)])
    assert bad.exit_code == 2 and "not a SPARQL endpoint URL" in bad.output


def test_service_is_refused_before_the_server_could_fetch_it(server: Server) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"ASK {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { BIND(<" + target + "> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        ):
            with pytest.raises(QueryRefused, match="SERVICE is not allowed"):
                remote_store(server).sparql(query, by_token("json"))  # type: ignore[arg-type]
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    harmless = "SELECT ?service WHERE { ?service <http://x/SERVICE> 'SERVICE' }"
    assert remote_store(server).select(harmless) == []


def test_virtuoso_pragmas_are_not_passed_on(virtuoso_server: Server) -> None:
    with pytest.raises(QuerySyntaxError):
        remote_store(virtuoso_server).select(
            'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }'
        )


def test_a_virtuoso_pragma_is_refused_even_without_words_that_need_a_parse(
    virtuoso_server: Server,
) -> None:
    """``input:grab-all`` would make Virtuoso fetch the IRIs the query meets."""
    with pytest.raises(QuerySyntaxError, match="not a SPARQL query"):
        remote_store(virtuoso_server).select(
            'DEFINE input:grab-all "yes" SELECT * WHERE { <http://127.0.0.1:9/> ?p ?o }'
        )


def test_serves_a_store_filled_by_other_tools(make_app: MakeApp, oxigraph_server: Server) -> None:
    """No version tag in the store: the version is the digest of what it holds."""
    store = remote_store(oxigraph_server, base_url="http://other.example/")
    dataset = load([MINI], "http://other.example/")
    store.load(dataset)
    request = urllib.request.Request(  # what a plain Graph Store client would do
        f"{oxigraph_server.update_url}",
        data=urllib.parse.urlencode(
            {"update": "DROP GRAPH <http://other.example/graph/meta>"}
        ).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (loopback)
    app = make_app(
        Settings(
            base_url="http://other.example/", data_paths=(MINI,), store=oxigraph_server.query_url
        ),
        fresh=True,
    )
    body = app.test_client().get("/healthz").get_json()
    assert body["quads"] == len(dataset.nquads.splitlines())
    assert body["version"] == version_of(app.extensions["publisher"].dataset)


def test_endpoint_limits_row_cap_time_and_base(server: Server) -> None:
    """The keywords /sparql passes: max_rows, timeout and base_iri."""
    store = remote_store(server)
    store.load(load([MINI, RICH], BASE))
    csv, nt = by_token("csv"), by_token("nt")
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    cut = store.sparql(everything, csv, max_rows=5)  # type: ignore[call-arg,arg-type]
    assert getattr(cut, "cut_at", None) == 5 and len(cut.splitlines()) == 6
    whole = store.sparql(everything, csv, max_rows=10_000)  # type: ignore[call-arg,arg-type]
    assert getattr(whole, "cut_at", None) is None and len(whole.splitlines()) > 6
    graph = store.sparql("CONSTRUCT WHERE { ?s ?p ?o }", nt, max_rows=3)  # type: ignore[call-arg,arg-type]
    assert getattr(graph, "cut_at", None) == 3 and len(graph.splitlines()) == 3
    relative = "ASK { <id/centre/beta> ?p ?o }"
    assert b"true" in store.sparql(relative, by_token("json"), base_iri=BASE)  # type: ignore[call-arg,arg-type]
    with pytest.raises(QueryTimeout, match="0.5 s"):
        store.sparql(SLOW, by_token("json"), timeout=0.5)  # type: ignore[call-arg,arg-type]


def test_sparql_endpoint_maps_remote_failures_to_statuses(
    make_app: MakeApp, server: Server
) -> None:
    """Through /sparql: a slow query is a 503, bad syntax a 400, SERVICE refused, no trace."""
    remote_store(server).load(load([MINI, RICH], BASE))
    app = make_app(
        Settings(data_paths=(MINI,), store=server.query_url, query_timeout=1.0), fresh=True
    )
    client = app.test_client()
    json_results = {"Accept": "application/sparql-results+json"}
    slow = client.get("/sparql", query_string={"query": SLOW}, headers=json_results)
    assert slow.status_code == 503 and "time limit" in slow.get_data(as_text=True)
    bad = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p }"}, headers=json_results)
    assert bad.status_code == 400
    federated = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    refused = client.get("/sparql", query_string={"query": federated}, headers=json_results)
    assert refused.status_code == 400
    for response in (slow, bad, refused):
        assert "Traceback" not in response.get_data(as_text=True)
    fine = client.get("/sparql", query_string={"query": "ASK {}"}, headers=json_results)
    assert fine.status_code == 200 and fine.get_json()["boolean"] is True
