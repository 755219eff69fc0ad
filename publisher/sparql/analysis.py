"""What a query says before any engine sees it: form, dataset, base, federation, updates.

The one reader of query text: for the ``/sparql`` guard (:mod:`publisher.sparql.guard`),
and for every query the remote store sends on (it must not hand a server a query
that makes it fetch other endpoints, and must tell SPARQLWrapper the form, which it
would guess from the first keyword it meets, even inside a sub-query). The form,
``FROM`` and update keywords come from a light tokenizer (:func:`tokens`), which
decides nothing about the network: whether a query stays local is decided on a
real SPARQL parse (:func:`stays_local`).

Engines fetch URLs on their own (pyoxigraph for ``SERVICE`` and ``LOAD``, rdflib
for ``SERVICE`` and remote ``FROM``; Oxigraph server and Virtuoso federate too).
Whether a query names ``SERVICE`` is decided here in two steps:

1. A screen that cannot be fooled by tokenisation: a query whose text, as
   written and with its ``\\u``/``\\U`` escapes applied, nowhere holds one of the
   words ``SERVICE``, ``FROM``, ``LOAD`` or an update keyword cannot use them,
   whatever its strings, IRIs and comments look like. Most queries stop here.
2. Any other query is parsed by rdflib's SPARQL grammar, and its algebra is read
   for ``SERVICE`` and its dataset clause. The text is parsed *as written*:
   rdflib would apply ``\\u`` escapes before parsing, as the specification says,
   but pyoxigraph applies them inside strings and IRIs only, and a query read
   two ways is how a ``SERVICE`` hides in what one reader takes for a string.
   Unexpanded, an escape makes rdflib's grammar fail, and a query that cannot
   be checked is refused (fail closed).

Query processes also run without network access (:mod:`publisher.store.sandbox`),
so a gap here is not a way out on its own.

>>> stays_local("SELECT * WHERE { ?s ?p ?o }")
Dataset(default=(), named=())
>>> stays_local("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
publisher.store.errors.QueryRefused: SERVICE is not allowed: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from publisher.store.errors import QueryRefused, QuerySyntaxError

#: Every word that can make an engine reach out: federation, dataset fetches, updates.
_SCREEN = re.compile(
    r"(?<![A-Za-z])(?:service|from|load|insert|delete|clear|create|drop|copy|move|add)"
    r"(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
SERVICE_REFUSED = "SERVICE is not allowed: this endpoint never queries other services"
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
#: In a prologue, what may follow each keyword or token kind (the start is as after an IRI).
_PROLOGUE_NEXT = {
    "PREFIX": ("pname",),
    "pname": ("iri",),
    "BASE": ("iri",),
    "iri": ("PREFIX", "BASE", *FORMS),
}
#: The keywords :func:`read` acts on; every other word is passed over.
_KEYWORDS = frozenset({*FORMS, *UPDATE_WORDS})


class Dataset(NamedTuple):
    """The graphs a query's ``FROM`` and ``FROM NAMED`` clauses name, as absolute IRIs."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


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


def needs_parse(query: str) -> bool:
    """Whether the text could hold ``SERVICE``, ``FROM``, ``LOAD`` or an update.

    A superset: a word inside a string or a comment counts too.

    >>> needs_parse("SELECT ?s WHERE { ?s <http://schema.org/availableService> ?o }")
    False
    >>> needs_parse(r"SELECT * { \u0053ERVICE <http://x/> {} }")
    True
    """
    return (
        _SCREEN.search(query) is not None or _SCREEN.search(unescape_codepoints(query)) is not None
    )


def stays_local(
    query: str, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
) -> Dataset:
    """The query's dataset clause, or an error if it could make the engine reach out.

    :param base_iri: what relative IRIs resolve against when the query has no ``BASE``.
    :param prefixes: prefixes the endpoint declares for every query.
    :raises QueryRefused: the query uses ``SERVICE`` (with any IRI or a variable).
    :raises QuerySyntaxError: the query could not be parsed, so it cannot be checked.
    """
    if not needs_parse(query):
        return Dataset()
    return _analyse(query, base_iri, tuple(sorted((prefixes or {}).items())))


