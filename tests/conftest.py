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


SPARQL_DATA = DATA / "sparql"


@pytest.fixture(scope="session")
def sparql_settings() -> Settings:
    """The SPARQL tests' data: the shipped graph once it exists, else a small graph in its model.

    Tests check only values true of both (the Fréjus centre offers interventional
    radiology, ultrasound and CT guide sampling, 68,500,000 acts a year, ...).
    """
    shipped = Settings()
    if all(path.exists() for path in shipped.data_paths):
        return shipped
    return Settings(data_paths=(SPARQL_DATA,), validate=False)
