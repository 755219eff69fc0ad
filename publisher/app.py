"""The Flask application factory."""

from __future__ import annotations

from flask import Blueprint, Flask

from publisher.config import Settings
from publisher.fairness import admission
from publisher.graph.publication import Publication
from publisher.search.build import warm
from publisher.views import api, fhir, fragments, health, ontology, resource, search, site, sparql
from publisher.web import caching, deadline, errors, freshness, headers

#: Every blueprint the app serves, in registration order.
BLUEPRINTS: tuple[Blueprint, ...] = (
    api.bp,
    fhir.bp,
    fragments.bp,
    health.bp,
    ontology.bp,
    resource.bp,
    search.bp,
    site.bp,
    sparql.bp,
)


def create_app(settings: Settings | None = None, pub: Publication | None = None) -> Flask:
    """Build the app: load, validate and store the data, then register the views.

    :raises publisher.graph.publication.ValidationFailed: the data breaks the shapes.
    :raises publisher.graph.sources.SourceError: a file is missing or not valid RDF.
    """
    settings = settings or Settings()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["publisher"] = pub = pub or Publication.open(settings)
    errors.register(app)
    admission.register(app, settings)
    headers.register(app)
    caching.register(app)
    deadline.register(app)
    freshness.register(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    warm(pub)  # the search index of a remote store (see its docstring)
    return app
