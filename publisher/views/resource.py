"""``/id/...`` (303 to the document) and ``/doc/...`` (the negotiated document)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request
from rdflib import RDF, Graph
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response as WerkzeugResponse

from publisher.queries import describe, fill, iri_term
from publisher.rdf.formats import HTML, RESOURCE, Format, by_extension
from publisher.rdf.labels import fetch_labels
from publisher.rdf.vocabulary import LANGUAGES
from publisher.render import html, jsonld, links, rdf
from publisher.web.caching import etag
from publisher.web.context import publication
from publisher.web.negotiation import (
    NotAcceptable,
    negotiate,
    negotiate_language,
    parse_accept,
)

bp = Blueprint("resource", __name__)


def _known(path: str) -> str | None:
    """The identifier ``/id/{path}`` names, when the store describes it."""
    current = publication()
    iri = f"{current.settings.base_url}id/{path}"
    try:
        term = iri_term(iri)
    except ValueError:
        return None

    def ask() -> bytes:  # remembered per data version, like the page itself
        return b"1" if current.store.ask(f"ASK {{ {term} ?p ?o }}") else b""

    return iri if current.cache.get("known", iri, ask) else None


def _iri(path: str) -> str:
    """The identifier ``/id/{path}`` names, or 404 when it is not one we hold."""
    iri = _known(path)
    if iri is None:
        abort(404, description=f"Nothing is identified by /id/{path} here.")
    return iri


def _named_rdf_format(accept: str | None) -> Format | None:
    """The RDF format ``Accept`` prefers when it names that format explicitly."""
    if not accept:
        return None
    try:
        chosen = negotiate(accept, RESOURCE)
    except NotAcceptable:
        return None
    named = {media_range for media_range, q in parse_accept(accept) if q > 0}
    return chosen if chosen is not HTML and named & set(chosen.media_types) else None


@bp.get("/id/<path:path>")
def identifier(path: str) -> WerkzeugResponse:
    """A thing is not a document: 303 to the document about it."""
    iri = _iri(path)
    target = links.doc_path(iri, publication().settings.base_url) or f"/doc/{path}"
    fmt = _named_rdf_format(request.headers.get("Accept"))
    if fmt is not None:
        target += f".{fmt.extension}"
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, 303)
    response.headers["Vary"] = "Accept"
    return response


def _split_extension(path: str) -> tuple[str, Format | None]:
    stem, dot, extension = path.rpartition(".")
    fmt = by_extension(extension, RESOURCE) if dot else None
    return (stem, fmt) if fmt is not None else (path, None)


@bp.get("/doc/<path:path>")
def document(path: str) -> Response:
    """The document about ``/id/{path}``, in the format asked or negotiated."""
    stem, fixed = _split_extension(path)
    iri = _known(stem) if fixed is not None else None
    if iri is None:
        stem, fixed = path, None
        iri = _iri(path)
    fmt = fixed or negotiate(
        request.headers.get("Accept"), RESOURCE, request.args.get("format") or None
    )
    doc_url = links.doc_path(iri, publication().settings.base_url) or f"/doc/{stem}"
    lang = negotiate_language(request.headers.get("Accept-Language"), request.args.get("lang"))
    chosen = request.args.get("lang")
    lang_param = chosen if chosen in LANGUAGES else None
    page_lang, page_param = (lang, lang_param) if fmt is HTML else ("", None)
    key = (iri, fmt.token, page_lang, page_param)
    body = _body(iri, fmt, page_lang, page_param)
    response = Response(body, mimetype=fmt.media_type)
    current = publication()  # the ETag too is a function of the body: hashed once
    tag = current.cache.get("etag", key, lambda: etag(body, current.version).encode())
    response.set_etag(tag.decode())
    if fmt is HTML:
        response.headers["Content-Language"] = lang
    if fmt.media_type.startswith("text/") or fmt.token in ("jsonld", "rdf"):
        response.headers["Content-Type"] = f"{fmt.media_type}; charset=utf-8"
    vary = ["Accept-Language"] if fmt is HTML else []
    if fixed is None:
        vary.insert(0, "Accept")
    if vary:
        response.headers["Vary"] = ", ".join(vary)
    response.headers["Content-Location"] = f"{doc_url}.{fmt.extension}"
    response.headers["Link"] = ", ".join(
        [f'<{iri_to_uri(iri)}>; rel="describes"']
        + [
            f'<{doc_url}.{other.extension}>; rel="alternate"; type="{other.media_type}"'
            for other in RESOURCE
            if other is not fmt
        ]
    )
    return response


def _body(iri: str, fmt: Format, lang: str, lang_param: str | None) -> bytes:
    """The document's bytes, a pure function of its arguments and the data."""
    current = publication()

    def build() -> bytes:
        graph = describe(current.store, iri)
        base_url = current.settings.base_url
        doc_url = links.doc_path(iri, base_url) or ""
        if fmt is HTML:
            return _html(graph, iri, lang, lang_param, doc_url).encode("utf-8")
        return rdf.serialize(graph, fmt, base_url, base_url.rstrip("/") + doc_url)

    return current.cache.get("doc", (iri, fmt.token, lang, lang_param), build)


def _html(graph: Graph, iri: str, lang: str, lang_param: str | None, doc_url: str) -> str:
    current = publication()
    base_url = current.settings.base_url
    used = {p for _, p, _ in graph} | {o for _, p, o in graph if p == RDF.type}
    used |= set(graph.subjects(RDF.type, RDF.Statement))  # facts get labels from their parts
    vocabulary = fetch_labels(current.store, used)
    page = html.resource_page(graph, iri, vocabulary, base_url, lang, lang_param)
    neighbourhood = current.store.construct(fill("schema", resource=iri))
    embedded = jsonld.script_json(jsonld.project(neighbourhood, iri, base_url, lang))
    return html.render_resource(
        page,
        jsonld=embedded,
        doc_url=doc_url,
        site=base_url.rstrip("/"),
        formats=[f for f in RESOURCE if f is not HTML],
    )
