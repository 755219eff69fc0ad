"""Shared fixtures: settings → app → client, over the shipped or a tiny dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from publisher import Settings, create_app

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


#: A copy of the graph draft, used by the search/fragments/api tests until the
#: shipped graph (ontology/, data/) is on main.
GRAPH_SNAPSHOT = DATA / "graph-snapshot"


@pytest.fixture(scope="session")
def graph_settings() -> Settings:
    """The radiology graph (entities, concepts, facts) under the default base URL."""
    return Settings(data_paths=(GRAPH_SNAPSHOT,), validate=False)


@pytest.fixture(scope="session")
def graph_app(graph_settings: Settings) -> Flask:
    return create_app(graph_settings)


@pytest.fixture()
def graph_client(graph_app: Flask) -> FlaskClient:
    return graph_app.test_client()
