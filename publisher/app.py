"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify

from publisher.config import Settings
from publisher.publication import Publication


def publication() -> Publication:
    """The publication of the app handling the current request."""
    pub: Publication = current_app.extensions["publisher"]
    return pub


def create_app(settings: Settings | None = None, pub: Publication | None = None) -> Flask:
    """Build the app: load, validate and store the data, then register the views.

    :raises publisher.publication.ValidationFailed: the data breaks the shapes.
    """
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["JSON_SORT_KEYS"] = False
    app.extensions["publisher"] = pub or Publication.open(settings)

    @app.get("/healthz")
    def healthz() -> Response:
        current = publication()
        return jsonify(
            status="ok",
            version=current.version,
            quads=current.store.count(),
            files=len(current.dataset.sources),
        )

    return app
