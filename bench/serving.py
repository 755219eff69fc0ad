"""Worker models compared: page throughput, and latency while slow clients hold connections.

For each model (``publisher serve --worker-class``), two servers run with the
same workers: the publisher, and a bare Flask route (``ok``) served by the same
code path. wrk (16 connections) runs against a centre page and the bare route by
turns, several rounds, and the medians and their ratio are printed. Then 50
slow clients open connections (half send a partial request line, half a POST
announcing 100,000 bytes and sending 9) and stay, while ``/healthz``, the centre
page and a small SPARQL query are timed one after the other.

    apt-get install -y wrk
    python bench/serving.py                      # async (the default), threads, sync
    python bench/serving.py --models async sync --rounds 5 --seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/doc/centre/frejus"
QUERY = "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
SLOW = 50


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_bare(port: int, model: str, workers: int, threads: int) -> None:
    """The bare route, served by :func:`publisher.deploy.server.run_gunicorn` like the publisher."""
    from flask import Flask

    from publisher.deploy.server import run_gunicorn

    app = Flask("bare")

    @app.route("/")
    def bare() -> str:
        return "ok"

    @app.route("/healthz")
    def healthz() -> str:
        return "ok"

    run_gunicorn(app, "127.0.0.1", port, workers, model=model, threads=threads)


@contextmanager
def server(args: list[str], port: int) -> Iterator[str]:
    """A server process on ``port``, until the block ends; yields its base URL."""
    log = tempfile.TemporaryFile()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(port, "/healthz", 2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"server did not start:\n{log.read().decode()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def get(port: int, target: str, timeout: float) -> tuple[int, float]:
    """Status and seconds of one GET on a fresh connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", target, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def wrk(url: str, seconds: int) -> float:
    """Requests per second wrk measured (16 connections, 2 threads)."""
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found:
        raise RuntimeError(out)
    return float(found.group(1))


@contextmanager
def slow_clients(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that send part of a request and then wait."""
    held: list[socket.socket] = []
    try:
        for n in range(count):
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 2:
                conn.sendall(b"GET /doc/centre/frej")
            else:
                head = "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                conn.sendall(head.encode() + b"Content-Type: text/plain\r\n\r\nquery=SEL")
            held.append(conn)
        yield held
    finally:
        for conn in held:
            conn.close()


def latencies(port: int, target: str, count: int, timeout: float) -> str:
    """Median and worst latency of ``count`` sequential GETs, or how many failed."""
    times, failed = [], 0
    for _ in range(count):
        try:
            status, seconds = get(port, target, timeout)
        except OSError:
            failed += 1
            if failed == 3:  # the server is held: no need to wait out every timeout
                break
            continue
        if status != 200:
            failed += 1
        times.append(seconds)
    if not times:
        return f"no answer in {timeout:g} s ({failed} tries)"
    text = f"median {statistics.median(times) * 1000:7.1f} ms, max {max(times) * 1000:7.1f} ms"
    return text + (f", {failed} failed" if failed else "")


def bench(models: list[str], workers: int, threads: int, rounds: int, seconds: int) -> None:
    """Every model's two servers run at once and wrk visits them by turns, so the
    machine's background load falls on all of them alike."""
    common = ["--workers", str(workers), "--threads", str(threads)]
    with ExitStack() as stack:
        urls: dict[tuple[str, str], str] = {}
        for model in models:
            page_port, bare_port = free_port(), free_port()
            serve = ["-m", "publisher", "serve", "--port", str(page_port), "--worker-class", model]
            urls[model, "page"] = stack.enter_context(server(serve + common, page_port)) + PAGE
            bare = [__file__, "--bare", str(bare_port), "--models", model, *common]
            urls[model, "bare"] = stack.enter_context(server(bare, bare_port)) + "/"
        for url in urls.values():
            wrk(url, 2)  # warm up
        rates: dict[tuple[str, str], list[float]] = {key: [] for key in urls}
        for _ in range(rounds):
            for key, url in urls.items():
                rates[key].append(wrk(url, seconds))
        print(f"{'model':8} {'centre page':>12} {'bare route':>12} {'ratio':>6}   (req/s, medians)")
        for model in models:
            page, bare = (statistics.median(rates[model, kind]) for kind in ("page", "bare"))
            print(f"{model:8} {page:12.0f} {bare:12.0f} {page / bare:6.2f}")
        if "sync" in models:  # the old model's bare route: what the 0.6x was measured against
            old = statistics.median(rates["sync", "bare"])
            for model in models:
                page = statistics.median(rates[model, "page"])
                print(f"{model:8} centre page / sync's bare route: {page / old:.2f}")
        for model in models:
            print(f"{model:8} rounds: page {[round(x) for x in rates[model, 'page']]}", end="")
            print(f" bare {[round(x) for x in rates[model, 'bare']]}")
        for model in models:
            port = int(urllib.parse.urlsplit(urls[model, "page"]).port or 0)
            with slow_clients(port, SLOW):
                for name, target in (("/healthz", "/healthz"), ("page", PAGE), ("sparql", QUERY)):
                    timing = latencies(port, target, 20, 10)
                    print(f"{model:8} with {SLOW} slow clients, {name:8}: {timing}")
            sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["async", "threads", "sync"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        serve_bare(args.bare, args.models[0], args.workers, args.threads)
        return
    print(f"{args.workers} workers, wrk -c16, {args.rounds} rounds of {args.seconds} s each")
    bench(args.models, args.workers, args.threads, args.rounds, args.seconds)


if __name__ == "__main__":
    main()
