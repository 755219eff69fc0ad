"""Shared fixtures: settings → app → client, over the shipped or a tiny dataset."""

from __future__ import annotations

from collections.abc import Iterator
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


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """``publisher serve`` as a real process (gunicorn, 2 workers) on a free port;
    yields its base URL and stops it afterwards."""
    import os
    import subprocess
    import sys
    import tempfile
    import time
    import urllib.request

    port = free_port()
    args = [sys.executable, "-m", "publisher", "serve", "--port", str(port), "--workers", "2"]
    if not SHIPPED:
        args.append(str(SITE))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = tempfile.TemporaryFile()  # not a pipe: access logs must never block the server
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
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
