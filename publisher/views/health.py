"""``/healthz``: liveness and what is loaded.

``ok`` (200) only when the store answers and holds data under the served base URL;
an empty dataset (a store loaded under another base URL, say) is ``empty`` (503),
since every page would be a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from publisher.graph.publication import Publication
from publisher.web.context import publication

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
    quads = _quads(current)
    response = jsonify(
        status="ok" if quads else "empty",
        version=current.version,
        quads=quads,
        files=len(current.dataset.sources),
        **({} if quads else {"error": f"no data under the base URL {current.settings.base_url}"}),
    )
    if not quads:
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response
