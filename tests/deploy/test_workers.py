"""Issue 6: four gunicorn workers answer consistently, and a reload reaches every one.

Embedded store: ``kill -HUP`` makes the master re-read and validate the files, then
re-fork its workers. Remote store: a ``load`` swaps the data in the store, and each
worker picks the new version up within FOLLOW_INTERVAL seconds.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from publisher.graph.publication import FOLLOW_INTERVAL
from publisher.graph.sources import load
from publisher.store.content import version_of
from tests.conftest import BASE, DATA, MINI, RICH, remote_store
from tests.servers import Server, children, start_publisher, wait_until

WORKERS = 4

pytestmark = pytest.mark.network


def healthz(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        body = json.load(response)
    return body["version"], body["quads"]


def answers(url: str, count: int = 48) -> set[tuple[str, int]]:
    """What ``count`` concurrent requests were told (one element when all agree)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(lambda _: healthz(url), range(count)))


def wait_for_new_workers(pid: int, old: set[int], log: Path) -> set[int]:
    def replaced() -> bool:
        now = children(pid)
        return len(now) == WORKERS and not now & old

    wait_until(replaced, 60, f"workers {old} replaced (now {children(pid)})", log=log)
    return children(pid)


def test_sighup_reloads_every_embedded_worker_and_refuses_bad_data(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(MINI, site)
    log = tmp_path / "serve.log"
    with start_publisher(str(site), workers=WORKERS, log=log) as server:
        process, url = server.process, server + "healthz"
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
    with start_publisher(*args, workers=WORKERS, log=log) as server:
        url = server + "healthz"
        assert answers(url) == {(version_of(old), len(old.nquads.splitlines()))}
        store.load(new)
        loaded = time.monotonic()
        expected_new = (version_of(new), len(new.nquads.splitlines()))
        seen = answers(url, 16)  # in between: each worker says old or new, nothing else
        assert {version for version, _ in seen} <= {version_of(old), version_of(new)}
        # Each worker checks in the background, at most every FOLLOW_INTERVAL s, when a
        # request comes: poll until every worker answers the new version.
        followed = f"every worker answering {expected_new}"
        wait_until(lambda: answers(url) == {expected_new}, FOLLOW_INTERVAL + 10, followed)
        assert time.monotonic() - loaded < FOLLOW_INTERVAL + 10
