"""The Flask app behind an asyncio server: a request reaches the app only once it is whole.

A slow client (a request line sent a byte at a time, a body announced and never
sent) then costs the server an idle socket in the event loop, not a worker or a
thread. The app runs in a small pool of threads, so a request waiting on a query
process or a remote store does not hold up the others in its process.

The bridge is ours rather than a generic WSGI-to-ASGI adapter because those
stream the body to the app as it arrives, which is exactly what lets a slow
client hold a thread.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[..., Iterable[bytes]]

#: Response bytes gathered in a thread before the event loop sends them.
BATCH = 256 * 1024


class BodyTooLarge(Exception):
    """The client announced or sent more than the body limit."""


class WSGIBridge:
    """An ASGI application that runs ``app`` (WSGI) on whole requests, in threads.

    :param threads: threads per process running the app; made after the fork.
    :param max_body: largest request body read (413 above it).
    """

    def __init__(self, app: WSGIApp, threads: int, max_body: int) -> None:
        self.app, self.threads, self.max_body = app, max(1, threads), max_body
        self._pool: ThreadPoolExecutor | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: not offered
            return
        try:
            body = await self._read_body(scope, receive)
        except BodyTooLarge:
            await _plain(send, 413, b"Request body too large.\n")
            return
        if body is None:  # the client left, or never finished its body
            return
        loop = asyncio.get_running_loop()
        pool = self._executor()
        started, chunks, rest = await loop.run_in_executor(
            pool, _call, self.app, environ(scope, body)
        )
        status, headers = started
        await send({"type": "http.response.start", "status": status, "headers": headers})
        while rest is not None:
            await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
            chunks, rest = await loop.run_in_executor(pool, _batch, rest)
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="app")
        return self._pool

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        announced = _header(scope, b"content-length")
        if announced is not None and announced.isdigit() and int(announced) > self.max_body:
            raise BodyTooLarge
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            part = message.get("body", b"")
            size += len(part)
            if size > self.max_body:
                raise BodyTooLarge
            parts.append(part)
            if not message.get("more_body", False):
                return b"".join(parts)


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: the app was built before the fork."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _plain(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"Content-Type", b"text/plain; charset=utf-8"),
        (b"X-Content-Type-Options", b"nosniff"),
        (b"Connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


def environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of a whole request.

    >>> env = environ({"method": "GET", "path": "/doc/é", "query_string": b"a=1",
    ...     "headers": [(b"accept", b"text/html"), (b"x-a", b"1"), (b"x-a", b"2")],
    ...     "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 5000),
    ...     "scheme": "http", "http_version": "1.1"}, b"")
    >>> env["PATH_INFO"], env["HTTP_ACCEPT"], env["HTTP_X_A"], env["CONTENT_LENGTH"]
    ('/doc/Ã©', 'text/html', '1,2', '0')
    """
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    env: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode().decode("latin-1"),
        "PATH_INFO": scope["path"].encode().decode("latin-1"),
        "QUERY_STRING": bytes(scope.get("query_string", b"")).decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_key, raw_value in scope["headers"]:
        key = bytes(raw_key).decode("latin-1").upper().replace("-", "_")
        value = bytes(raw_value).decode("latin-1")
        if key == "CONTENT_TYPE":
            env["CONTENT_TYPE"] = value
            continue
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):  # the body is whole now
            continue
        key = "HTTP_" + key
        env[key] = f"{env[key]},{value}" if key in env else value
    return env


Started = tuple[int, list[tuple[bytes, bytes]]]


def _call(app: WSGIApp, env: dict[str, Any]) -> tuple[Started, list[bytes], Iterator[bytes] | None]:
    """Run the app in a thread: its status, headers and first batch of body."""
    started: list[Started] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [
            (
                int(status[:3]),
                [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            )
        ]
        return lambda data: None  # the legacy write() callable; Flask never uses it

    result = app(env, start_response)
    chunks, rest = _batch(iter(result), closing=result)
    if not started:
        raise RuntimeError("the WSGI app returned without calling start_response")
    return started[0], chunks, rest


def _batch(
    body: Iterator[bytes], closing: Iterable[bytes] | None = None
) -> tuple[list[bytes], Iterator[bytes] | None]:
    """Up to :data:`BATCH` bytes of the body, and the rest (``None`` when done)."""
    chunks: list[bytes] = []
    size = 0
    owner = closing if closing is not None else body
    for chunk in body:
        chunks.append(chunk)
        size += len(chunk)
        if size >= BATCH:
            return chunks, _Rest(body, owner)
    close = getattr(owner, "close", None)
    if close is not None:
        close()
    return chunks, None


class _Rest(Iterator[bytes]):
    """The unsent part of a long body, which still closes the app's iterable at the end."""

    def __init__(self, body: Iterator[bytes], owner: Any) -> None:
        self._body, self.owner = body, owner

    def __next__(self) -> bytes:
        return next(self._body)

    def close(self) -> None:
        close = getattr(self.owner, "close", None)
        if close is not None:
            close()
