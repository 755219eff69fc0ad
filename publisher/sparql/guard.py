"""Read a query before any engine does: what form it has, and whether it is allowed.

Two readings, with two jobs:

- whether the query stays local (no ``SERVICE``, no graph we do not hold) is
  decided on a real SPARQL parse, in :mod:`publisher.sparql.analysis`;
- its form, and a clear word about updates, come from a light tokenizer that
  reads the query the way the SPARQL grammar does. It decides nothing about the
  network: an update that fooled it still fails rdflib's query grammar there.

>>> inspect("PREFIX s: <https://schema.org/> SELECT * WHERE { ?c s:name ?n }").form
'SELECT'
>>> inspect("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
publisher.store.base.QueryRefused: SERVICE is not allowed: ...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from publisher.sparql.analysis import stays_local, unescape_codepoints
from publisher.store.base import QueryRefused

__all__ = ["FORMS", "QueryPlan", "check_graphs", "inspect", "tokens", "unescape_codepoints"]

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

_PN_CHARS = r"A-Za-z0-9_\-\u00B7\u00C0-\U000EFFFF"
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"(?:[{_PN_CHARS}:.]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESCAPE})*"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<long>\"\"\"(?:\"{{0,2}}(?:[^\"\\]|\\.))*\"\"\"|'''(?:'{{0,2}}(?:[^'\\]|\\.))*''')
    | (?P<string>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][{_PN_CHARS}]+)
    | (?P<bnode>_:[{_PN_CHARS}.]*)
    | (?P<pname>(?:[A-Za-z\u00C0-\U000EFFFF][{_PN_CHARS}.]*)?:{_LOCAL})
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<comment>\#[^\n\r]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: The keywords :func:`inspect` acts on; every other word is passed over.
_KEYWORDS = frozenset({*FORMS, *UPDATE_WORDS})


class Token(NamedTuple):
    """A tuple, not a dataclass: a query has dozens and each request reads them all."""

    kind: str
    text: str


@dataclass(frozen=True)
class QueryPlan:
    """What the guard learnt: the query form and the graphs its dataset clause names."""

    form: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer a graph; SELECT and ASK a result table."""
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def tokens(query: str) -> Iterator[Token]:
    """The query's tokens, without whitespace and comments."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind not in {"ws", "comment"}:
            yield Token(kind, match.group())


def inspect(
    query: str,
    base_iri: str | None = None,
    local_graphs: Collection[str] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> QueryPlan:
    """The query's form and dataset, or :class:`QueryRefused` if it may not run here.

    :param base_iri: what relative IRIs resolve against when the query has no ``BASE``.
    :param local_graphs: graphs ``FROM`` may name (``None``: do not check).
    :param prefixes: prefixes the endpoint declares for every query.
    :raises QueryRefused: an update, a ``SERVICE``, a foreign graph.
    :raises QuerySyntaxError: a query that names them but cannot be parsed.
    """
    form = None
    for token in tokens(unescape_codepoints(query)):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word not in _KEYWORDS:
            continue
        if word in FORMS and form is None:
            form = word
        elif word in UPDATE_WORDS and (form is None or word == "LOAD"):
            raise QueryRefused(
                f"{word} is SPARQL Update: this endpoint answers queries only, read-only"
            )
    dataset = stays_local(query, base_iri, prefixes)
    check_graphs([*dataset.default, *dataset.named], local_graphs)
    return QueryPlan(form, dataset.default, dataset.named)


def check_graphs(graphs: Collection[str], local_graphs: Collection[str] | None) -> None:
    """Refuse graph IRIs that are not in the dataset: they would mean a fetch elsewhere.

    :raises QueryRefused: naming the first foreign graph and the graphs on offer.
    """
    if local_graphs is None:
        return
    for graph in graphs:
        if graph not in local_graphs:
            offered = ", ".join(f"<{g}>" for g in sorted(local_graphs))
            raise QueryRefused(
                f"graph <{graph}> is not in this dataset and is never fetched; "
                f"available graphs: {offered}"
            )
