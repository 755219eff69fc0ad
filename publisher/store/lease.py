"""One load's lease on a base URL's graphs, kept in the store itself.

Only one load at a time may work on a base URL's graphs: a load first takes a
lease in the store (graph ``graph/load-lock``), an entry that names its holder and
expires at a time of the store's clock. A second load finds an unexpired lease
and stops with :class:`LoadLocked` before it writes anything; a lease whose holder
died expires by itself. The holder renews it while it stages, checks it is still
its own just before the swap, and the swap update itself releases it. Taking
the lease is an update that writes only when no lease is held, then a read of
the leases: a load goes on only if its own is the only one, so of two loads that
wrote at the same moment at most one goes on, even on a store whose updates do
not serialise.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from publisher.graph.sources import graph_iri
from publisher.store.endpoint import Endpoint
from publisher.store.errors import LoadFailed, LoadLocked

#: Seconds a load's lease on the store lasts unless renewed (it renews after every batch).
DEFAULT_LEASE = 120.0
#: A lease is renewed when less than this part of it is left, and checked before the swap.
_RENEW_AT = 0.5
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


class Holder(Protocol):
    """The load a lease belongs to (:class:`publisher.store.loader.Loader`)."""

    store: Endpoint
    lease: float
    progress: Callable[[str], None]

    def update(self, update: str, step: str) -> None:
        """Send one SPARQL Update; :raises LoadFailed: naming ``step``."""


def lock_graph(base_url: str) -> str:
    """Where loads of one base URL record their lease."""
    return graph_iri(base_url, "load-lock")


class Lease:
    """One load's claim on a base URL's graphs, kept in the store (see the module's notes).

    Expiry times are the store's clock (``NOW()``), so loads on different machines
    agree; the holder also keeps its own monotonic reckoning, to renew in time.
    """

    def __init__(self, loader: Holder, token: str) -> None:
        self.loader, self.store, self.token = loader, loader.store, token
        self.graph = lock_graph(self.store.base_url)
        self.subject = f"{self.graph}#{token}"
        self.seconds = loader.lease
        self.holder = f"{socket.gethostname()} pid {os.getpid()}"
        self.ends = 0.0  # monotonic time at which the lease surely ended

    def take(self) -> None:
        """:raises LoadLocked: when another load holds an unexpired lease."""
        expires = self._expiry()
        g, p = self.graph, self.graph
        self.loader.update(
            f"DELETE {{ GRAPH <{g}> {{ ?h ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ "
            f"?h <{p}#expires> ?e ; ?p ?o FILTER(?e < NOW()) }} }} ;\n"
            f"INSERT {{ GRAPH <{g}> {{ <{self.subject}> <{p}#expires> {expires} ; "
            f'<{p}#holder> "{self.holder}" }} }} WHERE {{ '
            f"FILTER NOT EXISTS {{ GRAPH <{g}> {{ ?h <{p}#expires> ?e }} }} }}",
            "taking the load lease",
        )
        leases = self._leases()
        others = {h: info for h, info in leases.items() if h != self.subject and info[1]}
        if self.subject in leases and not others:
            self.loader.progress(f"took the load lease for {self.store.base_url}")
            return
        if self.subject in leases:  # two took it at once: step back, both if need be
            self.release()
        holder, until = next(((i[0], i[2]) for i in others.values()), ("another load", "?"))
        raise LoadLocked(
            f"another load is running on {self.store.base_url} ({holder}, lease until {until} "
            "by the store's clock); nothing was changed. Try again when it has finished; "
            "if it died, its lease expires by itself"
        )

    def keep(self, before_swap: bool = False) -> None:
        """Renew the lease when half of it is gone (always just before the swap).

        :raises LoadLocked: when it expired and another load took it over.
        """
        left = self.ends - time.monotonic()
        if not before_swap and left > self.seconds * _RENEW_AT:
            return
        expires = self._expiry()
        g, s = self.graph, self.subject
        self.loader.update(
            f"DELETE {{ GRAPH <{g}> {{ <{s}> <{g}#expires> ?e }} }} "
            f"INSERT {{ GRAPH <{g}> {{ <{s}> <{g}#expires> {expires} }} }} "
            f"WHERE {{ GRAPH <{g}> {{ <{s}> <{g}#expires> ?e }} }}",
            "renewing the load lease",
        )
        leases = self._leases()
        if self.subject not in leases or any(
            info[1] for h, info in leases.items() if h != self.subject
        ):
            raise LoadLocked(
                f"this load's lease on {self.store.base_url} expired and another load took "
                "it over: not swapping anything in"
            )

    def release_update(self) -> str:
        return f"DELETE WHERE {{ GRAPH <{self.graph}> {{ <{self.subject}> ?p ?o }} }}"

    def release(self) -> None:
        """Best effort: an unreleased lease expires by itself."""
        try:
            self.loader.update(self.release_update(), "releasing the load lease")
        except LoadFailed:
            pass

    def _expiry(self) -> str:
        """The store's time plus the lease, as a literal; notes when it ends here."""
        sent = time.monotonic()
        rows = self.store.select_in("SELECT (NOW() AS ?now) WHERE {}", [], [])
        now = str(rows[0]["now"]) if rows and "now" in rows[0] else ""
        match = _DATETIME.match(now)
        if not match:
            raise LoadFailed(f"taking the load lease: the store's clock reads {now!r}")
        zone = match.group(2) or ""
        moment = datetime.fromisoformat(match.group(1)) + timedelta(seconds=self.seconds)
        self.ends = sent + self.seconds
        return f'"{moment.isoformat(timespec="seconds")}{zone}"^^<{_XSD_DATETIME}>'

    def _leases(self) -> dict[str, tuple[str, bool, str]]:
        """Every lease recorded: holder, whether it is still running, until when."""
        g = self.graph
        rows = self.store.select_in(
            f"SELECT ?h ?e ?who (?e >= NOW() AS ?live) WHERE {{ GRAPH <{g}> {{ "
            f"?h <{g}#expires> ?e OPTIONAL {{ ?h <{g}#holder> ?who }} }} }}",
            [g],
            [g],
        )
        return {
            str(row["h"]): (
                str(row.get("who", "another load")),
                str(row.get("live", "true")).lower() in ("true", "1"),
                str(row.get("e", "?")),
            )
            for row in rows
            if "h" in row
        }
