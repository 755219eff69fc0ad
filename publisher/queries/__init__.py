"""SPARQL templates kept as ``.rq`` files, filled with safely written IRIs."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import rdflib

from publisher.store.base import Store

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_term(iri: str) -> str:
    """``<iri>`` for a SPARQL query, refusing characters that could break out.

    >>> iri_term("http://example.org/a")
    '<http://example.org/a>'
    """
    if not iri or _IRI_FORBIDDEN.search(iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


@cache
def template(name: str) -> str:
    """The text of ``queries/{name}.rq``."""
    return (files(__package__) / f"{name}.rq").read_text(encoding="utf-8")


def fill(name: str, **iris: str) -> str:
    """The template with each ``$key`` replaced by ``<iri>``."""
    text = template(name)
    for key, value in iris.items():
        text = text.replace(f"${key}", iri_term(value))
    return text


def describe(store: Store, iri: str) -> rdflib.Graph:
    """The resource document's graph; empty when the store knows nothing of ``iri``."""
    return store.construct(fill("describe", resource=iri))
