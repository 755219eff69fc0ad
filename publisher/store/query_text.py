"""What a SPARQL query says before any server sees it: its form, its federation, its base.

Cheap text checks for the remote backend, which must not hand a server a query
that makes it fetch other endpoints, and must know a query's form to ask for the
right result format (SPARQLWrapper guesses it from the first keyword it meets,
even inside a sub-query).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from publisher.store.base import QueryRefused, QuerySyntaxError

_PROLOGUE = re.compile(
    r"""\s*(?:\#[^\n]*\n?|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)""", re.IGNORECASE
)
_FORM = re.compile(r"\s*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_STRINGS = (
    r"'''.*?'''",
    r'""".*?"""',
    r"'(?:[^'\\\n]|\\.)*'",
    r'"(?:[^"\\\n]|\\.)*"',
)
#: Comments, IRIs and strings: the parts of a query where keywords are only text.
_OPAQUE = re.compile("|".join((r"#[^\n]*", r"<[^<>\"{}|^`\\\s]*>", *_STRINGS)), re.DOTALL)
_SERVICE = re.compile(r"(?<![?$:\w])SERVICE\b", re.IGNORECASE)
_SERVICE_IRI = re.compile(r"SERVICE\s+(?:SILENT\s+)?<([^>]*)>", re.IGNORECASE)
_SERVICE_VARIABLE = re.compile(r"SERVICE\s+(?:SILENT\s+)?[?$]", re.IGNORECASE)


def query_form(query: str) -> str:
    """The query's form (SELECT, CONSTRUCT, DESCRIBE or ASK), read past its prologue.

    >>> query_form("PREFIX s: <https://schema.org/> # a comment\\nask { ?x s:name ?n }")
    'ASK'

    :raises QuerySyntaxError: when no query form follows the prologue.
    """
    position = 0
    while match := _PROLOGUE.match(query, position):
        if match.end() == position:
            break
        position = match.end()
    form = _FORM.match(query, position)
    if not form:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK")
    return form.group(1).upper()


def refuse_federation(query: str, allowed: Sequence[str] = ()) -> None:
    """Refuse ``SERVICE`` unless every endpoint it names is allowed: the remote server
    would fetch it for us (Oxigraph server and Virtuoso both federate).

    >>> refuse_federation("SELECT ?service WHERE { ?s <http://x/SERVICE> 'SERVICE' }")
    >>> refuse_federation("SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    publisher.store.base.QueryRefused: SERVICE is not allowed here: ...

    :raises QueryRefused: naming what was refused.
    """
    if not _SERVICE.search(_OPAQUE.sub(" ", query)):
        return
    named = _SERVICE_IRI.findall(query)
    if _SERVICE_VARIABLE.search(query) or not named or any(e not in allowed for e in named):
        raise QueryRefused(
            "SERVICE is not allowed here: this endpoint does not fetch other endpoints "
            f"(allowed: {', '.join(allowed) or 'none'})"
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
