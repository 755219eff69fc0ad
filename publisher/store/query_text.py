"""What a SPARQL query says before any server sees it: its form, its federation, its base.

For the remote backend, which must not hand a server a query that makes it
fetch other endpoints, and must know a query's form to ask for the right result
format (SPARQLWrapper guesses it from the first keyword it meets,
even inside a sub-query).
"""

from __future__ import annotations

import re

from publisher.store.base import QuerySyntaxError

_PROLOGUE = re.compile(
    r"""\s*(?:\#[^\n]*\n?|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)""", re.IGNORECASE
)
_FORM = re.compile(r"\s*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)


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


def refuse_federation(query: str, base_iri: str | None = None) -> None:
    """Refuse a query that uses ``SERVICE``: the remote server would fetch it for us
    (Oxigraph server and Virtuoso both federate). The same parse-based check as
    ``/sparql`` (:mod:`publisher.sparql.analysis`), for every query we send.

    >>> refuse_federation("SELECT ?service WHERE { ?s <http://x/SERVICE> 'SERVICE' }")
    >>> refuse_federation("SELECT * { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    publisher.store.base.QueryRefused: SERVICE is not allowed: ...

    :raises QueryRefused: naming what was refused.
    :raises QuerySyntaxError: a query that names it but cannot be parsed.
    """
    from publisher.sparql.analysis import stays_local  # the analysis imports the store's errors

    stays_local(query, base_iri)


def base_declaration(iri: str) -> str:
    """A ``BASE`` line that makes the query's relative IRIs resolve against ``iri``.

    >>> base_declaration("http://h/")
    'BASE <http://h/>\\n'

    :raises QuerySyntaxError: when ``iri`` could break out of the brackets.
    """
    if not iri or any(c in iri for c in '<>"{}|^`\\ \n'):
        raise QuerySyntaxError(f"not a usable base IRI: {iri!r}")
    return f"BASE <{iri}>\n"
