"""The benchmark's generator: seeded, sized as asked, and valid against our shapes."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from publisher.config import PROJECT_ROOT
from publisher.graph.sources import load
from publisher.validation.shapes import validate_dataset

sys.path.insert(0, str(PROJECT_ROOT / "bench"))

from generate import generate, superclasses  # noqa: E402
from queries import queries  # noqa: E402

BASE = "http://127.0.0.1:8080/"
ONTOLOGY = PROJECT_ROOT / "ontology"
SHAPES = PROJECT_ROOT / "shapes"


def test_same_seed_same_graph_and_size_as_asked() -> None:
    first = list(generate(20_000, BASE, seed=7))
    assert first == list(generate(20_000, BASE, seed=7))
    assert first != list(generate(20_000, BASE, seed=8))
    assert 15_000 < len(first) < 25_000
    store = ox.Store()
    store.load("".join(first).encode(), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(set(first))


def test_every_query_of_the_mix_finds_something() -> None:
    store = ox.Store()
    store.load("".join(generate(20_000, BASE)).encode(), format=ox.RdfFormat.N_TRIPLES)
    for name, query in queries(BASE).items():
        result = store.query(query)
        assert len(list(result)) > 0, name  # type: ignore[arg-type]


def test_generated_centres_pass_the_shapes(tmp_path: Path) -> None:
    """The project's ontology and shapes with the synthetic data instead of the shipped data."""
    data = tmp_path / "data" / "synthetic.nt"
    data.parent.mkdir()
    closure = superclasses([ONTOLOGY], BASE)
    data.write_text("".join(generate(1_500, BASE, closure=closure)), encoding="utf-8")
    report = validate_dataset(load([ONTOLOGY, data.parent, SHAPES], BASE))
    assert report.passes(), report.to_text()[:3000]
