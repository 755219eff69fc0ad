"""The page's 33 atomic facts (design checklist, MODELLING.md §0) as SPARQL ASK queries.

Each row: checklist number, short id, the graph pattern that must hold (ontology ∪ data),
and the asserted triples, by how the data records them: ``reified`` by a quoted rim:Fact,
``inferred`` by a rim:Inference whose premises lead back to quoted facts, ``observed`` by a
rim:EditorialObservation (what the page as a whole does not give). Each record carries the
same checklist number.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
import rdflib

from tests.graph_support import BASE_URL

NBSP = "\u00a0"
PREFIXES = f"""
BASE <{BASE_URL}>
PREFIX rim: <ontology#>
PREFIX spec: <id/specialty/>
PREFIX asp: <id/aspect/>
PREFIX proc: <id/procedure/>
PREFIX mod: <id/modality/>
PREFIX setting: <id/setting/>
PREFIX centre: <id/centre/>
PREFIX town: <id/town/>
PREFIX org: <id/organisation/>
PREFIX net: <id/network/>
PREFIX stat: <id/statistic/>
PREFIX country: <id/country/>
PREFIX doc: <id/document/>
PREFIX video: <id/video/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""

RADIOLOGY_DEFINITION = (
    f'"spécialité médicale qui utilise les rayons X ou ultrasons pour obtenir{NBSP}des images'
    ' d’une partie du corps ou des organes"@fr'
)
IR_DEFINITION = (
    f'"spécialité de la radiologie au cours de laquelle une «{NBSP}intervention{NBSP}»'
    ' sur le corps humain est effectuée"@fr'
)
CENTRES = ("frejus", "saint-raphael", "draguignan")
IR = "spec:interventional-radiology"
CR = "spec:conventional-radiology"
STAT = "stat:annual-radiology-acts"
PAGE = "doc:interventional-radiology-page"
INCA_DEF = "doc:inca-radiology-definition"
IT = "proc:interventional-treatment"
IGS = "proc:image-guided-sampling"
VIDEO = "video:sfr-interventional-radiology"
GROUP = "org:var-imagerie-medicale"

Triple = tuple[str, str, str]


class PageFact(NamedTuple):
    number: int
    name: str
    where: str
    reified: list[Triple]
    inferred: list[Triple] = []
    observed: list[Triple] = []

    @property
    def triples(self) -> list[Triple]:
        return [*self.reified, *self.inferred, *self.observed]


def _pattern(triples: list[Triple]) -> str:
    return "\n".join(f"{s} {p} {o} ." for s, p, o in triples)


