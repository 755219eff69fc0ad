"""Put a dataset into a remote SPARQL store so that readers never see half of it.

Each role graph (``graph/ontology``, ``graph/data``, ``graph/shapes``) is first
written, in batches, to a staging graph ``{graph}-staging-{token}`` that no
reader queries (the remote backend names its graphs explicitly). When every
batch is in and counted, one SPARQL Update request drops the old graphs, moves
the staging graphs in their place and records the new version tag: one request,
one transaction on Oxigraph server and Virtuoso. A failure before the swap
leaves the old data served and the staging graphs are dropped; running the load
again gives the same store.

Batches go through the Graph Store Protocol (``POST ?graph=``) when its URL is
known, else through SPARQL Update. Blank nodes are scoped to one request on every
server, so all triples that share a blank node travel in the same batch.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from publisher.sources import Dataset
from publisher.store.base import StoreError
from publisher.store.remote import (
    VERSION_PREDICATE,
    RemoteStore,
    meta_graph,
    sibling_url,
)

DEFAULT_BATCH = 5_000


class LoadFailed(StoreError):
    """A load step failed; the message names the step, the graph and the server's answer."""


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
    """

    def __init__(
        self,
        store: RemoteStore,
        progress: Callable[[str], None] | None = None,
        batch_size: int = DEFAULT_BATCH,
        via: str = "auto",
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
        self.opener = _opener(store)

    def replace(self, dataset: Dataset, version: str) -> None:
        """Stage every role graph, check it, then swap it in with the version tag.

        :raises LoadFailed: naming the step and graph; the served data is unchanged.
        """
        token = secrets.token_hex(6)
        staging = {graph: f"{graph}-staging-{token}" for graph in self.store.graphs}
        by_graph = _triples_by_graph(dataset, self.store.graphs)
        self._drop_leftovers()
        try:
            for graph, triples in by_graph.items():
                self._stage(graph, staging[graph], triples)
            self._swap(staging, version)
        except BaseException:
            self._drop(list(staging.values()))
            raise
        total = sum(len(t) for t in by_graph.values())
        self.progress(f"done: {total} triples in {len(by_graph)} graphs, version {version}")

    def _stage(self, graph: str, staging: str, triples: list[ox.Triple]) -> None:
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
        if triples:
            self._check(graph, staging, len(triples))

    def _check(self, graph: str, staging: str, expected: int) -> None:
        held = self.store.count([staging])
        if held != expected:
            raise LoadFailed(
                f"checking {graph}: the store holds {held} of the {expected} triples sent "
                "(a concurrent load, or a server that merges equal literals such as 01 and 1)"
            )

    def _swap(self, staging: dict[str, str], version: str) -> None:
        meta = meta_graph(self.store.base_url)
        steps = []
        for graph, temporary in staging.items():
            steps.append(f"DROP SILENT GRAPH <{graph}>")
            steps.append(f"MOVE SILENT GRAPH <{temporary}> TO GRAPH <{graph}>")
        steps.append(f"DROP SILENT GRAPH <{meta}>")
        steps.append(
            f'INSERT DATA {{ GRAPH <{meta}> {{ <{meta}> <{VERSION_PREDICATE}> "{version}" }} }}'
        )
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
