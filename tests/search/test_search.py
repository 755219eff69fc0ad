"""/search: folded text over labels, ranking, facets, paging, languages, formats, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from publisher import Settings
from publisher.config import PROJECT_ROOT
from publisher.search.index import Entry, Label, SearchIndex
from publisher.search.words import EXACT, PREFIX, WORD, fold, match_level
from tests.conftest import BASE, MakeApp

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def search(client: FlaskClient, **params: object) -> dict:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/ld+json"
    return response.get_json()


def iris(document: dict) -> list[str]:
    return [item["id"] for item in document["items"]]


@pytest.mark.parametrize("spelling", ["echographie", "ÉCHOGRAPHIE", "échographie", "Echographie"])
def test_case_and_accents_do_not_matter(client: FlaskClient, spelling: str) -> None:
    document = search(client, q=spelling)
    assert iris(document) == iris(search(client, q="échographie"))
    assert iris(document)[0] == f"{BASE}id/modality/ultrasound"


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        ("scanner", "ct"),
        ("CT", "ct"),
        ("tomodensitometrie", "ct"),
        ("IRM", "mri"),
        ("MRI", "mri"),
        ("résonance magnétique", "mri"),
        ("ultrasons", "ultrasound"),
    ],
)
def test_synonyms_find_the_modality_first(client: FlaskClient, words: str, slug: str) -> None:
    assert iris(search(client, q=words))[0] == f"{BASE}id/modality/{slug}"


def test_matched_label_is_the_synonym_and_label_the_asked_language(
    client: FlaskClient,
) -> None:
    item = search(client, q="scanner", lang="en")["items"][0]
    assert item["label"] == {"@value": "computed tomography", "@language": "en"}
    assert item["matchedLabel"] == {"@value": "scanner", "@language": "fr"}
    assert "rim:ImagingModality" in item["type"]
    assert item["document"] == f"{BASE}doc/modality/ct"
    french = search(client, q="MRI", lang="fr")["items"][0]
    assert french["label"] == {"@value": "IRM", "@language": "fr"}


def test_accept_language_picks_the_label_language(client: FlaskClient) -> None:
    response = client.get("/search?q=scanner", headers={"Accept-Language": "en-GB,en"})
    assert response.get_json()["items"][0]["label"]["@language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]


def test_ranking_is_exact_then_prefix_then_word(client: FlaskClient) -> None:
    items = search(client, q="radiologie", size=100)["items"]
    levels = [
        match_level(fold(item["matchedLabel"]["@value"]), fold("radiologie")) for item in items
    ]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] == EXACT and PREFIX in levels and WORD in levels
    assert items[0]["id"] == f"{BASE}id/specialty/radiology"
    assert [item["rank"] for item in items] == list(range(1, len(items) + 1))


def test_every_word_must_match(client: FlaskClient) -> None:
    found = iris(search(client, q="radiologie interventionnelle", size=100))
    assert f"{BASE}id/specialty/interventional-radiology" in found
    assert f"{BASE}id/specialty/conventional-radiology" not in found


def test_facets_combine_and_are_counted(client: FlaskClient) -> None:
    everything = search(client, q="imagerie", size=100)
    towns = {value["value"]: value["count"] for value in everything["facets"]["town"]}
    assert towns == {f"{BASE}id/town/{t}": 1 for t in ("frejus", "saint-raphael", "draguignan")}
    one = search(client, q="imagerie", town="frejus", specialty="interventional-radiology")
    assert iris(one) == [f"{BASE}id/centre/frejus"]
    two = search(client, q="imagerie", town=["frejus", "draguignan"], type="ImagingCentre")
    assert sorted(iris(two)) == [f"{BASE}id/centre/draguignan", f"{BASE}id/centre/frejus"]
    assert search(client, q="imagerie", town="frejus", type="rim:Town")["total"] == 0


def test_facets_alone_list_what_matches(client: FlaskClient) -> None:
    centres = search(client, type="schema:MedicalClinic")
    assert centres["total"] == 3
    by_iri = search(client, modality=f"{BASE}id/modality/mri", type="rim:ImagingModality")
    assert iris(by_iri) == [f"{BASE}id/modality/mri"]
    aspects = search(client, aspect="diagnostic", type="rim:Procedure")
    assert iris(aspects) == [f"{BASE}id/procedure/image-guided-sampling"]


def test_facet_links_toggle_a_value(client: FlaskClient) -> None:
    document = search(client, q="imagerie")
    frejus = next(v for v in document["facets"]["town"] if v["value"].endswith("/frejus"))
    filtered = client.get(frejus["filter"]).get_json()
    assert iris(filtered) == [f"{BASE}id/centre/frejus"]
    again = next(v for v in filtered["facets"]["town"] if v["value"].endswith("/frejus"))
    assert client.get(again["filter"]).get_json()["total"] == document["total"]


def test_paging_links_walk_every_result_once(client: FlaskClient) -> None:
    first = search(client, q="radio", size=3)
    total, seen, page, pages = first["total"], [], first, 0
    assert total > 6 and "previous" not in first["view"]
    while True:
        pages += 1
        seen += iris(page)
        if "next" not in page["view"]:
            break
        page = client.get(page["view"]["next"]).get_json()
        assert page["view"]["previous"]
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 3)
    assert page["view"]["last"] == page["id"]


def test_page_past_the_end_is_empty_not_an_error(client: FlaskClient) -> None:
    document = search(client, q="radio", page=50)
    assert document["items"] == [] and document["total"] > 0
    assert "next" not in document["view"]


@pytest.mark.parametrize("q", ["", "   ", "zzzxqy", "!!!", "'; DROP TABLE --", "a" * 200])
def test_empty_or_nonsense_gives_zero_results(client: FlaskClient, q: str) -> None:
    document = search(client, q=q)
    assert document["total"] == 0 and document["items"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=1.5", "page"),
        ("size=1000", "size"),
        ("lang=xx", "lang"),
        ("modality=Not%20A%20Modality", "valid values: angiography (angiographie)"),
        ("town=%3Cscript%3E", "town"),
        ("type=unknown:Prefix", "type"),
        ("centre=http://elsewhere.example/id/centre/frejus", "centre"),
        ("q=" + "a" * 201, "q"),
    ],
)
def test_bad_parameters_are_400_with_a_message(
    client: FlaskClient, query: str, message: str
) -> None:
    response = client.get(f"/search?{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body and "Traceback" not in body


# ---------------------------------------------------------------- issue 12: as people type it


def test_issue_12_a_value_naming_nothing_lists_the_facets_values(client: FlaskClient) -> None:
    response = client.get("/search", query_string={"q": "radio", "modality": "pet"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "modality: nothing is called 'pet'" in body
    for slug, label in (("ct", "scanner"), ("mri", "IRM"), ("ultrasound", "échographie")):
        assert f"{slug} ({label})" in body
    towns = client.get("/search", query_string={"town": "Fréjuss"}).get_data(as_text=True)
    assert "frejus (Fréjus)" in towns and "saint-raphael (Saint-Raphaël)" in towns
    assert "ct" not in towns.split("valid values:")[1]  # a modality is no example of a town


IR = "interventional-radiology"


@pytest.mark.parametrize(
    ("facet", "spellings", "expected"),
    [
        ("town", ["Fréjus", "frejus", "FREJUS", "fréjus", f"{BASE}id/town/frejus"], "frejus"),
        ("town", ["Saint-Raphaël", "saint raphael", "saint-raphael"], "saint-raphael"),
        ("modality", ["IRM", "MRI", "irm", "mri", "magnetic resonance imaging"], "mri"),
        ("modality", ["scanner", "Scanner", "CT", "ct"], "ct"),
        ("modality", ["Échographie", "echographie", "ultrasound"], "ultrasound"),
        ("specialty", ["Radiologie interventionnelle", "interventional radiology"], IR),
    ],
)
def test_issue_12_facets_accept_what_a_person_writes(
    client: FlaskClient, facet: str, spellings: list[str], expected: str
) -> None:
    for spelling in spellings:
        document = search(client, **{facet: spelling})
        assert document["total"] > 0, spelling
        assert f"{BASE}id/{facet}/{expected}" in iris(document), spelling  # its own value
        chosen = [v["value"] for v in document["facets"][facet]]
        assert f"{BASE}id/{facet}/{expected}" in chosen, spelling


@pytest.mark.parametrize(
    "spelling",
    [
        "ImagingCentre",
        "rim:ImagingCentre",
        "imaging centre",
        "Centre d'imagerie",
        "centre d’imagerie",
    ],
)
def test_issue_12_type_accepts_a_term_or_a_label(client: FlaskClient, spelling: str) -> None:
    document = search(client, type=spelling)
    assert document["total"] >= 3
    assert all("rim:ImagingCentre" in item["type"] for item in document["items"])


def test_issue_12_a_value_written_as_a_label_toggles_off(client: FlaskClient) -> None:
    document = search(client, town="Fréjus", type="centre d'imagerie")
    (chosen,) = [v for v in document["facets"]["town"] if v["value"] == f"{BASE}id/town/frejus"]
    assert "town=" not in chosen["filter"]  # its link takes the town away again
    assert "type=rim%3AImagingCentre" in document["view"]["first"]


def test_issue_12_search_and_api_agree_on_centres_of_a_modality(client: FlaskClient) -> None:
    """The facet follows the partner query's relation (publisher/search/relations.py)."""
    for modality in ("mri", "ct", "ultrasound", "radiography", "angiography"):
        api = client.get(f"/api/centres-by-modality?modality={modality}").get_json()
        expected = {row["centre"] for row in api["results"]}
        found = search(client, modality=modality, type="ImagingCentre", size=100)
        assert set(iris(found)) == expected, modality
    mri = search(client, modality="mri", type="ImagingCentre")
    assert mri["total"] == 3


