"""The whole dataset as downloadable files, built once per data version."""

from __future__ import annotations

import threading

import pyoxigraph as ox

from publisher.graph.catalogue import DUMPS
from publisher.graph.sources import Dataset
from publisher.render.rdf import prefixes

_lock = threading.Lock()
_cache: dict[tuple[str, str], bytes] = {}


def build(dataset: Dataset, name: str) -> bytes:
    """The file ``name`` (a key of :data:`DUMPS`): N-Quads and JSON-LD keep the named
    graphs; Turtle holds their union (the default graph SPARQL queries see)."""
    token = DUMPS[name][1]
    if token == "nq":
        return dataset.nquads
    quads = list(ox.parse(dataset.nquads, format=ox.RdfFormat.N_QUADS))
    if token == "jsonld":
        return ox.serialize(quads, format=ox.RdfFormat.JSON_LD) or b""
    triples = list(dict.fromkeys(q.triple for q in quads))
    return (
        ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes(dataset.base_url))
        or b""
    )


def dump(dataset: Dataset, version: str, name: str) -> bytes:
    """:func:`build`, cached for the current version only."""
    key = (version, name)
    with _lock:
        if key not in _cache:
            for old in [k for k in _cache if k[0] != version]:
                del _cache[old]
            _cache[key] = build(dataset, name)
        return _cache[key]
