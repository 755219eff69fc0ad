"""``/healthz``: liveness and what is loaded."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from publisher.app import publication
from publisher.publication import Publication

bp = Blueprint("health", __name__)


_counted: dict[int, tuple[str, int]] = {}


def _quads(current: Publication) -> int:
    """Counting every quad grows with the data: once per data version is enough."""
    cached = _counted.get(id(current))
    if cached is None or cached[0] != current.version:
        cached = _counted[id(current)] = (current.version, current.store.count())
    return cached[1]


@bp.get("/healthz")
def healthz() -> Response:
    current = publication()
    current.store.ask("ASK {}")  # a store that went away answers 502, not "ok"
    response = jsonify(
        status="ok",
        version=current.version,
        quads=_quads(current),
        files=len(current.dataset.sources),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
