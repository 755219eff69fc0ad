"""Cut a dataset into the batches a load sends: per role graph, never splitting a blank node.

Blank nodes are scoped to one request on every server, so all triples that share
a blank node travel in the same batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from publisher.graph.sources import Dataset
from publisher.store.errors import LoadFailed

DEFAULT_BATCH = 5_000


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


def triples_by_graph(dataset: Dataset, graphs: tuple[str, ...]) -> dict[str, list[ox.Triple]]:
    """Each role graph's triples.

    :raises LoadFailed: a quad is in another graph.
    """
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
