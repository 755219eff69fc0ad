"""Headers every response carries, and redirects that never trust the Host header.

Browsers must not guess a type (``nosniff``); an HTML page runs no script and
loads nothing from elsewhere (its Content-Security-Policy), which holds for the
error pages and anything a view forgets. Werkzeug's own redirects (merged
slashes, a missing trailing slash) are absolute URLs built from ``Host``; a
forged ``Host`` would send the client elsewhere, so they become relative (the
Location and the link in the body).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request

#: The pages have no script; styles and images come from the site only.
HTML_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def relative_location(location: str, host: str) -> str:
    """``location`` without its origin when that origin is ``host`` (the request's own).

    >>> relative_location("http://evil.example/doc/centre/frejus?a=1", "evil.example")
    '/doc/centre/frejus?a=1'
    >>> relative_location("http://evil.example//other.example/x", "evil.example")
    '/other.example/x'
    >>> relative_location("https://example.org/doc/x", "evil.example")
    'https://example.org/doc/x'
    >>> relative_location("/doc/x", "evil.example")
    '/doc/x'
    """
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc.lower() != host.lower():
        return location
    path = "/" + parts.path.lstrip("/\\")  # never "//host": that is another origin
    return path + (f"?{parts.query}" if parts.query else "")


def register(app: Flask) -> None:
    """Install the after-request hook on ``app``."""

    @app.after_request
    def secure(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", HTML_POLICY)
        location = headers.get("Location")
        if location and 300 <= response.status_code < 400:
            relative = relative_location(location, request.host)
            if relative != location:  # its body links the absolute URL too
                response.set_data(redirect(relative, response.status_code).get_data())
                headers["Location"] = relative
        return response
