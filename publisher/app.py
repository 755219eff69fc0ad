"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, current_app

from publisher import caching, errors, fairness, headers, views
from publisher.config import Settings
from publisher.publication import Publication


def publication() -> Publication:
    """The publication of the app handling the current request."""
    pub: Publication = current_app.extensions["publisher"]
    return pub


def create_app(settings: Settings | None = None, pub: Publication | None = None) -> Flask:
    """Build the app: load, validate and store the data, then register the views.

    :raises publisher.publication.ValidationFailed: the data breaks the shapes.
    :raises publisher.sources.SourceError: a file is missing or not valid RDF.
    """
    settings = settings or Settings()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["publisher"] = pub or Publication.open(settings)
    errors.register(app)
    fairness.register(app, settings)
    headers.register(app)
    caching.register(app, lambda: app.extensions["publisher"].version)
    for bp in views.blueprints():
        app.register_blueprint(bp)
    return app
