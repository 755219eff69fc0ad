"""One time limit for everything a request asks of a remote store.

A request may call the store several times (a version check, an ``ASK``, a
``CONSTRUCT``), and each call connects, sends and reads. Giving each of those its
own timeout lets a hung server hold the request for a multiple of the limit; so
the web layer opens one deadline per request, and every store call spends what
is left of it. Outside a request (loading, start-up) only each call's own limit
applies.

>>> with bounded(5.0):
...     left, limit = remaining(10.0)
>>> 4.9 < left <= 5.0 and limit
5.0
>>> remaining(None)
(None, None)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

#: (monotonic deadline, the limit in seconds it was opened with), or None outside a request.
_CURRENT: ContextVar[tuple[float, float] | None] = ContextVar("store_deadline", default=None)


def begin(seconds: float) -> Token[tuple[float, float] | None]:
    """Open a deadline ``seconds`` from now for this context; ``end`` closes it."""
    return _CURRENT.set((time.monotonic() + seconds, seconds))


def end(token: Token[tuple[float, float] | None]) -> None:
    _CURRENT.reset(token)


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Everything the store does in the block shares one limit of ``seconds``."""
    token = begin(seconds)
    try:
        yield
    finally:
        end(token)


def remaining(limit: float | None) -> tuple[float | None, float | None]:
    """Seconds left for one call whose own limit is ``limit`` (``None`` or 0: none),
    and the limit to name when it runs out; ``(None, None)`` when nothing bounds it."""
    now = time.monotonic()
    own = (now + limit, limit) if limit else None
    current = _CURRENT.get()
    chosen = min((d for d in (own, current) if d is not None), default=None)
    if chosen is None:
        return None, None
    return chosen[0] - now, chosen[1]
