"""Run the query mix over HTTP against our /sparql, Oxigraph server and rdflib-endpoint.

All three serve the same generated graph in the same run; each query is sent by
turns to each engine (so background noise spreads evenly) and the per-query
medians and ratios are printed. Needs the ``bench`` extra (rdflib-endpoint) and
the ``oxigraph`` server CLI.

    python bench/run.py --triples 100000 --repeat 21
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, superclasses  # noqa: E402
from queries import RDFLIB_TARGETS, queries  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Engine:
    name: str
    port: int
    path: str
    times: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def ask(self, query: str, graph: bool, timeout: float) -> tuple[float, int]:
        """Seconds for one GET of ``query`` (connection, answer and body), and answer size."""
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        target = f"{self.path}?{urllib.parse.urlencode({'query': query})}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", target, headers={"Accept": accept})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {body[:200]!r}")
        if graph:
            return seconds, body.count(b"\n")
        answer = json.loads(body)
        if "boolean" in answer:
            return seconds, int(answer["boolean"])
        return seconds, len(answer["results"]["bindings"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(command: list[str], **options: object) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, stopped (by its own id) on the way out."""
    started = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **options,  # type: ignore[call-overload]
    )
    try:
        yield started
    finally:
        started.terminate()
        try:
            started.wait(timeout=20)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait()


def wait_until_ready(engine: Engine, owner: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until the engine answers ``ASK {}``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if owner.poll() is not None:
            raise RuntimeError(f"{engine.name} exited with {owner.returncode}")
        try:
            _ask_boolean(engine)
            return time.monotonic() - started
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.5)
    raise RuntimeError(f"{engine.name} not ready after {limit} s")


def _ask_boolean(engine: Engine) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", engine.port, timeout=5)
    try:
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        connection.request(
            "GET", f"{engine.path}?{query}", headers={"Accept": "application/sparql-results+json"}
        )
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or b"true" not in body:
            raise RuntimeError("not loaded yet")
    finally:
        connection.close()


def post_file(port: int, path: str, data: Path, media_type: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        with data.open("rb") as body:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": media_type, "Content-Length": str(data.stat().st_size)},
            )
        response = connection.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"loading into Oxigraph failed: {response.status}")
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=21, help="timed runs per query and engine")
    parser.add_argument("--rdflib-repeat", type=int, default=5, help="timed runs for rdflib")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="our gunicorn workers")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument(
        "--unique",
        action="store_true",
        help="make every request's text unique (a trailing comment), so no cache answers",
    )
    args = parser.parse_args(argv)

    ours = Engine("ours", free_port(), "/sparql")
    oxigraph = Engine("oxigraph", free_port(), "/query")
    rdflib_engine = Engine("rdflib", free_port(), "/")
    engines = [ours, oxigraph] + ([] if args.no_rdflib else [rdflib_engine])
    base = f"http://127.0.0.1:{ours.port}/"

    with tempfile.TemporaryDirectory(prefix="bench-") as folder, ExitStack() as stack:
        data = Path(folder) / "data" / "synthetic.nt"
        data.parent.mkdir()
        ontology = [ROOT / "ontology"] if (ROOT / "ontology").exists() else []
        closure = superclasses(ontology, base)
        with data.open("w", encoding="utf-8") as out:
            count = sum(
                1 for line in generate(args.triples, base, args.seed, closure) if out.write(line)
            )
        print(f"graph: {count} triples, seed {args.seed}", flush=True)

        env = {**os.environ, "PYTHONPATH": str(ROOT), "PUBLISHER_QUERY_TIMEOUT": str(args.timeout)}
        # One client sends every query: per-client limits would measure themselves.
        env.update(PUBLISHER_CLIENT_QUERY_TIME="0", PUBLISHER_CLIENT_REQUESTS="0")
        our_server = stack.enter_context(
            process(
                [
                    sys.executable,
                    "-m",
                    "publisher",
                    "serve",
                    str(data),
                    "--no-validate",
                    "--base-url",
                    base,
                    "--port",
                    str(ours.port),
                    "--workers",
                    str(args.workers),
                ],
                cwd=ROOT,
                env=env,
            )
        )
        oxigraph_bin = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
        if oxigraph_bin is None:
            raise SystemExit("the oxigraph server CLI is missing: pip install oxigraph")
        oxigraph_server = stack.enter_context(
            process([oxigraph_bin, "serve", "--bind", f"127.0.0.1:{oxigraph.port}"])
        )
        print(f"ours ready in {wait_until_ready(ours, our_server, 900):.1f} s", flush=True)
        started = time.monotonic()
        for _ in range(100):
            try:
                post_file(oxigraph.port, "/store?default", data, "application/n-triples")
                break
            except OSError:
                time.sleep(0.2)
        wait_until_ready(oxigraph, oxigraph_server, 60)
        print(f"oxigraph loaded in {time.monotonic() - started:.1f} s", flush=True)
        if not args.no_rdflib:
            endpoint_bin = shutil.which("rdflib-endpoint", path=str(BIN)) or "rdflib-endpoint"
            rdflib_server = stack.enter_context(
                process(
                    [
                        endpoint_bin,
                        "serve",
                        str(data),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(rdflib_engine.port),
                    ]
                )
            )
            ready = wait_until_ready(rdflib_engine, rdflib_server, 1800)
            print(f"rdflib-endpoint ready in {ready:.1f} s", flush=True)

        mix = queries(base)
        for name, query in mix.items():
            graph = query.lstrip().upper().find("CONSTRUCT") >= 0
            for engine in engines:
                engine.times[name] = []
            rounds = args.warmup + args.repeat
            for round_ in range(rounds):
                for engine in engines:
                    timed = round_ >= args.warmup
                    if engine is rdflib_engine and round_ >= 1 + args.rdflib_repeat:
                        continue
                    if name in engine.failures:
                        continue
                    text = f"{query}\n# {engine.name} {round_}" if args.unique else query
                    try:
                        seconds, size = engine.ask(text, graph, args.timeout)
                    except (OSError, RuntimeError, http.client.HTTPException) as error:
                        engine.failures[name] = str(error)[:80]
                        continue
                    engine.sizes[name] = size
                    if timed or (engine is rdflib_engine and round_ >= 1):
                        engine.times[name].append(seconds)
            print(f"  {name}: done", flush=True)
    mode = "each request unique (no cache)" if args.unique else "the same text repeated"
    print(f"\n{count} triples; {args.repeat} timed runs per query ({mode})")
    report(engines, list(mix))
    return 0


