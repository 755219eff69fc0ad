"""Provenance of the graph: quotes are verbatim, every fact is sourced, nothing is invented."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF

from tests.graph_support import (
    BASE_URL,
    OA,
    PROV,
    REPO,
    SCHEMA,
    SHARED_SEED,
    SOURCE_PAGE,
    iri,
    load_graph,
    rim,
    turtle_files,
)

PAGE = iri("id/document/interventional-radiology-page")
ACTIVITY = iri("id/activity/extraction-2026")
RIM = rim()

# Nothing the page does not state: contact data, place data, dates, URLs, procedure types.
NOT_ON_THE_PAGE = [
    SCHEMA[name]
    for name in (
        "telephone",
        "faxNumber",
        "email",
        "streetAddress",
        "postalCode",
        "address",
        "openingHours",
        "openingHoursSpecification",
        "geo",
        "latitude",
        "longitude",
        "url",
        "sameAs",
        "contentUrl",
        "embedUrl",
        "thumbnailUrl",
        "lastReviewed",
        "datePublished",
        "dateModified",
        "dateCreated",
        "uploadDate",
        "observationDate",
        "procedureType",
        "areaServed",
        "addressCountry",
    )
]


@pytest.fixture(scope="module")
def page_text() -> str:
    return SOURCE_PAGE.read_text(encoding="utf-8")


def test_source_page_copy_is_byte_identical_to_the_seed() -> None:
    assert SOURCE_PAGE.is_file(), f"missing {SOURCE_PAGE.relative_to(REPO)}"
    copy = SOURCE_PAGE.read_bytes()
    assert len(copy) == 2666
    if SHARED_SEED.is_file():  # present beside the repository in CI and on the team's machines
        assert copy == SHARED_SEED.read_bytes()


def test_every_quote_occurs_verbatim_in_the_page(
    knowledge_graph: rdflib.Graph, page_text: str
) -> None:
    quotes = [str(q) for q in knowledge_graph.objects(None, OA.exact)]
    assert len(quotes) >= 33
    missing = [q for q in quotes if q not in page_text]
    assert missing == []


def test_quotes_keep_the_page_typography(knowledge_graph: rdflib.Graph) -> None:
    """Curly apostrophes, French quotes and non-breaking spaces survive in the quotes."""
    joined = "\n".join(str(q) for q in knowledge_graph.objects(None, OA.exact))
    for character in ("’", "«", "»", "“", "”", "\u00a0"):
        assert character in joined
    assert "'" not in joined


def test_quoted_french_values_occur_verbatim_in_the_page(
    knowledge_graph: rdflib.Graph, page_text: str
) -> None:
    """French texts that facts reify (definitions, benefits…) are the page's own words."""
    objects = [
        o
        for f in knowledge_graph.subjects(RDF.type, RIM.Fact)
        for o in knowledge_graph.objects(f, RDF.object)
        if isinstance(o, rdflib.Literal) and o.language == "fr"
    ]
    assert len(objects) >= 6
    assert [str(o) for o in objects if str(o) not in page_text] == []


def test_every_fact_has_provenance(knowledge_graph: rdflib.Graph) -> None:
    facts = set(knowledge_graph.subjects(RDF.type, RIM.Fact))
    assert len(facts) >= 33
    for fact in facts:
        assert (fact, PROV.wasDerivedFrom, PAGE) in knowledge_graph, fact
        assert (fact, PROV.wasGeneratedBy, ACTIVITY) in knowledge_graph, fact
        selectors = list(knowledge_graph.objects(fact, OA.hasSelector))
        assert selectors, fact
        for selector in selectors:
            assert (selector, RDF.type, OA.TextQuoteSelector) in knowledge_graph
            assert len(list(knowledge_graph.objects(selector, OA.exact))) == 1


def test_every_fact_reifies_an_asserted_triple(knowledge_graph: rdflib.Graph) -> None:
    for fact in knowledge_graph.subjects(RDF.type, RIM.Fact):
        triple = (
            knowledge_graph.value(fact, RDF.subject),
            knowledge_graph.value(fact, RDF.predicate),
            knowledge_graph.value(fact, RDF.object),
        )
        assert triple in knowledge_graph, fact


def test_extraction_activity_used_the_page(knowledge_graph: rdflib.Graph) -> None:
    assert (ACTIVITY, RDF.type, PROV.Activity) in knowledge_graph
    assert (ACTIVITY, PROV.used, PAGE) in knowledge_graph


@pytest.mark.parametrize("predicate", NOT_ON_THE_PAGE, ids=lambda p: str(p).rsplit("/", 1)[-1])
def test_nothing_invented(data_graph: rdflib.Graph, predicate: rdflib.URIRef) -> None:
    assert list(data_graph.triples((None, predicate, None))) == []


def test_no_dates_in_data(data_graph: rdflib.Graph) -> None:
    date_types = {rdflib.XSD.date, rdflib.XSD.dateTime, rdflib.XSD.gYear, rdflib.XSD.gYearMonth}
    dated = [
        o
        for o in data_graph.objects()
        if isinstance(o, rdflib.Literal) and o.datatype in date_types
    ]
    assert dated == []


@pytest.mark.parametrize(
    "path", turtle_files("ontology", "data", "shapes"), ids=lambda p: str(p.relative_to(REPO))
)
def test_turtle_uses_relative_project_iris(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "@base" not in text and "BASE <" not in text
    assert "127.0.0.1" not in text and "localhost" not in text


def test_identifiers_follow_the_serving_base() -> None:
    other = "https://example.org/kg/"
    graph = load_graph(turtle_files("ontology", "data"), other)
    subjects = {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}
    assert other + "id/centre/frejus" in subjects
    assert other + "ontology" in subjects
    assert not any(s.startswith(BASE_URL) for s in subjects)


@pytest.mark.parametrize(
    "path", turtle_files("ontology", "data", "shapes"), ids=lambda p: str(p.relative_to(REPO))
)
def test_pyoxigraph_reads_what_rdflib_reads(path: Path) -> None:
    """The server loads with pyoxigraph, SHACL runs on rdflib: both see the same triples."""
    with path.open("rb") as stream:
        quads = list(ox.parse(stream, format=ox.RdfFormat.TURTLE, base_iri=BASE_URL))
    graph = load_graph([path], BASE_URL)
    assert len(quads) == len(graph)
    ox_literals = {q.object.value for q in quads if isinstance(q.object, ox.Literal)}
    rdflib_literals = {str(o) for o in graph.objects() if isinstance(o, rdflib.Literal)}
    assert ox_literals == rdflib_literals