FACTS: list[PageFact] = [
    PageFact(
        1, "radiology-definition", "", [("spec:radiology", "skos:definition", RADIOLOGY_DEFINITION)]
    ),
    PageFact(
        2,
        "definition-sourced-from-inca",
        f"""org:inca schema:name "Institut National du Cancer" .
        ?f rdf:subject spec:radiology ; rdf:predicate skos:definition ;
            prov:wasQuotedFrom {INCA_DEF} .
        FILTER NOT EXISTS {{ {INCA_DEF} schema:url ?url }}""",
        [
            (INCA_DEF, "schema:author", "org:inca"),
            (INCA_DEF, "schema:text", RADIOLOGY_DEFINITION),
            (PAGE, "schema:citation", INCA_DEF),
            (INCA_DEF, "schema:about", "spec:radiology"),
        ],
    ),
    PageFact(
        3,
        "about-68.5-million-acts-a-year",
        f"{STAT} schema:value ?v . FILTER (datatype(?v) = xsd:integer)",
        [
            (STAT, "schema:value", "68500000"),
            (STAT, "rim:isApproximate", "true"),
            (STAT, "schema:measuredProperty", "rim:annualRadiologyActCount"),
            (STAT, "rim:statedValue", '"environ 68,5 millions"@fr'),
        ],
    ),
    PageFact(4, "acts-in-france", "", [(STAT, "schema:observationAbout", "country:france")]),
    PageFact(
        5,
        "acts-across-four-care-settings",
        "",
        [
            (STAT, "rim:coversSettingType", f"setting:{s}")
            for s in ("radiology-centre", "public-hospital", "private-hospital", "private-clinic")
        ],
    ),
    PageFact(
        6,
        "figure-covers-four-modalities",
        "",
        [
            (STAT, "rim:coversModality", f"mod:{m}")
            for m in ("ultrasound", "radiography", "ct", "mri")
        ],
    ),
    PageFact(
        7,
        "figure-has-no-source-and-no-year",
        f"""FILTER NOT EXISTS {{ {STAT} schema:observationDate|dcterms:date|dcterms:source ?x }}""",
        [],
        observed=[(STAT, "rim:sourceStated", "false"), (STAT, "rim:referenceYearStated", "false")],
    ),
    PageFact(
        8,
        "radiology-has-two-main-sub-specialties",
        """{ SELECT (COUNT(?x) AS ?n) WHERE { ?x rim:mainSubSpecialtyOf spec:radiology } }
        FILTER (?n = 2)""",
        [
            ("spec:radiology", "rim:mainSubSpecialtyCount", "2"),
            ("spec:radiology", "rim:hasFurtherSubSpecialties", "true"),
        ],
    ),
    PageFact(
        9,
        "interventional-radiology-is-main-specialty-of-radiology",
        f"{IR} skos:broader spec:radiology .",
        [(IR, "rim:mainSubSpecialtyOf", "spec:radiology")],
        [(IR, "skos:broader", "spec:radiology")],
    ),
    PageFact(
        10,
        "conventional-radiology-is-main-specialty-of-radiology",
        f"{CR} skos:broader spec:radiology .",
        [(CR, "rim:mainSubSpecialtyOf", "spec:radiology")],
        [(CR, "skos:broader", "spec:radiology")],
    ),
    PageFact(
        11, "interventional-radiology-definition", "", [(IR, "skos:definition", IR_DEFINITION)]
    ),
    PageFact(12, "interventional-radiology-has-two-aspects", "", [(IR, "rim:aspectCount", "2")]),
    PageFact(
        13,
        "therapeutic-aspect",
        "asp:therapeutic a rim:TherapeuticAspect , schema:MedicalEntity .",
        [(IR, "rim:hasAspect", "asp:therapeutic")],
        [("asp:therapeutic", "rim:aspectOf", IR)],
    ),
    PageFact(
        14,
        "radiologists-treat-mainly-with-interventional-tools",
        "",
        [
            (IT, "rim:mainlyPerformedWithToolsOf", IR),
            (IT, "rim:performedByPractitionersOf", "spec:radiology"),
        ],
        [("asp:therapeutic", "rim:comprisesProcedure", IT)],
    ),
    PageFact(
        15,
        "from-musculoskeletal-to-oncology",
        "",
        [
            (IT, "rim:treatsConditionsIn", "schema:Musculoskeletal"),
            (IT, "rim:treatsConditionsIn", "schema:Oncologic"),
        ],
    ),
    PageFact(
        16,
        "may-replace-surgical-or-drug-treatments",
        "proc:surgical-treatment a schema:SurgicalProcedure ."
        " proc:drug-treatment a schema:MedicalTherapy .",
        [
            (IT, "rim:mayReplace", "proc:surgical-treatment"),
            (IT, "rim:mayReplace", "proc:drug-treatment"),
            ("proc:surgical-treatment", "rim:moreAggressiveThan", IT),
            ("proc:drug-treatment", "rim:moreAggressiveThan", IT),
        ],
    ),
    PageFact(
        17,
        "may-complement-those-treatments",
        "",
        [
            (IT, "rim:mayComplement", "proc:surgical-treatment"),
            (IT, "rim:mayComplement", "proc:drug-treatment"),
        ],
    ),
    PageFact(
        18,
        "diagnostic-aspect",
        "asp:diagnostic a rim:DiagnosticAspect , schema:MedicalEntity .",
        [(IR, "rim:hasAspect", "asp:diagnostic")],
        [("asp:diagnostic", "rim:aspectOf", IR)],
    ),
    PageFact(
        19,
        "targeted-sampling-of-lesions",
        f"{IGS} a schema:DiagnosticProcedure .",
        [],
        [("asp:diagnostic", "rim:comprisesProcedure", IGS)],
    ),
    PageFact(
        20,
        "guidance-minimal-risk",
        "",
        [
            (
                IGS,
                "rim:statedBenefit",
                '"procéder à un prélèvement en assurant un minimum de risque pour le patient"@fr',
            )
        ],
    ),
    PageFact(
        21,
        "even-deep-or-hard-to-reach-organs",
        "",
        [
            (
                IGS,
                "rim:applicableEvenWhen",
                '"le prélèvement concerne un organe profond ou difficile d’accès"@fr',
            )
        ],
    ),
    PageFact(
        22,
        "guidance-targets-the-lesion",
        "",
        [
            (
                IGS,
                "rim:statedBenefit",
                '"s’assurer que le prélèvement concerne bien la lésion en question"@fr',
            )
        ],
    ),
    PageFact(
        23,
        "precise-anatomopathological-diagnosis",
        "",
        [
            (
                IGS,
                "rim:statedBenefit",
                '"augmenter les chances d’un diagnostic précis à l’analyse anatomopathologique'
                ' (au microscope)"@fr',
            ),
            (IGS, "rim:resultAnalysedBy", "schema:Pathology"),
        ],
    ),
    PageFact(
        24,
        "any-technique-by-indication-and-need",
        "",
        [],
        [
            (
                "asp:diagnostic",
                "rim:modalityChoiceCriterion",
                '"en fonction des indications et des besoins"@fr',
            )
        ],
    ),
    PageFact(
        25,
        "five-guidance-modalities",
        """{ SELECT (COUNT(?m) AS ?n) WHERE { asp:diagnostic rim:imageGuidedBy ?m } }
        FILTER (?n = 5)""",
        [],
        [
            ("asp:diagnostic", "rim:imageGuidedBy", f"mod:{m}")
            for m in ("radiography", "ultrasound", "ct", "mri", "angiography")
        ],
    ),
    PageFact(
        26,
        "sfr-video",
        f"""{VIDEO} a schema:VideoObject ;
            schema:name "La radiologie interventionnelle par la SFR" .
        org:sfr schema:name "Société Française de Radiologie" ; schema:alternateName "SFR" .
        FILTER NOT EXISTS {{
            {VIDEO} schema:url|schema:embedUrl|schema:contentUrl|schema:uploadDate ?x
        }}""",
        [
            (VIDEO, "schema:creator", "org:sfr"),
            (VIDEO, "schema:about", IR),
            (PAGE, "schema:video", VIDEO),
            ("org:sfr", "schema:alternateName", '"SFR"'),
        ],
    ),
    PageFact(
        27,
        "group-has-imaging-centres",
        " ".join(f"centre:{c} a rim:ImagingCentre , schema:MedicalClinic ." for c in CENTRES),
        [(f"centre:{c}", "schema:parentOrganization", GROUP) for c in CENTRES],
    ),
    PageFact(
        28,
        "centres-in-frejus-saint-raphael-draguignan",
        """town:frejus schema:name "Fréjus" . town:saint-raphael schema:name "Saint-Raphaël" .
        town:draguignan schema:name "Draguignan" .""",
        [(f"centre:{c}", "schema:location", f"town:{c}") for c in CENTRES],
    ),
    PageFact(
        29,
        "centres-offer-interventional-radiology",
        "",
        [(GROUP, "schema:medicalSpecialty", IR)],
        [(f"centre:{c}", "schema:medicalSpecialty", IR) for c in CENTRES],
    ),
    PageFact(
        30,
        "centres-offer-conventional-radiology",
        "",
        [(GROUP, "schema:medicalSpecialty", CR)],
        [(f"centre:{c}", "schema:medicalSpecialty", CR) for c in CENTRES],
    ),
    PageFact(
        31,
        "group-member-of-vidi",
        'net:vidi a rim:Network ; schema:name "Vidi" .',
        [],
        [(GROUP, "schema:memberOf", "net:vidi")],
    ),
    PageFact(
        32,
        "page-title-and-language",
        f"{PAGE} a schema:MedicalWebPage .",
        [
            (PAGE, "schema:name", '"Qu’est-ce-que la radiologie interventionnelle ?"'),
            (PAGE, "schema:about", IR),
        ],
        [(PAGE, "schema:publisher", GROUP)],
        [(PAGE, "schema:inLanguage", '"fr"')],
    ),
    PageFact(
        33,
        "page-offers-contact-without-data",
        "FILTER NOT EXISTS { ?anything schema:telephone|schema:email|schema:contactPoint ?x }",
        [(PAGE, "rim:offersContactOption", "true")],
    ),
]


