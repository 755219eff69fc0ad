"""``/fragments``: Triple Pattern Fragments with Hydra controls, in RDF or HTML.

The page's URL (as the client wrote it) is the fragment's IRI, so clients such
as Comunica find its counts; data and metadata go in separate graphs in TriG
and JSON-LD, and are merged in Turtle and N-Triples.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.api import fragments
from publisher.rdf.formats import HTML, RDF, Format, by_token
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("fragments", __name__)

OFFERED: tuple[Format, ...] = (
    HTML,
    *(f for t in ("trig", "nq", "ttl", "nt", "jsonld") if (f := by_token(t, RDF)) is not None),
)
#: Characters kept as they are when the request's query string becomes the page's IRI.
_IRI_SAFE = "!#$%&'()*+,/:;=?@[]~"
MAX_PAGE = 1_000_000


def _page_number() -> int:
    raw = request.args.get("page", "")
    if raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE}, not {raw!r}")
    return int(raw)


def _pattern() -> fragments.Pattern:
    try:
        return fragments.Pattern(
            *(fragments.parse_term(request.args.get(p), p) for p in fragments.POSITIONS)
        )
    except fragments.BadPattern as error:
        raise BadRequest(str(error)) from None


@bp.get("/fragments")
def fragment() -> Response:
    fmt = negotiate(request.headers.get("Accept"), OFFERED, request.args.get("format"))
    pattern, number = _pattern(), _page_number()
    pub = publication()
    base = f"{pub.settings.base_url}fragments"
    here, collection = _self_urls(base)
    # Clients ask the same count for every page of a pattern.
    total = pub.cache.get(
        "fragment-count", pattern.where(), lambda: fragments.count(pub.store, pattern)
    )
    data = fragments.page(pub.store, pattern, number, total)
    controls = fragments.Controls(
        base, here, total, _links(base, number, total), collection=collection
    )
    if fmt is HTML:
        body = render_template(
            "fragments.html",
            lang=negotiate_language(
                request.headers.get("Accept-Language"), request.args.get("lang")
            ),
            values={p: request.args.get(p, "") for p in fragments.POSITIONS},
            triples=data,
            controls=controls,
            number=number,
        )
        response = Response(body, mimetype="text/html")
    else:
        quads = fragments.quads(data, controls)
        oxformat = fmt.oxigraph
        assert isinstance(oxformat, ox.RdfFormat)
        if not fmt.quads and fmt.token != "jsonld":
            payload = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            data_bytes = ox.serialize(payload, format=oxformat, prefixes=fragments.PREFIXES)
        elif fmt.token == "jsonld":
            data_bytes = ox.serialize(quads, format=oxformat)
        else:
            data_bytes = ox.serialize(quads, format=oxformat, prefixes=fragments.PREFIXES)
        response = Response(data_bytes or b"", content_type=f"{fmt.media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _self_urls(base: str) -> tuple[str, str]:
    """This page's URL and its pattern's (without ``page``), as the client wrote them.

    Clients match the page's metadata to the URL they fetched character for
    character, so the query string is kept as sent: its escapes keep their case
    and its parameters their order; only characters an IRI cannot hold are escaped.
    """
    raw = request.query_string.decode("utf-8", "replace")
    kept = "&".join(p for p in raw.split("&") if p.split("=", 1)[0] != "page")

    def url(query: str) -> str:
        query = quote(query, safe=_IRI_SAFE)
        return f"{base}?{query}" if query else base

    return url(raw), url(kept)


def _links(base: str, number: int, total: int) -> dict[str, str]:
    """first / previous / next page URLs, keeping the pattern's parameters in order."""
    pattern = [(p, request.args[p]) for p in fragments.POSITIONS if request.args.get(p)]
    last = max(1, -(-total // fragments.PAGE_SIZE))

    def url(n: int) -> str:
        return f"{base}?{urlencode([*pattern, ('page', str(n))])}"

    found = {"first": url(1)}
    if number > 1:
        found["previous"] = url(min(number - 1, last))
    if number < last:
        found["next"] = url(number + 1)
    return found
