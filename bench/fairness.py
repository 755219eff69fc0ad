"""What fairness costs, and why its slots are flock-ed files rather than a semaphore.

    python bench/fairness.py              # primitives, a killed holder, then HTTP with wrk

1. Primitives: a slot taken and given back, and one account update, through
   :class:`publisher.fairness.table.SharedTable` (thread lock + ``flock`` + mmap);
   a ``multiprocessing.BoundedSemaphore`` for comparison; in one process, then in
   two processes contending.
2. A holder killed with SIGKILL: what the semaphore and the table have left.
3. HTTP (``wrk``, 16 connections, 10 s, one client): ``/search`` and a cached small
   ``/sparql`` query under ``publisher serve`` with the default limits and with
   every limit off (then the app has no hooks). The rate limit is raised for
   the run, so that wrk's single client measures the cost and not the refusals.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.fairness.table import SharedTable  # noqa: E402

ROUNDS = 50_000


def per_call(work: Callable[[], None], rounds: int = ROUNDS) -> float:
    """Median of 5 runs, in microseconds per call."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        runs.append((time.perf_counter() - started) / rounds * 1e6)
    return statistics.median(runs)


def table_slot(table: SharedTable) -> Callable[[], None]:
    digest = os.getpid().to_bytes(16, "little")

    def work() -> None:
        with table.locked() as view:
            slot = view.take(digest, 0.0)
        if slot is not None:
            with table.locked() as view:
                view.give_back(slot)

    return work


def table_account(table: SharedTable) -> Callable[[], None]:
    from publisher.config import Settings
    from publisher.fairness.policy import Limits

    rules = Limits.from_settings(Settings(validate=False))
    digest = os.getpid().to_bytes(16, "little")

    def work() -> None:
        with table.locked() as view:
            known = view.account(digest) or rules.fresh(0.0)
            account, _ = rules.admit_request(rules.advance(known, time.monotonic()))
            view.store(digest, account)

    return work


def semaphore_slot(semaphore: Any) -> Callable[[], None]:
    def work() -> None:
        if semaphore.acquire(False):
            semaphore.release()

    return work


def _contend(kind: str, shared: Any, out: Any) -> None:
    work = table_slot(shared) if kind == "table" else semaphore_slot(shared)
    out.put(per_call(work, ROUNDS // 5))


def contended(kind: str, shared: Any) -> float:
    fork = multiprocessing.get_context("fork")
    out = fork.Queue()
    processes = [fork.Process(target=_contend, args=(kind, shared, out)) for _ in range(2)]
    for p in processes:
        p.start()
    results = [out.get() for _ in processes]
    for p in processes:
        p.join()
    return statistics.median(results)


def _hold(kind: str, shared: Any, ready: Any) -> None:
    if kind == "table":
        with shared.locked() as view:
            view.take(b"x" * 16, 0.0)
    else:
        shared.acquire()
    ready.send(True)
    ready.recv()


def after_kill(kind: str, shared: Any) -> int:
    """Slots free after a holder is killed with SIGKILL."""
    fork = multiprocessing.get_context("fork")
    here, there = fork.Pipe()
    holder = fork.Process(target=_hold, args=(kind, shared, there))
    holder.start()
    here.recv()
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join()
    if kind == "table":
        with shared.locked() as view:
            return int(shared.slots - len(view.holders()))
    return int(shared.get_value())


def wrk(url: str, data: str | None = None) -> float:
    script = []
    if data is not None:
        body = data.replace("\\", "\\\\").replace('"', '\\"')
        script = ["-s", _post_script(body)]
    out = subprocess.run(
        ["wrk", "-t2", "-c16", "-d10s", *script, url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"    ({non2xx.group(1)} non-2xx answers)")
    return float(match.group(1)) if match else 0.0


def _post_script(body: str) -> str:
    path = Path("/tmp") / f"fairness-wrk-{os.getpid()}.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
    return str(path)


OFF = {
    name: "0"
    for name in (
        "PUBLISHER_QUERY_SLOTS",
        "PUBLISHER_CLIENT_QUERIES",
        "PUBLISHER_CLIENT_QUERY_TIME",
        "PUBLISHER_CLIENT_REQUESTS",
        "PUBLISHER_CLIENT_ERRORS",
    )
}
#: wrk is one client: raise its request rate so the cost is measured, not refusals.
ON = {"PUBLISHER_CLIENT_REQUESTS": "1000000"}
ASK = "query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"


def http(rounds: int = 3) -> dict[tuple[str, str], float]:
    """Median requests/s per (path, on|off); the two servers run side by side and
    take turns, so that the machine's load falls on both alike."""
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.conftest import running_server

    runs: dict[tuple[str, str], list[float]] = {}
    with running_server(environ=ON) as on, running_server(environ=OFF) as off:
        for base in (on, off):
            urllib.request.urlopen(base + "sparql", data=ASK.encode()).read()  # noqa: S310
        for _ in range(rounds):
            for label, base in (("on", on), ("off", off)):
                runs.setdefault(("/search?q=irm", label), []).append(wrk(base + "search?q=irm"))
                runs.setdefault(("/sparql ASK (cached)", label), []).append(
                    wrk(base + "sparql", ASK)
                )
    return {key: statistics.median(values) for key, values in runs.items()}


def main() -> None:
    print("1. primitives, microseconds per take-and-give-back (median of 5)")
    table = SharedTable(slots=4, size=16_384)
    semaphore = multiprocessing.get_context("fork").BoundedSemaphore(4)
    print(f"  table slot, one process      {per_call(table_slot(table)):7.2f}")
    print(f"  semaphore, one process       {per_call(semaphore_slot(semaphore)):7.2f}")
    print(f"  table slot, two processes    {contended('table', table):7.2f}")
    print(f"  semaphore, two processes     {contended('semaphore', semaphore):7.2f}")
    print(f"  account update (per request) {per_call(table_account(table)):7.2f}")
    print("2. slots free (of 4) after their holder was killed")
    print(f"  table      {after_kill('table', table)}")
    print(f"  semaphore  {after_kill('semaphore', semaphore)}")
    print("3. HTTP, requests/s (wrk -t2 -c16 -d10s, median of 3 turns), 2 gunicorn workers")
    rates = http()
    print(f"  {'':24} {'limits on':>10} {'limits off':>10} {'ratio':>6}")
    for name in ("/search?q=irm", "/sparql ASK (cached)"):
        a, b = rates[(name, "on")], rates[(name, "off")]
        print(f"  {name:24} {a:10.0f} {b:10.0f} {a / b:6.2f}")


if __name__ == "__main__":
    main()