def _ask(graph: rdflib.Graph, body: str) -> bool:
    return bool(graph.query(PREFIXES + "ASK {\n" + body + "\n}").askAnswer)


@pytest.mark.parametrize("fact", FACTS, ids=[f"{f.number:02d}-{f.name}" for f in FACTS])
def test_page_fact_holds(knowledge_graph: rdflib.Graph, fact: PageFact) -> None:
    assert _ask(knowledge_graph, _pattern(fact.triples) + "\n" + fact.where)


@pytest.mark.parametrize("fact", FACTS, ids=[f"{f.number:02d}-{f.name}" for f in FACTS])
def test_page_fact_is_sourced(knowledge_graph: rdflib.Graph, fact: PageFact) -> None:
    """Quoted where one passage says it, inferred from quoted facts, or observed."""
    record = f"""rim:checklistItem {fact.number} ;
        prov:wasDerivedFrom doc:interventional-radiology-page"""
    for s, p, o in fact.reified:
        body = f"""?fact a rim:Fact ; {record} ;
            rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
            oa:hasSelector/oa:exact ?quote ."""
        assert _ask(knowledge_graph, body), f"no quoted fact for {s} {p} {o}"
    for s, p, o in fact.inferred:
        body = f"""?inference a rim:Inference ; {record} ;
            rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
            rim:reasoning ?why ; rim:premise ?premise .
        FILTER NOT EXISTS {{
            ?inference rim:premise+ ?loose .
            FILTER NOT EXISTS {{ ?loose a rim:Inference }}
            FILTER NOT EXISTS {{ ?loose a rim:Fact ; oa:hasSelector/oa:exact ?quote }}
        }}"""
        assert _ask(knowledge_graph, body), f"no inference from quoted facts for {s} {p} {o}"
    for s, p, o in fact.observed:
        body = f"""?observation a rim:EditorialObservation ; {record} ;
            rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ; rim:reasoning ?why .
        FILTER NOT EXISTS {{ ?observation oa:hasSelector ?quote }}"""
        assert _ask(knowledge_graph, body), f"no editorial observation for {s} {p} {o}"


def test_checklist_is_complete() -> None:
    assert sorted({f.number for f in FACTS}) == list(range(1, 34))


@pytest.mark.parametrize(
    ("kind", "field"),
    [("Fact", "reified"), ("Inference", "inferred"), ("EditorialObservation", "observed")],
)
def test_every_statement_record_is_in_the_checklist(
    knowledge_graph: rdflib.Graph, kind: str, field: str
) -> None:
    """No fact, inference or observation escapes this table: each is listed under its number."""
    listed = {(fact.number, *t) for fact in FACTS for t in getattr(fact, field)}
    values = "\n".join(f"({n} {s} {p} {o})" for n, s, p, o in listed)
    query = f"""SELECT ?record WHERE {{
        ?record a rim:{kind} ; rim:checklistItem ?n ;
            rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        FILTER NOT EXISTS {{ VALUES (?n ?s ?p ?o) {{ {values} }} }}
    }}"""
    unlisted = [str(row[0]) for row in knowledge_graph.query(PREFIXES + query)]
    assert unlisted == []