def report(engines: list[Engine], names: list[str]) -> None:
    ours, oxigraph = engines[0], engines[1]
    rdflib_engine = engines[2] if len(engines) > 2 else None

    def median(engine: Engine, name: str) -> float | None:
        times = engine.times.get(name)
        return statistics.median(times) * 1000 if times else None

    def cell(value: float | None, engine: Engine | None = ours) -> str:
        if engine is None:
            return f"{'-':>9}"
        return f"{value:9.2f}" if value is not None else f"{'failed':>9}"

    header = (
        f"{'query':34} {'ours ms':>9} {'oxigraph':>9} {'rdflib':>9} "
        f"{'ours/ox':>8} {'rdflib/ours':>11} rows"
    )
    print()
    print(header)
    print("-" * len(header))
    totals = {"ours": 0.0, "oxigraph": 0.0}
    for name in names:
        a, b = median(ours, name), median(oxigraph, name)
        c = median(rdflib_engine, name) if rdflib_engine else None
        if a is not None and b is not None:
            totals["ours"] += a
            totals["oxigraph"] += b
        ratio = f"{a / b:8.2f}" if a and b else f"{'-':>8}"
        speedup = f"{c / a:11.1f}" if a and c else f"{'-':>11}"
        sizes = {e.name: e.sizes.get(name) for e in engines}
        rows = "/".join(str(sizes[e.name]) for e in engines)
        print(f"{name:34} {cell(a)} {cell(b)} {cell(c, rdflib_engine)} {ratio} {speedup} {rows}")
    print("-" * len(header))
    print(
        f"{'sum of medians':34} {totals['ours']:9.2f} {totals['oxigraph']:9.2f} {'':9} "
        f"{totals['ours'] / totals['oxigraph']:8.2f}"
    )
    for engine in engines:
        for name, failure in engine.failures.items():
            print(f"{engine.name} failed on {name}: {failure}")
    if rdflib_engine:
        targets = ", ".join(
            f"{n} {median(rdflib_engine, n) / median(ours, n):.0f}x"  # type: ignore[operator]
            for n in RDFLIB_TARGETS
            if median(rdflib_engine, n) and median(ours, n)
        )
        print(f"rdflib-endpoint / ours on the target queries: {targets}")


if __name__ == "__main__":
    sys.exit(main())
