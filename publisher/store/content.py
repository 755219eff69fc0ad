"""What every backend reads the same way: answers as rdflib terms, and the version tag.

Both backends get pyoxigraph answers (the embedded store from its own engine,
the remote one by parsing what the server sent), so the conversion to what
callers use, and the digest that names a dataset's version, live here once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from publisher.graph.sources import Dataset, graph_iri, to_rdflib
from publisher.store.base import Row

#: The predicate a load's version tag is recorded with, in :func:`meta_graph`.
VERSION_PREDICATE = "http://www.w3.org/2002/07/owl#versionInfo"


def to_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples (a CONSTRUCT or DESCRIBE answer)."""
    graph = rdflib.Graph()
    for triple in triples:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def to_rows(solutions: ox.QuerySolutions) -> list[Row]:
    """SELECT solutions as rows of rdflib terms; an unbound variable is absent from its row."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = to_rdflib(value)
        rows.append(row)
    return rows


def version_of(dataset: Dataset) -> str:
    """The digest of the dataset's quads: the tag a load records, and the version of a
    dataset read back from a store (which has no files to hash)."""
    return hashlib.sha256(dataset.nquads).hexdigest()[:16]


def digest(dataset: Dataset) -> str:
    """The data version: a hash of the files read (or of the quads, without files).

    Hashing the files' bytes costs a fraction of a second at a million triples,
    where dumping the store to N-Quads to hash them would cost seconds and the
    N-Quads text's memory in every process.
    """
    if not dataset.sources:
        return version_of(dataset)
    hashed = hashlib.sha256(dataset.base_url.encode())
    for source in dataset.sources:
        hashed.update(f"\n{source.role}\n{source.path}\n".encode())
        with source.path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                hashed.update(block)
    return hashed.hexdigest()[:16]


def meta_graph(base_url: str) -> str:
    """Where a load records the version of what it swapped in."""
    return graph_iri(base_url, "meta")
