"""What a resource page shows: labels in the reader's language, every link, each
fact's source and quote, inverse links, and hreflang alternates."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from publisher.render.html import resource_page
from tests.conftest import BASE, MakeApp

CENTRE = "centre/frejus"
PAGE = "interventional-radiology-page"


def test_page_links_every_related_thing_and_keeps_the_chosen_language(
    client: FlaskClient,
) -> None:
    html = client.get(f"/doc/{CENTRE}?lang=en").get_data(as_text=True)
    for target in (
        "specialty/interventional-radiology",
        "organisation/var-imagerie-medicale",
        "town/frejus",
    ):
        assert f'href="/doc/{target}?lang=en"' in html, target
    assert 'href="/ontology?lang=en#ImagingCentre"' in html
    assert re.search(r'<a class="fact" href="/doc/fact/[^"]+\?lang=en">[^<]+ — offers — ', html)


def test_each_fact_shows_its_source_page_and_quote(client: FlaskClient) -> None:
    html = client.get(f"/doc/{CENTRE}?lang=fr").get_data(as_text=True)
    assert "Source\u202f:" in html
    assert 'href="/doc/document/interventional-radiology-page?lang=fr"' in html
    assert re.search(r"<blockquote lang=\"fr\">« Nos centres d’imagerie[^<]+»</blockquote>", html)


def test_inverse_links_read_offered_by_and_part_of(client: FlaskClient) -> None:
    en = client.get("/doc/specialty/interventional-radiology?lang=en").get_data(True)
    assert "Links to this resource" in en and "offered by" in en
    assert f'href="/doc/{CENTRE}?lang=en"' in en
    fr = client.get("/doc/aspect/therapeutic?lang=fr").get_data(True)
    assert "versant de" in fr  # rim:hasAspect, read from the aspect's side


def test_hreflang_alternates_and_format_links(client: FlaskClient) -> None:
    html = client.get(f"/doc/{CENTRE}").get_data(as_text=True)
    doc = f"{BASE}doc/{CENTRE}"
    assert f'<link rel="canonical" href="{doc}">' in html
    assert f'<link rel="alternate" hreflang="fr" href="{doc}?lang=fr">' in html
    assert f'<link rel="alternate" hreflang="en" href="{doc}?lang=en">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{doc}">' in html
    assert f'<link rel="alternate" type="text/turtle" href="/doc/{CENTRE}.ttl">' in html
    assert "<script src" not in html  # works without JavaScript


def test_labels_follow_the_language(app: Flask) -> None:
    client = app.test_client()
    fr = client.get("/doc/specialty/interventional-radiology?lang=fr").get_data(True)
    en = client.get("/doc/specialty/interventional-radiology?lang=en").get_data(True)
    assert "<h1>Radiologie interventionnelle</h1>" in fr
    assert "<h1>Interventional radiology</h1>" in en


def test_unstated_sourced_facts_are_still_shown() -> None:
    """A fact node whose triple is not asserted lands in "other sourced facts"."""
    s, p, o = URIRef(f"{BASE}id/x/a"), URIRef(f"{BASE}ontology#p"), Literal("v")
    fact = URIRef(f"{BASE}id/fact/f")
    graph = Graph()
    graph.add((s, RDF.type, URIRef(f"{BASE}ontology#C")))
    for predicate, value in ((RDF.subject, s), (RDF.predicate, p), (RDF.object, o)):
        graph.add((fact, predicate, value))
    page = resource_page(graph, str(s), Graph(), BASE, "en")
    assert not page.rows
    assert [row.values[0].value.text for row in page.other] == ["v"]
    assert page.sources[0].facts[0].href == "/doc/fact/f"


def test_fact_page_reads_as_a_statement_and_shows_its_quote(client: FlaskClient) -> None:
    html = client.get("/doc/fact/centre-frejus-located-in-frejus?lang=en").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", html)
    assert heading and heading.group(1).endswith(" — is located in — Fréjus")
    assert "<span>« Nos centres d’imagerie" in html  # the selector's exact quote, not a node id


def test_a_hub_lists_its_first_links_and_points_to_the_rest(
    make_app: MakeApp, settings, tmp_path
) -> None:
    """1,200 things citing one page: the document keeps 1,000 (the same in every
    format), the HTML shows 100 per predicate and links a fragment for the rest."""
    lines = [
        f"<id/note/n{i:04d}> <https://schema.org/citation> <id/document/{PAGE}> ;"
        f' <http://www.w3.org/2000/01/rdf-schema#label> "note {i:04d}"@fr .'
        for i in range(1200)
    ]
    hub = tmp_path / "hub.ttl"
    hub.write_text("\n".join(lines), encoding="utf-8")
    app = make_app(settings, data_paths=(*settings.data_paths, hub), validate=False, fresh=True)
    client = app.test_client()
    page = f"/doc/document/{PAGE}"
    nt = client.get(f"{page}.nt").get_data(as_text=True)
    rdf_ns = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    incoming = [
        line
        for line in nt.splitlines()
        if line.endswith(f"<{BASE}id/document/{PAGE}> .")
        and not line.split(" ")[1].startswith((rdf_ns + "subject", rdf_ns + "object"))
    ]
    assert len(incoming) == 1000
    html = client.get(f"{page}?lang=fr").get_data(as_text=True)
    assert html.count('href="/doc/note/') == 100
    assert "et d’autres liens" in html
    assert "/fragments?predicate=https%3A%2F%2Fschema.org%2Fcitation&amp;object=" in html


def test_every_page_is_well_formed_html(client: FlaskClient) -> None:
    """html5lib's strict parser raises on any parse error (unclosed or stray tags...)."""
    import html5lib

    dump = client.get("/dumps/dataset.nq").get_data(as_text=True)
    entities = sorted(set(re.findall(rf"<{re.escape(BASE)}id/([^>]+)> ", dump)))
    for path in ["/", "/dumps/", *(f"/doc/{e}" for e in entities)]:
        for lang in ("fr", "en"):
            html = client.get(f"{path}?lang={lang}").get_data(as_text=True)
            html5lib.HTMLParser(strict=True).parse(html)
