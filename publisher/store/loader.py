"""Put a dataset into a remote SPARQL store so that readers never see half of it.

Each role graph (``graph/ontology``, ``graph/data``, ``graph/shapes``) is first
written, in batches, to a staging graph ``{graph}-staging-{token}`` that no
reader queries (the remote backend names its graphs explicitly). When every
batch is in and counted, one SPARQL Update request drops the old graphs, moves
the staging graphs in their place and records the new version tag: one request,
one transaction on Oxigraph server and Virtuoso. A failure before the swap
leaves the old data served and the staging graphs are dropped; running the load
again gives the same store.

Only one load at a time works on a base URL's graphs: it holds a lease in the
store first (:mod:`publisher.store.lease`).

Batches go through the Graph Store Protocol (``POST ?graph=``) when its URL is
known, else through SPARQL Update; :mod:`publisher.store.batches` cuts them.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlencode

import pyoxigraph as ox

from publisher.graph.sources import Dataset
from publisher.store.batches import DEFAULT_BATCH, batches, triples_by_graph
from publisher.store.content import VERSION_PREDICATE, meta_graph
from publisher.store.credentials import conventional_urls, opener
from publisher.store.endpoint import Endpoint
from publisher.store.errors import LoadFailed
from publisher.store.lease import DEFAULT_LEASE, Lease

__all__ = ["DEFAULT_BATCH", "DEFAULT_LEASE", "Loader"]


class Loader:
    """Replaces a remote store's role graphs with a dataset, atomically for readers.

    :param progress: called with one line of text per step (the CLI prints them).
    :param via: ``graph-store``, ``update``, or ``auto`` (the Graph Store Protocol when
        its URL is known, given or by convention; SPARQL Update otherwise).
    :param lease: seconds the load's lease on the store lasts unless renewed.
    """

    def __init__(
        self,
        store: Endpoint,
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
        urls = (store.update_url, store.graph_store_url, store.query_url, update, graph_store)
        self.opener = opener(store.credentials, urls)

    def replace(self, dataset: Dataset, version: str) -> None:
        """Take the lease, stage every role graph, check it, then swap it in with the version.

        :raises LoadLocked: another load holds the lease; nothing was written.
        :raises LoadFailed: naming the step and graph; the served data is unchanged.
        """
        token = secrets.token_hex(6)
        staging = {graph: f"{graph}-staging-{token}" for graph in self.store.graphs}
        by_graph = triples_by_graph(dataset, self.store.graphs)
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
                self.update(update, step)
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
        self.update(" ;\n".join(steps), "swapping the staged graphs in")
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
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs), "cleaning up")
        except LoadFailed:
            pass  # best effort: the next load drops them, and no reader sees them

    def update(self, update: str, step: str) -> None:
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
