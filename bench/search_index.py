"""How much the search index costs to build, with and without the facets that follow
the partner queries' relations (``publisher/search/relations.py``), and what reading a facet
value as a person writes it costs per request.

    python bench/search_index.py --triples 100000 --runs 5

Builds run in-process on an embedded store holding the seeded synthetic graph
(``bench/generate.py``); medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate, superclasses  # noqa: E402
from publisher.search import build as search  # noqa: E402
from publisher.store.embedded import EmbeddedStore  # noqa: E402

BASE = "http://127.0.0.1:8080/"


def _median_ms(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    ontology = Path(__file__).resolve().parent.parent / "ontology"
    lines = "".join(generate(args.triples, BASE, 42, superclasses([ontology], BASE)))
    store = EmbeddedStore()
    store._store.bulk_load(input=lines.encode(), format=ox.RdfFormat.N_TRIPLES)
    with_relations = _median_ms(args.runs, lambda: search.build(store, BASE))
    with mock.patch.object(search, "FACET_RELATIONS", ()):
        without = _median_ms(args.runs, lambda: search.build(store, BASE))
    index = search.build(store, BASE)
    towns = index.things("town", BASE)
    label = index.name(towns[-1], "fr")
    index._named = None
    first = _median_ms(1, index.spellings)
    per_value = _median_ms(1000, lambda: index.resolve(label.upper(), towns))
    print(f"{store.count()} triples, {len(index)} entries, {len(towns)} towns")
    print(f"index build, facets by direct links only : {without:8.1f} ms")
    print(f"index build, plus partner-query relations: {with_relations:8.1f} ms")
    print(f"ratio: {with_relations / without:.2f}")
    print(f"of which the spellings map (labels→IRIs) : {first:8.1f} ms")
    print(f"each later facet value read as written   : {per_value * 1000:8.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
