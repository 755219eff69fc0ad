"""Issue 6: every store backend gives the same observable results, in the store and over HTTP.

Each backend (embedded, a real Oxigraph server, a real Virtuoso) serves the same
files; the embedded store is the reference every answer is compared with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from publisher import Settings
from publisher.graph.publication import prepare
from publisher.graph.sources import Dataset, load
from publisher.queries import describe
from publisher.rdf.formats import RDF, RESOURCE, RESULTS
from publisher.store import Store
from publisher.store.content import version_of
from publisher.store.embedded import EmbeddedStore
from tests.conftest import BACKENDS, BASE, MINI, RICH, MakeApp, remote_store

PATHS = (MINI, RICH)
RESOURCES = (
    "id/centre/alpha",
    "id/centre/beta",
    "id/town/frejus",
    "id/document/page",
    "id/fact/beta-in-frejus",
    "ontology#ImagingCentre",
    "id/centre/nowhere",
)
EVERYTHING = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Served:
    """One backend holding the test dataset, and the app serving it."""

    name: str
    store: Store
    app: Flask
    dataset: Dataset

    def client(self) -> FlaskClient:
        return self.app.test_client()


@pytest.fixture(scope="module")
def reference(make_app: MakeApp) -> Served:
    dataset = load(PATHS, BASE)
    store = EmbeddedStore()
    store.load(dataset)
    app = make_app(Settings(data_paths=PATHS))
    return Served("reference", store, app, dataset)


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, make_app: MakeApp) -> Iterator[Served]:
    dataset = load(PATHS, BASE)
    if request.param == "embedded":
        store: Store = EmbeddedStore()
        store.load(dataset)
        yield Served("embedded", store, make_app(Settings(data_paths=PATHS)), dataset)
        return
    server = request.getfixturevalue(f"{request.param}_server")
    remote = remote_store(server)
    remote.load(dataset)
    app = make_app(Settings(data_paths=PATHS, store=server.query_url), fresh=True)
    yield Served(request.param, remote, app, dataset)


def _graph(data: bytes, rdflib_name: str) -> rdflib.Graph:
    """Any RDF document, triples or quads, as one graph of its triples."""
    graph = rdflib.Graph()
    for s, p, o, _ in rdflib.Dataset().parse(data=data, format=rdflib_name, publicID=BASE).quads():
        graph.add((s, p, o))
    return graph


def _rows(store: Store) -> list[tuple[str, ...]]:
    """Every quad as text, blank nodes made anonymous (their labels are the store's own)."""

    def text(node: rdflib.term.Node | None) -> str:
        if isinstance(node, rdflib.BNode):
            return "_:"
        if isinstance(node, rdflib.Literal):
            return f"{node}|{node.language}|{node.datatype}"
        return str(node)

    return sorted(tuple(text(row.get(v)) for v in "gspo") for row in store.select(EVERYTHING))


def test_every_quad_comes_back_with_the_same_terms(served: Served, reference: Served) -> None:
    assert served.store.count() == reference.store.count() == len(_rows(reference.store))
    assert _rows(served.store) == _rows(reference.store)


@pytest.mark.parametrize("resource", RESOURCES)
def test_describe_gives_the_same_graph(served: Served, reference: Served, resource: str) -> None:
    ours = describe(served.store, BASE + resource)
    theirs = describe(reference.store, BASE + resource)
    assert isomorphic(ours, theirs), f"{resource} differs on {served.name}"


@pytest.mark.parametrize("fmt", RDF, ids=lambda f: f.token)
def test_construct_in_every_rdf_format(served: Served, reference: Served, fmt: object) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{BASE}id/centre/beta> ?x ?s . ?s ?p ?o }}"
    graphs = []
    for store in (served.store, reference.store):
        body = store.sparql(query, fmt)  # type: ignore[arg-type]
        graphs.append(_graph(body, fmt.rdflib_name))  # type: ignore[attr-defined]
    assert len(graphs[0]) == len(graphs[1]) > 0
    assert isomorphic(graphs[0], graphs[1])


@pytest.mark.parametrize("fmt", RESULTS, ids=lambda f: f.token)
def test_select_and_ask_bytes_are_identical(served: Served, reference: Served, fmt: object) -> None:
    select = (
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?thing ?name WHERE { ?thing schema:name ?name FILTER(isIRI(?thing)) }\n"
        "ORDER BY ?thing STR(?name)"
    )
    ask = f"ASK {{ <{BASE}id/centre/beta> ?p ?o }}"
    for query in (select, ask):
        if fmt.token in ("csv", "tsv") and query is ask:  # type: ignore[attr-defined]
            continue
        ours = served.store.sparql(query, fmt)  # type: ignore[arg-type]
        assert ours == reference.store.sparql(query, fmt)  # type: ignore[arg-type]


def test_dataset_parameters_restrict_the_query(served: Served) -> None:
    json_format = next(f for f in RESULTS if f.token == "json")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = served.store.sparql(query, json_format)
    only_shapes = served.store.sparql(query, json_format, default_graphs=[BASE + "graph/shapes"])
    assert everything != only_shapes
    assert b'"value":"13"' in only_shapes


# -- over HTTP ---------------------------------------------------------------------------


def test_healthz_reports_the_same_content(served: Served, reference: Served) -> None:
    ours = served.client().get("/healthz").get_json()
    theirs = reference.client().get("/healthz").get_json()
    assert ours["status"] == "ok" and ours["quads"] == theirs["quads"] > 20
    if served.name != "embedded":  # the version tag that `load` recorded in the store
        assert ours["version"] == version_of(served.dataset)


