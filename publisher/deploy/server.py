"""Production serving through gunicorn, with the app built once before forking.

``kill -HUP`` on the master reloads: the master re-reads and validates the data
(or, with a remote store, re-reads what the store holds), then gunicorn forks
fresh workers from it and retires the old ones once they finish their requests,
so every worker serves the new data. Invalid data is refused and the old data
stays served by the new workers.

The default worker model, ``async``, is gunicorn's asyncio worker with
:class:`publisher.deploy.asgi.WSGIBridge`: requests are read by the event loop and the
app sees only whole ones, so slow clients cannot hold a worker (``sync`` and
``threads`` keep gunicorn's classic workers, for comparison; a slow client holds
one of them, or one of their threads, for as long as it likes).
"""

from __future__ import annotations

import ctypes
import logging
import socket
import struct
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from publisher.deploy.asgi import WSGIBridge

#: Worker model name → gunicorn worker class.
WORKER_CLASSES = {
    "async": "gunicorn.workers.gasgi.ASGIWorker",
    "threads": "gunicorn.workers.gthread.ThreadWorker",
    "sync": "gunicorn.workers.sync.SyncWorker",
}
#: Largest request body the async model reads before the app sees it (the longest
#: SPARQL query is 20,000 characters; forms and percent-escapes inflate it).
MAX_BODY = 1 << 20


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any], served: Any) -> None:
        self.application, self.options, self.served = app, options, served
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.served

    def run(self) -> None:
        _Arbiter(self).run()

    def reload(self) -> None:
        super().reload()
        reload_publication(self.application)


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master, which lets its workers answer every connection already made.

    On ``SIGTERM`` gunicorn closes the listening sockets and tells the workers to
    stop; connections the kernel had completed but no worker had accepted yet were
    reset when the last worker closed its copy. The socket first stops completing
    handshakes, so the workers, which go on accepting for up to a second before
    they stop, find every waiting connection and answer it.
    """

    def stop(self, graceful: bool = True) -> None:
        if graceful:
            for listener in self.LISTENERS:
                refuse_new_connections(listener.sock)
        super().stop(graceful)


#: Linux's ``SO_ATTACH_FILTER`` (a classic BPF program on a socket).
SO_ATTACH_FILTER = 26


def refuse_new_connections(listener: socket.socket) -> bool:
    """Make ``listener`` complete no new handshakes, keeping its accept queue.

    A client connecting later sees its SYN unanswered, then refused once the
    socket closes, never a connection accepted and dropped. Linux only; elsewhere
    (or if the kernel refuses) this returns ``False`` and nothing changes.
    """
    program = (ctypes.c_uint8 * 8)()
    struct.pack_into("=HBBI", program, 0, 0x06, 0, 0, 0)  # BPF_RET|BPF_K, k=0: drop it all
    fprog = struct.pack("@HP", 1, ctypes.addressof(program))
    try:
        listener.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    except OSError:
        return False
    return True


def reload_publication(app: Flask) -> None:
    """Swap in the current data, or log why the old data stays."""
    from publisher.graph.publication import ValidationFailed
    from publisher.graph.sources import SourceError
    from publisher.store.errors import StoreError

    log = logging.getLogger("gunicorn.error")
    publication = app.extensions["publisher"]
    try:
        publication.reload()
    except (SourceError, ValidationFailed, StoreError) as error:
        log.error("reload refused, still serving version %s: %s", publication.version, error)
    else:
        log.info("reloaded: serving version %s", publication.version)


def gunicorn_options(
    host: str,
    port: int,
    workers: int,
    model: str = "async",
    threads: int = 8,
    access_log: bool = False,
) -> dict[str, Any]:
    """gunicorn's settings for ``model`` (a key of :data:`WORKER_CLASSES`).

    No control socket: gunicorn's default is one path per user, so a second
    server would take it over and remove it on exit.
    """
    return {
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "worker_class": WORKER_CLASSES[model],
        "threads": max(1, threads) if model == "threads" else 1,
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "timeout": 60,
        "graceful_timeout": 30,
        "control_socket_disable": True,
        "asgi_lifespan": "off",
    }


def run_gunicorn(
    app: Flask,
    host: str,
    port: int,
    workers: int,
    access_log: bool = False,
    model: str = "async",
    threads: int = 8,
) -> None:
    """Serve ``app`` with ``workers`` processes sharing the loaded store (copy-on-write).

    The access log is off unless asked for: writing a line per request is a
    measurable share of a small SPARQL request's cost.
    """
    served: Any = WSGIBridge(app, threads, MAX_BODY) if model == "async" else app
    options = gunicorn_options(host, port, workers, model, threads, access_log)
    _Gunicorn(app, options, served).run()
