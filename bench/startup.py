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


def publisher(paths: list[Path], cache: Path, *flags: str) -> tuple[float, float, str]:
    """``publisher serve`` with 2 workers: seconds until /healthz answers, PSS, and
    what its start-up log says about validation (checked, or taken from the cache)."""
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
    finally:
        stop(process)
    log.seek(0)
    lines = log.read().decode(errors="replace").splitlines()
    said = [line for line in lines if "checking shapes: done" in line or "cache" in line]
    return seconds, memory, (said[-1] if said else "not validated")


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
        memory_peer = ("Oxigraph server (memory, POST /store)", *oxigraph(everything), "")
        disk_peer = ("Oxigraph server (disk, POST /store)", *oxigraph(everything, disk), "")
        restart_peer = ("Oxigraph server (disk, restart)", *oxigraph(None, disk), "")
        rows = [(memory_peer, memory_peer), (disk_peer, disk_peer), (restart_peer, restart_peer)]
        unvalidated = ("publisher serve --no-validate", *publisher(paths, cache, "--no-validate"))
        rows.append((unvalidated, memory_peer))
        on_disk = ("--no-validate", "--store-dir", str(store))
        first = ("publisher --store-dir, first start", *publisher(paths, cache, *on_disk))
        again = ("publisher --store-dir, restart", *publisher(paths, cache, *on_disk))
        rows += [(first, disk_peer), (again, restart_peer)]
        if not args.skip_cold:
            cold = ("publisher serve, validating, cold cache", *publisher(paths, cache))
            warm = ("publisher serve, validating, warm cache", *publisher(paths, cache))
            rows += [(cold, memory_peer), (warm, memory_peer)]
        shutil.rmtree(cache, ignore_errors=True)
    print(f"{triples:,} quads; {ox.__name__} {getattr(ox, '__version__', '')}")
    print("| server | ready s | x peer | PSS MB | x peer | validation |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for (name, seconds, mb, said), (_, peer_s, peer_mb, _) in rows:
        print(
            f"| {name} | {seconds:.1f} | {seconds / peer_s:.2f} | {mb:.0f} | "
            f"{mb / peer_mb:.2f} | {said} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