def test_issue_12_type_facet_shows_labels_in_their_own_language(client: FlaskClient) -> None:
    for lang in ("fr", "en"):
        response = client.get("/search", query_string={"q": "irm", "lang": lang})
        assert response.headers["Content-Type"] == "application/ld+json; charset=utf-8"
        types = {v["value"]: v["label"] for v in response.get_json()["facets"]["type"]}
        concept = types["http://www.w3.org/2004/02/skos/core#Concept"]
        assert concept["@value"] != "Concept" and concept.get("@language") in (lang, None)
        for value, label in types.items():
            assert label["@value"] != value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], value
            assert label.get("@language") in (lang, None)
    html = client.get("/search?q=irm&lang=en", headers={"Accept": "text/html"})
    assert ">Concept<" not in html.get_data(as_text=True)


def test_jsonld_parses_as_rdf_without_network(client: FlaskClient) -> None:
    response = client.get("/search?q=scanner&lang=en")
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    collection = rdflib.URIRef(response.get_json()["id"])
    assert (collection, rdflib.RDF.type, HYDRA.Collection) in graph
    assert graph.value(collection, HYDRA.totalItems).toPython() == response.get_json()["total"]
    ct = rdflib.URIRef(f"{BASE}id/modality/ct")
    assert (collection, HYDRA.member, ct) in graph
    assert (ct, rdflib.RDFS.label, rdflib.Literal("computed tomography", lang="en")) in graph
    quads = jsonld.to_rdf(response.get_json(), {"format": "application/n-quads"})
    assert f"<{ct}> <http://www.w3.org/2000/01/rdf-schema#label>" in quads


