"""FHIR errors: an ``OperationOutcome`` with the HTTP status, never an HTML page."""

from __future__ import annotations

from typing import Any


class FhirError(Exception):
    """A request the FHIR view refuses; ``code`` is from FHIR's issue-type value set."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def operation_outcome(code: str, message: str) -> dict[str, Any]:
    """An ``OperationOutcome`` with one error issue.

    >>> operation_outcome("not-found", "no Organization/x")["issue"][0]["severity"]
    'error'
    """
    issue = {"severity": "error", "code": code, "diagnostics": message}
    return {"resourceType": "OperationOutcome", "issue": [issue]}


#: HTTP status → FHIR issue type, for errors raised outside the FHIR view's own checks.
ISSUE_TYPES = {
    400: "invalid",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-long",
    502: "transient",
    503: "timeout",
}


def issue_type(status: int) -> str:
    """The issue type for an HTTP status (``exception`` for anything unlisted)."""
    return ISSUE_TYPES.get(status, "exception")
