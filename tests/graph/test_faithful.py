"""Issue 15: the graph says exactly what the page says.

Every statement about a project entity is a quoted fact whose quotes occur in the page, a
marked inference whose premises lead back to such facts, an editorial observation about the
page as a whole, or bookkeeping; the page's qualifiers survive; alignments say identity only
where there is identity. (The SHACL shape rimsh:ProvenanceRequiredShape enforces the first
rule at load time; this test states it without SHACL, quotes included.)
"""

from __future__ import annotations

import re

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.namespace import RDF, RDFS, SKOS

from publisher.rdf.vocabulary import SLUG
from tests.graph_support import BASE_URL, OA, SOURCE_PAGE, iri

SCHEMA = rdflib.Namespace("https://schema.org/")
RIM = rdflib.Namespace(f"{BASE_URL}ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ENTITY = re.compile(r"/id/(?!fact/|activity/|scheme/)[a-z]+/" + SLUG + "$")
BOOKKEEPING = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SCHEMA.name,
    *(
        SKOS[name]
        for name in (
            "prefLabel altLabel hiddenLabel inScheme topConceptOf hasTopConcept definition note"
            " scopeNote editorialNote exactMatch closeMatch broadMatch narrowMatch relatedMatch"
        ).split()
    ),
}


@pytest.fixture(scope="module")
def page_text() -> str:
    return SOURCE_PAGE.read_text(encoding="utf-8")


def _quotes(graph: rdflib.Graph, record: rdflib.term.Node) -> list[str]:
    return [
        str(q) for s in graph.objects(record, OA.hasSelector) for q in graph.objects(s, OA.exact)
    ]


def _grounded(
    graph: rdflib.Graph, record: rdflib.term.Node, text: str, seen: frozenset = frozenset()
) -> bool:
    """A quoted fact whose quotes occur in the page, or an inference resting only on such."""
    if record in seen:
        return False
    if (record, RDF.type, RIM.Fact) in graph:
        quotes = _quotes(graph, record)
        return bool(quotes) and all(q in text for q in quotes)
    if (record, RDF.type, RIM.Inference) in graph:
        premises = list(graph.objects(record, RIM.premise))
        langs = {w.language for w in graph.objects(record, RIM.reasoning)}
        return (
            bool(premises)
            and langs == {"fr", "en"}
            and all(q in text for q in _quotes(graph, record))
            and all(_grounded(graph, p, text, seen | {record}) for p in premises)
        )
    return False


def _observed(graph: rdflib.Graph, record: rdflib.term.Node) -> bool:
    return (
        (record, RDF.type, RIM.EditorialObservation) in graph
        and not _quotes(graph, record)
        and {w.language for w in graph.objects(record, RIM.reasoning)} == {"fr", "en"}
    )


def _records(
    graph: rdflib.Graph, s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node
) -> list[rdflib.term.Node]:
    return [
        r
        for r in graph.subjects(RDF.subject, s)
        if (r, RDF.predicate, p) in graph and (r, RDF.object, o) in graph
    ]


def test_every_statement_is_quoted_inferred_observed_or_bookkeeping(
    knowledge_graph: rdflib.Graph, page_text: str
) -> None:
    unsupported = []
    checked = 0
    for s, p, o in knowledge_graph:
        if not (isinstance(s, rdflib.URIRef) and ENTITY.search(str(s))) or p in BOOKKEEPING:
            continue
        checked += 1
        records = _records(knowledge_graph, s, p, o)
        if not any(
            _grounded(knowledge_graph, r, page_text) or _observed(knowledge_graph, r)
            for r in records
        ):
            unsupported.append(f"{s} {p} {o}")
    assert checked > 70  # every reified statement but the two definitions and the title
    assert unsupported == []


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        ("id/centre/frejus", SCHEMA.medicalSpecialty, "id/specialty/interventional-radiology"),
        ("id/centre/draguignan", SCHEMA.medicalSpecialty, "id/specialty/conventional-radiology"),
        ("id/organisation/var-imagerie-medicale", SCHEMA.memberOf, "id/network/vidi"),
        ("id/aspect/therapeutic", RIM.comprisesProcedure, "id/procedure/interventional-treatment"),
        ("id/aspect/diagnostic", RIM.comprisesProcedure, "id/procedure/image-guided-sampling"),
        ("id/aspect/diagnostic", RIM.imageGuidedBy, "id/modality/mri"),
        ("id/aspect/therapeutic", RIM.aspectOf, "id/specialty/interventional-radiology"),
        ("id/specialty/conventional-radiology", SKOS.broader, "id/specialty/radiology"),
    ],
)
def test_combined_or_distributive_readings_are_marked_inferences(
    knowledge_graph: rdflib.Graph, subject: str, predicate: rdflib.URIRef, obj: str
) -> None:
    records = _records(knowledge_graph, iri(subject), predicate, iri(obj))
    assert records
    for record in records:
        assert (record, RDF.type, RIM.Inference) in knowledge_graph
        assert (record, RDF.type, RIM.Fact) not in knowledge_graph
        assert list(knowledge_graph.objects(record, RIM.premise))


