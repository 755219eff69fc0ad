"""The OpenAPI 3 description of the partner queries, built from their ``.rq`` headers."""

from __future__ import annotations

from typing import Any

from publisher.negotiation import LANGUAGES
from publisher.queries.api import NamedQuery, Parameter

VERSION = "3.0.3"
FORMATS = ("json", "csv", "jsonld")

_ERROR = {"description": "a short explanation", "content": {"text/plain": {"schema": {}}}}


def _schema(param: Parameter, base_url: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    pattern = param.pattern(base_url)
    if pattern:
        schema["pattern"] = pattern
    if param.type == "language":
        schema["enum"] = list(LANGUAGES)
    if param.type == "string":
        schema["maxLength"] = 200
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _operation(query: NamedQuery, base_url: str) -> dict[str, Any]:
    parameters = [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": p.description,
            "schema": _schema(p, base_url),
            **({"example": p.example} if p.example is not None else {}),
        }
        for p in query.parameters
    ]
    parameters.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "Result format, instead of the Accept header.",
            "schema": {"type": "string", "enum": list(FORMATS)},
        }
    )
    row = {"type": "object", "additionalProperties": {}}
    return {
        "operationId": query.name.replace("-", "_"),
        "summary": query.title,
        "description": query.description,
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "the rows the query returns",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["query", "parameters", "columns", "results"],
                            "properties": {
                                "query": {"type": "string"},
                                "parameters": {"type": "object"},
                                "columns": {"type": "array", "items": {"type": "string"}},
                                "results": {"type": "array", "items": row},
                            },
                        }
                    },
                    "text/csv": {"schema": {"type": "string"}},
                    "application/ld+json": {"schema": {"type": "object"}},
                },
            },
            "400": _ERROR | {"description": "a parameter is missing or ill-typed"},
            "406": _ERROR | {"description": "none of the formats asked for is offered"},
        },
    }


def document(queries: dict[str, NamedQuery], base_url: str, version: str) -> dict[str, Any]:
    """The whole OpenAPI document; paths are relative to the server's base URL."""
    paths: dict[str, Any] = {
        f"/api/{name}": {"get": _operation(query, base_url)} for name, query in queries.items()
    }
    paths["/api/openapi.json"] = {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {
                "200": {
                    "description": "the OpenAPI document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    paths["/api/"] = {
        "get": {
            "operationId": "catalogue",
            "summary": "A browsable page listing every query with a form",
            "responses": {
                "200": {
                    "description": "an HTML page",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        }
    }
    return {
        "openapi": VERSION,
        "info": {
            "title": "Radiology graph: partner queries",
            "version": version,
            "description": (
                "Named, parameterised SPARQL queries over the interventional radiology graph. "
                "Each answers in JSON, CSV or JSON-LD (Accept header or ?format=)."
            ),
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": paths,
    }