@lru_cache(maxsize=2048)
def _analyse(query: str, base_iri: str | None, prefixes: tuple[tuple[str, str], ...]) -> Dataset:
    """Parse and translate with rdflib; cached, as parsing costs tens of milliseconds."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import Query

    try:
        parsed = Query.parse_string(query, parse_all=True)
    except Exception as error:  # noqa: BLE001 - pyparsing's ParseException and kin
        raise QuerySyntaxError(_parse_failure(query, error)) from None
    try:
        translated = translateQuery(parsed, base=base_iri, initNs=dict(prefixes))
    except Exception as error:  # noqa: BLE001 - unknown prefixes, bad IRIs
        raise QuerySyntaxError(f"SPARQL syntax error: {error}") from None
    if _has_service(translated.algebra):
        raise QueryRefused(SERVICE_REFUSED)
    default: list[str] = []
    named: list[str] = []
    # CompValue.get answers the key itself for a missing key: test membership instead.
    clauses = translated.algebra["datasetClause"] if "datasetClause" in translated.algebra else ()
    for clause in clauses or ():
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return Dataset(tuple(default), tuple(named))


def _has_service(node: Any) -> bool:
    """Whether ``SERVICE`` occurs anywhere in rdflib's algebra (sub-queries included)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):  # CompValue is an OrderedDict with a name
            if getattr(current, "name", None) == "ServiceGraphPattern":
                return True
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)
    return False


def _parse_failure(query: str, error: Exception) -> str:
    """One readable line: where the parse stopped, and why an escape blocks the check."""
    where = ""
    line, column = getattr(error, "lineno", None), getattr(error, "col", None)
    if line is not None and column is not None:
        where = f" at line {line}, column {column}"
    hint = ""
    if "\\u" in query or "\\U" in query:
        hint = "; \\u escapes cannot be checked: write the characters themselves"
    return (
        f"SPARQL syntax error{where}: the query could not be parsed, and a query that "
        f"names SERVICE, FROM, LOAD or an update keyword is parsed before it runs{hint}"
    )


class Token(NamedTuple):
    """A tuple, not a dataclass: a query has dozens and each request reads them all."""

    kind: str
    text: str


class Reading(NamedTuple):
    """What the tokenizer read: the query form, and the update keyword that makes it one."""

    form: str | None
    update: str | None = None


def tokens(query: str) -> Iterator[Token]:
    """The query's tokens, without whitespace and comments."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind not in {"ws", "comment"}:
            yield Token(kind, match.group())


def _keywords(query: str) -> Iterator[str]:
    """The form and update keywords, upper-cased, with ``\\u`` escapes applied."""
    for token in tokens(unescape_codepoints(query)):
        if token.kind == "word" and (word := token.text.upper()) in _KEYWORDS:
            yield word


def read(query: str) -> Reading:
    """The query's form, or the first update keyword that makes it an update.

    An update keyword before the form (``INSERT``, ``WITH``...) or ``LOAD``
    anywhere counts; ``DELETE`` after ``SELECT`` is a function or a name.

    >>> read("PREFIX s: <https://schema.org/> SELECT * WHERE { ?c s:name ?n }")
    Reading(form='SELECT', update=None)
    >>> read("INSERT DATA { <http://x/> <http://y/> 1 }")
    Reading(form=None, update='INSERT')
    """
    form = None
    for word in _keywords(query):
        if word in FORMS and form is None:
            form = word
        elif word in UPDATE_WORDS and (form is None or word == "LOAD"):
            return Reading(form, word)
    return Reading(form)


def query_form(query: str) -> str:
    """The query's form (SELECT, CONSTRUCT, DESCRIBE or ASK), right after its prologue.

    Only ``PREFIX`` and ``BASE`` may come first: anything else there (a Virtuoso
    ``DEFINE`` pragma, which can make the server fetch URLs) is not SPARQL.

    >>> query_form("PREFIX s: <https://schema.org/> # a comment\\nask { ?x s:name ?n }")
    'ASK'
    >>> query_form('DEFINE input:grab-all "yes" SELECT * { ?s ?p ?o }')
    Traceback (most recent call last):
    ...
    publisher.store.errors.QuerySyntaxError: not a SPARQL query: ...

    :raises QuerySyntaxError: when no form follows the prologue.
    """
    expected = _PROLOGUE_NEXT["iri"]
    for kind, text in tokens(unescape_codepoints(query)):
        word = text.upper() if kind == "word" else kind
        if word not in expected:
            break
        if word in FORMS:
            return word
        expected = _PROLOGUE_NEXT[word]
    raise QuerySyntaxError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``).

    >>> has_dataset_clause("SELECT ?from FROM <http://h/graph/data> { ?from ?p ?o }")
    True
    >>> has_dataset_clause("SELECT * { ?s ?p 'from' }")
    False
    """
    if "from" not in query.lower():  # the common case, without tokenising
        return False
    return any(
        t.kind == "word" and t.text.upper() == "FROM" for t in tokens(unescape_codepoints(query))
    )


def base_declaration(iri: str) -> str:
    """A ``BASE`` line that makes the query's relative IRIs resolve against ``iri``.

    >>> base_declaration("http://h/")
    'BASE <http://h/>\\n'

    :raises QuerySyntaxError: when ``iri`` could break out of the brackets.
    """
    if not iri or any(c in iri for c in '<>"{}|^`\\ \n'):
        raise QuerySyntaxError(f"not a usable base IRI: {iri!r}")
    return f"BASE <{iri}>\n"
