"""Issue 10 §4 and §6: nosniff and CSP on every response, redirects that ignore ``Host``.

In-process over every route: the crawl from the home page and the sitemap, the
error pages and the static files; every redirect the app or Werkzeug's routing
can make is asked for with a forged ``Host``.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from publisher.web.headers import HTML_POLICY

EVIL = "evil.example"
HREF = re.compile(r'(?:href|action)="([^"]+)"')


def get(client: FlaskClient, target: str, **headers: str) -> TestResponse:
    """GET ``target`` as sent on the wire (a test client reads ``//x`` as a host)."""
    path, _, query = target.partition("?")
    overrides = {"PATH_INFO": path, "QUERY_STRING": query}
    response = client.get("/", headers=headers, environ_overrides=overrides)
    response.close()
    return response


def check_headers(response: TestResponse, where: str) -> None:
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    if response.mimetype == "text/html":
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in policy and "script-src" not in policy, where


def test_every_crawled_response_has_nosniff_and_every_page_a_policy(client: FlaskClient) -> None:
    sitemap = client.get("/sitemap.xml").get_data(True)
    queue = ["/", *(urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", sitemap))]
    seen: set[str] = set()
    kinds: set[str] = set()
    while queue and len(seen) < 3000:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers={"Accept": "text/html"})
        response.close()
        check_headers(response, path)
        kinds.add(response.mimetype)
        if response.mimetype == "text/html":
            for href in HREF.findall(response.get_data(True)):
                target = urldefrag(href)[0].replace("&amp;", "&")
                if target.startswith("/") and not target.startswith("//"):
                    queue.append(target)
    assert len(seen) > 50 and {"text/html", "text/css"} <= kinds


@pytest.mark.parametrize(
    ("method", "path", "accept", "status"),
    [
        ("GET", "/no/such/page", "text/html", 404),
        ("GET", "/doc/centre/nowhere", "text/html", 404),
        ("GET", "/static/nothing.css", "text/html", 404),
        ("POST", "/healthz", "text/html", 405),
        ("GET", "/doc/centre/frejus", "image/png", 406),
        ("GET", "/sparql?query=SELEC", "text/html", 400),
        ("GET", "/sparql?query=SELEC", "application/json", 400),
        ("GET", "/static/style.css", "*/*", 200),
        ("GET", "/doc/centre/frejus.ttl", "*/*", 200),
        ("GET", "/sparql", "text/html", 200),
    ],
)
def test_errors_static_files_and_formats_carry_the_headers(
    client: FlaskClient, method: str, path: str, accept: str, status: int
) -> None:
    response = client.open(path, method=method, headers={"Accept": accept})
    response.close()
    assert response.status_code == status
    check_headers(response, path)


def test_the_query_page_keeps_its_own_policy(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.headers.get_all("Content-Security-Policy") == [HTML_POLICY]


def redirect_paths(app: Flask) -> list[str]:
    """Every kind of redirect: /id → /doc, ontology terms, and Werkzeug's own for a
    missing trailing slash and for doubled slashes, on every route."""
    paths = ["/id/centre/frejus", "/id/centre/frejus?lang=en", "/ontology/ImagingCentre"]
    samples = {"path": "centre/frejus", "filename": "style.css", "name": "dataset.nq"}
    for rule in app.url_map.iter_rules():
        concrete = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "ttl"), rule.rule)
        if concrete.endswith("/") and concrete != "/" and "<" not in rule.rule:
            paths.append(concrete.rstrip("/"))
        if concrete != "/":
            paths.append("/" + concrete)  # doubled leading slash
            paths.append(concrete.replace("/", "//", 2)[1:] if concrete.count("/") > 1 else "")
    return sorted({p for p in paths if p})


def test_redirects_never_use_the_host_header(app: Flask, client: FlaskClient) -> None:
    redirects = 0
    for path in redirect_paths(app):
        response = get(client, path, Host=EVIL, Accept="text/turtle")
        assert response.status_code < 500, path
        if not 300 <= response.status_code < 400:
            continue
        redirects += 1
        location = response.headers["Location"]
        assert EVIL not in location and EVIL not in response.get_data(True), path
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        check_headers(response, path)
    assert redirects >= 15  # every kind above, on every route


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/doc//centre/frejus", "/doc/centre/frejus"),
        ("/static//style.css", "/static/style.css"),
        ("/doc//centre/frejus?lang=en", "/doc/centre/frejus?lang=en"),
        ("/id//centre//frejus", "/id/centre/frejus"),
        ("/dumps", "/dumps/"),
        ("/api", "/api/"),
    ],
)
def test_issue_10_merged_slashes_and_trailing_slash_redirect_relatively(
    client: FlaskClient, path: str, location: str
) -> None:
    response = get(client, path, Host=EVIL)
    assert response.status_code == 308 and response.headers["Location"] == location
