"""Issue 7: each ontology lint rule catches its mistake, and only that."""

from __future__ import annotations

import rdflib

from publisher.ontology.vocabulary import rim
from publisher.workflow import lint

BASE = "http://127.0.0.1:8080/"
HEAD = """@prefix rim: <ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
GOOD_CLASS = """rim:Centre a owl:Class ;
    rdfs:label "centre"@fr , "centre"@en ;
    skos:definition "Un centre."@fr , "A centre."@en ;
    rdfs:subClassOf schema:MedicalClinic .
"""


def graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=HEAD + text, format="turtle", publicID=BASE)


def rules(findings) -> list[tuple[str, str]]:
    return [(f.rule, str(f.subject).rsplit("/", 1)[-1]) for f in findings]


def test_a_documented_class_passes() -> None:
    found = lint.check_documentation(graph(GOOD_CLASS), rdflib.Graph(), rim(BASE))
    assert list(found) == []


def test_missing_english_label_and_definition_are_errors() -> None:
    text = """rim:Centre a owl:Class ; rdfs:label "centre"@fr ;
        skos:definition "Un centre."@fr ; rdfs:subClassOf schema:MedicalClinic ."""
    found = list(lint.check_documentation(graph(text), rdflib.Graph(), rim(BASE)))
    assert [(f.rule, f.severity) for f in found] == [("label", "error"), ("definition", "error")]
    assert "@en" in found[0].message and "@fr" not in found[0].message


def test_a_note_saying_why_no_schema_counterpart_is_accepted() -> None:
    bare = """rim:Fact a owl:Class ; rdfs:label "fait"@fr , "fact"@en ;
        skos:definition "Un fait."@fr , "A fact."@en ."""
    found = list(lint.check_documentation(graph(bare), rdflib.Graph(), rim(BASE)))
    assert rules(found) == [("schema-counterpart", "ontology#Fact")]
    noted = bare[:-1] + '; skos:editorialNote "No schema.org counterpart: too specific."@en .'
    assert list(lint.check_documentation(graph(noted), rdflib.Graph(), rim(BASE))) == []


def test_undeclared_rim_term_in_data_is_an_error() -> None:
    data = graph('<id/centre/a> a rim:Centre ; rim:opensAt "9h" .')
    found = list(lint.check_declared(graph(GOOD_CLASS), {"data": data}, rim(BASE)))
    assert rules(found) == [("undeclared-term", "ontology#opensAt")]


def test_class_without_shape_unless_a_superclass_is_targeted() -> None:
    onto = graph(GOOD_CLASS + "rim:Small a owl:Class ; rdfs:subClassOf rim:Centre .")
    shapes = graph("<shapes#S> a sh:NodeShape ; sh:targetClass rim:Other .")
    found = list(lint.check_shapes_cover_classes(onto, shapes, rim(BASE)))
    assert sorted(rules(found)) == [
        ("class-without-shape", "ontology#Centre"),
        ("class-without-shape", "ontology#Small"),
    ]
    shapes = graph("<shapes#S> a sh:NodeShape ; sh:targetClass rim:Centre .")
    assert list(lint.check_shapes_cover_classes(onto, shapes, rim(BASE))) == []


def test_dangling_broader() -> None:
    data = graph("""<id/specialty/a> a skos:Concept ; skos:broader <id/specialty/gone> .
        <id/specialty/b> a skos:Concept ; skos:broader <id/specialty/a> .""")
    assert rules(lint.check_broader(data)) == [("dangling-broader", "a")]


def test_duplicate_preflabels_within_a_scheme_but_not_across_schemes() -> None:
    data = graph("""
        <id/modality/a> a skos:Concept ; skos:inScheme <id/scheme/m> ; skos:prefLabel "IRM"@fr .
        <id/modality/b> a skos:Concept ; skos:inScheme <id/scheme/m> ; skos:prefLabel "irm"@fr .
        <id/specialty/c> a skos:Concept ; skos:inScheme <id/scheme/s> ; skos:prefLabel "IRM"@fr .
        <id/specialty/d> a skos:Concept ; skos:inScheme <id/scheme/s> ;
            skos:prefLabel "x"@en , "y"@en .""")
    assert sorted(rules(lint.check_unique_labels(data))) == [
        ("duplicate-label", "a"),
        ("duplicate-label", "b"),
        ("duplicate-label", "d"),
    ]


def test_iris_must_follow_the_id_kind_slug_pattern() -> None:
    data = graph("""<id/centre/good-1> a <ontology#Centre> .
        <id/centre/Bad_Slug> a <ontology#Centre> .
        <centre/missing-id> a <ontology#Centre> .
        <http://elsewhere.example/x> a <ontology#Centre> .""")
    found = rules(lint.check_iris({"data": data}, BASE))
    assert sorted(found) == [("iri-pattern", "Bad_Slug"), ("iri-pattern", "missing-id")]


def test_unused_prefixes_ignore_strings_iris_and_comments() -> None:
    text = (
        "@prefix a: <http://a#> .\n"
        "@prefix b: <http://b#> .\n"
        "PREFIX c: <http://c#>\n"
        "@prefix d: <http://d#> .\n"
        '# d:comment only\na:s a:p "b:in a string" , <http://x/c:y> ; a:q c:o .\n'
    )
    assert lint.unused_prefixes(text) == [("b", 2), ("d", 4)]
