"""Time the FHIR view on generated graphs: building its resources, and answering requests.

The resources are rebuilt once per data version (four-to-six SPARQL queries and a
mapping in Python); requests then read and search them in memory. This prints,
per graph size, the build time and the median time of each request through the
app (Flask's test client, no network), so the two costs can be compared.

    python bench/fhir_view.py --triples 10000 100000 --repeat 51
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import generate, superclasses  # noqa: E402

from publisher import Settings, create_app  # noqa: E402
from publisher.fhir.graph import read_directory  # noqa: E402
from publisher.fhir.mapping import build_resources  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8080/"


def median_ms(action: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(triples: int, repeat: int) -> None:
    ontology = ROOT / "ontology"
    with tempfile.TemporaryDirectory() as folder:
        graph = Path(folder) / "graph.nt"
        with graph.open("w", encoding="utf-8") as out:
            out.writelines(generate(triples, BASE, 42, superclasses([ontology], BASE)))
        app = create_app(Settings(data_paths=(ontology, graph), validate=False))
        pub = app.extensions["publisher"]
        built = build_resources(read_directory(pub.store, BASE))
        counts = {kind: len(found) for kind, found in built.items()}
        build = median_ms(
            lambda: build_resources(read_directory(pub.store, BASE)), max(3, repeat // 10)
        )
        client = app.test_client()
        client.get("/fhir/metadata")  # builds the cached resources once
        centre = next(iter(built["Location"]))
        requests = {
            "metadata": "/fhir/metadata",
            "read Organization": f"/fhir/Organization/{centre}",
            "search name (20 of all)": "/fhir/Organization?name=var",
            "search specialty token": "/fhir/HealthcareService?specialty=408455009&_count=20",
            "search organization ref": f"/fhir/HealthcareService?organization={centre}",
        }
        print(f"\n{triples} triples: {counts}")
        print(f"  build resources            {build:9.1f} ms (median of {max(3, repeat // 10)})")
        for name, path in requests.items():
            assert client.get(path).status_code == 200, path
            ms = median_ms(lambda path=path: client.get(path), repeat)
            print(f"  {name:26} {ms:9.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=51, help="requests per measure")
    args = parser.parse_args(argv)
    for triples in args.triples:
        run(triples, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
