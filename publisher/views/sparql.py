"""``/sparql``: the SPARQL 1.1 Protocol query operation, its service description
and, for browsers, a query page.

A request flows: protocol (method, media type, bytes) → guard (updates, SERVICE,
foreign graphs refused before any engine sees the query) → negotiation over the
formats the query form can answer in → the store, which runs the query under the
time and row limits and writes the bytes itself.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from publisher.fairness.admission import query_slot
from publisher.graph.publication import Publication
from publisher.rdf import prefixes
from publisher.rdf.formats import HTML, RDF, RESULTS, Format, by_media_type, by_token
from publisher.sparql import description, guard, page, protocol
from publisher.sparql.examples import EXAMPLES
from publisher.store.errors import QuerySyntaxError, StoreError
from publisher.web.context import publication
from publisher.web.errors import STATUSES
from publisher.web.negotiation import NotAcceptable, negotiate, negotiate_language

bp = Blueprint("sparql", __name__)

#: Graph answers in the order a ``*/*`` client gets them: Turtle first, as endpoints do.
GRAPH_FORMATS: tuple[Format, ...] = tuple(sorted(RDF, key=lambda f: f.token != "ttl"))
DESCRIPTION_FORMATS: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)
CUT_HEADER = "SPARQL-Results-Cut"
#: Answers heavier than this are not kept: partners' pages send the same small queries again
#: and again, and answering those from memory skips the engine and the worker hop.
MAX_KEPT_ANSWER = 1 << 20


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    pub = publication()
    settings = pub.settings
    limit = settings.max_query_length * 12 + 4096  # percent-encoded UTF-8, plus parameters
    body = request.stream.read(limit + 1) if request.method == "POST" else b""
    if len(body) > limit:
        raise RequestEntityTooLarge(f"the request body is over {limit} bytes")
    asked = protocol.parse_request(
        request.method,
        request.headers.get("Content-Type"),
        request.query_string,
        body,
        settings.max_query_length,
    )
    token = _format_token(asked.format)
    accept = request.headers.get("Accept")
    if asked.query is None:
        if request.method == "POST":
            raise BadRequest("no 'query' in the request")
        fmt = negotiate(accept, DESCRIPTION_FORMATS, token)
        if fmt is HTML:
            return _page(pub, None)
        content_type = f"{fmt.media_type}; charset=utf-8"
        return _vary(Response(_description(pub, fmt), content_type=content_type))
    local_graphs = pub.graphs
    try:
        declared = prefixes.resolve(settings.base_url)
        plan = guard.inspect(asked.query, settings.base_url, local_graphs, declared)
        guard.check_graphs([*asked.default_graphs, *asked.named_graphs], local_graphs)
        if plan.form is None:
            _raise_parser_message(pub, asked.query)
    except StoreError as refusal:
        if _prefers_html(accept, token):
            return _page(pub, asked, None, refusal)
        raise
    offered = GRAPH_FORMATS if plan.is_graph else RESULTS
    fmt = negotiate(accept, (*offered, HTML), _format_token(asked.format, plan.is_graph))
    if fmt is HTML:
        return _page(pub, asked, plan)
    body = _run(pub, asked, fmt)
    response = _vary(Response(body, content_type=f"{fmt.media_type}; charset=utf-8"))
    cut_at = getattr(body, "cut_at", None)
    if cut_at is not None:
        response.headers[CUT_HEADER] = str(cut_at)
        response.headers["Warning"] = f'199 - "results cut at {cut_at} rows (the row limit)"'
    return response


def _run(pub: Publication, asked: protocol.QueryRequest, fmt: Format) -> bytes:
    """The answer's bytes (``cut_at`` set when cut), from the cache or the store."""
    settings = pub.settings
    key = (asked.query, fmt.token, asked.default_graphs, asked.named_graphs)

    def run() -> bytes:
        with query_slot():
            return pub.store.sparql(
                asked.query or "",
                fmt,
                asked.default_graphs,
                asked.named_graphs,
                timeout=settings.query_timeout,
                max_rows=settings.max_result_rows,
                base_iri=settings.base_url,
            )

    return pub.cache.get("sparql", key, run, most=MAX_KEPT_ANSWER)


