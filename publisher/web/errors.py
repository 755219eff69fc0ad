"""Every error becomes a real HTTP status with a short body, never a stack trace."""

from __future__ import annotations

import json
import logging
from html import escape
from http import HTTPStatus

from flask import Flask, Response, request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import HTTPException

from publisher.graph.sources import SourceError
from publisher.rdf.formats import HTML, Format
from publisher.store.errors import (
    QueryRefused,
    QueryResourceLimit,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)
from publisher.web.negotiation import NotAcceptable, negotiate

log = logging.getLogger(__name__)

#: Exception type → HTTP status, most specific first.
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (NotAcceptable, 406),
    (QuerySyntaxError, 400),
    (QueryRefused, 400),
    (QueryTimeout, 503),
    (QueryResourceLimit, 503),
    (StoreUnavailable, 502),
    (SourceError, 400),
    (StoreError, 500),
    # A malformed body (a bad chunk size) seen by gunicorn's classic workers only
    # when the app reads it; the async model answers 400 before the app runs.
    (ParseException, 400),
)


#: What an error body can be written in; plain text first, for ``*/*`` and tools.
ERROR_FORMATS: tuple[Format, ...] = (
    Format("txt", "text/plain", "txt"),
    HTML,
    Format("json", "application/json", "json"),
)


def error_media_type(accept: str | None) -> str:
    """Plain text, HTML for browsers, JSON for JSON clients (any ``+json`` type too).

    >>> error_media_type("text/html,application/xhtml+xml,*/*;q=0.8")
    'text/html'
    >>> error_media_type("application/sparql-results+json")
    'application/json'
    >>> error_media_type(None)
    'text/plain'
    """
    try:
        return negotiate(accept, ERROR_FORMATS).media_type
    except NotAcceptable:
        return "application/json" if accept and "json" in accept else "text/plain"


def render_error(status: int, message: str, media_type: str) -> str:
    """The error body in ``media_type``; the message is escaped in HTML."""
    if media_type == "application/json":
        return json.dumps({"status": status, "error": message}, ensure_ascii=False)
    if media_type == "text/html":
        title = f"{status} {_phrase(status)}"
        return (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="stylesheet" href="/static/style.css"></head>'
            f"<body><main><h1>{title}</h1><p>{escape(message)}</p>"
            '<p><a href="/">Accueil · Home</a></p></main></body></html>\n'
        )
    return message + "\n"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_response(status: int, message: str) -> Response:
    """The error in the format the client prefers, never cached, open to every origin."""
    media_type = error_media_type(request.headers.get("Accept") if request else None)
    response = Response(render_error(status, message, media_type), status=status)
    response.mimetype = media_type
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept"
    return response


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""

    for exception, status in STATUSES:

        def handle(error: Exception, status: int = status) -> Response:
            response = error_response(status, str(error))
            if isinstance(error, NotAcceptable):
                response.headers["Vary"] = "Accept"
            return response

        app.register_error_handler(exception, handle)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, f"{error.name}: {error.description}")
        for key, value in error.get_headers():
            if key.lower() not in {"content-type", "content-length"}:
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s", request.path)
        return error_response(500, "Internal server error; the problem has been logged.")