def test_the_aspects_criterion_is_an_inference_too(knowledge_graph: rdflib.Graph) -> None:
    aspect = iri("id/aspect/diagnostic")
    [criterion] = knowledge_graph.objects(aspect, RIM.modalityChoiceCriterion)
    [record] = _records(knowledge_graph, aspect, RIM.modalityChoiceCriterion, criterion)
    assert (record, RDF.type, RIM.Inference) in knowledge_graph


def test_inferences_quote_heading_and_sentence(knowledge_graph: rdflib.Graph) -> None:
    """Where a heading and a sentence are both needed, both are quoted."""
    [record] = _records(
        knowledge_graph,
        iri("id/aspect/therapeutic"),
        RIM.comprisesProcedure,
        iri("id/procedure/interventional-treatment"),
    )
    quotes = _quotes(knowledge_graph, record)
    assert "Un versant thérapeutique." in quotes
    assert any(q.startswith("C’est en effet principalement") for q in quotes)


def test_absences_are_editorial_observations(knowledge_graph: rdflib.Graph) -> None:
    stat = iri("id/statistic/annual-radiology-acts")
    for flag in (RIM.sourceStated, RIM.referenceYearStated):
        [record] = _records(knowledge_graph, stat, flag, rdflib.Literal(False))
        assert _observed(knowledge_graph, record)
        assert (record, RDF.type, RIM.Fact) not in knowledge_graph


def test_the_abbreviation_sfr_is_quoted(knowledge_graph: rdflib.Graph, page_text: str) -> None:
    sfr = iri("id/organisation/sfr")
    [record] = _records(knowledge_graph, sfr, SCHEMA.alternateName, rdflib.Literal("SFR"))
    assert _grounded(knowledge_graph, record, page_text)
    assert any("(SFR)" in q for q in _quotes(knowledge_graph, record))


def test_qualifiers_stay(knowledge_graph: rdflib.Graph, ontology_graph: rdflib.Graph) -> None:
    g = knowledge_graph
    treatment = iri("id/procedure/interventional-treatment")
    # « traitements chirurgicaux ou médicamenteux plus agressifs »
    for slug in ("surgical-treatment", "drug-treatment"):
        other = iri(f"id/procedure/{slug}")
        assert (other, RIM.moreAggressiveThan, treatment) in g
        assert (treatment, RIM.mayReplace, other) in g
        labels = {str(v) for v in g.objects(other, SKOS.prefLabel | RDFS.label)}
        assert any("plus agressif" in v for v in labels)
        assert any("more aggressive" in v for v in labels)
    # « parfois se substituer … ou d’autres fois venir en complément »
    replace = " ".join(str(v) for v in ontology_graph.objects(RIM.mayReplace, RDFS.label))
    complement = " ".join(
        str(v)
        for p in (RDFS.label, SKOS.definition)
        for v in ontology_graph.objects(RIM.mayComplement, p)
    )
    assert "parfois" in replace and "sometimes" in replace
    assert "d’autres fois" in complement and "at other times" in complement
    # « plusieurs spécialités dont deux principales »
    radiology = iri("id/specialty/radiology")
    assert (radiology, RIM.hasFurtherSubSpecialties, rdflib.Literal(True)) in g
    assert (radiology, RIM.mainSubSpecialtyCount, rdflib.Literal(2)) in g
    # « environ 68,5 millions »
    stat = iri("id/statistic/annual-radiology-acts")
    assert (stat, RIM.isApproximate, rdflib.Literal(True)) in g
    assert (stat, RIM.statedValue, rdflib.Literal("environ 68,5 millions", lang="fr")) in g


