"""Find and parse the RDF files that make up the published dataset.

Files are parsed with their IRIs relative to the public base URL, so the same
Turtle serves under any host. Each file lands in a named graph by its role:
``ontology/`` files in ``<base>graph/ontology``, ``shapes/`` in
``<base>graph/shapes``, everything else in ``<base>graph/data``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from publisher.formats import READABLE_EXTENSIONS

ROLES = ("ontology", "data", "shapes")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class SourceError(Exception):
    """A file could not be found or read; the message names it."""


class RdfSyntaxError(SourceError):
    """A file is not valid RDF; carries the file, line and column."""

    def __init__(self, path: Path, line: int | None, column: int | None, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class GraphSource:
    """One RDF file and the role (hence named graph) its triples take."""

    path: Path
    role: str

    def graph_iri(self, base_url: str) -> str:
        return graph_iri(base_url, self.role)


def graph_iri(base_url: str, role: str) -> str:
    """The named graph that holds one role's triples."""
    return f"{base_url}graph/{role}"


def _role_of(path: Path) -> str:
    for part in reversed(path.parts[:-1]):
        if part in ROLES:
            return part
    return "data"


def discover(paths: Iterable[Path | str]) -> list[GraphSource]:
    """Every RDF file under the given files and folders, in a stable order.

    :raises SourceError: when a path does not exist or names a non-RDF file.
    """
    found: list[GraphSource] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in READABLE_EXTENSIONS)
            found.extend(GraphSource(p, _role_of(p.relative_to(path.parent))) for p in files)
        elif path.is_file():
            if path.suffix not in READABLE_EXTENSIONS:
                known = ", ".join(sorted(READABLE_EXTENSIONS))
                raise SourceError(f"{path}: not an RDF file (known extensions: {known})")
            found.append(GraphSource(path, _role_of(path)))
        else:
            raise SourceError(f"{path}: no such file or folder")
    return found


def parse(source: GraphSource, base_url: str) -> list[ox.Quad]:
    """Parse one file into quads in its role's graph.

    :raises RdfSyntaxError: naming the file, line and column of the first error.
    """
    fmt = READABLE_EXTENSIONS[source.path.suffix]
    graph = ox.NamedNode(source.graph_iri(base_url))
    try:
        with source.path.open("rb") as stream:
            return [
                ox.Quad(q.subject, q.predicate, q.object, graph)
                for q in ox.parse(stream, format=fmt, base_iri=base_url)
            ]
    except SyntaxError as error:
        message = str(error.msg)
        if message.startswith("Parser error at line"):
            message = message.split(": ", 1)[-1]
        raise RdfSyntaxError(source.path, error.lineno, error.offset, message) from None
    except OSError as error:
        raise SourceError(f"{source.path}: {error.strerror or error}") from None


@dataclass(frozen=True)
class Dataset:
    """A parsed dataset: every quad, serialised once as N-Quads for any backend."""

    nquads: bytes
    base_url: str
    sources: tuple[GraphSource, ...]

    def rdflib_graph(self, *roles: str) -> rdflib.Graph:
        """The union of some roles' graphs as one rdflib graph (for SHACL, JSON-LD)."""
        wanted = {graph_iri(self.base_url, role) for role in (roles or ROLES)}
        graph = rdflib.Graph()
        for quad in ox.parse(self.nquads, format=ox.RdfFormat.N_QUADS):
            if quad.graph_name.value in wanted:
                graph.add(
                    (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                )
        return graph


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Node:
    """Convert one pyoxigraph term to rdflib's model."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def load(paths: Sequence[Path | str], base_url: str) -> Dataset:
    """Discover and parse every file; the first syntax error stops the load."""
    sources = discover(paths)
    quads: list[ox.Quad] = []
    for source in sources:
        quads.extend(parse(source, base_url))
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return Dataset(nquads=nquads, base_url=base_url, sources=tuple(sources))
