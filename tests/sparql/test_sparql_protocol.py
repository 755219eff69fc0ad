"""/sparql over the SPARQL 1.1 Protocol, in process: every case, each answer parsed
by a real parser and checked for its values."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.query import Result

from publisher import Settings
from publisher.sparql.examples import EXAMPLES
from tests.conftest import MakeApp

SCHEMA = "https://schema.org/"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def base(settings: Settings) -> str:
    return settings.base_url


def ir_centres(base: str) -> str:
    return (
        f"PREFIX schema: <{SCHEMA}> SELECT ?centre ?name WHERE {{ ?centre "
        f"schema:medicalSpecialty <{base}id/specialty/interventional-radiology> ; "
        "schema:name ?name } ORDER BY ?name"
    )


def construct_frejus(base: str) -> str:
    return f"CONSTRUCT {{ ?c <{SCHEMA}name> ?n }} WHERE {{ ?c <{SCHEMA}name> ?n }}"


def frejus_row(result: Result, base: str) -> bool:
    return any(
        row.centre == rdflib.URIRef(f"{base}id/centre/frejus") and "Fréjus" in str(row.name)
        for row in result  # type: ignore[union-attr]
    )


# ---------------------------------------------------------------- the three ways in


def test_get_form_post_and_direct_post_answer_alike(client: FlaskClient, base: str) -> None:
    query = ir_centres(base)
    answers = [
        client.get("/sparql", query_string={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", data=query.encode(), content_type="application/sparql-query"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.data
        assert answer.mimetype == "application/sparql-results+json"
        assert frejus_row(Result.parse(io.BytesIO(answer.data), format="json"), base)
    assert answers[0].data == answers[1].data == answers[2].data


@pytest.mark.parametrize(
    ("token", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_select_in_every_results_format(
    client: FlaskClient, base: str, token: str, media_type: str
) -> None:
    answer = client.get(
        "/sparql", query_string={"query": ir_centres(base)}, headers={"Accept": media_type}
    )
    assert answer.status_code == 200 and answer.mimetype == media_type
    assert answer.headers["Vary"] == "Accept"
    result = Result.parse(io.BytesIO(answer.data), format=token)
    if token == "csv":  # CSV drops term types: values only
        rows = [(str(r.centre), str(r.name)) for r in result]  # type: ignore[union-attr]
        assert (f"{base}id/centre/frejus", "Var Imagerie Médicale – Fréjus") in rows
    else:
        assert frejus_row(result, base)


@pytest.mark.parametrize("token", ["json", "xml", "csv", "tsv"])
def test_ask_in_every_results_format(client: FlaskClient, base: str, token: str) -> None:
    yes = f"ASK {{ <{base}id/statistic/annual-radiology-acts> <{SCHEMA}value> 68500000 }}"
    answer = client.get("/sparql", query_string={"query": yes, "format": token})
    assert answer.status_code == 200, answer.data
    if token in {"json", "xml"}:
        assert Result.parse(io.BytesIO(answer.data), format=token).askAnswer is True
    else:
        assert answer.data.strip().lower() == b"true"


@pytest.mark.parametrize(
    ("token", "rdflib_format"),
    [
        ("ttl", "turtle"),
        ("nt", "nt"),
        ("jsonld", "json-ld"),
        ("rdf", "xml"),
        ("trig", "trig"),
        ("nq", "nquads"),
    ],
)
def test_construct_and_describe_in_every_rdf_format(
    client: FlaskClient, base: str, token: str, rdflib_format: str
) -> None:
    frejus = rdflib.URIRef(f"{base}id/centre/frejus")
    for query in (construct_frejus(base), f"DESCRIBE <{frejus}>"):
        answer = client.get("/sparql", query_string={"query": query, "format": token})
        assert answer.status_code == 200, answer.data
        graph = rdflib.Dataset()
        graph.parse(data=answer.data, format=rdflib_format)
        names = {
            str(o)
            for s, p, o, _ in graph.quads((frejus, rdflib.URIRef(SCHEMA + "name"), None, None))
        }
        assert "Var Imagerie Médicale – Fréjus" in names


def test_dataset_parameters_and_clauses(client: FlaskClient, base: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def number(answer) -> int:  # type: ignore[no-untyped-def]
        assert answer.status_code == 200, answer.data
        return int(next(iter(Result.parse(io.BytesIO(answer.data), format="json"))).n)  # type: ignore[arg-type]

    everything = number(client.get("/sparql", query_string={"query": count}))
    ontology = number(
        client.get(
            "/sparql", query_string={"query": count, "default-graph-uri": f"{base}graph/ontology"}
        )
    )
    data = number(
        client.get(
            "/sparql",
            query_string={"query": count.replace("WHERE", f"FROM <{base}graph/data> WHERE")},
        )
    )
    assert 0 < ontology < everything and 0 < data < everything
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = client.post(
        f"/sparql?named-graph-uri={base}graph/data",
        data=graphs,
        content_type="application/sparql-query",
    )
    found = {str(r.g) for r in Result.parse(io.BytesIO(answer.data), format="json")}  # type: ignore[union-attr]
    assert found == {f"{base}graph/data"}
    # the protocol's default-graph-uri wins over the query's own FROM
    overridden = client.get(
        "/sparql",
        query_string={
            "query": count.replace("WHERE", f"FROM <{base}graph/data> WHERE"),
            "default-graph-uri": f"{base}graph/ontology",
        },
    )
    assert number(overridden) == ontology


# ---------------------------------------------------------------- negotiation


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+xml;q=0.9, text/csv", "text/csv"),
        ("text/csv;q=0, */*", "application/sparql-results+json"),
        ("text/*;q=0.5, application/sparql-results+xml;q=0.4", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("text/html;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_accept_q_values(client: FlaskClient, base: str, accept: str, expected: str) -> None:
    answer = client.get(
        "/sparql", query_string={"query": ir_centres(base)}, headers={"Accept": accept}
    )
    assert answer.status_code == 200 and answer.mimetype == expected


def test_format_parameter_wins_over_accept(client: FlaskClient, base: str) -> None:
    for value in ("tsv", "text/tab-separated-values"):
        answer = client.get(
            "/sparql",
            query_string={"query": ir_centres(base), "format": value},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.mimetype == "text/tab-separated-values"


@pytest.mark.parametrize(
    ("accept", "token"),
    [
        ("text/n3", None),
        ("text/rdf+n3", None),
        ("application/n3", None),
        ("application/sparql-results+json", "n3"),
        ("", "text/n3"),
    ],
)
def test_issue_12_n3_is_answered_with_turtle(
    client: FlaskClient, base: str, accept: str, token: str | None
) -> None:
    params = {"query": construct_frejus(base), **({"format": token} if token else {})}
    answer = client.get("/sparql", query_string=params, headers={"Accept": accept})
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=answer.get_data(as_text=True), format="n3")
    assert (rdflib.URIRef(f"{base}id/centre/frejus"), None, None) in graph


def test_format_may_be_a_list_of_media_types(client: FlaskClient, base: str) -> None:
    """SPARQLWrapper repeats its Accept header as a ``format`` value for JSON-LD."""
    answer = client.get(
        "/sparql",
        query_string=[
            ("query", construct_frejus(base)),
            ("format", "json-ld"),
            ("format", "application/ld+json,application/x-json+ld"),
        ],
    )
    assert answer.status_code == 200 and answer.mimetype == "application/ld+json"


def test_graph_queries_default_to_turtle(client: FlaskClient, base: str) -> None:
    answer = client.get(
        "/sparql", query_string={"query": construct_frejus(base)}, headers={"Accept": "*/*"}
    )
    assert answer.mimetype == "text/turtle"


@pytest.mark.parametrize(
    ("query", "accept", "token"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png", None),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", None, "ttl"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json", None),
        ("ASK {}", None, "nonsense"),
    ],
)
def test_nothing_fits_is_406(
    client: FlaskClient, query: str, accept: str | None, token: str | None
) -> None:
    params = {"query": query, **({"format": token} if token else {})}
    answer = client.get("/sparql", query_string=params, headers={"Accept": accept or ""})
    assert answer.status_code == 406
    assert "available" in answer.get_data(as_text=True)


# ---------------------------------------------------------------- errors


def test_protocol_error_cases(client: FlaskClient) -> None:
    cases = [
        client.put("/sparql", data="ASK {}", content_type="application/sparql-query"),
        client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"),
        client.post("/sparql", data="ASK {}", content_type="text/plain"),
        client.post("/sparql", data="ASK {}", headers={"Content-Type": ""}),
        client.post(
            "/sparql",
            data="ASK {}".encode("utf-16"),
            content_type="application/sparql-query; charset=UTF-16",
        ),
        client.post(
            "/sparql", data=b"ASK { ?s ?p '\xe9' }", content_type="application/sparql-query"
        ),
        client.get("/sparql", query_string={"query": "SELEC * WHERE { ?s ?p ?o }"}),
        client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}),
        client.get("/sparql", query_string={"query": ""}),
        client.post(
            "/sparql",
            data="INSERT DATA { <http://a> <http://b> <http://c> }",
            content_type="application/sparql-query",
        ),
        client.post("/sparql", data={"update": "DROP ALL"}),
        client.post("/sparql", data={"format": "json"}),
    ]
    statuses = [answer.status_code for answer in cases]
    assert statuses[0] == 405 and "POST" in cases[0].headers["Allow"]
    assert statuses[1:] == [400] * (len(cases) - 1), [a.data for a in cases]
    for answer in cases:
        text = answer.get_data(as_text=True)
        assert "Traceback" not in text and text.strip()
    assert "syntax error" in cases[6].get_data(as_text=True)
    assert "syntax error" in cases[7].get_data(as_text=True)
    assert "Update" in cases[9].get_data(as_text=True)


def test_too_long_query_is_413(client: FlaskClient, settings: Settings) -> None:
    long = "ASK {}" + " " * settings.max_query_length
    direct = client.post("/sparql", data=long, content_type="application/sparql-query")
    assert direct.status_code == 413
    assert client.post("/sparql", data={"query": long}).status_code == 413


def test_cut_results_say_so(make_app: MakeApp) -> None:
    client = make_app(max_result_rows=2).test_client()
    query = "SELECT ?s WHERE { ?s ?p ?o }"
    for token in ("json", "xml", "csv", "tsv"):
        answer = client.get("/sparql", query_string={"query": query, "format": token})
        assert answer.status_code == 200
        assert answer.headers["SPARQL-Results-Cut"] == "2"
        assert len(list(Result.parse(io.BytesIO(answer.data), format=token))) == 2
    graph = client.get(
        "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"}
    )
    assert (
        graph.headers["SPARQL-Results-Cut"] == "2"
        and len(rdflib.Graph().parse(data=graph.data, format="nt")) == 2
    )
    whole = client.get("/sparql", query_string={"query": query + " LIMIT 2"})
    assert "SPARQL-Results-Cut" not in whole.headers


def test_cors_on_answers_and_preflight(client: FlaskClient) -> None:
    answer = client.get("/sparql", query_string={"query": "ASK {}"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={"Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# ---------------------------------------------------------------- description and page


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_service_description_parses_as_rdf(
    client: FlaskClient, base: str, media_type: str, rdflib_format: str
) -> None:
    answer = client.get("/sparql", headers={"Accept": media_type})
    assert answer.status_code == 200 and answer.mimetype == media_type
    graph = rdflib.Dataset()
    graph.parse(data=answer.data, format=rdflib_format)
    service = next(graph.subjects(rdflib.RDF.type, SD.Service))
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(f"{base}sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 11  # and N3, answered with Turtle
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert f"{base}graph/data" in names
    sizes = [int(s) for s in graph.objects(None, VOID.triples)]
    assert min(sizes) > 0


class _Resources(HTMLParser):
    """Every URL the page would load (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.scripts = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in {"script", "img", "iframe", "source"} and named.get("src"):
            self.loaded.append(named["src"] or "")
        if tag == "link" and named.get("href"):
            self.loaded.append(named["href"] or "")
        if tag == "a" and named.get("href"):
            self.links.append(named["href"] or "")


def test_query_page_works_offline_with_examples(client: FlaskClient) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/html"})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<textarea" in html
    resources = _Resources()
    resources.feed(html)
    assert resources.loaded and all(not urlsplit(url).netloc for url in resources.loaded)
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    for example in EXAMPLES:
        assert example.title("fr") in html
    english = client.get("/sparql?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert EXAMPLES[0].title("en") in english


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.slug)
def test_every_example_answers(client: FlaskClient, base: str, example) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(
        "/sparql", query_string={"query": example.query(base)}, headers={"Accept": "*/*"}
    )
    assert answer.status_code == 200, answer.data
    if example.query(base).startswith("DESCRIBE") or "DESCRIBE" in example.query(base):
        assert len(rdflib.Graph().parse(data=answer.data, format="turtle")) > 0
    else:
        assert len(list(Result.parse(io.BytesIO(answer.data), format="json"))) > 0


def test_example_values(client: FlaskClient, base: str) -> None:
    def rows(slug: str) -> list:  # type: ignore[type-arg]
        example = next(e for e in EXAMPLES if e.slug == slug)
        answer = client.get("/sparql", query_string={"query": example.query(base)})
        return list(Result.parse(io.BytesIO(answer.data), format="json"))

    assert f"{base}id/centre/frejus" in {str(r.centre) for r in rows("ir-centres")}
    modalities = {str(r.modality) for r in rows("sampling-modalities")}
    assert {f"{base}id/modality/ultrasound", f"{base}id/modality/ct"} <= modalities
    hierarchy = {(str(r.specialty), str(r.broader)) for r in rows("specialty-hierarchy")}
    assert (
        f"{base}id/specialty/interventional-radiology",
        f"{base}id/specialty/radiology",
    ) in hierarchy
    assert all(str(r.quote) and str(r.source).startswith(base) for r in rows("fact-sources"))
    assert {int(r.value) for r in rows("national-statistic")} == {68500000}


def test_results_page_links_resources_and_offers_every_download(
    client: FlaskClient, base: str
) -> None:
    page = client.get(
        "/sparql", query_string={"query": ir_centres(base)}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    resources = _Resources()
    resources.feed(page.get_data(as_text=True))
    assert f"{base}id/centre/frejus" in resources.links
    downloads = [link for link in resources.links if "format=" in link and "query=" in link]
    tokens = {link.rsplit("format=", 1)[1] for link in downloads}
    assert tokens == {"json", "xml", "csv", "tsv"}
    for link in downloads:
        assert client.get(link.replace("&amp;", "&")).status_code == 200
    graph_page = client.get(
        "/sparql", query_string={"query": construct_frejus(base), "format": "html"}
    )
    assert graph_page.status_code == 200 and "Fréjus" in graph_page.get_data(as_text=True)
    assert graph_page.get_data(as_text=True).count("download=") == 6


def test_errors_show_on_the_page_for_browsers(client: FlaskClient) -> None:
    for query in ("SELEC nothing", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"):
        page = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
        assert page.status_code == 400 and page.mimetype == "text/html"
        assert 'role="alert"' in page.get_data(as_text=True)


def test_relative_iris_resolve_against_the_base_url(client: FlaskClient, base: str) -> None:
    query = "SELECT ?name WHERE { <id/centre/frejus> <https://schema.org/name> ?name }"
    answer = client.get("/sparql", query_string={"query": query})
    names = {str(r.name) for r in Result.parse(io.BytesIO(answer.data), format="json")}  # type: ignore[union-attr]
    assert "Var Imagerie Médicale – Fréjus" in names


def test_description_never_claims_federation(app: Flask) -> None:
    answer = app.test_client().get("/sparql?format=ttl")
    graph = rdflib.Graph().parse(data=answer.data, format="turtle")
    assert SD.UnionDefaultGraph in set(graph.objects(None, SD.feature))
    assert SD.BasicFederatedQuery not in set(graph.objects(None, SD.feature))


# ---------------------------------------------------------------- issue 12: prefixes, errors


def test_issue_12_service_description_and_page_list_the_predeclared_prefixes(
    client: FlaskClient, base: str
) -> None:
    from publisher.rdf.prefixes import PREDECLARED, resolve

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    answer = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=answer.get_data(as_text=True), format="turtle")
    declared = {
        str(graph.value(d, sh.prefix)): str(graph.value(d, sh.namespace))
        for d in graph.objects(None, sh.declare)
    }
    assert declared == dict(resolve(base))
    assert declared["rim"] == f"{base}ontology#" and set(declared) == set(PREDECLARED)
    assert {"rim", "schema", "skos", "rdfs", "rdf", "owl", "xsd", "prov", "oa"} <= set(declared)
    assert {"dcterms", "void"} <= set(declared)
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    for prefix, namespace in declared.items():
        assert f"<code>{prefix}:</code>" in html and namespace in html


def test_issue_12_every_predeclared_prefix_is_usable(client: FlaskClient, base: str) -> None:
    from publisher.rdf.prefixes import PREDECLARED

    patterns = " UNION ".join(f"{{ ?s a {prefix}:X }}" for prefix in PREDECLARED)
    answer = client.get("/sparql", query_string={"query": f"ASK {{ {patterns} }}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    for query in (
        "SELECT ?c WHERE { ?c a rim:ImagingCentre }",
        f"SELECT ?c FROM <{base}graph/data> WHERE {{ ?c a rim:ImagingCentre }}",  # parsed first
    ):
        first = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
        assert f"{base}id/centre/frejus" in first.get_data(as_text=True), query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT ?c WHERE { ?c a rim:ImagingCentre ; foaf:name ?n }",
            "SPARQL syntax error at line 1, column 44: the prefix foaf: is not declared",
        ),
        (
            "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p }",
            "SPARQL syntax error at line 3, column 10 (the end of the query): expected",
        ),
        (
            "SELECT (COUNT(*) ?n) WHERE { ?s ?p ?o }",
            "SPARQL syntax error at line 1, column 23 (at 'HERE { ?s ?p ?o }'): expected",
        ),
    ],
)
def test_issue_12_a_syntax_error_is_one_readable_line(
    client: FlaskClient, query: str, expected: str
) -> None:
    answer = client.get("/sparql", query_string={"query": query})
    message = answer.get_data(as_text=True).strip()
    assert answer.status_code == 400
    assert message.startswith(expected), message
    assert "\n" not in message and "\\u{" not in message and "[_]" not in message
    page = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert expected.split(":")[0].split(" (")[0] in page.get_data(as_text=True)
