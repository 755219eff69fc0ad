"""The shipped graph against shapes/: conforms, reports SEO gaps, and every core shape bites."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from tests.graph_support import (
    BASE_URL,
    TESTS,
    Report,
    iri,
    load_graph,
    named_shapes,
    shape_message,
    shape_subgraph,
    turtle_files,
    validate,
)

INVALID = TESTS / "data" / "invalid"
VALID = TESTS / "data" / "valid"
CENTRES = [iri(f"id/centre/{c}") for c in ("frejus", "saint-raphael", "draguignan")]
SEO_SHAPES = [
    "SeoStreetAddressShape",
    "SeoPostalCodeShape",
    "SeoTelephoneShape",
    "SeoUrlShape",
    "SeoGeoShape",
]

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "rim": f"{BASE_URL}ontology#",
}


def _expand(path: str | None) -> str | None:
    """``schema:a | rim:b`` → full IRIs in the same notation as ``Result.path``."""
    if path is None:
        return None
    out = []
    for part in path.split(" | "):
        prefix, local = part.split(":", 1)
        out.append(NS[prefix] + local)
    return " | ".join(out)


# Example file stem (the shape's name, or name--variant) → (focus node relative to the base,
# or None for a blank node; result path, None for node-level constraints).
INVALID_EXAMPLES: dict[str, tuple[str | None, str | None]] = {
    "LabelLanguagesShape": ("id/town/frejus", "rdfs:label"),
    "LabelFrenchShape": ("id/town/nice", "rdfs:label"),
    "LabelEnglishShape": ("id/town/nice", "rdfs:label"),
    "ProjectIriShape": ("places/Nice", None),
    "NameShape": ("id/town/nice", "schema:name"),
    "DeclaredSuperclassTypingShape": ("id/town/nice", "rdf:type"),
    "PrefLabelShape": ("id/modality/mri", "skos:prefLabel"),
    "PrefLabelFrenchShape": ("id/modality/pet", "skos:prefLabel"),
    "PrefLabelEnglishShape": ("id/modality/pet", "skos:prefLabel"),
    "AltLabelShape": ("id/modality/ct", "skos:altLabel"),
    "InSchemeShape": ("id/modality/pet", "skos:inScheme"),
    "DefinitionShape": ("id/modality/ct", "skos:definition"),
    "ExternalMatchShape": ("id/modality/ct", "skos:exactMatch | skos:closeMatch"),
    "UniquePrefLabelShape": ("id/modality/pet", "skos:prefLabel"),
    "SpecialtyInSchemeShape": ("id/specialty/nuclear-medicine", "skos:inScheme"),
    "SubSpecialtyShape": (
        "id/specialty/conventional-radiology",
        "rim:subSpecialtyOf | rim:mainSubSpecialtyOf | skos:broader",
    ),
    "HasAspectShape": ("id/specialty/radiology", "rim:hasAspect"),
    "CountShape": ("id/specialty/radiology", "rim:aspectCount | rim:mainSubSpecialtyCount"),
    "AspectOfShape": ("id/aspect/palliative", "rim:aspectOf"),
    "AspectInSchemeShape": ("id/aspect/palliative", "skos:inScheme"),
    "ComprisesProcedureShape": ("id/aspect/therapeutic", "rim:comprisesProcedure"),
    "ModalityInSchemeShape": ("id/modality/pet", "skos:inScheme"),
    "ModalityValueShape": (
        "id/aspect/diagnostic",
        "rim:usesModality | rim:imageGuidedBy | rim:coversModality",
    ),
    "ConditionSpecialtyShape": (
        "id/procedure/interventional-treatment",
        "rim:treatsConditionsIn | rim:resultAnalysedBy",
    ),
    "PerformedWithinShape": (
        "id/procedure/interventional-treatment",
        "rim:mainlyPerformedWithToolsOf | rim:performedByPractitionersOf",
    ),
    "ProcedureRelationShape": (
        "id/procedure/interventional-treatment",
        "rim:mayReplace | rim:mayComplement",
    ),
    "QuotedTextShape": (
        "id/procedure/image-guided-sampling",
        "rim:statedBenefit | rim:applicableEvenWhen | rim:modalityChoiceCriterion",
    ),
    "CentreParentShape": ("id/centre/nice", "schema:parentOrganization"),
    "CentreSpecialtyShape": ("id/centre/frejus", "schema:medicalSpecialty"),
    "CentreLocationShape": ("id/centre/frejus", "schema:location"),
    "CentreTownShape": ("id/centre/nice", None),
    "CentreNetworkShape": ("id/centre/nice", None),
    "AddressShape": ("id/address/frejus", None),
    "AddressPartShape": (
        "id/address/frejus",
        "schema:streetAddress | schema:postalCode | schema:addressLocality",
    ),
    "MemberOfShape": ("id/organisation/var-imagerie-medicale", "schema:memberOf"),
    "StatisticValueShape": ("id/statistic/annual-radiology-acts", "schema:value"),
    "StatisticApproximateShape": ("id/statistic/annual-radiology-acts", "rim:isApproximate"),
    "StatisticScopeShape": ("id/statistic/annual-radiology-acts", "schema:observationAbout"),
    "StatisticMeasuredPropertyShape": (
        "id/statistic/annual-radiology-acts",
        "schema:measuredProperty",
    ),
    "StatisticSettingShape": ("id/statistic/annual-radiology-acts", "rim:coversSettingType"),
    "StatedFlagShape": (
        "id/statistic/annual-radiology-acts",
        "rim:sourceStated | rim:referenceYearStated",
    ),
    "DocumentAttributionShape": ("id/document/other-page", None),
    "PageTitleShape": ("id/document/interventional-radiology-page", "schema:name"),
    "PageLanguageShape": ("id/document/other-page", "schema:inLanguage"),
    "PageAboutShape": ("id/document/other-page", "schema:about"),
    "CitationShape": ("id/document/interventional-radiology-page", "schema:citation"),
    "PageVideoShape": ("id/document/interventional-radiology-page", "schema:video"),
    "VideoCreatorShape": ("id/video/other", "schema:creator"),
    "FactSubjectShape": ("id/fact/bad-subject", "rdf:subject"),
    "FactPredicateShape": ("id/fact/two-predicates", "rdf:predicate"),
    "FactObjectShape": ("id/fact/no-object", "rdf:object"),
    "FactDerivationShape": ("id/fact/no-source", "prov:wasDerivedFrom"),
    "FactActivityShape": ("id/fact/bad-activity", "prov:wasGeneratedBy"),
    "FactSelectorShape": ("id/fact/short-quote", "oa:hasSelector"),
    "FactChecklistShape": ("id/fact/checklist-zero", "rim:checklistItem"),
    "FactAssertedShape": ("id/fact/unasserted-telephone", "rdf:subject"),
    "ProvenanceRequiredShape": ("id/centre/frejus", "schema:telephone"),
    "ProvenanceRequiredShape--blank-node": (None, "schema:streetAddress"),
    "ProvenanceRequiredShape--entailed-only": ("id/specialty/nuclear-radiology", "skos:broader"),
    "ProvenanceRequiredShape--premise-not-sourced": ("id/centre/frejus", "schema:telephone"),
    "ProvenanceRequiredShape--abbreviation": ("id/organisation/inca", "schema:alternateName"),
    "InferencePremiseShape": ("id/fact/premise-is-a-page", "rim:premise"),
    "ReasoningShape": ("id/fact/reasoning-in-english-only", "rim:reasoning"),
    "ObservationUnquotedShape": ("id/fact/quoted-observation", "oa:hasSelector"),
}


def _with(graph: rdflib.Graph, extra: Path) -> rdflib.Graph:
    """A copy of ``graph`` plus one Turtle file, parsed under the same base."""
    combined = rdflib.Graph()
    combined += graph
    combined.parse(extra, format="turtle", publicID=BASE_URL)
    return combined


def test_shipped_graph_has_no_violation(shipped_report: Report) -> None:
    assert shipped_report.violations == ()


def test_shipped_graph_only_warns_about_seo_gaps(shipped_report: Report) -> None:
    shapes = {r.source_shape for r in shipped_report.warnings}
    assert shapes == {f"{BASE_URL}shapes#{name}" for name in SEO_SHAPES}


@pytest.mark.parametrize("centre", CENTRES, ids=lambda c: c.rsplit("/", 1)[-1])
@pytest.mark.parametrize("shape", SEO_SHAPES)
def test_seo_gap_is_a_warning_for_each_centre(
    shipped_report: Report, seo_shapes: rdflib.Graph, centre: rdflib.URIRef, shape: str
) -> None:
    shape_iri = rdflib.URIRef(f"{BASE_URL}shapes#{shape}")
    found = [
        r
        for r in shipped_report.results
        if r.focus_node == str(centre) and r.source_shape == str(shape_iri)
    ]
    assert len(found) == 1
    assert found[0].severity == "Warning"
    assert found[0].message == shape_message(seo_shapes, shape_iri)
    assert "source page does not state" in found[0].message


def test_every_core_shape_has_an_invalid_example(core_shapes: rdflib.Graph) -> None:
    names = {str(s).rsplit("#", 1)[-1] for s in named_shapes(core_shapes)}
    assert {stem.split("--")[0] for stem in INVALID_EXAMPLES} == names
    assert {p.stem for p in INVALID.glob("*.ttl")} == set(INVALID_EXAMPLES)


def test_every_shape_is_documented(all_shapes: rdflib.Graph) -> None:
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for shape in named_shapes(all_shapes):
        assert shape_message(all_shapes, shape)
        assert all_shapes.value(shape, sh.name) is not None, shape
        assert all_shapes.value(shape, sh.description) is not None, shape


@pytest.mark.parametrize("example", sorted(INVALID_EXAMPLES))
def test_invalid_example_breaks_its_shape(
    knowledge_graph: rdflib.Graph, core_shapes: rdflib.Graph, example: str
) -> None:
    """Each example, on top of the shipped graph, breaks its shape (validated alone, for speed)."""
    focus, path = INVALID_EXAMPLES[example]
    shape_iri = rdflib.URIRef(f"{BASE_URL}shapes#{example.split('--')[0]}")
    data = _with(knowledge_graph, INVALID / f"{example}.ttl")
    report = validate(data, shape_subgraph(core_shapes, shape_iri))
    message = shape_message(core_shapes, shape_iri)
    got = [(r.focus_node, r.path, r.message) for r in report.violations]
    if focus is None:  # a blank node: match on path and message, focus is some blank node
        assert any(
            p == _expand(path) and m == message and not f.startswith("http") for f, p, m in got
        ), got
    else:
        assert (str(iri(focus)), _expand(path), message) in got
    assert all(r.source_shape == str(shape_iri) for r in report.results)


@pytest.mark.parametrize("example", sorted(VALID.glob("*.ttl")), ids=lambda p: p.stem)
def test_domain_example_passes(
    knowledge_graph: rdflib.Graph, core_shapes: rdflib.Graph, example: Path
) -> None:
    report = validate(_with(knowledge_graph, example), core_shapes)
    assert report.violations == ()


def test_cited_street_address_closes_the_seo_gap(
    knowledge_graph: rdflib.Graph, seo_shapes: rdflib.Graph
) -> None:
    data = _with(knowledge_graph, VALID / "centre-with-cited-street-address.ttl")
    report = validate(data, seo_shapes)
    street = f"{BASE_URL}shapes#SeoStreetAddressShape"
    gaps = {r.focus_node for r in report.warnings if r.source_shape == street}
    assert gaps == {str(CENTRES[1]), str(CENTRES[2])}
    assert report.violations == ()


def test_shapes_follow_the_serving_base() -> None:
    """IRI patterns are not anchored to a host: the graph served elsewhere still conforms."""
    other = "https://example.org/kg/"
    data = load_graph(turtle_files("ontology", "data"), other)
    shapes = load_graph([p for p in turtle_files("shapes") if p.name == "core.ttl"], other)
    assert validate(data, shapes).violations == ()
