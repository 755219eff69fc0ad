"""The OpenAPI 3 description of the partner queries (from their ``.rq`` headers),
of ``/search`` and of ``/fragments``."""

from __future__ import annotations

from typing import Any

from publisher.api.named import NamedQuery, Parameter
from publisher.rdf.vocabulary import LANGUAGES

VERSION = "3.0.3"
FORMATS = ("json", "csv", "jsonld")

THING = "a slug (mri), the IRI, or a label in French or English, any case, accents or not"
_ERROR = {"description": "a short explanation", "content": {"text/plain": {"schema": {}}}}


def _schema(param: Parameter, base_url: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    pattern = param.pattern(base_url)
    if param.type.startswith("id:"):
        # A label in French or English (any case, accents or not), a slug or the IRI:
        # no pattern says that; the 400 for a value naming nothing lists the valid ones.
        schema["x-kind"] = param.type[3:]
        schema["description"] = THING
    elif pattern:
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


def _query_param(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _facet(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description + " Repeat to accept any of several values.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    }


def _responses(content: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "200": {"description": what, "content": content},
        "400": _ERROR | {"description": "a parameter is ill-formed"},
        "406": _ERROR | {"description": "none of the formats asked for is offered"},
    }


def read_paths() -> dict[str, Any]:
    """/search and /fragments, described for the same clients."""
    slug = "a slug (ct, frejus), the IRI, or a label in French or English (Fréjus, IRM, scanner)."
    search = {
        "operationId": "search",
        "summary": "Search labels (fr, en; case and accents ignored) with facets",
        "parameters": [
            _query_param("q", "Words to find in labels and synonyms.", maxLength=200),
            _facet("type", "A type: ImagingCentre, schema:MedicalClinic, an IRI or a label."),
            *(
                _facet(name, f"Only things linked to this {name}: {slug}")
                for name in ("modality", "specialty", "aspect", "centre", "town")
            ),
            _query_param("lang", "Language of the labels shown.", enum=list(LANGUAGES)),
            _query_param("page", "Page number, from 1.", pattern="^[0-9]+$"),
            _query_param("size", "Results per page, 1 to 100.", pattern="^[0-9]+$"),
        ],
        "responses": _responses(
            {
                "application/ld+json": {"schema": {"type": "object"}},
                "text/html": {"schema": {"type": "string"}},
            },
            "a page of results with facet counts and paging links",
        ),
    }
    term = 'An IRI, or a literal such as "IRM"@fr; empty or ?var for any.'
    fragments = {
        "operationId": "fragments",
        "summary": "Triple Pattern Fragments with Hydra controls",
        "parameters": [
            _query_param("subject", term),
            _query_param("predicate", term),
            _query_param("object", term),
            _query_param("page", "Page number, from 1.", pattern="^[0-9]+$"),
        ],
        "responses": _responses(
            {
                media_type: {"schema": {}}
                for media_type in (
                    "text/html",
                    "application/trig",
                    "text/turtle",
                    "application/n-triples",
                    "application/ld+json",
                )
            },
            "one page of the triples matching the pattern, with counts and controls",
        ),
    }
    return {"/search": {"get": search}, "/fragments": {"get": fragments}}


def document(queries: dict[str, NamedQuery], base_url: str, version: str) -> dict[str, Any]:
    """The whole OpenAPI document; paths are relative to the server's base URL."""
    paths: dict[str, Any] = {
        f"/api/{name}": {"get": _operation(query, base_url)} for name, query in queries.items()
    }
    paths.update(read_paths())
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
