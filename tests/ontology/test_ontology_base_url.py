"""The ontology page and files follow the configured base URL, not the default one.

The page once rewrote ``http://127.0.0.1:8080/`` in a prefix table fixed at
import: changing the default would have silently left ``rim:`` pointing nowhere.
"""

from __future__ import annotations

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from publisher import Settings
from publisher.ontology.vocabulary import declared_terms, rim
from tests.conftest import MakeApp

OTHER = "https://kg.example.org/radiology/"
DEFAULT = Settings().base_url


@pytest.fixture(scope="module")
def other_client(make_app: MakeApp) -> FlaskClient:
    assert OTHER != DEFAULT
    return make_app(Settings(base_url=OTHER)).test_client()


@pytest.mark.parametrize(("role", "prefix"), [("ontology", "rim"), ("shapes", "rimsh")])
def test_turtle_binds_the_projects_prefixes_under_the_configured_base(
    other_client: FlaskClient, role: str, prefix: str
) -> None:
    text = other_client.get(f"/{role}.ttl").get_data(as_text=True)
    assert f"@prefix rim: <{OTHER}ontology#> ." in text
    assert f"@prefix rimsh: <{OTHER}shapes#> ." in text
    assert f"\n{prefix}:" in text  # the project's terms are written with their prefix
    assert DEFAULT not in text


def test_turtle_is_the_default_graph_moved_to_the_configured_base(
    client: FlaskClient, other_client: FlaskClient
) -> None:
    here = rdflib.Graph().parse(data=other_client.get("/ontology.ttl").data, format="turtle")
    moved = client.get("/ontology.ttl").get_data(as_text=True).replace(DEFAULT, OTHER)
    assert isomorphic(here, rdflib.Graph().parse(data=moved, format="turtle"))


def test_the_page_documents_every_term_under_the_configured_base(
    other_client: FlaskClient,
) -> None:
    html = other_client.get("/ontology?lang=en").get_data(as_text=True)
    ontology = rdflib.Graph().parse(data=other_client.get("/ontology.ttl").data, format="turtle")
    terms = declared_terms(ontology, rim(OTHER))
    assert len(terms) > 10
    for term in terms:
        assert f'<article class="term" id="{str(term)[len(rim(OTHER)) :]}"' in html, term
    assert f"{OTHER}ontology#" in html and DEFAULT not in html
    answer = other_client.get("/ontology/ImagingCentre")
    assert answer.status_code == 303 and answer.headers["Location"] == "/ontology#ImagingCentre"
