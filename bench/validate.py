"""SHACL validation's growth curve: each engine considered, on the same generated graphs.

For each size, ``bench/generate.py`` output is written beside the shipped
ontology and data, then every option validates ontology ∪ data against
``shapes/`` in its own process (so peak memory is its own), once: the machine
is shared, so one run per cell, wall and CPU seconds both printed. Options:

* ``pyshacl``: the reference, pyshacl on rdflib (what ``publisher validate`` ran before);
* ``turbo-all``: pyshacl-turbo given every shape, SPARQL ones included;
* ``oxi+pyshacl``: SPARQL targets/constraints on pyoxigraph, core constraints on pyshacl;
* ``oxi+turbo``: the same split with pyshacl-turbo for the core (what publishing runs now);
* ``pyrudof``: rudof's native SHACL engine (every shape);
* ``shacl-rust``: shacl-rust (every shape).

Every cell also prints the verdict (violations/warnings), which must match the
reference's: an engine that answers differently is not an option whatever its speed.

    python bench/validate.py --sizes 10000 100000 1000000 --timeout 600
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE = "http://127.0.0.1:8080/"
OPTIONS = ("pyshacl", "turbo-all", "oxi+pyshacl", "oxi+turbo", "pyrudof", "shacl-rust")
#: Sizes past which an option is not run by default (hours or tens of GB, measured once).
DEFAULT_LIMITS = {"pyshacl": 10_000, "oxi+pyshacl": 100_000, "pyrudof": 100_000}


def one(option: str, folder: Path) -> dict[str, object]:
    """Validate ``folder``'s data with ``option`` in this process; the verdict."""
    from publisher.graph.sources import load
    from publisher.validation.reference import validate
    from publisher.validation.shapes import validate_dataset

    dataset = load([ROOT / "ontology", ROOT / "data", ROOT / "shapes", folder], BASE)
    shapes = dataset.rdflib_graph("shapes")
    graphs = dataset.graph_names("ontology", "data")
    if option == "pyshacl":
        report = validate(dataset.rdflib_graph("ontology", "data"), shapes)
        return _counts(r.severity for r in report.results)
    if option == "oxi+turbo":
        report = validate_dataset(dataset)
        return _counts(r.severity for r in report.results)
    if option == "oxi+pyshacl":
        return _oxi_pyshacl(dataset.store(), graphs, shapes, dataset)
    if option == "turbo-all":
        import pyshacl_turbo

        data = dataset.rdflib_graph("ontology", "data")
        _, graph, _ = pyshacl_turbo.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
        sh = "http://www.w3.org/ns/shacl#"
        return _counts(
            str(graph.value(r, _iri(sh + "resultSeverity"))).rsplit("#")[-1]
            for r in graph.objects(None, _iri(sh + "result"))
        )
    data_nt, shapes_nt = _files(dataset, folder)
    if option == "pyrudof":
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(str(data_nt), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(str(shapes_nt), format=pyrudof.ShaclFormat.NTriples)
        return _counts(str(e.severity) for e in rudof.validate_shacl())
    if option == "shacl-rust":
        import shacl_rust

        found = shacl_rust.validate_file(str(data_nt), str(shapes_nt), experimental_index=True)
        return _counts(str(r["severity"]).rstrip(">").rsplit("#")[-1] for r in found["results"])
    raise ValueError(option)


def _oxi_pyshacl(
    store: object, graphs: list[object], shapes: object, dataset: object
) -> dict[str, object]:
    """The split, with pyshacl (on an rdflib copy of the data) for the core constraints."""
    from pyshacl import validate as pyshacl_validate
    from rdflib.namespace import SH

    from publisher.validation import plan as shacl_plan
    from publisher.validation import sparql as shacl_sparql

    plan = shacl_plan.plan(shapes)  # type: ignore[arg-type]
    selected = shacl_sparql.run_targets(plan, store, graphs, lambda n: None)  # type: ignore[arg-type]
    found = shacl_sparql.run_constraints(plan, store, graphs, shapes, selected, lambda n: None)  # type: ignore[arg-type]
    data = dataset.rdflib_graph("ontology", "data")  # type: ignore[attr-defined]
    _, graph, _ = pyshacl_validate(
        data, shacl_graph=plan.core, inference="none", advanced=True, allow_warnings=True
    )
    severities = [
        str(graph.value(r, SH.resultSeverity)).rsplit("#")[-1]
        for r in graph.objects(None, SH.result)
    ]
    severities += [str(r.severity).rsplit("#")[-1] for r in found]
    return _counts(severities)


def _iri(text: str) -> object:
    import rdflib

    return rdflib.URIRef(text)


def _files(dataset: object, folder: Path) -> tuple[Path, Path]:
    data_nt, shapes_nt = folder.parent / "data.nt", folder.parent / "shapes.nt"
    data_nt.write_bytes(dataset.ntriples("ontology", "data"))  # type: ignore[attr-defined]
    shapes_nt.write_bytes(dataset.ntriples("shapes"))  # type: ignore[attr-defined]
    return data_nt, shapes_nt


def _counts(severities: object) -> dict[str, object]:
    counts = Counter(severities)  # type: ignore[call-overload]
    return {
        "violations": counts.get("Violation", 0),
        "warnings": sum(counts.values()) - counts.get("Violation", 0),
    }


def measure(option: str, folder: Path, timeout: float) -> dict[str, object]:
    """Run :func:`one` in a child process: wall and CPU seconds, peak RSS, verdict."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", option, "--folder", str(folder)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    row: dict[str, object] = {
        "wall": time.perf_counter() - started,
        "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    }
    if done.returncode != 0:
        row["error"] = (done.stderr.strip().splitlines() or ["failed"])[-1][:80]
    else:
        row.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--options", nargs="+", choices=OPTIONS, default=list(OPTIONS))
    parser.add_argument("--timeout", type=float, default=900, help="seconds per cell")
    parser.add_argument("--all", action="store_true", help="ignore the default size limits")
    parser.add_argument("--one", choices=OPTIONS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        verdict = one(args.one, args.folder)
        verdict["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(verdict))
        return 0
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate, superclasses

    print("| option | triples | wall s | CPU s | peak MB | violations | warnings |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sorted(args.sizes):
        with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
            folder = Path(tmp) / "generated" / "data"
            folder.mkdir(parents=True)
            closure = superclasses([ROOT / "ontology"], BASE)
            with (folder / "generated.nt").open("w", encoding="utf-8") as out:
                out.writelines(generate(size, BASE, closure=closure))
            for option in args.options:
                if not args.all and size > DEFAULT_LIMITS.get(option, size):
                    print(f"| {option} | {size:,} | not run (--all) | | | | |", flush=True)
                    continue
                row = measure(option, folder, args.timeout)
                if "error" in row:
                    print(f"| {option} | {size:,} | {row['error']} | | | | |", flush=True)
                    continue
                print(
                    f"| {option} | {size:,} | {row['wall']:.1f} | {row['cpu']:.1f} | "
                    f"{row['peak_mb']} | {row['violations']} | {row['warnings']} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
