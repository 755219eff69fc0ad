"""Issue 12, pages people read: headings, notes in another language, quotes shown
once, outside codes named, facts labelled by what they state. HTML parsed with html5lib."""

from __future__ import annotations

import re
from collections import Counter
from xml.etree.ElementTree import Element

import html5lib
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS

from publisher.rdf.labels import VOCABULARIES, external_code, local_name, statement_label

BASE = "http://127.0.0.1:8080/"
CENTRE_FACT = "fact/centre-frejus-belongs-to-var-imagerie-medicale"
CENTRE_FACT_LABELS = {
    "fr": "Centre d’imagerie Var Imagerie Médicale de Fréjus — appartient à — "
    "Var Imagerie Médicale",
    "en": "Var Imagerie Médicale imaging centre, Fréjus — belongs to — Var Imagerie Médicale",
}


def parse(html: str) -> Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def text(element: Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def page(client: FlaskClient, path: str, lang: str) -> Element:
    response = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return parse(response.get_data(as_text=True))


def documents(client: FlaskClient) -> list[str]:
    store = client.application.extensions["publisher"].store
    rows = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}'
    )
    return sorted("/doc/" + str(r["s"])[len(BASE) + 3 :] for r in rows)


def parents(root: Element) -> dict[Element, Element]:
    return {child: parent for parent in root.iter() for child in parent}


@pytest.fixture(scope="module")
def french_pages(app) -> dict[str, Element]:
    client = app.test_client()
    return {path: page(client, path, "fr") for path in documents(client)}


def test_issue_12_french_headings_start_with_a_capital(french_pages: dict[str, Element]) -> None:
    assert len(french_pages) > 60
    for path, root in french_pages.items():
        heading = text(root.find(".//main//h1"))
        first = heading[:1]
        assert not first.isalpha() or first.isupper(), (path, heading)
        assert text(root.find(".//title")).startswith(heading), path


def test_issue_12_english_only_notes_are_marked_and_set_apart(
    french_pages: dict[str, Element],
) -> None:
    marked = 0
    for path, root in french_pages.items():
        up = parents(root)
        main = root.find(".//main")
        for element in main.iter():
            if element.get("lang") not in ("en",):
                continue
            marker = next((s for s in up[element] if s.tag == "small" and text(s) == "(en)"), None)
            assert marker is not None, (path, text(element)[:60])
            marked += 1
        for section in main.iter("section"):
            if "notes" in section.get("class", ""):
                assert text(section.find("h2")) == "Notes du projet"
        rows = [th for th in main.iter("th") if text(th).startswith("note")]
        for th in rows:  # a note row lives in the notes section, after the properties
            ancestor = up[th]
            while ancestor.tag != "section" and ancestor in up:
                ancestor = up[ancestor]
            assert ancestor.tag == "section" and "notes" in ancestor.get("class", ""), path
    assert marked > 20


def test_issue_12_each_quote_is_shown_once_per_page(
    client: FlaskClient, french_pages: dict[str, Element]
) -> None:
    for path, root in french_pages.items():
        quotes = Counter(text(q) for q in root.iter("blockquote"))
        assert not [q for q, n in quotes.items() if n > 1], path
    root = french_pages["/doc/centre/frejus"]
    quotes = list(root.iter("blockquote"))
    assert len(quotes) == 1 and text(quotes[0]).startswith("« Nos centres d’imagerie")
    source = root.find(".//li[@id='source-1']")
    supported = [text(a) for a in source.iter("a") if a.get("class") == "fact"]
    assert len(supported) == 2  # town and group; the two specialties are inferred (issue 15)
    assert CENTRE_FACT_LABELS["fr"] in supported
    inferred = root.find(".//li[@id='source-2']")
    assert inferred is not None and inferred.find("p[@class='inference']") is not None
    assert [a for a in inferred.iter("a") if a.get("class") == "premise"]
    refs = [a.get("href") for a in root.iter("a") if a.get("class") == "ref"]
    assert refs and {"#source-1", "#source-2"} <= set(refs)


def test_issue_12_outside_codes_name_their_vocabulary(client: FlaskClient) -> None:
    root = page(client, "/doc/modality/ct", "fr")
    links = {a.get("href"): text(a) for a in root.iter("a")}
    assert links["http://snomed.info/id/77477000"] == "SNOMED CT 77477000"
    assert links["http://id.nlm.nih.gov/mesh/D014057"] == "MeSH D014057"
    assert links["http://radlex.org/RID/RID10321"] == "RadLex RID10321"
    docs = page(client, "/ontology", "en")
    assert "SNOMED CT 77477000" in {text(a) for a in docs.iter("a")}


def test_issue_12_every_alignment_in_the_data_has_a_vocabulary_name(data_graph) -> None:
    """One table maps namespaces to names: every outside code the data uses is in it."""
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
    codes = {
        str(o)
        for p in matches
        for o in data_graph.objects(None, p)
        if isinstance(o, URIRef) and not str(o).startswith(("https://schema.org/", BASE))
    }
    assert len(codes) >= 10
    assert {c for c in codes if external_code(c) is None} == set()
    assert {name for _, name in VOCABULARIES} >= {"SNOMED CT", "MeSH", "RadLex"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_issue_12_facts_read_as_their_statement_everywhere(client: FlaskClient, lang: str) -> None:
    fact = page(client, f"/doc/{CENTRE_FACT}", lang)
    assert text(fact.find(".//main//h1")) == CENTRE_FACT_LABELS[lang]
    shown = 0
    for path in ("/", "/doc/document/interventional-radiology-page", "/ontology"):
        for a in page(client, path, lang).iter("a"):
            href = a.get("href") or ""
            if "/doc/fact/" not in href:
                continue
            slug = local_name(href.split("?")[0])
            assert slug.replace("-", " ") not in text(a) and " — " in text(a), (path, text(a))
            shown += 1
            if href.split("?")[0].endswith(CENTRE_FACT):
                assert text(a) == CENTRE_FACT_LABELS[lang]
    assert shown > 40


def test_statement_label_quotes_literals_and_names_codes() -> None:
    graph = rdflib.Graph()
    fact, thing = URIRef(f"{BASE}id/fact/x"), URIRef(f"{BASE}id/modality/ct")
    graph.add((thing, SKOS.prefLabel, rdflib.Literal("scanner", lang="fr")))
    graph.add((fact, RDF.subject, thing))
    graph.add((fact, RDF.predicate, SKOS.exactMatch))
    graph.add((fact, RDF.object, URIRef("http://snomed.info/id/77477000")))
    assert statement_label(graph, fact, "fr") == (
        "Scanner — correspondance exacte — SNOMED CT 77477000"
    )
    graph.set((fact, RDF.object, rdflib.Literal("TDM", lang="fr")))
    assert statement_label(graph, fact, "en") == "Scanner — exact match — “TDM”"
    assert statement_label(graph, thing, "fr") is None
