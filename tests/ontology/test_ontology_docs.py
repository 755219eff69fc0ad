"""Issue 7: /ontology and /shapes document every term, and serve the RDF by negotiation."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from flask.testing import FlaskClient

from publisher.cli import cli
from publisher.config import PROJECT_ROOT
from publisher.graph.publication import Publication
from publisher.ontology.layout import edges
from publisher.ontology.vocabulary import CLASS_TYPES, declared_terms, rim
from publisher.rdf.formats import RDF

BASE = "http://127.0.0.1:8080/"


def pub(client: FlaskClient) -> Publication:
    return client.application.extensions["publisher"]


def terms(client: FlaskClient) -> dict:
    return declared_terms(pub(client).dataset.rdflib_graph("ontology"), rim(BASE))


def test_issue_7_every_term_is_documented_with_labels_and_definitions(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    ontology = pub(client).dataset.rdflib_graph("ontology")
    for term in terms(client):
        name = str(term)[len(rim(BASE)) :]
        article = re.search(rf'<article class="term" id="{name}".*?</article>', html, re.S)
        assert article, name
        for lang in ("fr", "en"):
            label = next(o for o in ontology.objects(term, rdflib.RDFS.label) if o.language == lang)
            assert f'<span lang="{lang}">{_esc(label)}</span>' in article.group(0)
            definition = next(
                o for o in ontology.objects(term, rdflib.SKOS.definition) if o.language == lang
            )
            assert _esc(definition) in article.group(0)


def _esc(text: object) -> str:
    from markupsafe import escape

    return str(escape(str(text)))


def _article(html: str, anchor: str) -> str:
    found = re.search(rf'<article class="term" id="{re.escape(anchor)}".*?</article>', html, re.S)
    assert found, anchor
    return found.group(0)


def test_a_class_shows_hierarchy_schema_shapes_usage_and_examples(client: FlaskClient) -> None:
    html = client.get("/ontology?lang=en").get_data(as_text=True)
    centre = _article(html, "ImagingCentre")
    assert 'href="https://schema.org/MedicalClinic"' in centre
    assert 'href="/shapes#CentreParentShape"' in centre
    count = pub(client).store.select(
        f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{BASE}graph/data> "
        f"{{ ?s a <{BASE}ontology#ImagingCentre> }} }}"
    )[0]["n"]
    assert int(count) >= 3
    assert f'<td class="usage">{int(count)}</td>' in centre
    assert 'href="/doc/centre/draguignan"' in centre
    aspect = _article(html, "ProcedureAspect")
    assert 'href="#TherapeuticAspect"' in aspect and 'href="#DiagnosticAspect"' in aspect
    assert 'href="#ProcedureAspect"' in _article(html, "TherapeuticAspect")
    fact = _article(html, "Fact")
    assert "No schema.org counterpart" in fact


def test_properties_show_domain_and_range_and_concepts_link_to_their_pages(
    client: FlaskClient,
) -> None:
    html = client.get("/ontology?lang=en").get_data(as_text=True)
    aspect_of = _article(html, "aspectOf")
    assert 'href="#ProcedureAspect"' in aspect_of and 'href="#MedicalSpecialty"' in aspect_of
    ct = _article(html, "id-modality-ct")
    assert 'href="/doc/modality/ct"' in ct and 'href="https://schema.org/CT"' in ct


def test_labels_follow_the_language_asked_for(client: FlaskClient) -> None:
    fr = client.get("/ontology", headers={"Accept-Language": "fr"})
    en = client.get("/ontology?lang=en", headers={"Accept-Language": "fr"})
    assert fr.headers["Content-Language"] == "fr" and en.headers["Content-Language"] == "en"
    assert "<h3>centre d’imagerie <small" in fr.get_data(as_text=True)
    assert "<h3>imaging centre <small" in en.get_data(as_text=True)
    assert "Accept-Language" in fr.headers["Vary"]


def test_the_diagram_has_a_box_per_class_and_the_links(client: FlaskClient) -> None:
    html = client.get("/ontology?lang=en").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    classes = [t for t, k in terms(client).items() if k & set(CLASS_TYPES)]
    for cls in classes:
        assert f'<a href="#{str(cls)[len(rim(BASE)) :]}"><rect' in svg
    ontology = pub(client).dataset.rdflib_graph("ontology")
    shapes = pub(client).dataset.rdflib_graph("shapes")
    links = edges(ontology, BASE, shapes, pub(client).dataset.rdflib_graph("data"))
    assert len(re.findall(r'<path d="[^"]+" fill="none"', svg)) == len(links) > len(classes) // 2
    assert "<title>has aspect</title>" in svg
    ElementTree.fromstring(svg)  # well-formed XML


@pytest.mark.parametrize("fmt", RDF, ids=lambda f: f.token)
def test_the_ontology_and_shapes_in_every_rdf_format(client: FlaskClient, fmt) -> None:
    for role in ("ontology", "shapes"):
        response = client.get(f"/{role}", headers={"Accept": fmt.media_type})
        assert response.status_code == 200 and response.mimetype == fmt.media_type
        assert response.headers["Content-Location"] == f"/{role}.{fmt.extension}"
        parsed = list(ox.parse(response.data, format=fmt.oxigraph, base_iri=BASE))
        expected = len(pub(client).dataset.rdflib_graph(role))
        assert len(parsed) == expected
        assert client.get(f"/{role}.{fmt.extension}").data == response.data
        assert f'</{role}.html>; rel="alternate"; type="text/html"' in response.headers["Link"]


def test_not_acceptable_and_unknown_terms(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/turtle" in response.get_data(as_text=True)
    assert client.get("/ontology.xyz").status_code == 406
    found = client.get("/ontology/ImagingCentre")
    assert found.status_code == 303 and found.headers["Location"].endswith(
        "/ontology#ImagingCentre"
    )
    assert client.get("/ontology/NoSuchTerm").status_code == 404


def test_shapes_page_lists_every_named_shape(client: FlaskClient) -> None:
    html = client.get("/shapes?lang=en").get_data(as_text=True)
    shapes = pub(client).dataset.rdflib_graph("shapes")
    named = {
        str(s)
        for kind in (rdflib.SH.NodeShape, rdflib.SH.PropertyShape)
        for s in shapes.subjects(rdflib.RDF.type, kind)
        if isinstance(s, rdflib.URIRef)
    }
    assert named
    for shape in named:
        assert f'id="{shape.rsplit("#", 1)[-1]}"' in html
    assert "sh:minCount 1" in html
    target = "<code>sh:targetClass rim:ImagingCentre</code>"
    assert f'<a href="/ontology#ImagingCentre">{target}</a>' in html


def test_publisher_docs_writes_the_same_documentation(tmp_path: Path, client: FlaskClient) -> None:
    target = tmp_path / "ontology.html"
    result = CliRunner().invoke(cli, ["docs", "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    static = target.read_text(encoding="utf-8")
    served = client.get("/ontology?lang=en").get_data(as_text=True)
    anchors = set(re.findall(r'<article class="term" id="([^"]+)"', served))
    assert anchors and anchors == set(re.findall(r'<article class="term" id="([^"]+)"', static))
    assert "<svg" in static and "<style>" in static and "/static/" not in static
    assert f'href="{BASE}doc/centre/frejus"' in static


def test_the_committed_static_documentation_is_up_to_date(client: FlaskClient) -> None:
    """docs/ontology.html documents every term and concept; if not, run `publisher docs`."""
    static = (PROJECT_ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    served = client.get("/ontology?lang=en").get_data(as_text=True)
    pattern = r'<article class="term" id="([^"]+)"'
    missing = set(re.findall(pattern, served)) - set(re.findall(pattern, static))
    assert not missing, f"docs/ontology.html lacks {sorted(missing)}: run `publisher docs`"
