"""Home page, VoID/DCAT, dumps, sitemap, robots.txt, and a crawl of the whole site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit
from xml.etree import ElementTree

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, DCTERMS, VOID

from publisher.graph.catalogue import entity_filter
from tests.conftest import BASE

DATASET = rdflib.URIRef(f"{BASE}.well-known/void#dataset")
#: Paths other engineers serve (issues 4, 5, 7); the crawl records but does not follow them.
ELSEWHERE = ("/sparql", "/search", "/fragments", "/api/", "/ontology", "/shapes")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "link"):
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def test_home_in_french_and_english(client: FlaskClient) -> None:
    fr = client.get("/", headers={"Accept-Language": "fr"})
    en = client.get("/?lang=en")
    assert fr.status_code == en.status_code == 200
    assert '<html lang="fr">' in fr.get_data(True) and '<html lang="en">' in en.get_data(True)
    assert "Graphe de connaissances" in fr.get_data(True)
    assert "knowledge graph" in en.get_data(True)
    assert fr.headers["Vary"] == "Accept-Language"
    hrefs = links_of(en.get_data(True))
    for target in ("/ontology", "/search", "/sparql", "/dumps/", "/.well-known/void"):
        assert any(h.split("?")[0] == target for h in hrefs), target
    assert any(h.startswith("/doc/centre/") for h in hrefs)


def test_home_lists_classes_with_the_sparql_counts(app: Flask) -> None:
    html = app.test_client().get("/?lang=en").get_data(True)
    store = app.extensions["publisher"].store
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{BASE}ontology#ImagingCentre> }}"
    )
    count = int(rows[0]["n"])
    assert count >= 1
    row = re.search(r"imaging centre</a></td>\s*<td class=\"count\">(\d+)</td>", html)
    assert row is not None and int(row.group(1)) == count


def void_graph(client: FlaskClient, accept: str = "text/turtle") -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.data, format=response.mimetype)


def number(store, query: str) -> int:
    return int(store.select(query)[0]["n"])


def test_void_counts_match_sparql_counts(app: Flask) -> None:
    graph = void_graph(app.test_client())
    store = app.extensions["publisher"].store
    expected = {
        VOID.triples: "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        VOID.entities: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
        + entity_filter(BASE)
        + " }",
        VOID.classes: "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
        VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
        VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    }
    for predicate, query in expected.items():
        assert int(graph.value(DATASET, predicate)) == number(store, query), predicate
    assert int(graph.value(DATASET, VOID.triples)) == store.count()
    for partition in graph.objects(DATASET, VOID.classPartition):
        cls = graph.value(partition, VOID["class"])
        assert int(graph.value(partition, VOID.entities)) == number(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
        )


def test_void_describes_licence_source_version_dumps_endpoint_examples(
    client: FlaskClient,
) -> None:
    graph = void_graph(client)
    assert (DATASET, rdflib.RDF.type, DCAT.Dataset) in graph
    assert graph.value(DATASET, DCTERMS.license) is not None
    assert str(graph.value(DATASET, DCTERMS.source)).startswith(f"{BASE}id/document/")
    assert graph.value(DATASET, rdflib.URIRef(f"{DCAT}version")) is not None
    assert graph.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(f"{BASE}sparql")
    dumps = {str(d) for d in graph.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}dumps/dataset.{ext}" for ext in ("nq", "ttl", "jsonld")}
    examples = list(graph.objects(DATASET, VOID.exampleResource))
    assert examples and all(str(e).startswith(f"{BASE}id/") for e in examples)
    for example in examples[:3]:
        path = str(example)[len(BASE) - 1 :]
        assert client.get(path).status_code == 303


@pytest.mark.parametrize("accept", ["application/ld+json", "application/n-triples", "*/*"])
def test_void_negotiates(client: FlaskClient, accept: str) -> None:
    assert len(void_graph(client, accept)) > 20
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("dataset.nq", "nquads"), ("dataset.ttl", "turtle"), ("dataset.jsonld", "json-ld")],
)
def test_dumps_hold_the_whole_dataset(app: Flask, name: str, fmt: str) -> None:
    client = app.test_client()
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    store = app.extensions["publisher"].store
    if fmt == "turtle":
        graph = rdflib.Graph().parse(data=response.data, format=fmt)
        distinct = number(
            store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
        )
        assert len(graph) == distinct
    else:
        dataset = rdflib.Dataset().parse(data=response.data, format=fmt)
        assert len(list(dataset.quads((None, None, None, None)))) == store.count()
    assert (
        client.get(
            f"/dumps/{name}", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_dump_index_and_unknown_dump(client: FlaskClient) -> None:
    index = client.get("/dumps/").get_data(True)
    assert all(f"/dumps/dataset.{ext}" in index for ext in ("nq", "ttl", "jsonld"))
    assert client.get("/dumps/secret.db").status_code == 404
    assert client.get("/dumps/..%2Fpyproject.toml").status_code == 404


def sitemap_urls(client: FlaskClient) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    tree = ElementTree.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [loc.text or "" for loc in tree.findall("s:url/s:loc", ns)]


def test_sitemap_lists_every_resource_page_and_robots_points_to_it(
    client: FlaskClient,
) -> None:
    urls = sitemap_urls(client)
    dump = client.get("/dumps/dataset.nq").get_data(True)
    entities = {m for m in re.findall(rf"<{re.escape(BASE)}id/([^>]+)> ", dump)}
    assert {f"{BASE}doc/{e}" for e in entities} <= set(urls)
    for url in urls:  # every listed page exists, whoever serves it
        response = client.get(urlsplit(url).path)
        response.close()
        assert response.status_code == 200, url
    robots = client.get("/robots.txt").get_data(True)
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    disallowed = [
        line.split(":", 1)[1].strip()
        for line in robots.splitlines()
        if line.startswith("Disallow:")
    ]
    assert not [u for u in urls if urlsplit(u).path.startswith(tuple(disallowed))]
    assert "Disallow: /sparql" in robots


def test_crawl_from_home_and_sitemap_reaches_every_resource(client: FlaskClient) -> None:
    """Breadth-first over every internal link: no 4xx/5xx, every entity page reached."""
    seen: set[str] = set()
    queue = ["/", *(urlsplit(u).path for u in sitemap_urls(client))]
    failures = []
    reached_from_home: set[str] = set()
    home_queue = ["/"]
    while queue and len(seen) < 5000:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if path.startswith(ELSEWHERE):
            continue
        response = client.get(path)
        response.close()  # static files are streamed from disk
        if response.status_code == 303:
            queue.append(response.headers["Location"])
            continue
        if response.status_code >= 400:
            failures.append((path, response.status_code))
            continue
        if response.mimetype == "text/html":
            for href in links_of(response.get_data(True)):
                target, _ = urldefrag(href)
                if target.startswith("/") and not target.startswith("//"):
                    queue.append(target.split("?")[0] or "/")
    assert not failures, failures
    # every resource is reachable by following links from the home page alone
    while home_queue:
        path = home_queue.pop()
        if path in reached_from_home or path.startswith(ELSEWHERE):
            continue
        reached_from_home.add(path)
        response = client.get(path)
        response.close()
        if response.mimetype == "text/html" and response.status_code == 200:
            for href in links_of(response.get_data(True)):
                target = urldefrag(href)[0].split("?")[0]
                if target.startswith("/doc/") and "." not in target.rsplit("/", 1)[-1]:
                    home_queue.append(target)
    dump = client.get("/dumps/dataset.nq").get_data(True)
    entities = {f"/doc/{m}" for m in re.findall(rf"<{re.escape(BASE)}id/([^>]+)> ", dump)}
    assert entities <= reached_from_home, sorted(entities - reached_from_home)[:10]