def test_browsers_get_html_with_form_facets_and_resource_links(client: FlaskClient) -> None:
    response = client.get(
        "/search?q=imagerie", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<input id="q" name="q" type="search" value="imagerie"' in html
    assert 'href="/doc/centre/frejus"' in html
    assert "town=frejus" in html  # a facet filter link


def test_html_escapes_the_query(client: FlaskClient) -> None:
    response = client.get(
        "/search",
        query_string={"q": '<script>alert("x")</script>'},
        headers={"Accept": "text/html"},
    )
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_not_acceptable_lists_the_offered_types(client: FlaskClient) -> None:
    response = client.get("/search?q=irm", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/ld+json" in response.get_data(as_text=True)


def test_index_follows_a_reload(make_app: MakeApp, tmp_path: Path) -> None:
    data = tmp_path / "graph"
    for part in ("ontology", "data"):
        shutil.copytree(PROJECT_ROOT / part, data / part)
    app = make_app(Settings(data_paths=(data,), validate=False), fresh=True)
    client = app.test_client()
    assert client.get("/search?q=scintigraphie").get_json()["total"] == 0
    (data / "data" / "extra.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<id/modality/scintigraphy> skos:prefLabel "scintigraphie"@fr .\n',
        encoding="utf-8",
    )
    app.extensions["publisher"].reload()
    found = client.get("/search?q=SCINTIGRAPHIE").get_json()
    assert [item["id"] for item in found["items"]] == [f"{BASE}id/modality/scintigraphy"]


def test_response_is_cacheable_and_cors(client: FlaskClient) -> None:
    response = client.get("/search?q=irm")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/search?q=irm", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert json.loads(response.get_data(as_text=True))["total"] >= 1


@given(
    labels=st.lists(st.text(alphabet="abcé -", max_size=12), min_size=1, max_size=4),
    query=st.text(alphabet="abcé -", max_size=6),
)
def test_fast_single_word_ranking_agrees_with_match_level(labels: list[str], query: str) -> None:
    entry = Entry("http://x/id/a/b", [Label(text, "fr", fold(text)) for text in labels])
    level, matched = SearchIndex._best_match(entry, fold(query), "fr")
    expected = max(match_level(fold(text), fold(query)) for text in labels)
    assert level == expected
    assert matched is None or match_level(matched.words, fold(query)) == expected


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=200),
    facet=st.sampled_from(["type", "modality", "specialty", "aspect", "centre", "town"]),
    value=st.text(max_size=40),
    lang=st.sampled_from(["fr", "en", None]),
)
def test_generated_searches_never_fail(
    client: FlaskClient, q: str, facet: str, value: str, lang: str | None
) -> None:
    assert client.get("/search", query_string={"q": q}).status_code == 200
    params = {"q": q, facet: value, **({"lang": lang} if lang else {})}
    for accept in ("application/ld+json", "text/html"):
        response = client.get("/search", query_string=params, headers={"Accept": accept})
        assert response.status_code in {200, 400}, response.get_data(as_text=True)
