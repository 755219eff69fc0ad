"""``/api/``: named partner queries in JSON, CSV or JSON-LD, described by OpenAPI 3."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import rdflib
from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest

from publisher import __version__, openapi
from publisher.app import publication
from publisher.fairness import query_slot
from publisher.formats import Format
from publisher.negotiation import negotiate, negotiate_language
from publisher.queries.api import BadParameter, NamedQuery, catalogue
from publisher.store.base import Row

bp = Blueprint("api", __name__)

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
    document = openapi.document(catalogue(), base_url, __version__)
    return Response(json.dumps(document, indent=2), mimetype="application/json")


@bp.get("/api/<name>")
def run(name: str) -> Response:
    query = catalogue().get(name)
    if query is None:
        abort(404, f"no query named {name!r}; see /api/ for the list")
    fmt = negotiate(request.headers.get("Accept"), OFFERED, request.args.get("format"))
    pub = publication()
    base_url = pub.settings.base_url
    try:
        text, used = query.bind(request.args.to_dict(), base_url)
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
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


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
