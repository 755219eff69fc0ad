"""``/api/``: named partner queries in JSON, CSV or JSON-LD, described by OpenAPI 3."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import rdflib
from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.api import openapi
from publisher.api.named import BadParameter, NamedQuery, catalogue
from publisher.config import VERSION
from publisher.fairness.admission import query_slot
from publisher.rdf.formats import Format
from publisher.search.build import index_of
from publisher.search.values import thing_iri
from publisher.store.base import Row
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("api", __name__)
JSON_UTF8 = "application/json; charset=utf-8"

OFFERED = (
    Format("json", "application/json", "json"),
    Format("csv", "text/csv", "csv"),
    Format("jsonld", "application/ld+json", "jsonld"),
)


@bp.get("/api/")
def index() -> Response:
    lang = negotiate_language(request.headers.get("Accept-Language"), request.args.get("lang"))
    body = render_template("api.html", queries=catalogue().values(), lang=lang)
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/api/openapi.json")
def openapi_document() -> Response:
    base_url = publication().settings.base_url
    document = openapi.document(catalogue(), base_url, VERSION)
    return Response(json.dumps(document, indent=2), content_type=JSON_UTF8)


@bp.get("/api/<name>")
def run(name: str) -> Response:
    query = catalogue().get(name)
    if query is None:
        abort(404, f"no query named {name!r}; see /api/ for the list")
    fmt = negotiate(
        request.headers.get("Accept"), OFFERED, (request.args.get("format") or "").strip() or None
    )
    pub = publication()
    base_url = pub.settings.base_url
    args = _resolved(query, request.args.to_dict(), base_url)
    try:
        text, used = query.bind(args, base_url)
    except BadParameter as error:
        raise BadRequest(str(error)) from None
    with query_slot():
        rows = pub.store.select(text)
    columns = _columns(query, rows)
    if fmt.token == "csv":
        body = to_csv(columns, rows)
    elif fmt.token == "jsonld":
        body = json.dumps(to_jsonld(query, columns, rows, base_url), ensure_ascii=False, indent=2)
    else:
        document = {
            "query": name,
            "parameters": used,
            "columns": columns,
            "results": [{c: plain(row[c]) for c in columns if c in row} for row in rows],
        }
        body = json.dumps(document, ensure_ascii=False, indent=2)
    response = Response(body, content_type=f"{fmt.media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _resolved(query: NamedQuery, args: dict[str, str], base_url: str) -> dict[str, str]:
    """``id:{kind}`` values as people write them (a label in French or English, any case,
    accents or not; a slug; an IRI) turned into the thing's slug, as search facets are."""
    things = [p for p in query.parameters if p.type.startswith("id:") and args.get(p.name, "")]
    if not things:
        return args
    idx = index_of(publication())
    lang = negotiate_language(request.headers.get("Accept-Language"), args.get("lang"))
    for param in things:
        kind = param.type[3:]
        if idx.things(kind, base_url):  # a kind the index knows nothing of: validated by type
            iri = thing_iri(idx, param.name, kind, args[param.name].strip(), base_url, lang)
            args[param.name] = iri.rsplit("/", 1)[-1]
    return args


def _columns(query: NamedQuery, rows: list[Row]) -> list[str]:
    """The projected variables, in the order the SELECT clause names them."""
    head = query.text[query.text.upper().index("SELECT") :].split("\n", 1)[0]
    named = [word[1:] for word in head.split() if word.startswith("?")]
    seen = {key for row in rows for key in row}
    return named or sorted(seen)


def plain(term: rdflib.term.Node) -> Any:
    """A JSON value: IRIs and text as strings, numbers and booleans as themselves."""
    if isinstance(term, rdflib.Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float) and term.datatype is not None:
            return value
    return str(term)


def to_csv(columns: list[str], rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([str(row[c]) if c in row else "" for c in columns])
    return out.getvalue()


def to_jsonld(
    query: NamedQuery, columns: list[str], rows: list[Row], base_url: str
) -> dict[str, Any]:
    """Each row as a node whose properties are the columns, in ``{base}api/{name}#``."""
    vocab = f"{base_url}api/{query.name}#"
    graph = []
    for row in rows:
        node: dict[str, Any] = {"@type": "Result"}
        for column in columns:
            if column in row:
                node[column] = _jsonld_value(row[column])
        graph.append(node)
    return {"@context": {"@vocab": vocab}, "@graph": graph}


def _jsonld_value(term: rdflib.term.Node) -> dict[str, str]:
    if isinstance(term, rdflib.URIRef):
        return {"@id": str(term)}
    if isinstance(term, rdflib.Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype:
            return {"@value": str(term), "@type": str(term.datatype)}
        return {"@value": str(term)}
    return {"@id": f"_:{term}"}
