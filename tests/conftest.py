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


# --- linked-data server (issue 3) -------------------------------------------------

ROOT = TESTS.parent
SITE = DATA / "site"
INJECTION = DATA / "injection" / "evil.ttl"
#: The shipped graph once it is in the repository; until then a small stand-in
#: with the same identifiers (tests/data/site).
SHIPPED = all((ROOT / role).is_dir() for role in ("ontology", "data"))


@pytest.fixture(scope="session")
def linked_settings(settings: Settings) -> Settings:
    """The shipped graph (or its stand-in) under the default base URL."""
    return settings if SHIPPED else Settings(data_paths=(SITE,))


@pytest.fixture(scope="session")
def linked_app(linked_settings: Settings, request: pytest.FixtureRequest) -> Flask:
    if SHIPPED:
        shipped: Flask = request.getfixturevalue("app")
        return shipped
    return create_app(linked_settings)


@pytest.fixture()
def linked_client(linked_app: Flask) -> FlaskClient:
    return linked_app.test_client()


@pytest.fixture(scope="session")
def injected_app(linked_settings: Settings) -> Flask:
    """The same graph plus hostile labels (markup, ``</script>``), unvalidated."""
    paths = (*linked_settings.data_paths, INJECTION)
    return create_app(linked_settings.with_changes(data_paths=paths, validate=False))
