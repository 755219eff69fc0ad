"""Shared fixtures: settings → app → client, over the shipped or a tiny dataset.

Every test that needs an app gets it from :func:`make_app`; every server process is
started through ``tests.servers``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

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
from tests.servers import Publisher, Server, start_publisher

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
MINI = DATA / "mini"
BASE = "http://127.0.0.1:8080/"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped graph, validated, under the default base URL."""
    return Settings()


_BUILT: dict[Settings, Flask] = {}


def build_app(settings: Settings | None = None, *, fresh: bool = False, **changes: Any) -> Flask:
    """The one way tests build an app (as the :func:`make_app` fixture, or directly where
    no fixture reaches, e.g. a strategy built at import).

    ``settings`` defaults to the shipped graph; ``changes`` go through
    ``Settings.with_changes``. Apps are built once per distinct settings for the whole
    session (building one loads and validates its graph); ``fresh=True`` builds a new one,
    for a test that changes its files, store or state, or floods it with bad requests
    (the per-client error budget is the app's).
    """
    wanted = (settings or Settings()).with_changes(**changes)
    if fresh:
        return create_app(wanted)
    if wanted not in _BUILT:
        _BUILT[wanted] = create_app(wanted)
    return _BUILT[wanted]


class MakeApp(Protocol):
    def __call__(
        self, settings: Settings | None = None, *, fresh: bool = False, **changes: Any
    ) -> Flask: ...


@pytest.fixture(scope="session")
def make_app() -> MakeApp:
    """:func:`build_app`: ``make_app(settings, fresh=False, **changes) -> Flask``."""
    return build_app


@pytest.fixture(scope="session")
def app(make_app: MakeApp, settings: Settings) -> Flask:
    """The app over the shipped graph (ontology/, data/, shapes/), validated."""
    return make_app(settings)


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
def injected_app(make_app: MakeApp, settings: Settings) -> Flask:
    """The shipped graph plus hostile labels (markup, ``</script>``), unvalidated."""
    return make_app(settings, data_paths=(*settings.data_paths, INJECTION), validate=False)


@pytest.fixture(scope="session")
def live_server() -> Iterator[Publisher]:
    """The shipped graph served by gunicorn with 2 workers, for the whole session."""
    with start_publisher() as base:
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
