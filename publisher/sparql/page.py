"""Turn query results into the query page's table: pure functions, no Flask.

The page is the one place results are read back in Python; partners' clients
get pyoxigraph's bytes untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from publisher.rdf.formats import Format
from publisher.rdf.prefixes import subset

#: Prefixes shown in cells, so IRIs stay readable.
SHORT_PREFIXES = subset("schema", "skos", "rdf", "rdfs", "prov", "oa", "xsd")


@dataclass(frozen=True)
class Cell:
    """One value: its text, a link for IRIs, and a note (language or datatype)."""

    text: str
    href: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    boolean: bool | None = None


def short(iri: str, base_url: str) -> str:
    """A readable name for an IRI: ``rim:Term``, ``id/centre/x``, ``schema:name``.

    >>> short("http://h/id/centre/frejus", "http://h/")
    'id/centre/frejus'
    >>> short("http://h/ontology#Fact", "http://h/")
    'rim:Fact'
    """
    if iri.startswith(base_url + "ontology#"):
        return "rim:" + iri[len(base_url) + 9 :]
    if iri.startswith(base_url):
        return iri[len(base_url) :]
    for prefix, namespace in SHORT_PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(term: dict[str, str], base_url: str) -> Cell:
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        link = value if value.startswith(("http://", "https://")) else None
        return Cell(short(value, base_url), link)
    if kind == "bnode":
        return Cell("_:" + value)
    note = term.get("xml:lang") and "@" + term["xml:lang"]
    if not note and term.get("datatype"):
        note = short(term["datatype"], base_url)
    return Cell(value, None, note or None)


def table_from_json(body: bytes, base_url: str) -> Table:
    """A table from SPARQL JSON results (SELECT rows, or an ASK answer)."""
    data = json.loads(body)
    if "boolean" in data:
        return Table((), (), bool(data["boolean"]))
    columns = tuple(data["head"].get("vars", ()))
    rows = tuple(
        tuple(_cell(binding[c], base_url) if c in binding else Cell("") for c in columns)
        for binding in data["results"]["bindings"]
    )
    return Table(columns, rows)


def _term_cell(term: ox.NamedNode | ox.BlankNode | ox.Literal, base_url: str) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _cell({"type": "uri", "value": term.value}, base_url)
    if isinstance(term, ox.BlankNode):
        return Cell("_:" + term.value)
    if term.language:
        return Cell(term.value, None, "@" + term.language)
    datatype = term.datatype.value
    plain = datatype == "http://www.w3.org/2001/XMLSchema#string"
    return Cell(term.value, None, None if plain else short(datatype, base_url))


def table_from_ntriples(body: bytes, base_url: str) -> Table:
    """A subject / predicate / object table from a CONSTRUCT or DESCRIBE answer."""
    rows = tuple(
        tuple(_term_cell(t, base_url) for t in (q.subject, q.predicate, q.object))
        for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    )
    return Table(("subject", "predicate", "object"), rows)


def download_links(
    path: str, query: str, formats: tuple[Format, ...], **params: str
) -> list[tuple[Format, str]]:
    """A link to the same query in each format, for the page's download row."""
    extra = {k: v for k, v in params.items() if v}
    return [
        (fmt, f"{path}?{urlencode({'query': query, **extra, 'format': fmt.token})}")
        for fmt in formats
    ]
