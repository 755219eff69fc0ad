"""Shared fixtures: settings → app → client, over the shipped or a tiny dataset."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from publisher import Settings, create_app
from publisher.store.credentials import Credentials
from publisher.store.remote import RemoteStore
from tests import servers
from tests.graph_support import (
    BASE_URL,
    SCHEMAORG,
    Report,
    load_graph,
    turtle_files,
    validate,
)
from tests.servers import Server

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
MINI = DATA / "mini"
BASE = "http://127.0.0.1:8080/"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped graph under the default base URL."""
    return Settings()


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    return create_app(settings)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def mini_settings() -> Settings:
    """A three-file dataset (ontology, data, shapes) for pipeline tests."""
    return Settings(data_paths=(MINI,))


# --- linked-data server (issue 3) -------------------------------------------------

ROOT = TESTS.parent
INJECTION = DATA / "injection" / "evil.ttl"


@pytest.fixture(scope="session")
def injected_app(settings: Settings) -> Flask:
    """The shipped graph plus hostile labels (markup, ``</script>``), unvalidated."""
    paths = (*settings.data_paths, INJECTION)
    return create_app(settings.with_changes(data_paths=paths, validate=False))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer(str):
    """The base URL of a running server, which also knows the server's process id."""

    pid: int


@contextmanager
def running_server(
    *extra: str,
    workers: int = 2,
    host: str = "127.0.0.1",
    environ: dict[str, str] | None = None,
) -> Iterator[LiveServer]:
    """``publisher serve`` as a real process on a free port (``extra``: paths and
    flags; ``environ``: extra ``PUBLISHER_*`` settings); yields its URL once
    ``/healthz`` answers, and always stops it."""
    import os
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    port = free_port()
    args = [sys.executable, "-m", "publisher", "serve", "--host", host, "--port", str(port)]
    args += ["--workers", str(workers), *(a.replace("{port}", str(port)) for a in extra)]
    env = {**os.environ, **(environ or {}), "PYTHONPATH": str(ROOT)}
    log = tempfile.TemporaryFile()  # not a pipe: access logs must never block the server
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = LiveServer(f"http://{host}:{port}/")
    base.pid = process.pid
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"publisher serve exited early:\n{log.read().decode()}")
            try:
                with urllib.request.urlopen(base + "healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The shipped graph served by gunicorn with 2 workers, for the whole session."""
    with running_server() as base:
        yield base


# Knowledge-graph fixtures (ontology/, data/, shapes/).


@pytest.fixture(scope="session")
def knowledge_graph() -> rdflib.Graph:
    """Ontology ∪ data, as SHACL and the SPARQL union default graph see it."""
    return load_graph(turtle_files("ontology", "data"), BASE_URL)


@pytest.fixture(scope="session")
def ontology_graph() -> rdflib.Graph:
    return load_graph(turtle_files("ontology"), BASE_URL)


@pytest.fixture(scope="session")
def data_graph() -> rdflib.Graph:
    return load_graph(turtle_files("data"), BASE_URL)


@pytest.fixture(scope="session")
def core_shapes() -> rdflib.Graph:
    return load_graph([p for p in turtle_files("shapes") if p.name == "core.ttl"])


@pytest.fixture(scope="session")
def seo_shapes() -> rdflib.Graph:
    return load_graph([p for p in turtle_files("shapes") if p.name == "seo.ttl"])


@pytest.fixture(scope="session")
def all_shapes() -> rdflib.Graph:
    return load_graph(turtle_files("shapes"), BASE_URL)


@pytest.fixture(scope="session")
def shipped_report(knowledge_graph: rdflib.Graph, all_shapes: rdflib.Graph) -> Report:
    """The shipped graph validated against every shape, once per session."""
    return validate(knowledge_graph, all_shapes)


@pytest.fixture(scope="session")
def schemaorg_vocabulary() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(SCHEMAORG, format="turtle")
    return graph


# Fixtures for the search, fragments and api tests: the shipped graph, served.


@pytest.fixture(scope="session")
def graph_app(app: Flask) -> Flask:
    """The app over the shipped graph (ontology/, data/, shapes/), validated."""
    return app


@pytest.fixture()
def graph_client(graph_app: Flask) -> FlaskClient:
    return graph_app.test_client()


@pytest.fixture(scope="session")
def sparql_settings() -> Settings:
    """The SPARQL tests' data: the shipped graph, validated, under the default base URL."""
    return Settings()


# -- Remote SPARQL servers (issue 6): started once per session, stopped at its end. -------

RICH = DATA / "rich"


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[Server]:
    """A real Oxigraph server on a free loopback port, with a 3 s query limit of its own."""
    with servers.oxigraph(timeout_s=3) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[Server]:
    """A real OpenLink Virtuoso on free loopback ports and a temporary database (~10 s)."""
    with servers.virtuoso() as server:
        yield server


#: Every store backend, for tests parametrised over them.
BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("oxigraph", id="oxigraph", marks=pytest.mark.remote),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.remote),
]


def remote_store(server: Server, base_url: str = BASE, timeout: float = 5.0) -> RemoteStore:
    """A client of ``server`` with its write credentials (as ``publisher load`` reads them)."""
    return RemoteStore(
        server.query_url,
        base_url,
        timeout=timeout,
        credentials=Credentials.from_env(server.environ()),
    )
