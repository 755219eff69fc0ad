"""Issue 6: four gunicorn workers answer consistently, and a reload reaches every one.

Embedded store: ``kill -HUP`` makes the master re-read and validate the files, then
re-fork its workers. Remote store: a ``load`` swaps the data in the store, and each
worker picks the new version up within FOLLOW_INTERVAL seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from publisher.graph.publication import FOLLOW_INTERVAL
from publisher.graph.sources import load
from publisher.store.content import version_of
from tests import servers
from tests.conftest import BASE, DATA, MINI, RICH, remote_store
from tests.servers import Server

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4

pytestmark = pytest.mark.network


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@contextmanager
def publisher_serve(*args: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``publisher serve --workers 4`` on a free port; stopped at the end."""
    port = servers.free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "publisher", "serve", "--port", str(port)]
            + ["--workers", str(WORKERS), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        servers.wait_for(url, process, 60, log)
        deadline = time.monotonic() + 30
        while len(children(process.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        yield process, url
    finally:
        servers.stop(process)


def healthz(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        body = json.load(response)
    return body["version"], body["quads"]


def answers(url: str, count: int = 48) -> set[tuple[str, int]]:
    """What ``count`` concurrent requests were told (one element when all agree)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(lambda _: healthz(url), range(count)))


def wait_for_new_workers(pid: int, old: set[int], log: Path) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = children(pid)
        if len(now) == WORKERS and not now & old:
            return now
        time.sleep(0.2)
    raise AssertionError(f"workers were not replaced: {old} → {children(pid)}\n{log.read_text()}")


def test_sighup_reloads_every_embedded_worker_and_refuses_bad_data(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(MINI, site)
    log = tmp_path / "serve.log"
    with publisher_serve(str(site), log=log) as (process, url):
        first = answers(url)
        assert len(first) == 1
        old_workers = children(process.pid)
        assert len(old_workers) == WORKERS

        shutil.copy(RICH / "data" / "rich.ttl", site / "data" / "rich.ttl")
        process.send_signal(signal.SIGHUP)
        new_workers = wait_for_new_workers(process.pid, old_workers, log)
        second = answers(url)
        assert len(second) == 1 and second != first
        assert next(iter(second))[1] > next(iter(first))[1]

        shutil.copy(DATA / "broken" / "nameless-centre.ttl", site / "data" / "broken.ttl")
        process.send_signal(signal.SIGHUP)
        wait_for_new_workers(process.pid, new_workers, log)
        assert answers(url) == second  # invalid data refused, the valid data still served
    assert "reload refused" in log.read_text()


@pytest.mark.remote
def test_every_worker_follows_a_load_into_the_remote_store(
    oxigraph_server: Server, tmp_path: Path
) -> None:
    store = remote_store(oxigraph_server)
    old, new = load([MINI], BASE), load([MINI, RICH], BASE)
    store.load(old)
    log = tmp_path / "serve.log"
    args = ("--store", oxigraph_server.query_url, "--base-url", BASE, str(MINI))
    with publisher_serve(*args, log=log) as (_, url):
        assert answers(url) == {(version_of(old), len(old.nquads.splitlines()))}
        store.load(new)
        loaded = time.monotonic()
        expected_new = (version_of(new), len(new.nquads.splitlines()))
        seen = answers(url, 16)  # in between: each worker says old or new, nothing else
        assert {version for version, _ in seen} <= {version_of(old), version_of(new)}
        # Each worker checks in the background, at most every FOLLOW_INTERVAL s, when a
        # request comes: poll until every worker answers the new version.
        while (found := answers(url)) != {expected_new}:
            assert time.monotonic() - loaded < FOLLOW_INTERVAL + 10, found
            time.sleep(0.2)
