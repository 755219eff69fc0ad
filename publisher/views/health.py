"""``/healthz``: liveness and what is loaded.

``ok`` (200) only when the store answers and holds data under the served base URL;
an empty dataset (a store loaded under another base URL, say) is ``empty`` (503),
since every page would be a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from publisher.web.context import publication

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    current = publication()
    current.store.ask("ASK {}")  # a store that went away answers 502, not "ok"
    quads = current.cache.once("quads", (), current.store.count)  # grows with the data
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
