"""Put a dataset into a remote SPARQL store so that readers never see half of it.

Each role graph (``graph/ontology``, ``graph/data``, ``graph/shapes``) is first
written, in batches, to a staging graph ``{graph}-staging-{token}`` that no
reader queries (the remote backend names its graphs explicitly). When every
batch is in and counted, one SPARQL Update request drops the old graphs, moves
the staging graphs in their place and records the new version tag: one request,
one transaction on Oxigraph server and Virtuoso. A failure before the swap
leaves the old data served and the staging graphs are dropped; running the load
again gives the same store.

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

Batches go through the Graph Store Protocol (``POST ?graph=``) when its URL is
known, else through SPARQL Update. Blank nodes are scoped to one request on every
server, so all triples that share a blank node travel in the same batch.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from publisher.graph.sources import Dataset, graph_iri
from publisher.store.base import StoreError
from publisher.store.remote import (
    VERSION_PREDICATE,
    RemoteStore,
    meta_graph,
    sibling_url,
)

DEFAULT_BATCH = 5_000
#: Seconds a load's lease on the store lasts unless renewed (it renews after every batch).
DEFAULT_LEASE = 120.0
#: A lease is renewed when less than this part of it is left, and checked before the swap.
_RENEW_AT = 0.5
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


class LoadFailed(StoreError):
    """A load step failed; the message names the step, the graph and the server's answer."""


class LoadLocked(LoadFailed):
    """Another load holds the store's lease for this base URL; nothing was changed."""


def lock_graph(base_url: str) -> str:
    """Where loads of one base URL record their lease."""
    return graph_iri(base_url, "load-lock")


def conventional_urls(query_url: str) -> tuple[str, str | None]:
    """The update and Graph Store URLs a server puts beside its query endpoint.

    >>> conventional_urls("http://h:7878/query")  # Oxigraph server
    ('http://h:7878/update', 'http://h:7878/store')
    >>> conventional_urls("http://h:8890/sparql")  # Virtuoso: the authenticated endpoints
    ('http://h:8890/sparql-auth', 'http://h:8890/sparql-graph-crud-auth')
    >>> conventional_urls("http://h:3030/ds/query")  # Fuseki
    ('http://h:3030/ds/update', 'http://h:3030/ds/data')
    """
    path = urlsplit(query_url).path.rstrip("/")
    if path == "/query":
        return sibling_url(query_url, "/update"), sibling_url(query_url, "/store")
    if path.endswith("/sparql"):
        return query_url.rstrip("/") + "-auth", sibling_url(
            query_url, path[: -len("sparql")] + "sparql-graph-crud-auth"
        )
    if path.endswith("/query"):
        root = path[: -len("/query")]
        return sibling_url(query_url, root + "/update"), sibling_url(query_url, root + "/data")
    return query_url, None


