"""One time limit per request for everything it asks of a remote store.

The limit is the query time limit (``query_timeout``): a page that needs three
store calls, or a query behind a slow connection, answers within it, never within
a multiple of it (see :mod:`publisher.store.deadline`).
"""

from __future__ import annotations

from flask import Flask, g

from publisher.store import deadline
from publisher.web.context import publication


def register(app: Flask) -> None:
    app.before_request(open_deadline)
    app.teardown_request(close_deadline)


def open_deadline() -> None:
    g.store_deadline = deadline.begin(publication().settings.query_timeout)


def close_deadline(_: BaseException | None) -> None:
    token = g.pop("store_deadline", None)
    if token is not None:
        deadline.end(token)
