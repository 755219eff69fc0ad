"""Admission of requests and queries: two hooks and one context manager.

- before each request to ``/sparql``, ``/search``, ``/fragments`` or ``/api``,
  the client's request rate and error count are checked (``429`` with
  ``Retry-After`` past them);
- :func:`query_slot` wraps each query evaluation: it takes one of a bounded
  number of slots shared by every process and thread of the server (``503``
  with ``Retry-After`` at once when none is free, never a queue), checks the
  client's query-time budget and running queries (``429``), and charges the
  time the query took;
- after the request, an error answer counts against the client's error limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable, TooManyRequests

from publisher.config import Settings
from publisher.fairness.clients import Identifier
from publisher.fairness.policy import Account, Limits, Refusal, SlotView
from publisher.fairness.table import SharedTable, Slot, View
from publisher.web.errors import error_response

#: Paths whose requests count against a client's rate and error limits.
LIMITED = ("/sparql", "/search", "/fragments", "/api")
#: Client records kept (56 bytes each); the least recently seen is forgotten first.
CLIENTS = 16_384
_KEY = "publisher-fairness"


def limited(path: str) -> bool:
    """Whether the request rate and error limits apply to ``path``.

    >>> limited("/api/centres"), limited("/sparql"), limited("/sparqlx"), limited("/doc/x")
    (True, True, False, False)
    """
    return any(path == p or path.startswith(p + "/") for p in LIMITED)


class Fairness:
    """The limits, the shared table and who the client is, for one app."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = Limits.from_settings(settings)
        self.clients = Identifier(settings.client_address_header)
        self.table = SharedTable(max(0, self.limits.slots), CLIENTS)
        self.now = clock
        self.timeout = settings.query_timeout

    def _account(self, view: View, digest: bytes, now: float) -> Account:
        known = view.account(digest)
        if known is None:
            return self.limits.fresh(now)
        return self.limits.advance(known, now)

    def before(self) -> Response | None:
        """Refuse a client over its request rate or error limit."""
        if not limited(request.path):
            return None
        digest = g.fairness_client = self.clients.digest(request)
        now = self.now()
        with self.table.locked() as view:
            account, refusal = self.limits.admit_request(self._account(view, digest, now))
            view.store(digest, account)
        return None if refusal is None else self._refuse(refusal)

    def after(self, response: Response) -> Response:
        """Count an error answer (not our own refusals) against the client."""
        digest = g.get("fairness_client")
        if digest is None or response.status_code < 400 or g.get("fairness_refused"):
            return response
        now = self.now()
        with self.table.locked() as view:
            view.store(digest, self.limits.charge_error(self._account(view, digest, now)))
        return response

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a query slot while the block runs, and charge its time to the client."""
        digest = g.get("fairness_client") or self.clients.digest(request)
        now = self.now()
        with self.table.locked() as view:
            account = self._account(view, digest, now)
            holders = view.holders()
            slots = SlotView(
                busy=len(holders),
                mine=sum(1 for holder, _ in holders if holder == digest),
                earliest_end=min((start for _, start in holders), default=now) + self.timeout,
            )
            refusal = self.limits.admit_query(account, slots, now)
            held: Slot | None = None
            if refusal is None and self.limits.slots > 0:
                held = view.take(digest, now)
                if held is None:
                    refusal = Refusal(503, 1, "every query slot is busy")
            view.store(digest, account)
        if refusal is not None:
            g.fairness_refused = True
            raise _exception(refusal)
        try:
            yield
        finally:
            end = self.now()
            with self.table.locked() as view:
                if held is not None:
                    view.give_back(held)
                account = self._account(view, digest, end)
                view.store(digest, self.limits.charge_query(account, end - now))

    def _refuse(self, refusal: Refusal) -> Response:
        g.fairness_refused = True
        response = error_response(refusal.status, refusal.reason)
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response


def _exception(refusal: Refusal) -> HTTPException:
    kind = TooManyRequests if refusal.status == 429 else ServiceUnavailable
    return kind(refusal.reason, retry_after=refusal.retry_after)


def register(app: Flask, settings: Settings) -> None:
    """Install the hooks; the shared state is made here, before any fork."""
    if not Limits.from_settings(settings).enabled:
        return
    fairness = app.extensions[_KEY] = Fairness(settings)
    app.before_request(fairness.before)
    app.after_request(fairness.after)


@contextmanager
def query_slot() -> Iterator[None]:
    """Run a query evaluation in a slot (nothing to hold in an app without fairness).

    :raises werkzeug.exceptions.TooManyRequests: the client is over its budget or
        already runs its share of queries.
    :raises werkzeug.exceptions.ServiceUnavailable: no slot is free for it.
    """
    fairness: Fairness | None = current_app.extensions.get(_KEY)
    if fairness is None:
        yield
        return
    with fairness.slot():
        yield
