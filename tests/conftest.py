"""Shared fixtures: settings → app → client, over the shipped or a tiny dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from publisher import Settings, create_app
from publisher.sources import load
from publisher.store.remote import Credentials, RemoteStore
from tests import servers
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


def backend_settings(
    request: pytest.FixtureRequest, name: str, paths: tuple[Path, ...], base_url: str = BASE
) -> Settings:
    """Settings that serve ``paths`` from backend ``name``; a remote one is loaded first."""
    if name == "embedded":
        return Settings(base_url=base_url, data_paths=paths)
    server: Server = request.getfixturevalue(f"{name}_server")
    remote_store(server, base_url).load(load(paths, base_url))
    return Settings(base_url=base_url, data_paths=paths, store=server.query_url)
