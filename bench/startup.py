"""Start-up time and memory of ``publisher serve`` beside Oxigraph server, same data.

One generated graph (``bench/generate.py``) plus the shipped ontology, data and
shapes. Each server is started once, timed from process start until it
answers, and its memory read as PSS (proportional set size, so pages the
gunicorn workers share with the master count once) summed over the process
and its children:

* Oxigraph server in memory, the same triples POSTed to ``/store`` (one N-Triples body);
* Oxigraph server on disk (``--location``): the same POST into an empty folder, then
  a restart on that folder (ready when it answers a query);
* ``publisher serve --no-validate`` (master + 2 workers), store in memory;
* ``publisher serve --no-validate --store-dir``: first start (bulk load into the
  folder), then a restart with unchanged files (the folder is opened, not loaded);
* ``publisher serve`` validating, with an empty validation cache (first start);
* ``publisher serve`` validating again, the cache warm (a restart with unchanged files).

For ``publisher`` rows it then searches eight times: each worker builds its search
index on its first search (not at start-up), so the table also gives the slowest of
those searches and the memory once every worker holds its index.

Each row's ratios are against its peer: in-memory rows against Oxigraph server
in memory, on-disk rows against Oxigraph server on disk at the same stage.

    python bench/startup.py --triples 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE = "http://127.0.0.1:8080/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pss_mb(pid: int) -> float:
    """PSS of ``pid`` and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Row(NamedTuple):
    name: str
    seconds: float
    mb: float
    validation: str = ""
    first_search: float | None = None  # publisher only: the slowest of the searches
    searched_mb: float | None = None  # publisher only: PSS after them


def oxigraph(everything: Path | None, location: Path | None = None) -> tuple[float, float]:
    """Oxigraph server (in memory, or on disk in ``location``): seconds until
    ``everything`` is loaded (or, with None, until it answers), and PSS."""
    port = free_port()
    where = ["--location", str(location)] if location else []
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve", *where, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
        if everything is None:
            seconds = time.perf_counter() - started
            time.sleep(1)  # as for publisher: memory read a second after it answers
            return seconds, pss_mb(process.pid)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/store?default",
            data=everything.read_bytes(),
            headers={"Content-Type": "application/n-triples"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=900) as response:
            response.read()
        seconds = time.perf_counter() - started
        time.sleep(1)
        return seconds, pss_mb(process.pid)
    finally:
        stop(process)


#: Enough searches that, in practice, both workers answer some (each builds its index).
SEARCHES = 8


def searched(url: str, pid: int) -> tuple[float, float]:
    """The slowest of :data:`SEARCHES` searches (a worker building its index), and
    the PSS once they are done."""
    slowest = 0.0
    for _ in range(SEARCHES):
        started = time.perf_counter()
        with urllib.request.urlopen(url + "search?q=centre", timeout=900) as response:
            response.read()
        slowest = max(slowest, time.perf_counter() - started)
    return slowest, pss_mb(pid)


def publisher(paths: list[Path], cache: Path, *flags: str) -> Row:
    """``publisher serve`` with 2 workers: seconds until /healthz answers, PSS, what
    its start-up log says about validation (checked, or taken from the cache), then
    what searching costs (:func:`searched`)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PUBLISHER_VALIDATION_CACHE": str(cache)}
    args = [sys.executable, "-m", "publisher", "serve", "--port", str(port), "--workers", "2"]
    args += ["--base-url", BASE]  # the generated IRIs' base, whatever port serves them
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*args, *flags, *map(str, paths)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        seconds = time.perf_counter() - started
        time.sleep(1)  # let the second worker finish booting before memory is read
        memory = pss_mb(process.pid)
        first_search, after_search = searched(f"http://127.0.0.1:{port}/", process.pid)
    finally:
        stop(process)
    log.seek(0)
    lines = log.read().decode(errors="replace").splitlines()
    said = [line for line in lines if "checking shapes: done" in line or "cache" in line]
    said_last = said[-1] if said else "not validated"
    return Row("", seconds, memory, said_last, first_search, after_search)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--skip-cold", action="store_true", help="skip the validating cold start")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    import pyoxigraph as ox
    from generate import generate, superclasses

    base = BASE
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp) / "generated" / "data"
        folder.mkdir(parents=True)
        with (folder / "generated.nt").open("w", encoding="utf-8") as out:
            out.writelines(
                generate(args.triples, base, closure=superclasses([ROOT / "ontology"], base))
            )
        paths = [ROOT / "ontology", ROOT / "data", ROOT / "shapes", folder]
        sys.path.insert(0, str(ROOT))
        from publisher.graph.sources import load

        dataset = load(paths, base)
        everything = Path(tmp) / "everything.nt"
        everything.write_bytes(dataset.ntriples())
        triples = len(dataset.store())
        del dataset
        cache, disk, store = Path(tmp) / "cache", Path(tmp) / "oxigraph", Path(tmp) / "store"
        memory_peer = Row("Oxigraph server (memory, POST /store)", *oxigraph(everything))
        disk_peer = Row("Oxigraph server (disk, POST /store)", *oxigraph(everything, disk))
        restart_peer = Row("Oxigraph server (disk, restart)", *oxigraph(None, disk))
        rows = [(memory_peer, memory_peer), (disk_peer, disk_peer), (restart_peer, restart_peer)]

        def ours(name: str, peer: Row, *flags: str) -> None:
            rows.append((publisher(paths, cache, *flags)._replace(name=name), peer))

        ours("publisher serve --no-validate", memory_peer, "--no-validate")
        on_disk = ("--no-validate", "--store-dir", str(store))
        ours("publisher --store-dir, first start", disk_peer, *on_disk)
        ours("publisher --store-dir, restart", restart_peer, *on_disk)
        if not args.skip_cold:
            ours("publisher serve, validating, cold cache", memory_peer)
            ours("publisher serve, validating, warm cache", memory_peer)
        shutil.rmtree(cache, ignore_errors=True)
    print(f"{triples:,} quads; {ox.__name__} {getattr(ox, '__version__', '')}")
    print(
        "| server | ready s | x peer | PSS MB | x peer | slowest search s "
        "| PSS after searches MB | x Oxigraph in memory | validation |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row, peer in rows:
        search = after = ratio = "—"
        if row.first_search is not None and row.searched_mb is not None:
            search, after = f"{row.first_search:.1f}", f"{row.searched_mb:.0f}"
            ratio = f"{row.searched_mb / memory_peer.mb:.2f}"
        print(
            f"| {row.name} | {row.seconds:.1f} | {row.seconds / peer.seconds:.2f} | "
            f"{row.mb:.0f} | {row.mb / peer.mb:.2f} | {search} | {after} | {ratio} "
            f"| {row.validation} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
