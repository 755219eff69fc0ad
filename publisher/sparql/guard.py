"""Read a query before any engine does: what form it has, and whether it is allowed.

Engines fetch URLs on their own (pyoxigraph for ``SERVICE`` and ``LOAD``, rdflib
for ``SERVICE`` and remote ``FROM``), so a public endpoint decides *before*
handing the query over. The guard tokenises the query the way the SPARQL grammar
does (strings, IRIs and comments cannot hide a keyword, nor fake one) and refuses:

- updates (``INSERT``, ``LOAD``, ...): this is the query endpoint;
- ``SERVICE`` unless its IRI is on the operator's allow-list;
- ``FROM`` / ``FROM NAMED`` naming a graph that is not one of ours.

>>> inspect("PREFIX s: <https://schema.org/> SELECT * WHERE { ?c s:name ?n }").form
'SELECT'
>>> inspect("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
publisher.store.base.QueryRefused: SERVICE <http://x/> is not allowed: ...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

from publisher.store.base import QueryRefused

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
_KEYWORDS = frozenset({"BASE", "PREFIX", "SERVICE", "FROM", *FORMS, *UPDATE_WORDS})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


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


def unescape_codepoints(query: str) -> str:
    r"""Apply ``\uXXXX`` escapes as SPARQL allows them anywhere in a query.

    >>> unescape_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """

    def replace(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:  # beyond U+10FFFF: leave it for the parser to reject
            return match.group(0)

    if "\\u" not in query and "\\U" not in query:  # the common case: nothing to scan for
        return query
    return _CODEPOINT.sub(replace, query)


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
    service_allowlist: Collection[str] = (),
) -> QueryPlan:
    """The query's form and dataset, or :class:`QueryRefused` if it may not run here.

    :param base_iri: what relative IRIs resolve against when the query has no ``BASE``.
    :param local_graphs: graphs ``FROM`` may name (``None``: do not check).
    :param service_allowlist: endpoints ``SERVICE`` may call.
    :raises QueryRefused: an update, a ``SERVICE`` off the list, a foreign graph.
    """
    found = list(tokens(unescape_codepoints(query)))
    base = base_iri
    prefixes: dict[str, str] = {}
    form = None
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for index, token in enumerate(found):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word not in _KEYWORDS:
            continue
        following = found[index + 1 : index + 4]
        if word == "BASE" and following and following[0].kind == "iri":
            base = _resolve(following[0], base, prefixes)
        elif word == "PREFIX" and len(following) >= 2 and following[0].kind == "pname":
            prefixes[following[0].text[:-1]] = _resolve(following[1], base, prefixes)
        elif word in FORMS and form is None:
            form = word
        elif word in UPDATE_WORDS and (form is None or word == "LOAD"):
            raise QueryRefused(
                f"{word} is SPARQL Update: this endpoint answers queries only, read-only"
            )
        elif word == "SERVICE":
            _check_service(following, base, prefixes, service_allowlist)
        elif word == "FROM" and following:
            named = following[0].kind == "word" and following[0].text.upper() == "NAMED"
            target = following[1] if named and len(following) > 1 else following[0]
            iri = _resolve(target, base, prefixes)
            (named_graphs if named else default_graphs).append(iri)
    check_graphs([*default_graphs, *named_graphs], local_graphs)
    return QueryPlan(form, tuple(default_graphs), tuple(named_graphs))


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


def _check_service(
    following: list[Token], base: str | None, prefixes: dict[str, str], allowlist: Collection[str]
) -> None:
    target = following[0] if following else Token("other", "")
    if target.kind == "word" and target.text.upper() == "SILENT":
        target = following[1] if len(following) > 1 else Token("other", "")
    if target.kind not in {"iri", "pname"}:
        raise QueryRefused("SERVICE with a variable or no IRI is not allowed on this endpoint")
    iri = _resolve(target, base, prefixes)
    if iri not in allowlist:
        raise QueryRefused(f"SERVICE <{iri}> is not allowed: this endpoint does not federate to it")


def _resolve(token: Token, base: str | None, prefixes: dict[str, str]) -> str:
    """The absolute IRI a token names; anything unclear is refused (fail closed)."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        absolute = _SCHEME.match(iri) is not None
        return iri if absolute or not base else urljoin(base, iri)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise QueryRefused(f"cannot tell which IRI {token.text!r} names here; write it in full")
