"""Production serving through gunicorn, with the app built once before forking.

``kill -HUP`` on the master reloads: the master re-reads and validates the data
(or, with a remote store, re-reads what the store holds), then gunicorn forks
fresh workers from it and retires the old ones once they finish their requests,
so every worker serves the new data. Invalid data is refused and the old data
stays served by the new workers.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def reload(self) -> None:
        super().reload()
        reload_publication(self.application)


def reload_publication(app: Flask) -> None:
    """Swap in the current data, or log why the old data stays."""
    from publisher.publication import ValidationFailed
    from publisher.sources import SourceError
    from publisher.store.base import StoreError

    log = logging.getLogger("gunicorn.error")
    publication = app.extensions["publisher"]
    try:
        publication.reload()
    except (SourceError, ValidationFailed, StoreError) as error:
        log.error("reload refused, still serving version %s: %s", publication.version, error)
    else:
        log.info("reloaded: serving version %s", publication.version)


def run_gunicorn(app: Flask, host: str, port: int, workers: int, access_log: bool = False) -> None:
    """Serve ``app`` with ``workers`` processes sharing the loaded store (copy-on-write).

    The access log is off unless asked for: writing a line per request is a
    measurable share of a small SPARQL request's cost.
    """
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "preload_app": True,
            "accesslog": "-" if access_log else None,
            "timeout": 60,
        },
    ).run()
