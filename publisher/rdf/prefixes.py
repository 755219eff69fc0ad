"""The prefixes every query on ``/sparql`` may use without declaring them.

A partner's first query is usually ``SELECT ?c WHERE { ?c a rim:ImagingCentre }``;
large public endpoints predeclare their vocabularies so that it works. One table,
read by the engine (pyoxigraph's ``prefixes=``), by remote stores (``PREFIX`` lines
the query does not write itself), by the service description and the query page.
A query's own ``PREFIX`` always wins.

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

from publisher.render.rdf import PREFIXES

#: Prefix → namespace. The project's own namespaces are relative, like the IRIs of
#: its Turtle files, and resolve against the base URL (:func:`resolve`).
PREDECLARED: Mapping[str, str] = MappingProxyType(
    {"rim": "ontology#", "rimsh": "shapes#", **PREFIXES}
)

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