def test_property_labels_say_no_more_than_the_sentence(ontology_graph: rdflib.Graph) -> None:
    """« participent activement » is not "performed by"; « principalement » qualifies how
    radiologists take part, not the treatment."""
    performed = {str(v) for v in ontology_graph.objects(RIM.performedByPractitionersOf, RDFS.label)}
    assert performed == {
        "auquel participent activement les médecins de",
        "actively taken part in by practitioners of",
    }
    mainly = " ".join(
        str(v)
        for p in (RDFS.label, SKOS.definition)
        for v in ontology_graph.objects(RIM.mainlyPerformedWithToolsOf, p)
    )
    assert "radiologues y participent principalement" in mainly
    assert "radiologists take part in it mainly" in mainly


def test_aspects_are_groupings_not_procedures(
    knowledge_graph: rdflib.Graph, ontology_graph: rdflib.Graph
) -> None:
    for slug in ("therapeutic", "diagnostic"):
        types = set(knowledge_graph.objects(iri(f"id/aspect/{slug}"), RDF.type))
        assert SCHEMA.MedicalEntity in types
        assert not types & {
            SCHEMA.MedicalProcedure,
            SCHEMA.TherapeuticProcedure,
            SCHEMA.DiagnosticProcedure,
        }
    supers = set(ontology_graph.transitive_objects(RIM.TherapeuticAspect, RDFS.subClassOf))
    assert SCHEMA.MedicalProcedure not in supers


def test_snomed_procedure_concepts_are_close_not_exact(knowledge_graph: rdflib.Graph) -> None:
    """A technique is not a procedure: SNOMED CT "(procedure)" concepts are closeMatch."""
    for slug, code in (("ct", "77477000"), ("ultrasound", "16310003")):
        modality, concept = (
            iri(f"id/modality/{slug}"),
            rdflib.URIRef(f"http://snomed.info/id/{code}"),
        )
        assert (modality, SKOS.closeMatch, concept) in knowledge_graph
        assert (modality, SKOS.exactMatch, concept) not in knowledge_graph
    for modality in knowledge_graph.subjects(RDF.type, RIM.ImagingModality):
        exact = [str(o) for o in knowledge_graph.objects(modality, SKOS.exactMatch)]
        assert not [o for o in exact if o.startswith("http://snomed.info/")], modality


def test_radlex_projection_radiography_agrees_with_the_concept(
    knowledge_graph: rdflib.Graph,
) -> None:
    radiography = iri("id/modality/radiography")
    rid = rdflib.URIRef("http://radlex.org/RID/RID10345")
    assert (
        radiography,
        SKOS.altLabel,
        rdflib.Literal("projection radiography", lang="en"),
    ) in knowledge_graph
    assert (radiography, SKOS.exactMatch, rid) in knowledge_graph
    assert (radiography, SKOS.closeMatch, rid) not in knowledge_graph
    definition = str(knowledge_graph.value(radiography, SKOS.definition, any=True))
    assert "projection" in definition


def test_centre_names_decision_is_written_in_the_data(knowledge_graph: rdflib.Graph) -> None:
    for slug in ("frejus", "saint-raphael", "draguignan"):
        centre = iri(f"id/centre/{slug}")
        note = " ".join(str(n) for n in knowledge_graph.objects(centre, SKOS.editorialNote))
        assert "no official name" in note and "schema:legalName" in note
        assert (centre, SCHEMA.legalName, None) not in knowledge_graph


def test_pages_show_inferences_as_inferred_with_their_premises(client: FlaskClient) -> None:
    html = client.get("/doc/centre/frejus?lang=en").get_data(as_text=True)
    shown = re.findall(r'<p class="inference">(.*?)</p>', html, re.S)
    assert len(shown) == 2  # its two specialties
    for paragraph in shown:
        assert "<strong>inferred</strong>" in paragraph and "distributive reading" in paragraph
        assert (
            'href="/doc/fact/centre-frejus-belongs-to-var-imagerie-medicale?lang=en"' in paragraph
        )
    french = client.get("/doc/aspect/diagnostic?lang=fr").get_data(as_text=True)
    assert "<strong>déduit</strong>" in french and "peuvent être utilisées" in french
    statistic = client.get("/doc/statistic/annual-radiology-acts?lang=en").get_data(as_text=True)
    assert '<p class="observation"><strong>editorial observation</strong>' in statistic
