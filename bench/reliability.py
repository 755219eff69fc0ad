"""Reliability under abuse: well-behaved clients' latencies while others misbehave.

Starts a real ``publisher serve`` on a loopback port (the README's default
command, with its default worker model and limits), then, for each connection
count, runs for a bounded time:

- well-behaved clients, each on its own loopback address (127.0.1.x), looping
  over a centre page, ``/healthz``, a small SPARQL query, a search and a
  fragment, on keep-alive connections;
- 4 abusive clients (127.0.0.66-69) sending heavy queries that run to the time
  limit, back to back;
- 50 slow clients (127.0.0.99) holding connections with half a request line or
  a short POST body.

It prints, per level, the requests made, statuses by count (for the
well-behaved and the abusive clients apart), and p50/p99 latency of the
well-behaved clients' answers. Loopback only; every run is bounded by
``--seconds`` and by ``--max-requests`` per client.

    python bench/reliability.py --levels 50 200 --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = "SELECT ?c WHERE { ?c a <https://schema.org/MedicalClinic> } LIMIT 5"
WELL_BEHAVED = (
    "/doc/centre/frejus",
    "/healthz",
    "/sparql?" + urllib.parse.urlencode({"query": SMALL}),
    "/search?q=irm",
    "/fragments?predicate=" + urllib.parse.quote("https://schema.org/name", safe=""),
)


@dataclass
class Tally:
    """What one group of clients saw; appended to from many threads (lists and Counters
    are safe enough for this under the GIL: one append or increment at a time)."""

    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: str, seconds: float | None = None) -> None:
        with self.lock:
            self.statuses[status] += 1
            if seconds is not None:
                self.latencies.append(seconds)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, query_timeout: float) -> subprocess.Popen[bytes]:
    publisher = Path(sys.executable).parent / "publisher"
    env = {**os.environ, "PUBLISHER_QUERY_TIMEOUT": str(query_timeout)}
    process = subprocess.Popen(
        [str(publisher), "serve", "--port", str(port), "--no-validate"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                if probe.recv(12).startswith(b"HTTP/1."):
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("publisher serve did not start within 120 s")


def well_behaved(port: int, address: str, stop: float, cap: int, tally: Tally) -> None:
    connection: http.client.HTTPConnection | None = None
    for index in range(cap):
        if time.monotonic() > stop:
            break
        path = WELL_BEHAVED[index % len(WELL_BEHAVED)]
        if connection is None:
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=30, source_address=(address, 0)
            )
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "*/*"})
            response = connection.getresponse()
            response.read()
            tally.add(str(response.status), time.perf_counter() - started)
            if response.status >= 400:
                tally.add(f"{response.status} {path.split('?')[0]}")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            tally.add(type(error).__name__)
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def abusive(port: int, address: str, stop: float, cap: int, tally: Tally) -> None:
    body = urllib.parse.urlencode({"query": HEAVY})
    for _ in range(cap):
        if time.monotonic() > stop:
            break
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(address, 0)
        )
        try:
            connection.request(
                "POST",
                "/sparql",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
            tally.add(str(response.status))
        except (OSError, http.client.HTTPException) as error:
            tally.add(type(error).__name__)
        finally:
            connection.close()


def slow_clients(port: int, count: int) -> list[socket.socket]:
    """Half-open connections: half a request line, or a POST body that never completes."""
    held = []
    for index in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            continue
        if index % 2:
            sock.sendall(b"GET /doc/centre/fre")
        else:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n\r\nquery=ASK"
            )
        held.append(sock)
    return held


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run_level(port: int, connections: int, seconds: float, cap: int) -> None:
    good, bad = Tally(), Tally()
    held = slow_clients(port, 50)
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=abusive, args=(port, f"127.0.0.{66 + i}", stop, cap, bad))
        for i in range(4)
    ]
    threads += [
        threading.Thread(
            target=well_behaved,
            args=(port, f"127.0.1.{1 + i % 250}", stop, cap, good),
        )
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for sock in held:
        sock.close()
    latencies = [1000 * s for s in good.latencies]
    print(f"\n## {connections} well-behaved connections, {seconds:g} s")
    by_status = {k: v for k, v in good.statuses.items() if " " not in k}
    by_path = {k: v for k, v in good.statuses.items() if " " in k}
    print(f"well-behaved: {sum(by_status.values())} requests, {by_status}")
    if by_path:
        print(f"well-behaved refusals by path: {by_path}")
    print(f"abusive:      {sum(bad.statuses.values())} requests, {dict(bad.statuses)}")
    if latencies:
        print(
            f"well-behaved latency: p50 {statistics.median(latencies):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client")
    parser.add_argument("--query-timeout", type=float, default=5.0)
    args = parser.parse_args()
    port = free_port()
    server = start_server(port, args.query_timeout)
    try:
        for level in args.levels:
            run_level(port, level, args.seconds, args.max_requests)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