def blank_node_groups(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples grouped so that every blank node's triples are in one group.

    >>> a, b = ox.BlankNode("a"), ox.BlankNode("b")
    >>> p, x = ox.NamedNode("http://p"), ox.NamedNode("http://x")
    >>> [len(g) for g in blank_node_groups([ox.Triple(x, p, a), ox.Triple(a, p, b),
    ...                                      ox.Triple(x, p, x), ox.Triple(b, p, x)])]
    [3, 1]
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def blanks(triple: ox.Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]

    for triple in triples:
        nodes = blanks(triple)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[str, list[ox.Triple]] = {}
    alone: list[list[ox.Triple]] = []
    for triple in triples:
        nodes = blanks(triple)
        if nodes:
            groups.setdefault(root(nodes[0]), []).append(triple)
        else:
            alone.append([triple])
    return list(groups.values()) + alone


def batches(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Batches of about ``size`` triples that never split a blank node's triples."""
    batch: list[ox.Triple] = []
    for group in blank_node_groups(triples):
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


class Loader:
    """Replaces a remote store's role graphs with a dataset, atomically for readers.

    :param progress: called with one line of text per step (the CLI prints them).
    :param via: ``graph-store``, ``update``, or ``auto`` (the Graph Store Protocol when
        its URL is known, given or by convention; SPARQL Update otherwise).
    :param lease: seconds the load's lease on the store lasts unless renewed.
    """

    def __init__(
        self,
        store: RemoteStore,
        progress: Callable[[str], None] | None = None,
        batch_size: int = DEFAULT_BATCH,
        via: str = "auto",
        lease: float = DEFAULT_LEASE,
    ) -> None:
        update, graph_store = conventional_urls(store.query_url)
        self.store = store
        self.update_url = store.update_url or update
        self.graph_store_url = store.graph_store_url or graph_store
        if via == "update":
            self.graph_store_url = None
        elif via == "graph-store" and not self.graph_store_url:
            raise ValueError("no Graph Store Protocol URL known for this server: give one")
        self.progress = progress or (lambda line: None)
        self.batch_size = max(1, batch_size)
        self.lease = max(1.0, lease)
        self.opener = _opener(store)

    def replace(self, dataset: Dataset, version: str) -> None:
        """Take the lease, stage every role graph, check it, then swap it in with the version.

        :raises LoadLocked: another load holds the lease; nothing was written.
        :raises LoadFailed: naming the step and graph; the served data is unchanged.
        """
        token = secrets.token_hex(6)
        staging = {graph: f"{graph}-staging-{token}" for graph in self.store.graphs}
        by_graph = _triples_by_graph(dataset, self.store.graphs)
        lease = Lease(self, token)
        lease.take()
        try:
            self._drop_leftovers()
            try:
                for graph, triples in by_graph.items():
                    self._stage(graph, staging[graph], triples, lease)
                lease.keep(before_swap=True)
                self._swap(staging, version, lease)
            except BaseException:
                self._drop(list(staging.values()))
                raise
        except BaseException:
            lease.release()
            raise
        total = sum(len(t) for t in by_graph.values())
        self.progress(f"done: {total} triples in {len(by_graph)} graphs, version {version}")

    def _stage(self, graph: str, staging: str, triples: list[ox.Triple], lease: Lease) -> None:
        parts = list(batches(triples, self.batch_size))
        sent = 0
        for number, batch in enumerate(parts, start=1):
            body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            step = f"loading {graph} (batch {number} of {len(parts)})"
            if self.graph_store_url:
                self._post(
                    f"{self.graph_store_url}?{urlencode({'graph': staging})}",
                    body,
                    "application/n-triples",
                    step,
                )
            else:
                update = f"INSERT {{ GRAPH <{staging}> {{\n{body.decode()}}} }} WHERE {{}}"
                self._update(update, step)
            sent += len(batch)
            self.progress(f"{graph}: {sent}/{len(triples)} triples staged")
            lease.keep()
        if triples:
            self._check(graph, staging, len(triples))

    def _check(self, graph: str, staging: str, expected: int) -> None:
        held = self.store.count([staging])
        if held != expected:
            raise LoadFailed(
                f"checking {graph}: the store holds {held} of the {expected} triples sent "
                "(a concurrent load, or a server that merges equal literals such as 01 and 1)"
            )

    def _swap(self, staging: dict[str, str], version: str, lease: Lease) -> None:
        meta = meta_graph(self.store.base_url)
        steps = []
        for graph, temporary in staging.items():
            steps.append(f"DROP SILENT GRAPH <{graph}>")
            steps.append(f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{graph}>")
        steps.append(f"DROP SILENT GRAPH <{meta}>")
        steps.append(
            f'INSERT DATA {{ GRAPH <{meta}> {{ <{meta}> <{VERSION_PREDICATE}> "{version}" }} }}'
        )
        steps.append(lease.release_update())  # in the same transaction as the swap
        self._update(" ;\n".join(steps), "swapping the staged graphs in")
        self.progress(f"swapped in {len(staging)} graphs")

    def _drop_leftovers(self) -> None:
        """Staging graphs of loads that died before cleaning up."""
        prefixes = " || ".join(
            f'STRSTARTS(STR(?g), "{graph}-staging-")' for graph in self.store.graphs
        )
        query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({prefixes}) }}"
        rows = self.store.select_in(query, default_graphs=[], named_graphs=[])
        leftovers = [str(row["g"]) for row in rows if "g" in row]
        if leftovers:
            self._drop(leftovers)
            self.progress(f"dropped {len(leftovers)} staging graph(s) of an earlier failed load")

    def _drop(self, graphs: list[str]) -> None:
        try:
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs), "cleaning up")
        except LoadFailed:
            pass  # best effort: the next load drops them, and no reader sees them

    def _update(self, update: str, step: str) -> None:
        self._post(
            self.update_url,
            urlencode({"update": update}).encode(),
            "application/x-www-form-urlencoded",
            step,
        )

    def _post(self, url: str, body: bytes, media_type: str, step: str) -> None:
        request = urllib.request.Request(  # noqa: S310 (configured store URL)
            url, data=body, method="POST", headers={"Content-Type": media_type}
        )
        try:
            with self.opener.open(request, timeout=max(60.0, self.store.timeout)) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace").split("\n\nSPARQL query:")[0]
            hint = ""
            if error.code in (401, 403):
                hint = " (set PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD)"
            raise LoadFailed(
                f"{step} failed: {url.split('?')[0]} answered HTTP {error.code} "
                f"{error.reason}{hint}: {' '.join(detail.split())[:300]}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            where = url.split("?")[0]
            raise LoadFailed(f"{step} failed: {where} is unreachable: {reason}") from None


class Lease:
    """One load's claim on a base URL's graphs, kept in the store (see the module's notes).

    Expiry times are the store's clock (``NOW()``), so loads on different machines
    agree; the holder also keeps its own monotonic reckoning, to renew in time.
    """

    def __init__(self, loader: Loader, token: str) -> None:
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
        self.loader._update(
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
        self.loader._update(
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
            self.loader._update(self.release_update(), "releasing the load lease")
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


def _opener(store: RemoteStore) -> urllib.request.OpenerDirector:
    """An HTTP client that answers digest or basic challenges with the store's credentials."""
    if not store.credentials:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    urls = (store.update_url, store.graph_store_url, store.query_url)
    for url in (*urls, *conventional_urls(store.query_url)):
        if url:
            passwords.add_password(None, url, store.credentials.user, store.credentials.password)
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )


def _triples_by_graph(dataset: Dataset, graphs: tuple[str, ...]) -> dict[str, list[ox.Triple]]:
    found: dict[str, list[ox.Triple]] = {graph: [] for graph in graphs}
    for quad in ox.parse(dataset.nquads, format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name
        if isinstance(name, ox.NamedNode) and name.value in found:
            found[name.value].append(quad.triple)
        else:
            raise LoadFailed(
                f"reading the dataset: a quad is in {name}, not one of the role graphs"
            )
    return found
