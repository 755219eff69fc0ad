"""The formats we speak, one table, looked up by token, media type or extension.

>>> by_token("ttl").media_type
'text/turtle'
>>> by_media_type("application/x-turtle").token
'ttl'
>>> by_media_type("text/n3").token
'ttl'
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialisation: how users name it and how each library names it."""

    token: str
    media_type: str
    extension: str
    rdflib_name: str | None = None
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()
    quads: bool = False

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


#: Turtle is valid N3, so clients asking for N3 (SPARQLWrapper's ``N3``) get Turtle.
TURTLE_ALIASES = (
    "application/x-turtle",
    "application/turtle",
    "text/n3",
    "text/rdf+n3",
    "application/n3",
)

HTML = Format("html", "text/html", "html", aliases=("application/xhtml+xml",))

#: RDF graph formats, in the order we prefer them after HTML.
RDF: tuple[Format, ...] = (
    Format("jsonld", "application/ld+json", "jsonld", "json-ld", ox.RdfFormat.JSON_LD),
    Format("ttl", "text/turtle", "ttl", "turtle", ox.RdfFormat.TURTLE, TURTLE_ALIASES),
    Format("nt", "application/n-triples", "nt", "nt", ox.RdfFormat.N_TRIPLES),
    Format("rdf", "application/rdf+xml", "rdf", "xml", ox.RdfFormat.RDF_XML, ("application/xml",)),
    Format("trig", "application/trig", "trig", "trig", ox.RdfFormat.TRIG, quads=True),
    Format("nq", "application/n-quads", "nq", "nquads", ox.RdfFormat.N_QUADS, quads=True),
)

#: SPARQL SELECT/ASK result formats.
RESULTS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        None,
        ox.QueryResultsFormat.JSON,
        ("application/json",),
    ),
    Format("xml", "application/sparql-results+xml", "srx", None, ox.QueryResultsFormat.XML),
    Format("csv", "text/csv", "csv", None, ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", None, ox.QueryResultsFormat.TSV),
)

#: What a resource document offers: HTML first, so browsers (and ties) get it.
RESOURCE: tuple[Format, ...] = (HTML, *RDF)

_ALL: tuple[Format, ...] = (*RESOURCE, *RESULTS)

#: RDF syntaxes we read from files, by file extension.
READABLE_EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}


def by_token(token: str, among: tuple[Format, ...] = _ALL) -> Format | None:
    """The format a ``?format=`` value or a token names, if any."""
    return next((f for f in among if f.token == token), None)


def by_extension(extension: str, among: tuple[Format, ...] = _ALL) -> Format | None:
    """The format a URL suffix (without the dot) names, if any."""
    return next((f for f in among if f.extension == extension), None)


def by_media_type(media_type: str, among: tuple[Format, ...] = _ALL) -> Format | None:
    """The format a media type (parameters ignored) names, if any."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in among if bare in f.media_types), None)
