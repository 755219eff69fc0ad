"""The embedded schema.org JSON-LD: only real terms (checked against schema.org's own
vocabulary file, release 30.0, with domainIncludes), the intended triples once
expanded offline with pyld, and no way for data to break out of the script block."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from pyld import jsonld

from publisher.render.jsonld import PROPERTIES
from tests.conftest import BASE, DATA, MakeApp

VOCABULARY = DATA / "schemaorg-current-https.ttl"
CONTEXT = DATA / "schemaorgcontext.jsonld"
S = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


class Vocabulary:
    """Types, properties, super-classes and domainIncludes of schema.org."""

    def __init__(self, path: Path) -> None:
        self.types: set[str] = set()
        self.properties: set[str] = set()
        self.supers: dict[str, set[str]] = {}
        self.domains: dict[str, set[str]] = {}
        self.superseded: set[str] = set()
        with path.open("rb") as stream:
            for t in ox.parse(stream, format=ox.RdfFormat.TURTLE):
                s, p, o = t.subject, t.predicate.value, t.object
                if not isinstance(s, ox.NamedNode) or not s.value.startswith(S):
                    continue
                name = s.value[len(S) :]
                value = o.value if isinstance(o, ox.NamedNode) else ""
                if p == RDF_TYPE and value == f"{RDFS}Class":
                    self.types.add(name)
                elif p == RDF_TYPE and value.endswith("rdf-syntax-ns#Property"):
                    self.properties.add(name)
                elif p == f"{RDFS}subClassOf" and value.startswith(S):
                    self.supers.setdefault(name, set()).add(value[len(S) :])
                elif p == f"{S}domainIncludes":
                    self.domains.setdefault(name, set()).add(value[len(S) :])
                elif p == f"{S}supersededBy":
                    self.superseded.add(name)

    def ancestors(self, name: str) -> set[str]:
        seen, todo = {name}, [name]
        while todo:
            for parent in self.supers.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def allows(self, prop: str, types: list[str]) -> bool:
        lineage = set().union(*(self.ancestors(t) for t in types))
        return bool(lineage & self.domains.get(prop, set()))

    def problems(self, node: Any, where: str = "") -> Iterator[str]:
        """Every unknown type, unknown or superseded property, or domain violation."""
        if isinstance(node, list):
            for item in node:
                yield from self.problems(item, where)
            return
        if not isinstance(node, dict):
            return
        raw = node.get("@type", [])
        types = [raw] if isinstance(raw, str) else list(raw)
        for name in types:
            if name not in self.types:
                yield f"{where}: unknown type {name!r}"
        for key, value in node.items():
            if key.startswith("@"):
                continue
            if key not in self.properties:
                yield f"{where}: unknown property {key!r}"
            elif key in self.superseded:
                yield f"{where}: superseded property {key!r}"
            elif types and not self.allows(key, types):
                yield f"{where}: {key!r} is not allowed on {types} (domainIncludes)"
            yield from self.problems(value, f"{where}/{key}")


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(VOCABULARY)


def embedded(html: str) -> list[dict[str, Any]]:
    blocks = SCRIPT.findall(html)
    assert blocks, "no JSON-LD block"
    return [json.loads(block) for block in blocks]


def entity_paths(client: FlaskClient) -> list[str]:
    dump = client.get("/dumps/dataset.nq").get_data(as_text=True)
    return sorted(set(re.findall(rf"<{re.escape(BASE)}id/([^>]+)> ", dump)))


def test_the_projection_table_itself_respects_the_vocabulary() -> None:
    vocab = vocabulary()
    for type_name, properties in PROPERTIES.items():
        assert type_name in vocab.types, type_name
        for prop in properties:
            assert prop in vocab.properties, prop
            assert vocab.allows(prop, [type_name]), (type_name, prop)


def test_the_checker_catches_what_the_design_notes_warn_about() -> None:
    vocab = vocabulary()
    bad = {
        "@type": "MedicalOrganization",
        "availableService": {"@type": "MedicalProcedure"},
        "imagingTechnique": "CT",
        "telephon": "x",
        "aspect": "x",
        "sub": {"@type": "MedicalClinc"},
    }
    found = " ".join(vocab.problems(bad))
    assert "'availableService' is not allowed" in found
    assert "'imagingTechnique' is not allowed" in found
    assert "unknown property 'telephon'" in found
    assert "superseded property 'aspect'" in found
    assert "unknown type 'MedicalClinc'" in found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_uses_only_real_schema_org_terms(client: FlaskClient, lang: str) -> None:
    vocab = vocabulary()
    problems = []
    pages = ["/", "/dumps/", *(f"/doc/{p}" for p in entity_paths(client))]
    for page in pages:
        response = client.get(f"{page}?lang={lang}")
        assert response.status_code == 200, page
        for block in embedded(response.get_data(as_text=True)):
            assert block["@context"] == "https://schema.org"
            problems.extend(vocab.problems(block, page))
    assert not problems, problems


def test_centre_is_a_medical_clinic_with_specialty_and_organisation(
    client: FlaskClient,
) -> None:
    data = embedded(client.get("/doc/centre/frejus?lang=en").get_data(True))[0]
    assert data["@type"] == "MedicalClinic"
    assert data["name"]
    specialties = data["medicalSpecialty"]
    specialties = specialties if isinstance(specialties, list) else [specialties]
    assert any(s["@id"].endswith("/id/specialty/interventional-radiology") for s in specialties)
    assert all(s["@type"] == "MedicalSpecialty" for s in specialties)
    # Issue 15: the page never says a centre performs given procedures: no service.
    assert "availableService" not in data
    parent = data["parentOrganization"]
    assert parent["@type"] == "MedicalOrganization"
    assert parent["memberOf"]["@id"].endswith("/id/network/vidi")


def test_modality_procedure_page_and_video_types(client: FlaskClient) -> None:
    def first(path: str) -> dict[str, Any]:
        return embedded(client.get(path).get_data(True))[0]

    ct = first("/doc/modality/ct")
    assert ct["@type"] == "MedicalImagingTechnique"
    # skos:exactMatch becomes sameAs (issue 12: the exact schema.org member is named);
    # the closeMatch to a SNOMED CT procedure concept does not
    assert "http://radlex.org/RID/RID10321" in ct["sameAs"]
    assert "https://schema.org/CT" in ct["sameAs"]
    assert "http://snomed.info/id/77477000" not in ct["sameAs"]
    for slug, member in (("mri", "MRI"), ("ultrasound", "Ultrasound")):
        assert f"https://schema.org/{member}" in first(f"/doc/modality/{slug}")["sameAs"]
    # schema:Radiography is only close (it is also a specialty): never identity
    radiography = first("/doc/modality/radiography")
    assert "schema.org" not in json.dumps(radiography.get("sameAs", []))
    # an aspect groups procedures; it is not typed as one
    aspect = first("/doc/aspect/therapeutic")
    assert aspect["@type"] == "MedicalEntity"
    assert aspect["relevantSpecialty"]["@id"].endswith("/id/specialty/interventional-radiology")
    page = first("/doc/document/interventional-radiology-page")
    assert "MedicalWebPage" in page["@type"]
    assert page["publisher"]["@id"].endswith("/id/organisation/var-imagerie-medicale")
    assert page["video"]["@type"] == "VideoObject"
    video = first("/doc/video/sfr-interventional-radiology")
    assert video["@type"] == "VideoObject"
    assert video["creator"]["@id"].endswith("/id/organisation/sfr")


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve schema.org's context from the shipped copy; refuse every other URL."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(CONTEXT.read_text(encoding="utf-8")),
        }
    raise AssertionError(f"the test must not fetch {url}")


def expand(data: dict[str, Any]) -> rdflib.Graph:
    nquads = jsonld.to_rdf(
        data, {"format": "application/n-quads", "documentLoader": offline_loader}
    )
    return rdflib.Graph().parse(data=nquads, format="nt")


def test_pyld_expands_the_centre_into_the_intended_triples(client: FlaskClient) -> None:
    data = embedded(client.get("/doc/centre/frejus?lang=en").get_data(True))[0]
    graph = expand(data)
    sdo = rdflib.Namespace("http://schema.org/")
    centre = rdflib.URIRef(f"{BASE}id/centre/frejus")
    group = rdflib.URIRef(f"{BASE}id/organisation/var-imagerie-medicale")
    assert (centre, rdflib.RDF.type, sdo.MedicalClinic) in graph
    assert (
        centre,
        sdo.medicalSpecialty,
        rdflib.URIRef(f"{BASE}id/specialty/interventional-radiology"),
    ) in graph
    assert (centre, sdo.parentOrganization, group) in graph
    assert (group, sdo.memberOf, rdflib.URIRef(f"{BASE}id/network/vidi")) in graph
    assert (centre, sdo.location, rdflib.URIRef(f"{BASE}id/town/frejus")) in graph
    assert list(graph.objects(centre, sdo.availableService)) == []
    assert graph.value(centre, sdo.name) is not None
    page = rdflib.URIRef(f"{BASE}doc/centre/frejus")
    assert (centre, sdo.mainEntityOfPage, page) in graph


def test_pyld_drops_nothing_on_any_page(client: FlaskClient) -> None:
    """Every key written is a term the context knows: expansion keeps all of them."""
    for path in entity_paths(client):
        data = embedded(client.get(f"/doc/{path}").get_data(True))[0]
        expanded = jsonld.expand(data, {"documentLoader": offline_loader})
        keys = set()

        def walk(node: Any, out: set[str]) -> None:
            if isinstance(node, list):
                for item in node:
                    walk(item, out)
            elif isinstance(node, dict):
                for key, value in node.items():
                    out.add(key)
                    walk(value, out)

        walk(expanded, keys)
        written = set()
        walk(data, written)
        for key in written - {"@context"}:
            assert key.startswith("@") or f"http://schema.org/{key}" in keys, (path, key)


def test_injected_markup_is_escaped_in_html_and_json_ld(injected_app: Flask) -> None:
    client = injected_app.test_client()
    for path, lang in (("centre/frejus", "fr"), ("town/frejus", "fr"), ("modality/ct", "en")):
        html = client.get(f"/doc/{path}?lang={lang}").get_data(as_text=True)
        assert "alert(" in html, path  # the hostile text is shown...
        assert "<script>alert" not in html and "<b>" not in html, path  # ...never as markup
        assert html.count("<script") == 1 and html.count("</script>") == 1, path
        block = SCRIPT.search(html)
        assert block is not None and "</" not in block.group(1), path
        json.loads(block.group(1))
    centre = client.get("/doc/centre/frejus").get_data(as_text=True)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in centre
    data = embedded(centre)[0]
    assert data["alternateName"] == "</script><script>alert(1)</script>"
    town = client.get("/doc/town/frejus?lang=fr").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/script&gt;" in town
    # the label also reaches other pages (as a link text) escaped
    linked = client.get("/doc/centre/frejus?lang=fr").get_data(as_text=True)
    assert "&lt;b&gt;bold&lt;/b&gt;" in linked and "<b>bold" not in linked


def test_a_big_organisation_lists_at_most_100_sub_organisations(
    make_app: MakeApp, settings, tmp_path
) -> None:
    group = "id/organisation/var-imagerie-medicale"
    lines = [
        f"<id/centre/c{i:04d}> a <{S}MedicalClinic> ; <{S}name> 'C{i}' ;"
        f" <{S}parentOrganization> <{group}> ."
        for i in range(300)
    ]
    extra = tmp_path / "centres.ttl"
    extra.write_text("\n".join(lines), encoding="utf-8")
    app = make_app(settings, data_paths=(*settings.data_paths, extra), validate=False, fresh=True)
    html = app.test_client().get(f"/doc/{group[3:]}").get_data(as_text=True)
    data = embedded(html)[0]
    assert len(data["subOrganization"]) == 100
    assert not list(vocabulary().problems(data))
