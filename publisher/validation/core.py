"""SHACL core constraints through pyshacl-turbo, a Rust engine with pyshacl's semantics.

Chosen by measurement (``bench/validate.py``, issue 11): at a million triples
pyshacl needs 24 s to build its rdflib graph and about 2 minutes for the core
constraints alone, where pyshacl-turbo reads N-Triples text and checks the same
constraints with the same results in a fraction of that. Its public entry
point decodes the report into an rdflib graph through rdflib's N-Triples parser,
which costs more than the validation when there are tens of thousands of
warnings, so the report is taken as N-Triples text from the compiled shapes
and parsed by pyoxigraph; if that entry point ever changes, the public one
is used instead (slower, same answer).
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl_turbo
import rdflib


def validate(data_ntriples: bytes, shapes: rdflib.Graph) -> tuple[bool, list[ox.Triple]]:
    """Check ``data_ntriples`` against ``shapes`` (no inference, SHACL-SPARQL on,
    warnings allowed); the conformance flag and the report's triples."""
    program = pyshacl_turbo.compile_shapes(shapes, advanced=True)  # type: ignore[no-untyped-call]
    text = data_ntriples.decode("utf-8")
    native = getattr(program, "_native", None)
    try:
        conforms, report, *_ = native.validate(  # type: ignore[union-attr]
            text, "nquads", None, False, 100, 15, False, False, True, False, [], [], []
        )
    except (AttributeError, TypeError):
        return _validate_public(program, text)
    triples = [q.triple for q in ox.parse(report.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
    return bool(conforms), triples


def _validate_public(program: object, text: str) -> tuple[bool, list[ox.Triple]]:
    from pyshacl_turbo.rdf import Input

    conforms, graph, _ = program.validate(  # type: ignore[attr-defined]
        Input(text, "nquads", None, {}, preserve_ids=True), allow_warnings=True
    )
    data = graph.serialize(format="nt", encoding="utf-8")
    return bool(conforms), [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
