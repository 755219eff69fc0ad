"""Remote store faults, measured against a real Oxigraph server (issue 10, section 5).

``hung``: serve the shipped graph from Oxigraph server, stop the server with
SIGSTOP (its socket stays open) and time ``/doc``, ``/sparql``, ``/search`` and
``/healthz`` until they answer. ``race``: start two ``publisher load`` runs at
once with different datasets, many times, and count the tries that left a mixed
dataset (neither of the two) in the store.

    python bench/remote_faults.py hung --rounds 3
    python bench/remote_faults.py race --tries 44

Set ``PYTHONPATH`` to another checkout to measure it instead of this one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
META = "http://www.w3.org/2002/07/owl#versionInfo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph() -> Iterator[tuple[str, int]]:
    """Oxigraph server on a temporary on-disk store; yields its query URL and process id."""
    binary = BIN / "oxigraph" if (BIN / "oxigraph").exists() else shutil.which("oxigraph")
    with tempfile.TemporaryDirectory(prefix="bench-oxigraph-") as folder:
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [str(binary), "serve", "--location", folder + "/db", "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/query"
            wait_until_answering(url + "?query=ASK%7B%7D", process, 30)
            yield url, process.pid
        finally:
            os.kill(process.pid, signal.SIGCONT)
            stop(process)


def publisher(*args: str) -> list[str]:
    return [sys.executable, "-m", "publisher", *args]


def environ() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH") or str(ROOT)
    return {**os.environ, "PYTHONPATH": path}


def get(url: str, limit: float = 60) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=limit) as response:  # noqa: S310 (loopback)
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, time.monotonic() - started


def hung(rounds: int) -> None:
    with oxigraph() as (store, pid):
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        subprocess.run(  # noqa: S603
            publisher("load", "--to", store, "--base-url", base, "--no-validate"),
            env=environ(),
            check=True,
            capture_output=True,
        )
        serve = subprocess.Popen(  # noqa: S603
            publisher("serve", "--store", store, "--port", str(port), "--base-url", base),
            env=environ(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_answering(base + "healthz", serve, 90)
            paths = {
                "/doc": "doc/centre/frejus",
                "/sparql": "sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                "/search": "search?q=irm",
                "/healthz": "healthz",
            }
            for path in paths.values():
                get(base + path)  # warm every worker's caches a little
            os.kill(pid, signal.SIGSTOP)
            times: dict[str, list[float]] = {name: [] for name in paths}
            statuses: dict[str, Counter[int]] = {name: Counter() for name in paths}
            try:
                for _ in range(rounds):
                    for name, path in paths.items():
                        unique = f"%23{time.monotonic_ns()}" if name == "/sparql" else ""
                        status, took = get(base + path + unique)  # a comment: not cached
                        times[name].append(took)
                        statuses[name][status] += 1
            finally:
                os.kill(pid, signal.SIGCONT)
            print(f"store stopped with SIGSTOP, query_timeout 5 s, {rounds} requests each")
            print(f"{'path':<10} {'median s':>9} {'max s':>7}  statuses")
            for name in paths:
                spread = ", ".join(f"{code}x{n}" for code, n in sorted(statuses[name].items()))
                median, most = statistics.median(times[name]), max(times[name])
                print(f"{name:<10} {median:>9.2f} {most:>7.2f}  {spread}")
        finally:
            stop(serve)


def variant(folder: Path) -> Path:
    """The shipped data with one town renamed and one more triple: a different dataset."""
    copy = folder / "variant"
    for part in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / part, copy / part)
    (copy / "data" / "extra.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<id/town/frejus> skos:altLabel "Forum Julii"@fr .\n',
        encoding="utf-8",
    )
    return copy


def state(store: str, base: str) -> tuple[int, int]:
    """Quads in the role graphs and how many version tags graph/meta records.

    (Tags differ between runs of the same files: blank nodes get new labels.)
    """

    def select(query: str, graphs: list[str], named: list[str]) -> list[str]:
        params = [("query", query)]
        params += [("default-graph-uri", g) for g in graphs]
        params += [("named-graph-uri", g) for g in named]
        request = urllib.request.Request(  # noqa: S310 (loopback)
            store + "?" + urllib.parse.urlencode(params),
            headers={"Accept": "text/tab-separated-values"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.read().decode().splitlines()[1:]

    roles = [f"{base}graph/{role}" for role in ("ontology", "data", "shapes")]
    count = select("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", [], roles)
    meta = f"{base}graph/meta"
    versions = select(f"SELECT ?v {{ <{meta}> <{META}> ?v }}", [meta], [])
    return int(count[0].split("^^")[0].strip('"')), len(versions)


def race(tries: int) -> None:
    base = "http://127.0.0.1:8080/"
    with tempfile.TemporaryDirectory(prefix="bench-race-") as name, oxigraph() as (store, _):
        other = variant(Path(name))
        load = publisher("load", "--to", store, "--base-url", base, "--no-validate")
        expected = {}
        for label, paths in (("shipped", []), ("variant", [str(other)])):
            subprocess.run([*load, *paths], env=environ(), check=True, capture_output=True)  # noqa: S603
            expected[state(store, base)] = label
        outcomes: Counter[str] = Counter()
        exits: Counter[tuple[int, int]] = Counter()
        messages: Counter[str] = Counter()
        for _ in range(tries):
            runs = [
                subprocess.Popen(  # noqa: S603
                    [*load, *paths],
                    env=environ(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for paths in ([], [str(other)])
            ]
            codes = []
            for run in runs:
                _, err = run.communicate(timeout=300)
                codes.append(run.returncode)
                if run.returncode:
                    lines = [ln for ln in err.decode().splitlines() if ln.startswith("error:")]
                    messages[(lines or ["(no error line)"])[0].split(" (")[0][:110]] += 1
            found = state(store, base)
            outcomes[expected.get(found, "mixed")] += 1
            if found not in expected:
                print(f"mixed: {found[0]} quads, {found[1]} version tags")
            exits[(codes[0], codes[1])] += 1
        print(f"{tries} tries of two concurrent loads (shipped data vs a variant)")
        print("final store:", dict(outcomes))
        print("exit statuses (shipped, variant):", dict(exits))
        for message, n in messages.most_common():
            print(f"  {n} x {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("hung").add_argument("--rounds", type=int, default=3)
    commands.add_parser("race").add_argument("--tries", type=int, default=44)
    options = parser.parse_args()
    if options.command == "hung":
        hung(options.rounds)
    else:
        race(options.tries)


if __name__ == "__main__":
    main()
