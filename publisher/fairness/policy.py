"""The arithmetic of fairness: token buckets, decaying usage and admission rules.

Pure functions of an :class:`Account` and the time, which callers pass in, so
the rules are tested with a clock the test controls. Storage and locking live
in :mod:`publisher.fairness.table`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

#: Seconds over which a client's recent query time fades (e-folding time).
USAGE_WINDOW = 60.0
#: Recent query time, as a share of the time limit, from which a client is heavy:
#: one query that ran to the limit keeps it heavy for about 40 s (60 s × ln 2).
HEAVY_SHARE = 0.5


@dataclass(frozen=True)
class Bucket:
    """A token bucket: holds up to ``capacity``, refills at ``rate`` per second.

    >>> b = Bucket(capacity=10, rate=2)
    >>> b.refill(3, elapsed=2.0), b.refill(3, elapsed=100.0)
    (7.0, 10)
    >>> b.wait(-1.0)
    1.0
    """

    capacity: float
    rate: float

    @property
    def enabled(self) -> bool:
        """A zero capacity or rate turns the limit off."""
        return self.capacity > 0 and self.rate > 0

    def refill(self, level: float, elapsed: float) -> float:
        return min(self.capacity, level + max(0.0, elapsed) * self.rate)

    def wait(self, level: float, need: float = 1.0) -> float:
        """Seconds until the bucket holds ``need``."""
        return max(0.0, (need - level) / self.rate)


@dataclass(frozen=True)
class Account:
    """One client's state: when last seen, three bucket levels, recent query time."""

    updated: float
    requests: float
    query_time: float
    errors: float
    usage: float


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the status, when to come back, and the reason."""

    status: int
    retry_after: int
    reason: str


@dataclass(frozen=True)
class SlotView:
    """What admission needs to know about the slots: busy ones, this client's, and
    the earliest time a running query is sure to end."""

    busy: int
    mine: int
    earliest_end: float


def _retry(seconds: float) -> int:
    return max(1, math.ceil(seconds))


@dataclass(frozen=True)
class Limits:
    """Every limit, from the settings; a zero turns that limit off."""

    requests: Bucket
    query_time: Bucket
    errors: Bucket
    slots: int
    reserved: int
    per_client: int
    #: Recent query time (seconds) above which a client may not take a reserved slot.
    light: float

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits the settings ask for (per-minute settings become per-second rates)."""
        return cls(
            requests=Bucket(settings.client_request_burst, settings.client_requests),
            query_time=Bucket(settings.client_query_time_burst, settings.client_query_time / 60),
            errors=Bucket(settings.client_errors, settings.client_errors / 60),
            slots=settings.query_slots,
            reserved=min(settings.query_slots_reserved, max(0, settings.query_slots - 1)),
            per_client=settings.client_queries,
            light=settings.query_timeout * HEAVY_SHARE,
        )

    @property
    def enabled(self) -> bool:
        """Whether any limit is on (with none, the app needs no hooks at all)."""
        buckets = (self.requests, self.query_time, self.errors)
        return any(b.enabled for b in buckets) or self.slots > 0 or self.per_client > 0

    def fresh(self, now: float) -> Account:
        """A client never seen (or forgotten): every bucket full."""
        return Account(
            now, self.requests.capacity, self.query_time.capacity, self.errors.capacity, 0.0
        )

    def advance(self, account: Account, now: float) -> Account:
        """Refill the buckets and fade the usage for the time since the last update."""
        elapsed = max(0.0, now - account.updated)
        return Account(
            updated=max(now, account.updated),
            requests=self.requests.refill(account.requests, elapsed),
            query_time=self.query_time.refill(account.query_time, elapsed),
            errors=self.errors.refill(account.errors, elapsed),
            usage=account.usage * math.exp(-elapsed / USAGE_WINDOW),
        )

    def admit_request(self, account: Account) -> tuple[Account, Refusal | None]:
        """Take one request token, or refuse (a refusal costs nothing)."""
        if self.errors.enabled and account.errors < 1:
            wait = self.errors.wait(account.errors)
            return account, Refusal(429, _retry(wait), "too many failed requests from you")
        if self.requests.enabled:
            if account.requests < 1:
                wait = self.requests.wait(account.requests)
                return account, Refusal(429, _retry(wait), "too many requests from you")
            account = Account(
                account.updated,
                account.requests - 1,
                account.query_time,
                account.errors,
                account.usage,
            )
        return account, None

    def admit_query(self, account: Account, slots: SlotView, now: float) -> Refusal | None:
        """Whether this client may start a query now, given who holds the slots.

        In order: its query-time budget, its own running queries, a free slot,
        and the reserved slots, which only clients with little recent query time
        and no query running may take, so that a few heavy clients never fill the
        server, not even in the first seconds, before any of their queries ends.
        """
        if self.query_time.enabled and account.query_time <= 0:
            wait = self.query_time.wait(account.query_time, need=0.0)
            return Refusal(429, _retry(wait), "your query time budget is spent")
        if self.per_client > 0 and slots.mine >= self.per_client:
            return Refusal(429, 1, f"you already have {slots.mine} queries running; wait for them")
        if self.slots <= 0:
            return None
        free = self.slots - slots.busy
        until = _retry(slots.earliest_end - now)
        if free <= 0:
            return Refusal(503, until, "every query slot is busy")
        if free <= self.reserved and (account.usage >= self.light or slots.mine > 0):
            return Refusal(
                503, until, "the free query slots are kept for clients that used less query time"
            )
        return None

    def charge_query(self, account: Account, seconds: float) -> Account:
        return replace(
            account, query_time=account.query_time - seconds, usage=account.usage + seconds
        )

    def charge_error(self, account: Account) -> Account:
        return replace(account, errors=account.errors - 1)
