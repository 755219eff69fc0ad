"""Real servers for the tests: ``publisher serve``, Oxigraph, Virtuoso and nginx, started
on free loopback ports through one helper (:func:`started`) and always stopped.

Each helper is a context manager yielding what a test needs (URLs, credentials). They
are plain functions, so they can also be started by hand to look at a server:
``python -c "from tests.servers import virtuoso; ..."``. Tests wait on conditions with
:func:`wait_until`, never with a bare sleep.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: How often :func:`wait_until` looks at the condition it waits on.
POLL = 0.1
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Virtuoso's built-in administrator; a fresh database always has it.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: where to query, update and load it, and as whom."""

    name: str
    query_url: str
    update_url: str
    graph_store_url: str | None
    user: str | None = None
    password: str | None = None
    pid: int = 0  # the server's process, for tests that stop it (SIGSTOP) and resume it

    def environ(self) -> dict[str, str]:
        """The environment ``publisher load`` reads credentials from."""
        env = {}
        if self.user:
            env["PUBLISHER_STORE_USER"] = self.user
        if self.password:
            env["PUBLISHER_STORE_PASSWORD"] = self.password
        return env


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SparqlListener:
    """A loopback SPARQL endpoint that counts every connection and request it gets.

    It answers an empty result, so a query that reached it would succeed: the
    tests' witness that a query did (or did not) make the server connect out.
    """

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        class Counting(ThreadingHTTPServer):
            def get_request(self) -> tuple[socket.socket, Any]:
                accepted = super().get_request()
                listener.connections += 1
                return accepted

        self.http = Counting(("127.0.0.1", 0), Handler)
        self.port = int(self.http.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def __enter__(self) -> SparqlListener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()


def wait_until(
    ready: Callable[[], object],
    seconds: float,
    what: str,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    """Poll ``ready`` until it is true, or fail saying ``what`` did not happen in time.

    With ``process``, fail at once if it exits; with ``log``, show the log's end.
    """
    deadline = time.monotonic() + seconds
    while not ready():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s\n{_tail(log)}")
        time.sleep(POLL)  # the poll interval of a wait on a condition


def status(url: str) -> int | None:
    """The HTTP status ``url`` answers with, or ``None`` when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)
    except OSError:
        return None


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    """Poll ``url`` until it answers (any HTTP status), or fail with the server's log."""
    wait_until(lambda: status(url) is not None, seconds, f"{url} answering", process, log)


def _tail(log: Path | None) -> str:
    if log is None:
        return ""
    try:
        return log.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds; only this process."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


@contextlib.contextmanager
def started(
    command: Sequence[str],
    ready: str,
    output: Path,
    *,
    seconds: float,
    log: Path | None = None,
    grace: float = 10,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """The one way the tests start a server: run ``command`` with its output in the file
    ``output`` (never a pipe, which a chatty server would fill and block on), wait until
    the URL ``ready`` answers (failing with ``log``, default ``output``, if it exits or
    takes over ``seconds``), yield the process, and always stop it (``grace`` s to exit)."""
    with output.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (the tests' own commands)
            list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(ready, process, seconds, log or output)
        yield process
    finally:
        process.send_signal(signal.SIGCONT)  # a test may have left it stopped (SIGSTOP)
        stop(process, grace)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), read from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


class Publisher(str):
    """The base URL of a running ``publisher serve`` (a string, so tests add paths to it),
    with its gunicorn master process, port and log file."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def start_publisher(
    *args: str,
    workers: int = 2,
    host: str = "127.0.0.1",
    environ: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[Publisher]:
    """``publisher serve ARGS`` (gunicorn) on a free port; ``{port}`` in ``args`` becomes
    the port, ``environ`` adds ``PUBLISHER_*`` settings, ``log`` keeps its output.

    Yields once ``/healthz`` answers 200 and all ``workers`` are forked; stops it at the end.
    """
    port = free_port()
    command = [sys.executable, "-m", "publisher", "serve", "--host", host, "--port", str(port)]
    command += ["--workers", str(workers), *(a.replace("{port}", str(port)) for a in args)]
    env = {**os.environ, **(environ or {}), "PYTHONPATH": str(ROOT)}
    with contextlib.ExitStack() as stack:
        if log is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="serve-"))) / "log"
        base = Publisher(f"http://{host}:{port}/")
        ready = base + "healthz"
        process = stack.enter_context(
            started(command, ready, log, seconds=90, grace=40, cwd=ROOT, env=env)
        )
        base.process, base.port, base.log = process, port, log
        wait_until(lambda: status(ready) == 200, 60, f"{ready} healthy", process, log)
        forked = f"{workers} workers forked"
        wait_until(lambda: len(children(process.pid)) >= workers, 60, forked, process, log)
        yield base


def oxigraph_binary() -> str:
    """``oxigraph`` from the running interpreter's environment (``.venv/bin`` in CI)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server CLI is missing: pip install oxigraph")
    return found


@contextlib.contextmanager
def oxigraph(timeout_s: int = 10) -> Iterator[Server]:
    """Oxigraph server with an on-disk store in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="oxigraph-") as folder:
        port = free_port()
        command = [oxigraph_binary(), "serve", "--location", str(Path(folder) / "db")]
        command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)]
        base = f"http://127.0.0.1:{port}"
        ready = f"{base}/query?query=ASK%7B%7D"
        with started(command, ready, Path(folder) / "server.log", seconds=30) as process:
            yield Server(
                "oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", pid=process.pid
            )


def virtuoso_config(folder: Path, sql_port: int, http_port: int) -> Path:
    """A copy of Debian's virtuoso.ini with its files, ports and limits for one test run."""
    ini = configparser.ConfigParser(strict=False, interpolation=None, inline_comment_prefixes=";")
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read(VIRTUOSO_INI)
    for section, stem in (("Database", "virtuoso"), ("TempDatabase", "virtuoso-temp")):
        ini[section]["DatabaseFile"] = str(folder / f"{stem}.db")
        ini[section]["TransactionFile"] = str(folder / f"{stem}.trx")
    ini["Database"]["ErrorLogFile"] = str(folder / "virtuoso.log")
    ini["Database"]["LockFile"] = str(folder / "virtuoso.lck")
    ini["Database"]["xa_persistent_file"] = str(folder / "virtuoso.pxa")
    ini["Parameters"]["ServerPort"] = f"127.0.0.1:{sql_port}"
    ini["Parameters"]["DirsAllowed"] = f"., {folder}"
    ini["Parameters"]["NumberOfBuffers"] = "10000"
    ini["Parameters"]["MaxDirtyBuffers"] = "6000"
    ini["Parameters"]["MaxSortedTopRows"] = "1000000"  # ORDER BY ... LIMIT 50000 (sitemap)
    ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{http_port}"
    ini["HTTPServer"]["ServerRoot"] = str(folder)
    ini["SPARQL"]["ResultSetMaxRows"] = "1000000"
    ini["SPARQL"]["MaxQueryExecutionTime"] = "10"
    ini["URIQA"]["DefaultHost"] = f"127.0.0.1:{http_port}"
    path = folder / "virtuoso.ini"
    with path.open("w") as out:
        ini.write(out)
    return path


@contextlib.contextmanager
def virtuoso() -> Iterator[Server]:
    """OpenLink Virtuoso 7 (Debian's ``virtuoso-opensource``) on a fresh temporary database.

    Reads are open on ``/sparql``; writes go through the digest-authenticated
    ``/sparql-auth`` and ``/sparql-graph-crud-auth`` as ``dba``.
    """
    binary = shutil.which("virtuoso-t")
    if not binary:
        raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource")
    with tempfile.TemporaryDirectory(prefix="virtuoso-") as name:
        folder = Path(name)
        http_port = free_port()
        config = virtuoso_config(folder, free_port(), http_port)
        base = f"http://127.0.0.1:{http_port}"
        with started(
            [binary, "+foreground", "+configfile", str(config)],
            f"{base}/sparql?query=ASK%7B%7D",
            folder / "stdout.log",
            seconds=90,
            log=folder / "virtuoso.log",
            grace=30,
            cwd=folder,
            env={**os.environ, "HOME": str(folder)},
        ) as process:
            yield Server(
                "virtuoso",
                f"{base}/sparql",
                f"{base}/sparql-auth",
                f"{base}/sparql-graph-crud-auth",
                VIRTUOSO_USER,
                VIRTUOSO_PASSWORD,
                pid=process.pid,
            )


@contextlib.contextmanager
def nginx(site_conf: Path) -> Iterator[str]:
    """Debian's nginx in the foreground, one process, serving ``site_conf``; yields its URL.

    ``site_conf`` is an http-level include (``publisher export`` writes one) whose
    ``listen`` line tells this helper where to wait for it.
    """
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is missing: apt-get install nginx")
    listen = next(
        line.split()[1].rstrip(";")
        for line in site_conf.read_text().splitlines()
        if line.strip().startswith("listen ")
    )
    with tempfile.TemporaryDirectory(prefix="nginx-") as name:
        folder = Path(name)
        temp_paths = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        config = folder / "nginx.conf"
        config.write_text(
            "daemon off;\nmaster_process off;\n"
            f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
            "events { worker_connections 64; }\n"
            f"http {{\n    access_log off;\n{temp_paths}\n    include {site_conf.resolve()};\n}}\n"
        )
        url = f"http://{listen}" if ":" in listen else f"http://127.0.0.1:{listen}"
        command = [binary, "-c", str(config), "-p", str(folder)]
        with started(
            command, url + "/", folder / "stdout.log", seconds=20, log=folder / "error.log"
        ):
            yield url
