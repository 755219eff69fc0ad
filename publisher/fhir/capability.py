"""The CapabilityStatement: written from the types and the search table, so it cannot drift."""

from __future__ import annotations

from publisher.fhir.mapping import TYPES, Resource
from publisher.fhir.search import COMMON, PARAMETERS

FHIR_VERSION = "4.0.1"
#: When what this server supports last changed (a property of the code, not of the data).
CHANGED = "2026-12-04"
FORMATS = ("application/fhir+json", "json")


def capability_statement(base_url: str, version: str) -> Resource:
    """What the FHIR view does: read and search-type on each type, with its parameters."""
    resources = []
    for type_ in TYPES:
        params = [
            {
                "name": p.name,
                "type": p.type,
                "documentation": f"searches {p.expression}",
            }
            for p in PARAMETERS[type_]
        ]
        params += [{"name": name, "type": kind, "documentation": doc} for name, kind, doc in COMMON]
        resources.append(
            {
                "type": type_,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "versioning": "no-version",
                "readHistory": False,
                "updateCreate": False,
                "searchParam": params,
            }
        )
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CHANGED,
        "publisher": "radiology-publisher",
        "kind": "instance",
        "software": {"name": "radiology-publisher", "version": version},
        "implementation": {
            "description": "Read-only FHIR view of the radiology knowledge graph",
            "url": f"{base_url}fhir",
        },
        "fhirVersion": FHIR_VERSION,
        "format": list(FORMATS),
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read and search only; JSON only (_format=json). Every resource is derived "
                    "from the graph; the statement-basis extension says how the graph supports "
                    "each statement used."
                ),
                "resource": resources,
            }
        ],
    }
