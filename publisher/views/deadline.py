"""One time limit per request for everything it asks of a remote store.

The limit is the query time limit (``query_timeout``): a page that needs three
store calls, or a query behind a slow connection, answers within it, never within
a multiple of it (see :mod:`publisher.store.deadline`).
"""

from __future__ import annotations

from flask import Blueprint, g

from publisher.app import publication
from publisher.store import deadline

bp = Blueprint("deadline", __name__)


@bp.before_app_request
def open_deadline() -> None:
    g.store_deadline = deadline.begin(publication().settings.query_timeout)


@bp.teardown_app_request
def close_deadline(_: BaseException | None) -> None:
    token = g.pop("store_deadline", None)
    if token is not None:
        deadline.end(token)
