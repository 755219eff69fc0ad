"""The whole dataset as downloadable files (the publication's cache keeps them per version)."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.graph.catalogue import DUMPS
from publisher.graph.sources import Dataset
from publisher.render.rdf import prefixes


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
