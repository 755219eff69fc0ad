"""``publisher serve`` as a real gunicorn process, and its pages in a real browser."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError

import pytest
import rdflib

from publisher.rdf.labels import capitalized
from tests.conftest import MINI, ROOT
from tests.servers import Publisher, children, start_publisher

ARTIFACTS = ROOT / "test-artifacts"
CENTRE = "centre/frejus"
SPECIALTY = "specialty/interventional-radiology"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, accept: str = "*/*", language: str = "fr") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept, "Accept-Language": language})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        body = error.read()
        error.close()
        return error.code, dict(error.headers), body


def labels(base: str, path: str) -> dict[str, str]:
    """The resource's preferred label per language, read from its Turtle document."""
    _, _, body = fetch(f"{base}doc/{path}.ttl")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    subject = rdflib.URIRef(f"{base}id/{path}")
    found: dict[str, str] = {}
    for predicate in (rdflib.SKOS.prefLabel, rdflib.RDFS.label):
        for value in graph.objects(subject, predicate):
            found.setdefault(value.language, str(value))
    return found


@pytest.mark.network
def test_gunicorn_with_two_workers_serves_pages_over_the_network(live_server: Publisher) -> None:
    # The gunicorn master forked two workers (start_publisher waited for them), no more.
    assert len(children(live_server.pid)) == 2
    status, headers, _ = fetch(f"{live_server}id/{CENTRE}", accept="text/turtle")
    assert status == 303 and headers["Location"].endswith(f"/doc/{CENTRE}.ttl")
    status, headers, body = fetch(f"{live_server}doc/{CENTRE}", accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert f"<{live_server}id/{CENTRE}>".encode() in body or f"{CENTRE}".encode() in body
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef(f"{live_server}id/{CENTRE}"), None, None) in graph

    status, headers, body = fetch(f"{live_server}doc/{CENTRE}", accept="text/html")
    assert status == 200 and b"application/ld+json" in body
    etag = headers["ETag"]
    request = urllib.request.Request(
        f"{live_server}doc/{CENTRE}",
        headers={"Accept": "text/html", "Accept-Language": "fr", "If-None-Match": etag},
    )
    with pytest.raises(HTTPError) as not_modified:
        urllib.request.urlopen(request, timeout=30)
    assert not_modified.value.code == 304
    not_modified.value.close()
    assert fetch(f"{live_server}doc/{CENTRE}", accept="image/png")[0] == 406
    assert fetch(f"{live_server}id/centre/nowhere")[0] == 404

    # Both workers answer the same bytes, in parallel (identical ETags).
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: fetch(f"{live_server}doc/{SPECIALTY}.nt"), range(40)))
    assert {status for status, _, _ in results} == {200}
    assert len({headers["ETag"] for _, headers, _ in results}) == 1
    for path in ("", "sitemap.xml", "robots.txt", ".well-known/void", "dumps/dataset.nq"):
        assert fetch(live_server + path)[0] == 200, path


CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(*args: str) -> str:
    """Run headless Chromium with a fresh profile; returns what it printed."""
    assert CHROMIUM, "Debian's chromium is needed (.ci/apt-packages.txt)"
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=120,
            check=True,
        )
    return result.stdout.decode("utf-8")


def visible_links(dom: str) -> dict[str, str]:
    """href → visible text of every link in a DOM dump."""
    return {
        href: html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', dom, re.S)
    }


def heading(dom: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", dom, re.S)
    assert match, "no h1"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


@pytest.mark.browser
@pytest.mark.network
def test_home_and_centre_pages_in_chromium_in_french_and_english(live_server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    centre = labels(live_server, CENTRE)
    specialty = labels(live_server, SPECIALTY)
    expectations = {
        "fr": ("Graphe de connaissances", "Ontologie", "Point d’accès SPARQL"),
        "en": ("knowledge graph", "Ontology", "SPARQL endpoint"),
    }
    for lang, (title, ontology, sparql) in expectations.items():
        home = chromium("--dump-dom", f"{live_server}?lang={lang}")
        assert f'<html lang="{lang}">' in home
        assert title in heading(home)
        links = visible_links(home)
        assert links.get(f"/ontology?lang={lang}") == ontology
        assert links.get("/sparql") == sparql
        assert any(h.startswith(f"/doc/{CENTRE}") for h in links)

        page = chromium("--dump-dom", f"{live_server}doc/{CENTRE}?lang={lang}")
        assert heading(page) == capitalized(centre[lang])  # headings start with a capital
        links = visible_links(page)
        assert links.get(f"/doc/{SPECIALTY}?lang={lang}") == specialty[lang]
        assert "«" in page and "</blockquote>" in page  # the quoted source sentence
        shot = ARTIFACTS / f"centre-{lang}.png"
        chromium(
            "--screenshot=" + str(shot),
            "--window-size=1200,1600",
            f"{live_server}doc/{CENTRE}?lang={lang}",
        )
        assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    home_shot = ARTIFACTS / "home-en.png"
    chromium("--screenshot=" + str(home_shot), "--window-size=1200,1600", f"{live_server}?lang=en")
    assert home_shot.stat().st_size > 20_000


@pytest.mark.network
def test_serve_given_files_under_another_base_url_prints_iris_that_dereference() -> None:
    """``publisher serve PATH --base-url``: every IRI in the output dereferences there."""
    with start_publisher(str(MINI), "--base-url", "http://localhost:{port}/", workers=1) as base:
        port = base.rsplit(":", 1)[1].strip("/")
        public = f"http://localhost:{port}/"
        status, _, body = fetch(f"{base}doc/centre/alpha.nt")
        assert status == 200
        subjects = {line.split(" ")[0].strip("<>") for line in body.decode().splitlines()}
        assert f"{public}id/centre/alpha" in subjects
        status, headers, _ = fetch(f"{public}id/centre/alpha", accept="text/turtle")
        assert status == 303 and headers["Location"] == "/doc/centre/alpha.ttl"
        assert fetch(f"{base}doc/centre/frejus")[0] == 404  # only the given files are served