def _prefers_html(accept: str | None, token: str | None) -> bool:
    try:
        return negotiate(accept, (*RESULTS, HTML), token) is HTML
    except NotAcceptable:
        return False


#: ``?format=`` names other endpoints (and SPARQLWrapper's ``format=``) use.
FORMAT_ALIASES = {
    "turtle": "ttl",
    "n3": "ttl",  # Turtle is valid N3
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "nquads": "nq",
    "n-quads": "nq",
    "text": "tsv",
}
#: For a graph answer, ``xml`` and ``json`` mean RDF/XML and JSON-LD (as SPARQLWrapper asks).
GRAPH_ALIASES = {"xml": "rdf", "json": "jsonld"}


def _format_token(value: str | None, graph: bool = False) -> str | None:
    """``?format=`` as one of our tokens: a token, an alias or a media type."""
    if not value:
        return value
    if "/" in value:  # a media type, or a list of them (SPARQLWrapper sends its Accept)
        known = (by_media_type(item) for item in value.split(","))
        return next((f.token for f in known if f is not None), value)
    value = value.lower()
    if graph and value in GRAPH_ALIASES:
        return GRAPH_ALIASES[value]
    return FORMAT_ALIASES.get(value, value)


def _raise_parser_message(pub: Publication, query: str) -> None:
    """Hand a query of no known form to the store, for the engine's own message.

    Through the store, not an engine here: the store runs it where nothing can
    reach the network, with the same limits as any query.
    """
    json_results = by_token("json")
    assert json_results is not None
    settings = pub.settings
    pub.store.sparql(
        query, json_results, timeout=settings.query_timeout, max_rows=1, base_iri=settings.base_url
    )
    raise QuerySyntaxError("expected SELECT, CONSTRUCT, DESCRIBE or ASK")


def _description(pub: Publication, fmt: Format) -> bytes:
    def build() -> bytes:
        return description.render(description.describe_service(pub.settings, pub.store), fmt)

    return pub.cache.once("service-description", fmt.token, build)


def _vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept"
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return response


def _page(
    pub: Publication,
    asked: protocol.QueryRequest | None,
    plan: guard.QueryPlan | None = None,
    refusal: StoreError | None = None,
) -> Response:
    """The query page; with a query, its results as a table (or the error, with its status)."""
    settings = pub.settings
    lang = negotiate_language(request.headers.get("Accept-Language"), request.args.get("lang"))
    status, table, error, cut_at = 200, None, None, None
    downloads: list[tuple[Format, str]] = []
    query = asked.query if asked else None
    if refusal is not None:
        status, error = _status(refusal), str(refusal)
    if asked is not None and plan is not None:
        graph = plan.is_graph
        inner = by_token("nt" if graph else "json")
        assert inner is not None
        try:
            body = _run(pub, asked, inner)
        except StoreError as failure:
            status, error = _status(failure), str(failure)
        else:
            cut_at = getattr(body, "cut_at", None)
            if graph:
                table = page.table_from_ntriples(body, settings.base_url)
            else:
                table = page.table_from_json(body, settings.base_url)
        downloads = page.download_links(
            request.path, asked.query or "", GRAPH_FORMATS if graph else RESULTS
        )
    html = render_template(
        "sparql.html",
        lang=lang,
        query=query if query is not None else EXAMPLES[0].query(settings.base_url),
        examples=[(e, e.query(settings.base_url)) for e in EXAMPLES],
        table=table,
        error=error,
        cut_at=cut_at,
        downloads=downloads,
        descriptions=[f for f in GRAPH_FORMATS],
        prefixes=prefixes.resolve(settings.base_url),
        settings=settings,
    )
    response = _vary(Response(html, status=status, mimetype="text/html"))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _status(error: Exception) -> int:
    return next((code for kind, code in STATUSES if isinstance(error, kind)), 500)
