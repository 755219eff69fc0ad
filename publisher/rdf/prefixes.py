"""The one table of prefixes: serialisations, compact names, scaffolds and ``/sparql``.

Every place that writes or reads a prefixed name takes its namespaces from
:data:`NAMESPACES` (a subset by name, :func:`subset`, where it needs fewer), so
``skos:`` means the same IRI on every page. The project's own namespaces are
relative, like the IRIs of its Turtle files, and resolve against the base URL
(:func:`project`).

A partner's first query is usually ``SELECT ?c WHERE { ?c a rim:ImagingCentre }``;
large public endpoints predeclare their vocabularies so that it works.
:data:`PREDECLARED` is read by the engine (pyoxigraph's ``prefixes=``), by remote
stores (``PREFIX`` lines the query does not write itself), by the service
description and the query page. A query's own ``PREFIX`` always wins.

>>> resolve("http://h/")["rim"]
'http://h/ontology#'
>>> declarations("PREFIX rim: <x#> SELECT * { ?s a rim:A }", "http://h/").count("PREFIX rim:")
0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

#: Prefix → namespace of every vocabulary the project names.
NAMESPACES: Mapping[str, str] = MappingProxyType(
    {
        "schema": "https://schema.org/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "prov": "http://www.w3.org/ns/prov#",
        "oa": "http://www.w3.org/ns/oa#",
        "dcterms": "http://purl.org/dc/terms/",
        "dcat": "http://www.w3.org/ns/dcat#",
        "void": "http://rdfs.org/ns/void#",
        "sh": "http://www.w3.org/ns/shacl#",
        "hydra": "http://www.w3.org/ns/hydra/core#",
        "foaf": "http://xmlns.com/foaf/0.1/",
    }
)

#: The project's own namespaces, relative to the base URL.
OWN: Mapping[str, str] = MappingProxyType({"rim": "ontology#", "rimsh": "shapes#"})

#: The vocabularies of the data itself: bound in every serialisation and predeclared
#: on ``/sparql`` (the Hydra/FOAF terms of the API's own documents are not).
COMMON = (
    "schema", "skos", "rdfs", "rdf", "owl", "xsd", "prov", "oa", "dcterms", "dcat", "void", "sh"
)  # fmt: skip


def subset(*names: str) -> dict[str, str]:
    """The namespaces of ``names``, in that order.

    >>> subset("rdf", "xsd")["xsd"]
    'http://www.w3.org/2001/XMLSchema#'
    """
    return {name: NAMESPACES[name] for name in names}


def project(base_url: str) -> dict[str, str]:
    """The project's own namespaces (``rim:``, ``rimsh:``) under ``base_url``.

    >>> project("http://h/")["rimsh"]
    'http://h/shapes#'
    """
    return {prefix: base_url + namespace for prefix, namespace in OWN.items()}


#: Prefix → namespace predeclared on ``/sparql`` (own ones relative, see :func:`resolve`).
PREDECLARED: Mapping[str, str] = MappingProxyType({**OWN, **subset(*COMMON)})

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_DECLARED = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)


@lru_cache(maxsize=8)
def resolve(base_url: str) -> Mapping[str, str]:
    """:data:`PREDECLARED` with every namespace absolute, under ``base_url``
    (joined as text: ``urljoin`` would drop the empty fragment of ``ontology#``)."""
    return MappingProxyType(
        {p: ns if _SCHEME.match(ns) else base_url + ns for p, ns in PREDECLARED.items()}
    )


def declared(query: str) -> set[str]:
    """The prefixes a query declares itself.

    >>> sorted(declared("prefix s: <https://schema.org/> PREFIX : <x#> ASK {}"))
    ['', 's']
    """
    return set(_DECLARED.findall(query))


def declarations(query: str, base_url: str) -> str:
    """``PREFIX`` declarations of the predeclared prefixes ``query`` does not declare,
    on one line without a line break, so the query's line numbers stay its own."""
    own = declared(query)
    return "".join(
        f"PREFIX {prefix}: <{namespace}> "
        for prefix, namespace in resolve(base_url).items()
        if prefix not in own
    )
