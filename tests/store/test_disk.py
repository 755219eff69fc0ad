"""Issue 11: the on-disk store folder, kept between runs under the files' content hash.

A restart with unchanged files opens the folder it built before; a changed file
builds a new one; an invalid file or a load killed half-way leaves the good
folder as it was; gunicorn workers and their query processes each open it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.graph.sources import RdfSyntaxError
from publisher.store import disk
from tests import servers
from tests.conftest import BASE, DATA, MINI, RICH, ROOT
from tests.servers import children


def folders(store_dir: Path) -> list[Path]:
    return sorted(p for p in store_dir.iterdir())


def fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rebuild or a write changes them."""
    found = {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }
    return {"": (folder.stat().st_ino, 0), **found}


def count(dataset: disk.DiskDataset) -> int:
    return len(dataset.store())


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(MINI, copy)
    return copy


def test_issue_11_a_restart_with_unchanged_files_opens_the_same_folder(
    site: Path, tmp_path: Path
) -> None:
    store_dir = tmp_path / "stores"
    first = disk.load([site], BASE, store_dir)
    quads = count(first)
    assert quads > 0 and [first.location] == folders(store_dir)
    before = fingerprint(first.location)
    del first
    again = disk.load([site], BASE, store_dir)
    assert [again.location] == folders(store_dir)
    assert fingerprint(again.location) == before  # opened, not loaded again
    assert count(again) == quads


