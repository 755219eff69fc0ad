"""``/healthz``: liveness and what is loaded."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from publisher.app import publication

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    current = publication()
    response = jsonify(
        status="ok",
        version=current.version,
        quads=current.store.count(),
        files=len(current.dataset.sources),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
