"""``/fhir/``: a read-only FHIR R4 view of the graph (metadata, read, search).

Every answer is ``application/fhir+json``, errors included (an
``OperationOutcome``); the JSON is served whatever ``Accept`` says (so a static
copy can serve it too), and ``_format`` other than JSON is a 406.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from publisher.config import VERSION
from publisher.fhir import bundle, search
from publisher.fhir.capability import capability_statement
from publisher.fhir.index import Resources, resources_of
from publisher.fhir.mapping import TYPES, Resource
from publisher.fhir.outcome import FhirError, issue_type, operation_outcome
from publisher.store.errors import StoreError
from publisher.web.context import publication
from publisher.web.errors import STATUSES

log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__)

MEDIA_TYPE = "application/fhir+json"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def fhir_response(body: Resource, status: int = 200) -> Response:
    """``body`` as FHIR JSON."""
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    return Response(text, status=status, mimetype=MEDIA_TYPE)


def resources() -> Resources:
    """The FHIR resources of the data version being served."""
    pub = publication()
    return pub.cache.once("fhir", (), lambda: resources_of(pub.store, pub.settings.base_url))


def _check_format() -> None:
    asked = request.args.get("_format")
    if asked is not None and asked not in search.JSON_FORMATS:
        raise FhirError(406, "not-supported", f"_format {asked!r} is not offered; use json")


def _of_type(type_: str) -> dict[str, Resource]:
    if type_ not in TYPES:
        raise FhirError(
            404, "not-supported", f"resource type {type_!r} is not served; see /fhir/metadata"
        )
    return resources()[type_]


@bp.get("/fhir/metadata")
def metadata() -> Response:
    _check_format()
    return fhir_response(capability_statement(publication().settings.base_url, VERSION))


@bp.get("/fhir/<type_>")
def search_type(type_: str) -> Response:
    _check_format()
    found = _of_type(type_)
    query = search.parse(type_, request.args)
    base_url = publication().settings.base_url
    matches = search.run(found, query, base_url)
    params = list(request.args.items(multi=True))
    body = bundle.searchset(base_url, type_, params, matches, query.count, query.offset)
    return fhir_response(body)


@bp.get("/fhir/<type_>/<id_>")
def read(type_: str, id_: str) -> Response:
    _check_format()
    resource = _of_type(type_).get(id_)
    if resource is None:
        raise FhirError(404, "not-found", f"no {type_} with id {id_!r}")
    return fhir_response(resource)


@bp.route("/fhir", methods=METHODS)
@bp.route("/fhir/", methods=METHODS)
@bp.route("/fhir/<path:rest>", methods=METHODS)
def unsupported(rest: str = "") -> Response:
    """Anything else under /fhir/: 405 for other methods, 404 for other paths."""
    if request.method not in ("GET", "HEAD"):
        raise FhirError(405, "not-supported", "this FHIR view is read-only: GET only")
    raise FhirError(404, "not-supported", f"/fhir/{rest} is not an interaction offered here")


@bp.errorhandler(FhirError)
def fhir_error(error: FhirError) -> Response:
    response = fhir_response(operation_outcome(error.code, error.message), error.status)
    if error.status == 405:
        response.headers["Allow"] = "GET, HEAD"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return fhir_error(FhirError(status, issue_type(status), error.description or error.name))


@bp.errorhandler(StoreError)
def store_error(error: StoreError) -> Response:
    status = next(code for kind, code in STATUSES if isinstance(error, kind))
    return fhir_error(FhirError(status, issue_type(status), str(error)))


@bp.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    log.exception("unhandled error on %s", request.path)
    return fhir_error(FhirError(500, "exception", "internal server error; it has been logged"))