def test_issue_11_a_changed_file_builds_a_new_folder(site: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "stores"
    old = disk.load([site], BASE, store_dir)
    shutil.copy(RICH / "data" / "rich.ttl", site / "data" / "rich.ttl")
    new = disk.load([site], BASE, store_dir)
    assert new.location != old.location and set(folders(store_dir)) == {old.location, new.location}
    assert count(new) > count(old)


def test_issue_11_old_folders_are_pruned(site: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "stores"
    made = []
    for n in range(disk.KEEP + 2):
        (site / "data" / "extra.ttl").write_text(f"<{BASE}id/x> <{BASE}p> {n} .\n")
        made.append(disk.load([site], BASE, store_dir).location)
    assert folders(store_dir) == sorted(made[-disk.KEEP :])


def test_issue_11_leftover_build_folders_of_no_running_process_go(
    site: Path, tmp_path: Path
) -> None:
    store_dir = tmp_path / "stores"
    stray, mine = store_dir / ".building-copied-by-hand", store_dir / f".building-x-{os.getpid()}"
    for folder in (stray, mine):
        folder.mkdir(parents=True)
    loaded = disk.load([site], BASE, store_dir)
    assert not stray.exists()  # its name ends in no process id: nobody's build
    assert mine.exists()  # a build of a process still running is left alone
    assert folders(store_dir) == sorted([loaded.location, mine])


def test_issue_11_an_invalid_file_leaves_the_good_folder(site: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "stores"
    good = disk.load([site], BASE, store_dir)
    quads, before = count(good), fingerprint(good.location)
    shutil.copy(DATA / "broken" / "syntax.ttl", site / "data" / "syntax.ttl")
    with pytest.raises(RdfSyntaxError):
        disk.load([site], BASE, store_dir)
    assert folders(store_dir) == [good.location]  # no half-built folder left behind
    assert fingerprint(good.location) == before and count(good) == quads


_STOPPED_HALF_WAY = """
import os, signal, sys
from pathlib import Path
from publisher.store import disk
real = disk.read_into
def read_one_then_stop(store, source, base_url):
    real(store, source, base_url)
    os.kill(os.getpid(), signal.SIGSTOP)  # the parent kills us here, mid-load
disk.read_into = read_one_then_stop
disk.load([Path(sys.argv[1])], sys.argv[2], Path(sys.argv[3]))
"""


def test_issue_11_a_load_killed_half_way_leaves_the_good_folder(site: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "stores"
    good = disk.load([site], BASE, store_dir)
    quads, before = count(good), fingerprint(good.location)
    shutil.copy(RICH / "data" / "rich.ttl", site / "data" / "rich.ttl")
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _STOPPED_HALF_WAY, str(site), BASE, str(store_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    _, status = os.waitpid(child.pid, os.WUNTRACED)  # returns once it stopped itself
    assert os.WIFSTOPPED(status)
    building = [p for p in folders(store_dir) if p.name.startswith(".building-")]
    assert len(building) == 1  # the interrupted load, in its own temporary folder
    child.kill()
    child.wait()
    assert count(disk.load([MINI], BASE, store_dir)) > 0  # a later load clears the leftover
    assert not [p for p in folders(store_dir) if p.name.startswith(".")]
    assert good.location in folders(store_dir) and fingerprint(good.location) == before
    assert count(good) == quads


# -- served by gunicorn -------------------------------------------------------------------------


@contextmanager
def serving(
    site: Path, store_dir: Path, log: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``publisher serve --store-dir`` with 2 workers (the same base URL on any port, hence
    the same folder); stopped at the end."""
    args = ("--store-dir", str(store_dir), "--base-url", BASE, str(site))
    with servers.start_publisher(*args, log=log) as served_at:
        yield served_at.process, str(served_at)


def get(url: str, accept: str = "text/html") -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return bytes(response.read())


def sparql_count(url: str) -> int:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    body = get(f"{url}sparql?query={query}", "application/sparql-results+json")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def served(url: str, times: int = 8) -> set[tuple[str, int, int]]:
    """(version, quads, SPARQL count) as each of several requests saw them."""
    seen = set()
    for _ in range(times):
        health = json.loads(get(url + "healthz", "application/json"))
        seen.add((health["version"], health["quads"], sparql_count(url)))
    return seen


@pytest.mark.network
def test_issue_11_gunicorn_serves_pages_sparql_and_search_from_the_folder(
    site: Path, tmp_path: Path
) -> None:
    store_dir, log = tmp_path / "stores", tmp_path / "serve.log"
    with serving(site, store_dir, log) as (_, url):
        [seen] = served(url)
        _, quads, counted = seen
        assert quads == counted > 0
        assert b"Alpha" in get(url + "doc/centre/alpha")
        assert b"Alpha" in get(url + "search?q=alpha")
    [folder] = folders(store_dir)
    before = fingerprint(folder)
    with serving(site, store_dir, log) as (_, url):  # a restart opens the same folder
        assert served(url) == {seen}
    assert folders(store_dir) == [folder] and fingerprint(folder) == before
    assert len(ox.Store.read_only(str(folder))) == quads


@pytest.mark.network
def test_issue_11_sighup_with_a_store_folder_reloads_and_refuses_bad_data(
    site: Path, tmp_path: Path
) -> None:
    store_dir, log = tmp_path / "stores", tmp_path / "serve.log"
    with serving(site, store_dir, log) as (process, url):
        [first] = served(url)
        old = children(process.pid)
        shutil.copy(RICH / "data" / "rich.ttl", site / "data" / "rich.ttl")
        process.send_signal(signal.SIGHUP)
        new = _new_workers(process.pid, old, log)
        [second] = served(url)
        assert second[0] != first[0] and second[1] == second[2] > first[1]
        assert len(folders(store_dir)) == 2

        shutil.copy(DATA / "broken" / "nameless-centre.ttl", site / "data" / "broken.ttl")
        process.send_signal(signal.SIGHUP)
        _new_workers(process.pid, new, log)
        assert served(url) == {second}  # the invalid data is refused, the good data served
    assert "reload refused" in log.read_text()


def _new_workers(pid: int, old: set[int], log: Path) -> set[int]:
    def replaced() -> bool:
        now = children(pid)
        return len(now) == 2 and not now & old

    servers.wait_until(replaced, 60, f"workers other than {old}", log=log)
    return children(pid)