def _paths() -> list[tuple[str, str]]:
    """(path, Accept) pairs a linked-data client would ask for."""
    pairs = [("/healthz", "application/json"), ("/sitemap.xml", "*/*")]
    pairs += [  # search, fragments and partner queries (issue 5) read the store too
        ("/search?q=beta", "application/ld+json"),
        ("/search?q=frejus&lang=fr", "text/html"),
        ("/search?q=centre&type=ImagingCentre", "application/ld+json"),
        ("/fragments", "text/turtle"),
        (f"/fragments?subject={BASE}id/centre/beta", "application/n-triples"),
        (f"/fragments?object={BASE}id/town/frejus", "text/html"),
        ("/api/openapi.json", "application/json"),
        ("/api/provenance?resource=" + BASE + "id/centre/beta", "application/json"),
    ]
    for query, accept in (  # the SPARQL endpoint (issue 4)
        (f"SELECT ?s WHERE {{ ?s a <{BASE}ontology#ImagingCentre> }} ORDER BY ?s", "text/csv"),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json"),
        (f"ASK {{ <{BASE}id/centre/beta> ?p ?o }}", "application/sparql-results+xml"),
        (f"CONSTRUCT WHERE {{ <{BASE}id/centre/beta> ?p ?o }}", "text/turtle"),
        ("SELECT * WHERE { ?s ?p }", "application/sparql-results+json"),
    ):
        pairs.append(("/sparql?" + urlencode({"query": query}), accept))
    for resource in RESOURCES:
        if resource.startswith("id/"):
            pairs.append(("/" + resource, "text/html"))
            pairs.append(("/" + resource, "text/turtle"))
            doc = "/doc/" + resource.removeprefix("id/")
            pairs.extend((doc, fmt.media_type) for fmt in RESOURCE)
    return pairs


def test_every_page_is_the_same_on_every_backend(served: Served, reference: Served) -> None:
    ours, theirs = served.client(), reference.client()
    for path, accept in _paths():
        a = ours.get(path, headers={"Accept": accept})
        b = theirs.get(path, headers={"Accept": accept})
        where = f"{path} ({accept}) on {served.name}"
        assert a.status_code == b.status_code, where
        assert a.headers.get("Content-Type") == b.headers.get("Content-Type"), where
        assert a.headers.get("Location") == b.headers.get("Location"), where
        if a.status_code != 200 or path == "/healthz":
            continue
        fmt = next((f for f in RDF if f.media_type == a.mimetype), None)
        if fmt is None:
            assert a.get_data(as_text=True) == b.get_data(as_text=True), where
        else:
            graphs = [_graph(r.get_data(), fmt.rdflib_name or "") for r in (a, b)]
            assert isomorphic(graphs[0], graphs[1]), where


SHIPPED_BASE = "https://radiology.example.org/"


@pytest.mark.remote
@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_the_shipped_graph_reads_the_same_everywhere(
    request: pytest.FixtureRequest, name: str
) -> None:
    """Every resource of the real graph (facts, quotes, blank nodes) describes alike."""
    dataset, _ = prepare(Settings(base_url=SHIPPED_BASE))
    reference = EmbeddedStore()
    reference.load(dataset)
    remote = remote_store(request.getfixturevalue(f"{name}_server"), SHIPPED_BASE)
    remote.load(dataset)
    assert remote.count() == reference.count() == len(dataset.nquads.splitlines())
    rows = reference.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{SHIPPED_BASE}id/")) }}'
        " ORDER BY ?s"
    )
    by_kind: dict[str, list[str]] = {}
    for row in rows:  # one of each kind keeps the test quick (Virtuoso: ~0.1 s a query)
        iri = str(row["s"])
        by_kind.setdefault(iri[len(SHIPPED_BASE) :].split("/")[1], []).append(iri)
    assert len(by_kind) >= 8
    for iri in (iris[0] for iris in by_kind.values()):
        assert isomorphic(describe(remote, iri), describe(reference, iri)), iri


def test_issue_12_predeclared_prefixes_on_every_backend(served: Served) -> None:
    """A partner's first query needs no PREFIX; a query's own PREFIX still wins."""
    client = served.client()

    def column(query: str) -> set[str]:
        csv = {"Accept": "text/csv"}
        answer = client.get("/sparql", query_string={"query": query}, headers=csv)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return set(answer.get_data(as_text=True).split()[1:])

    centres = {f"{BASE}id/centre/alpha", f"{BASE}id/centre/beta"}
    assert column("SELECT ?c WHERE { ?c a rim:ImagingCentre }") == centres
    assert (
        column(
            "PREFIX s: <https://schema.org/>\nSELECT DISTINCT ?c WHERE {\n"
            "  ?c a rim:ImagingCentre ; s:name ?n ; rdf:type ?t }"
        )
        == centres
    )
    own = "PREFIX rim: <http://elsewhere.example/#> SELECT ?c WHERE { ?c a rim:ImagingCentre }"
    assert column(own) == set()
    refused = client.get("/sparql", query_string={"query": "SELECT * { ?s nope:p ?o }"})
    assert refused.status_code == 400
    assert "nope:" in refused.get_data(as_text=True)


def test_issue_12_syntax_errors_are_one_readable_line(served: Served) -> None:
    """The place is the one in the query as written, whatever a remote store was sent."""
    query = "SELECT ?c WHERE {\n  ?c a rim:ImagingCentre ;\n     schema:name }"
    answer = served.client().get("/sparql", query_string={"query": query})
    message = answer.get_data(as_text=True).strip()
    assert answer.status_code == 400
    assert message.startswith("SPARQL syntax error") and "\n" not in message
    assert "\\u{" not in message and "..=" not in message
    if served.name != "virtuoso":  # Virtuoso's parser words its own messages
        assert message.startswith("SPARQL syntax error at line 3, column 18"), message
