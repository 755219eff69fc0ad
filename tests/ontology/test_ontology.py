"""The ontology documents every term, and every schema.org term used really exists."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from publisher.rdf.vocabulary import SLUG
from tests.graph_support import BASE_URL, SCHEMA, TESTS, iri, load_graph, rim, turtle_files

RIM = rim()
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
COUNTERPART = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
NO_COUNTERPART = "No schema.org counterpart"

# External identifiers marked verified [V] in the design notes (MODELLING.md §2), per concept.
VERIFIED_MATCHES = {
    "id/specialty/radiology": {"http://snomed.info/id/394914008"},
    "id/specialty/interventional-radiology": {"http://snomed.info/id/408455009"},
    "id/modality/radiography": {"http://radlex.org/RID/RID10345"},
    "id/modality/ultrasound": {
        "http://radlex.org/RID/RID10326",
        "http://snomed.info/id/16310003",
    },
    "id/modality/ct": {
        "http://radlex.org/RID/RID10321",
        "http://id.nlm.nih.gov/mesh/D014057",
        "http://snomed.info/id/77477000",
    },
    "id/modality/mri": {"http://radlex.org/RID/RID10312"},
    "id/procedure/image-guided-sampling": {
        "http://radlex.org/RID/RID49838",
        "http://snomed.info/id/86273004",
    },
}

SYNONYMS = {
    "id/modality/ct": {"tomodensitométrie", "TDM", "CT", "CT scan"},
    "id/modality/mri": {"imagerie par résonance magnétique", "magnetic resonance imaging"},
    "id/modality/ultrasound": {"ultrasons", "ultrasonography"},
}


def _terms(ontology: rdflib.Graph) -> list[rdflib.URIRef]:
    found = {
        s
        for t in TERM_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, rdflib.URIRef) and s.startswith(str(RIM))
    }
    return sorted(found)


def _languages(graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef) -> set[str]:
    return {
        o.language
        for o in graph.objects(node, predicate)
        if isinstance(o, rdflib.Literal) and o.language
    }


@pytest.fixture(scope="module")
def everything() -> rdflib.Graph:
    return load_graph(turtle_files("ontology", "data", "shapes"), BASE_URL)


@pytest.fixture(scope="module")
def schema_subclasses(
    schemaorg_vocabulary: rdflib.Graph,
) -> dict[rdflib.URIRef, set[rdflib.URIRef]]:
    """Each schema.org class with all its super-classes (itself included)."""
    parents: dict[rdflib.URIRef, set[rdflib.URIRef]] = defaultdict(set)
    for child, parent in schemaorg_vocabulary.subject_objects(RDFS.subClassOf):
        parents[child].add(parent)  # type: ignore[index]
    closure: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}
    for start in set(schemaorg_vocabulary.subjects(RDF.type, RDFS.Class)):
        seen = {start}
        todo = [start]
        while todo:
            for parent in parents.get(todo.pop(), ()):  # type: ignore[arg-type]
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[start] = seen  # type: ignore[index]
    return closure


def test_ontology_header(ontology_graph: rdflib.Graph) -> None:
    onto = iri("ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology_graph
    assert (onto, OWL.versionIRI, iri("ontology/2.0.0")) in ontology_graph
    assert (onto, OWL.versionInfo, rdflib.Literal("2.0.0")) in ontology_graph
    assert (onto, OWL.priorVersion, iri("ontology/1.0.0")) in ontology_graph
    license_iri = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (onto, DCTERMS.license, license_iri) in ontology_graph
    assert (onto, VANN.preferredNamespacePrefix, rdflib.Literal("rim")) in ontology_graph
    for predicate in (DCTERMS.title, DCTERMS.description, SKOS.editorialNote):
        assert _languages(ontology_graph, onto, predicate) == {"fr", "en"}, predicate
    note = " ".join(str(n) for n in ontology_graph.objects(onto, SKOS.editorialNote))
    assert "id/{kind}/{slug}" in note and "rim:Fact" in note and "rim:Inference" in note


def test_terms_are_declared(ontology_graph: rdflib.Graph) -> None:
    names = {str(t).rsplit("#", 1)[-1] for t in _terms(ontology_graph)}
    expected = {
        "MedicalSpecialty", "ProcedureAspect", "TherapeuticAspect", "DiagnosticAspect",
        "Procedure", "ImagingModality", "ImagingCentre", "ImagingGroup", "Network", "Town",
        "Organisation", "SourceDocument", "Video", "NationalStatistic", "CareSettingType", "Fact",
        "aspectOf", "hasAspect", "subSpecialtyOf", "usesModality", "imageGuidedBy",
        "treatsConditionsIn", "mayReplace", "mayComplement", "resultAnalysedBy",
        "coversModality", "coversSettingType", "annualRadiologyActCount", "isApproximate",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize(
    "term",
    _terms(load_graph(turtle_files("ontology"))),
    ids=lambda t: str(t).rsplit("#", 1)[-1],
)
def test_term_is_documented(ontology_graph: rdflib.Graph, term: rdflib.URIRef) -> None:
    assert _languages(ontology_graph, term, RDFS.label) == {"fr", "en"}
    assert _languages(ontology_graph, term, SKOS.definition) == {"fr", "en"}
    for predicate in (RDFS.label, SKOS.definition):
        assert len(list(ontology_graph.objects(term, predicate))) == 2, "one per language"
    counterparts = [
        o for p in COUNTERPART for o in ontology_graph.objects(term, p) if o.startswith(str(SCHEMA))
    ]
    notes = [str(n) for n in ontology_graph.objects(term, SKOS.editorialNote)]
    assert counterparts or any(n.startswith(NO_COUNTERPART) for n in notes), (
        "needs a schema.org counterpart or an editorial note saying why none fits"
    )


def test_schema_terms_exist(everything: rdflib.Graph, schemaorg_vocabulary: rdflib.Graph) -> None:
    used = {
        t
        for triple in everything
        for t in triple
        if isinstance(t, rdflib.URIRef) and t.startswith(str(SCHEMA))
    }
    for text in everything.objects(None, SH.select):
        used |= {SCHEMA[name] for name in re.findall(r"\bschema:(\w+)", str(text))}
    assert len(used) > 40
    unknown = sorted(t for t in used if (t, RDF.type, None) not in schemaorg_vocabulary)
    assert unknown == []


def test_schema_terms_exist_in_test_examples(schemaorg_vocabulary: rdflib.Graph) -> None:
    examples = [p for kind in ("invalid", "valid") for p in (TESTS / "data" / kind).glob("*.ttl")]
    graph = load_graph(sorted(examples))
    assert len(graph) > 100
    used = {t for triple in graph for t in triple if str(t).startswith(str(SCHEMA))}
    assert sorted(t for t in used if (t, RDF.type, None) not in schemaorg_vocabulary) == []


def test_schema_domains_are_respected(
    knowledge_graph: rdflib.Graph,
    schemaorg_vocabulary: rdflib.Graph,
    schema_subclasses: dict[rdflib.URIRef, set[rdflib.URIRef]],
) -> None:
    """A schema.org property (or a rim: property declared as its sub-property) is used only
    on subjects typed with a class of its schema:domainIncludes (or a subclass of one).
    Properties of schema:Thing (name, alternateName…) fit any resource."""
    schema_parent: dict[rdflib.URIRef, rdflib.URIRef] = {}
    for prop, parent in knowledge_graph.subject_objects(RDFS.subPropertyOf):
        if isinstance(parent, rdflib.URIRef) and parent.startswith(str(SCHEMA)):
            schema_parent[prop] = parent  # type: ignore[index]
    problems = []
    for s, p, _ in knowledge_graph:
        schema_property = p if p.startswith(str(SCHEMA)) else schema_parent.get(p)  # type: ignore[arg-type]
        if schema_property is None or not str(s).startswith(BASE_URL + "id/"):
            continue
        domains = set(schemaorg_vocabulary.objects(schema_property, SCHEMA.domainIncludes))
        types = {
            ancestor
            for t in knowledge_graph.objects(s, RDF.type)
            for ancestor in schema_subclasses.get(t, set())  # type: ignore[call-overload]
        }
        if SCHEMA.Thing not in domains and not domains & types:
            problems.append((str(s), str(p)))
    assert problems == []


def test_project_terms_used_are_declared(ontology_graph: rdflib.Graph) -> None:
    declared = set(_terms(ontology_graph))
    graph = load_graph(turtle_files("data", "shapes"))
    used = {
        t
        for triple in graph
        for t in triple
        if isinstance(t, rdflib.URIRef) and t.startswith(str(RIM))
    }
    assert len(used) > 20
    assert sorted(used - declared) == []


def test_concept_labels(knowledge_graph: rdflib.Graph) -> None:
    by_scheme: dict[tuple[rdflib.term.Node, str], list[str]] = defaultdict(list)
    concepts = set(knowledge_graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 14
    for concept in concepts:
        assert _languages(knowledge_graph, concept, SKOS.prefLabel) == {"fr", "en"}, concept
        project_types = [
            t for t in knowledge_graph.objects(concept, RDF.type) if t.startswith(str(RIM))
        ]
        assert project_types, f"{concept} needs a project class besides skos:Concept"
        for label in knowledge_graph.objects(concept, SKOS.prefLabel):
            for scheme in knowledge_graph.objects(concept, SKOS.inScheme):
                by_scheme[(scheme, label.language)].append(str(label))  # type: ignore[attr-defined]
    for key, labels in by_scheme.items():
        assert len(labels) == len(set(labels)), key


@pytest.mark.parametrize("concept", sorted(SYNONYMS))
def test_synonyms_are_alt_labels(knowledge_graph: rdflib.Graph, concept: str) -> None:
    alt = {str(a) for a in knowledge_graph.objects(iri(concept), SKOS.altLabel)}
    assert SYNONYMS[concept] <= alt


def test_specialty_hierarchy(knowledge_graph: rdflib.Graph) -> None:
    radiology = iri("id/specialty/radiology")
    for child in ("interventional-radiology", "conventional-radiology"):
        assert (iri(f"id/specialty/{child}"), SKOS.broader, radiology) in knowledge_graph
    assert (radiology, SKOS.closeMatch, SCHEMA.Radiography) in knowledge_graph


def test_modalities_map_to_schema(knowledge_graph: rdflib.Graph) -> None:
    """Issue 12: each member is exact or not, and the alignment note says which and why."""
    expected = {"ct": (SKOS.exactMatch, SCHEMA.CT), "mri": (SKOS.exactMatch, SCHEMA.MRI),
                "ultrasound": (SKOS.exactMatch, SCHEMA.Ultrasound),
                "radiography": (SKOS.closeMatch, SCHEMA.Radiography)}  # fmt: skip
    for slug, (match, term) in expected.items():
        modality = iri(f"id/modality/{slug}")
        assert (modality, match, term) in knowledge_graph
        note = " ".join(str(n) for n in knowledge_graph.objects(modality, SKOS.note))
        name = str(term).rsplit("/", 1)[-1]
        kind = "exactMatch" if match == SKOS.exactMatch else "closeMatch, not exact"
        assert f"schema:{name}" in note and kind in note, note
    angiography = iri("id/modality/angiography")
    assert not any(
        o.startswith(str(SCHEMA)) for o in knowledge_graph.objects(angiography, SKOS.closeMatch)
    )


def test_external_matches_are_verified_identifiers(knowledge_graph: rdflib.Graph) -> None:
    """Only [V] identifiers are published, and each concept says where they were checked."""
    found: dict[str, set[str]] = defaultdict(set)
    for predicate in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for s, o in knowledge_graph.subject_objects(predicate):
            if not o.startswith(str(SCHEMA)):
                found[str(s).removeprefix(BASE_URL)].add(str(o))
    assert dict(found) == VERIFIED_MATCHES
    for concept in VERIFIED_MATCHES:
        notes = " ".join(str(n) for n in knowledge_graph.objects(iri(concept), SKOS.note))
        assert "verified" in notes, concept


def test_entity_iris_follow_the_pattern(knowledge_graph: rdflib.Graph) -> None:
    pattern = re.compile(r"^id/[a-z]+/" + SLUG + "$")
    subjects = {
        str(s).removeprefix(BASE_URL)
        for s in knowledge_graph.subjects()
        if isinstance(s, rdflib.URIRef) and str(s).startswith(BASE_URL + "id/")
    }
    assert len(subjects) > 100
    assert sorted(s for s in subjects if not pattern.match(s)) == []
