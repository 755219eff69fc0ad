"""What a request is served from: the publication of the app handling it."""

from __future__ import annotations

from flask import current_app

from publisher.graph.publication import Publication


def publication() -> Publication:
    """The publication of the app handling the current request."""
    pub: Publication = current_app.extensions["publisher"]
    return pub
