"""Every error becomes a real HTTP status with a short body, never a stack trace."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from publisher.negotiation import NotAcceptable
from publisher.sources import SourceError
from publisher.store.base import (
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)

#: Exception type → HTTP status, most specific first.
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (NotAcceptable, 406),
    (QuerySyntaxError, 400),
    (QueryRefused, 400),
    (QueryTimeout, 503),
    (StoreUnavailable, 502),
    (SourceError, 400),
    (StoreError, 500),
)


def error_response(status: int, message: str) -> Response:
    """A plain-text error, or JSON when the client prefers it."""
    accept = request.headers.get("Accept", "") if request else ""
    if "json" in accept and "html" not in accept:
        body = json.dumps({"status": status, "error": message}, ensure_ascii=False)
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
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
