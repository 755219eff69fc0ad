"""The HTTP contract of identifiers and resource documents (HTTP.md, first table)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from publisher import Settings
from publisher.rdf.formats import RDF, RESOURCE
from tests.conftest import BASE, MakeApp

CENTRE = "centre/frejus"
OFFERED = [f.media_type for f in RESOURCE]


def test_id_is_never_a_document_it_answers_303_to_the_doc(client: FlaskClient) -> None:
    response = client.get(f"/id/{CENTRE}", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/doc/{CENTRE}"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("fmt", RDF, ids=lambda f: f.token)
def test_id_goes_straight_to_the_format_accept_names(client: FlaskClient, fmt) -> None:
    response = client.get(f"/id/{CENTRE}", headers={"Accept": fmt.media_type})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/doc/{CENTRE}.{fmt.extension}"


def test_id_with_a_wildcard_accept_goes_to_the_negotiated_doc(client: FlaskClient) -> None:
    response = client.get(f"/id/{CENTRE}", headers={"Accept": "*/*"})
    assert response.headers["Location"] == f"/doc/{CENTRE}"


@pytest.mark.parametrize("path", ["/id/centre/nowhere", "/doc/centre/nowhere", "/id/", "/doc/x"])
def test_unknown_things_are_404_in_plain_text(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ['/id/centre/a"b', "/id/centre/a%3Eb", "/doc/centre/a%20b", "/doc/centre/%7B%7D"]
)
def test_characters_that_cannot_be_in_an_iri_are_404_not_500(
    client: FlaskClient, path: str
) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("fmt", RESOURCE, ids=lambda f: f.token)
def test_doc_negotiates_every_format(client: FlaskClient, fmt) -> None:
    response = client.get(f"/doc/{CENTRE}", headers={"Accept": fmt.media_type})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    assert response.headers["Content-Location"] == f"/doc/{CENTRE}.{fmt.extension}"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"]
    links = response.headers["Link"]
    for other in RESOURCE:
        if other is not fmt:
            assert (
                f'</doc/{CENTRE}.{other.extension}>; rel="alternate"; type="{other.media_type}"'
                in links
            )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("", "text/html"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("application/n-triples, text/html;q=0.1", "application/n-triples"),
        ("text/*;q=0.9, text/html;q=0", "text/turtle"),
        ("application/x-turtle", "text/turtle"),
        ("application/rdf+xml;q=1, */*;q=0.1", "application/rdf+xml"),
        ("application/trig", "application/trig"),
    ],
)
def test_q_values_and_wildcards(client: FlaskClient, accept, expected: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = client.get(f"/doc/{CENTRE}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected


@pytest.mark.parametrize("accept", ["image/png", "application/json;q=1, */*;q=0", "text/csv"])
def test_406_lists_every_offered_type(client: FlaskClient, accept: str) -> None:
    response = client.get(f"/doc/{CENTRE}", headers={"Accept": accept})
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    assert all(media_type in body for media_type in OFFERED)
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize("fmt", RESOURCE, ids=lambda f: f.token)
def test_fixed_extension_urls_ignore_accept(client: FlaskClient, fmt) -> None:
    response = client.get(f"/doc/{CENTRE}.{fmt.extension}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    assert response.headers["Content-Location"] == f"/doc/{CENTRE}.{fmt.extension}"
    assert "Accept," not in response.headers.get("Vary", "") + ","


def test_format_parameter_chooses_and_unknown_format_is_406(client: FlaskClient) -> None:
    assert client.get(f"/doc/{CENTRE}?format=ttl").mimetype == "text/turtle"
    assert client.get(f"/doc/{CENTRE}?format=nope").status_code == 406


def test_unknown_extension_is_404(client: FlaskClient) -> None:
    assert client.get(f"/doc/{CENTRE}.exe").status_code == 404


def test_head_answers_like_get_without_a_body(client: FlaskClient) -> None:
    response = client.head(f"/doc/{CENTRE}.ttl")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"] == client.get(f"/doc/{CENTRE}.ttl").headers["ETag"]


def test_etag_gives_304_and_depends_on_format_and_language(client: FlaskClient) -> None:
    first = client.get(f"/doc/{CENTRE}.ttl")
    etag = first.headers["ETag"]
    again = client.get(f"/doc/{CENTRE}.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(f"/doc/{CENTRE}.nt").headers["ETag"] != etag
    fr = client.get(f"/doc/{CENTRE}?lang=fr").headers["ETag"]
    assert client.get(f"/doc/{CENTRE}?lang=en").headers["ETag"] != fr


def test_etag_changes_when_the_data_changes(make_app: MakeApp, settings: Settings) -> None:
    from tests.conftest import INJECTION

    unchecked = settings.with_changes(validate=False)
    before = make_app(unchecked).test_client().get(f"/doc/{CENTRE}.ttl")
    changed = unchecked.with_changes(data_paths=(*settings.data_paths, INJECTION))
    after = make_app(changed).test_client().get(f"/doc/{CENTRE}.ttl")
    assert before.headers["ETag"] != after.headers["ETag"]


def test_language_from_accept_language_and_lang_parameter(client: FlaskClient) -> None:
    en = client.get(f"/doc/{CENTRE}", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert en.headers["Content-Language"] == "en" and '<html lang="en">' in en.get_data(True)
    assert "Accept-Language" in en.headers["Vary"]
    fr = client.get(f"/doc/{CENTRE}?lang=fr", headers={"Accept-Language": "en"})
    assert fr.headers["Content-Language"] == "fr"
    default = client.get(f"/doc/{CENTRE}", headers={"Accept-Language": "de"})
    assert default.headers["Content-Language"] == "fr"


def test_identifiers_follow_the_base_url(make_app: MakeApp, settings: Settings) -> None:
    moved = settings.with_changes(base_url="http://example.org:9/pub", validate=False)
    client = make_app(moved).test_client()
    turtle = client.get(f"/doc/{CENTRE}.nt").get_data(as_text=True)
    assert f"<http://example.org:9/pub/id/{CENTRE}>" in turtle
    assert "127.0.0.1:8080" not in turtle


def test_cached_pages_change_when_the_data_is_reloaded(
    make_app: MakeApp, settings: Settings, tmp_path
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        '<id/centre/frejus> <https://schema.org/alternateName> "Premier nom" .\n', "utf-8"
    )
    app = make_app(settings, data_paths=(*settings.data_paths, extra), validate=False, fresh=True)
    client = app.test_client()
    first = client.get(f"/doc/{CENTRE}?lang=fr")
    assert "Premier nom" in first.get_data(as_text=True)
    extra.write_text(
        '<id/centre/frejus> <https://schema.org/alternateName> "Second nom" .\n', "utf-8"
    )
    app.extensions["publisher"].reload()
    second = client.get(f"/doc/{CENTRE}?lang=fr", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "Second nom" in second.get_data(as_text=True)
    assert "Premier nom" not in second.get_data(as_text=True)


def test_non_ascii_identifiers_are_percent_encoded_in_headers(
    make_app: MakeApp, settings: Settings, tmp_path
) -> None:
    extra = tmp_path / "towns.ttl"
    extra.write_text(
        '<id/town/北京> <http://www.w3.org/2000/01/rdf-schema#label> "Beijing"@en .\n', "utf-8"
    )
    client = make_app(
        settings, data_paths=(*settings.data_paths, extra), validate=False, fresh=True
    ).test_client()
    encoded = "%E5%8C%97%E4%BA%AC"
    response = client.get(f"/id/town/{encoded}", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/doc/town/{encoded}.ttl"
    document = client.get(f"/doc/town/{encoded}")
    assert document.status_code == 200 and "Beijing" in document.get_data(as_text=True)
    assert document.headers["Content-Location"] == f"/doc/town/{encoded}.html"
    assert f"<{BASE}id/town/{encoded}>" in document.headers["Link"]
