"""The fast validation path gives pyshacl's answers, result for result.

The reference (:func:`publisher.validation.shapes.validate`: pyshacl on rdflib) and the
path publishing runs (:func:`publisher.validation.shapes.validate_store`: SPARQL parts on
pyoxigraph, core constraints on pyshacl-turbo) validate the same inputs and
must report the same results: focus node and its label, path, value, severity,
message and source shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from publisher.graph.sources import load
from publisher.validation.plan import binds_this, plan
from publisher.validation.reference import validate
from publisher.validation.report import Report
from publisher.validation.shapes import validate_store
from tests.graph_support import BASE_URL, REPO, TESTS, named_shapes, shape_subgraph

INVALID = sorted((TESTS / "data" / "invalid").glob("*.ttl"))
SHIPPED = [REPO / "ontology", REPO / "data"]


def both(paths: list[Path], shapes: rdflib.Graph) -> tuple[Report, Report]:
    dataset = load(paths, BASE_URL)
    reference = validate(dataset.rdflib_graph("ontology", "data"), shapes)
    fast = validate_store(dataset.store(), dataset.graph_names("ontology", "data"), shapes)
    return reference, fast


def assert_same(reference: Report, fast: Report) -> None:
    assert sorted(map(repr, fast.results)) == sorted(map(repr, reference.results))
    assert fast.conforms == reference.conforms


@pytest.fixture(scope="module")
def all_shapes() -> rdflib.Graph:
    return load([REPO / "shapes"], BASE_URL).rdflib_graph("shapes")


def test_shipped_graph_same_report(all_shapes: rdflib.Graph) -> None:
    reference, fast = both(SHIPPED, all_shapes)
    assert_same(reference, fast)
    assert fast.violations == () and len(fast.warnings) == 15


def test_every_invalid_example_at_once_same_report(all_shapes: rdflib.Graph) -> None:
    reference, fast = both([*SHIPPED, *INVALID], all_shapes)
    assert_same(reference, fast)
    assert len(fast.violations) > len(INVALID)  # examples also break each other's shapes


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.stem)
def test_invalid_example_same_report(all_shapes: rdflib.Graph, example: Path) -> None:
    """Each example against the shape it breaks (alone, for speed): same violations."""
    shape = rdflib.URIRef(f"{BASE_URL}shapes#{example.stem.split('--')[0]}")
    assert shape in named_shapes(all_shapes)
    reference, fast = both([*SHIPPED, example], shape_subgraph(all_shapes, shape))
    assert_same(reference, fast)
    assert fast.violations


EX = "http://example.org/"
GENERIC_DATA = f"""
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a a ex:Thing ; ex:p ex:b ; rdfs:label "a"@en .
ex:b a ex:Thing ; ex:p ex:a .
ex:c a ex:Thing ; ex:q "1" .
ex:d a ex:Other ; ex:p ex:c .
ex:e a ex:Thing .
"""
# Shapes that exercise the generic parts of the fast path: $this bound only inside
# FILTER NOT EXISTS (run per focus node), message templates, SPARQL targets next to core
# constraints, a SPARQL constraint on a nested shape and one on a property shape ($PATH),
# both left to the core engine, and a deactivated constraint. Every shape carries sh:message,
# as the project's shapes do: the engines word their default messages differently
# (pyshacl quotes the shape's name in "Value does not conform to Shape 'ex:Inner'").
GENERIC_SHAPES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "{EX}"^^xsd:anyURI ] .
ex:NoBackLink a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "{{$this}} has no back link" ;
        sh:select "SELECT $this WHERE {{ FILTER NOT EXISTS {{ ?x ex:p $this }} }}" ] .
ex:Template a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:severity sh:Warning ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "{{?value}} is linked from {{$this}}" ;
        sh:select "SELECT $this ?value WHERE {{ $this ex:p ?value . ?value a ex:Thing }}" ] .
ex:Targeted a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:prefixes ;
        sh:select "SELECT ?this WHERE {{ ?this ex:p ?o . ?o ex:q ?v }}" ] ;
    sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "needs ex:q" ] ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "points at a node with ex:q" ;
        sh:select "SELECT $this (ex:p AS ?path) ?value WHERE {{ $this ex:p ?value }}" ] .
ex:Outer a sh:NodeShape ; sh:targetClass ex:Other ;
    sh:property [ sh:path ex:p ; sh:node ex:Inner ; sh:message "outer: inner fails" ] .
ex:Inner a sh:NodeShape ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "inner: no name" ;
        sh:select "SELECT $this WHERE {{ FILTER NOT EXISTS {{ $this ex:name ?name }} }}" ] .
ex:PathShape a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "self loop via path" ;
        sh:select "SELECT $this ?value WHERE {{ $this $PATH ?value . ?value $PATH $this }}" ] .
ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:deactivated true ; sh:select "SELECT $this WHERE {{ $this ?p ?o }}" ] .
"""


def test_generic_shapes_same_report(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "things.ttl").write_text(GENERIC_DATA, encoding="utf-8")
    shapes = rdflib.Graph().parse(data=GENERIC_SHAPES, format="turtle")
    reference, fast = both([tmp_path / "data"], shapes)
    assert_same(reference, fast)
    messages = {r.message for r in fast.results}
    assert f"{EX}e has no back link" in messages
    assert f"{EX}b is linked from {EX}a" in messages
    assert {"needs ex:q", "points at a node with ex:q", "outer: inner fails"} <= messages


def test_plan_takes_only_what_it_can_run_exactly() -> None:
    shapes = rdflib.Graph().parse(data=GENERIC_SHAPES, format="turtle")
    split = plan(shapes)
    taken = {str(c.shape).rsplit("/", 1)[-1] for c in split.constraints}
    assert taken == {"NoBackLink", "Template", "Targeted"}
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    left = {str(s).rsplit("/", 1)[-1] for s in split.core.subjects(sh.sparql, None)}
    assert left == {"Inner", "PathShape", "Off"}
    assert not list(split.core.objects(None, sh.target))
    assert split.core_needs_targets  # ex:Targeted keeps a property shape for the core engine


def test_project_shapes_let_both_engines_run_at_once(all_shapes: rdflib.Graph) -> None:
    split = plan(all_shapes)
    assert split.targets and not split.core_needs_targets


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT $this WHERE { $this a ?c }", True),
        ("SELECT $this WHERE { $this a ?c FILTER NOT EXISTS { ?c a $this } }", True),
        ("SELECT $this WHERE { FILTER NOT EXISTS { ?x ?p $this } }", False),
        ("SELECT $this WHERE { ?x ?p ?y OPTIONAL { $this ?p ?y } }", False),
        ("SELECT $this WHERE { { $this a ?c } UNION { ?c a $this } }", True),
        ("SELECT $this WHERE { { $this a ?c } UNION { ?c a ?d } }", False),
        ("SELECT ?value WHERE { $this a ?value }", False),
        ("SELECT $this WHERE { $this a ?c . BIND (1 AS ?x) }", True),
    ],
)
def test_binds_this(query: str, expected: bool) -> None:
    assert binds_this(query, {}) is expected
