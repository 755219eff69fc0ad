"""HTTP caching and CORS for every GET: ETag, 304, Cache-Control, Vary.

The ETag combines the loaded data's version with the body, so it changes when
the data changes; views only set ``Vary`` and, if they like, ``Cache-Control``.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request

from publisher.web.context import publication

DEFAULT_CACHE_CONTROL = "public, max-age=300"
#: Request headers that can turn a 200 into a 304, 412 or 206. Without any of them
#: werkzeug's ``make_conditional`` would only add a ``Date`` (the server sends one).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


def etag(body: bytes, version: object) -> str:
    """The entity tag of ``body`` under the data's ``version``.

    >>> etag(b"page", "v1") != etag(b"page", "v2")
    True
    """
    digest = hashlib.sha256(body)
    digest.update(str(version).encode())
    return digest.hexdigest()[:32]


def register(app: Flask) -> None:
    """Install the after-request hook; ETags carry the served publication's version."""

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        if request.method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        if response.is_streamed:
            response.headers.setdefault("Cache-Control", "no-cache")
            return response
        response.headers.setdefault("Cache-Control", DEFAULT_CACHE_CONTROL)
        if "ETag" not in response.headers:
            response.set_etag(etag(response.get_data(), publication().version))
        if any(name in request.environ for name in CONDITIONAL_HEADERS):
            response.make_conditional(request)  # updates the response in place
        return response
