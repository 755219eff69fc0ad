"""Find and parse the RDF files that make up the published dataset.

Files are parsed with their IRIs relative to the public base URL, so the same
Turtle serves under any host. Each file lands in a named graph by its role:
``ontology/`` files in ``<base>graph/ontology``, ``shapes/`` in
``<base>graph/shapes``, everything else in ``<base>graph/data``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from publisher.graph import progress
from publisher.rdf.formats import READABLE_EXTENSIONS

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


class Dataset:
    """A parsed dataset: a pyoxigraph store of every quad, and its N-Quads when asked.

    Either side is built from the other on first use and kept: files are parsed
    straight into the store (no Python object per triple), and the N-Quads text,
    which only dumps and remote loads need, is not held unless someone asks.
    """

    def __init__(
        self,
        nquads: bytes | None = None,
        base_url: str = "",
        sources: tuple[GraphSource, ...] = (),
        store: ox.Store | None = None,
    ) -> None:
        self.base_url, self.sources = base_url, tuple(sources)
        self._nquads, self._store = nquads, store
        self._lock = threading.Lock()

    @property
    def nquads(self) -> bytes:
        """Every quad as N-Quads (dumped from the store on first use)."""
        with self._lock:
            if self._nquads is None:
                assert self._store is not None
                store = self._store
                self._nquads = b"".join(
                    ox.serialize(
                        store.quads_for_pattern(None, None, None, graph),
                        format=ox.RdfFormat.N_QUADS,
                    )
                    or b""
                    for graph in self._dump_order()
                )
            return self._nquads

    def _dump_order(self) -> list[ox.NamedNode | ox.DefaultGraph]:
        """Role graphs in the order their files were read, then any other graph."""
        assert self._store is not None
        names = list(dict.fromkeys(ox.NamedNode(s.graph_iri(self.base_url)) for s in self.sources))
        others = [g for g in self._store.named_graphs() if g not in names]
        return [*names, *others, ox.DefaultGraph()]  # type: ignore[list-item]

    def store(self) -> ox.Store:
        """The quads in an in-memory pyoxigraph store; treat it as read-only."""
        with self._lock:
            if self._store is None:
                self._store = ox.Store()
                if self._nquads:
                    self._store.bulk_load(input=self._nquads, format=ox.RdfFormat.N_QUADS)
            return self._store

    def graph_names(self, *roles: str) -> list[ox.NamedNode]:
        """The named graphs of some roles (all roles when none is given)."""
        return [ox.NamedNode(graph_iri(self.base_url, role)) for role in (roles or ROLES)]

    def ntriples(self, *roles: str) -> bytes:
        """The union of some roles' graphs as N-Triples (duplicates across roles kept)."""
        store = self.store()
        return b"".join(
            store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
            for graph in self.graph_names(*roles)
        )

    def rdflib_graph(self, *roles: str) -> rdflib.Graph:
        """The union of some roles' graphs as one rdflib graph (for SHACL, JSON-LD)."""
        graph = rdflib.Graph()
        store = self.store()
        for name in self.graph_names(*roles):
            for quad in store.quads_for_pattern(None, None, None, name):
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


def to_ox(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert one rdflib term to pyoxigraph's model (the inverse of :func:`to_rdflib`)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def read_into(store: ox.Store, source: GraphSource, base_url: str) -> None:
    """Parse one file straight into ``store``, in its role's graph.

    :raises RdfSyntaxError: naming the file, line and column of the first error.
    """
    fmt = READABLE_EXTENSIONS[source.path.suffix]
    if fmt.supports_datasets:  # its own graph names give way to the role's graph
        store.extend(parse(source, base_url))
        return
    try:
        store.bulk_load(
            path=source.path,
            format=fmt,
            base_iri=base_url,
            to_graph=ox.NamedNode(source.graph_iri(base_url)),
        )
    except SyntaxError:
        parse(source, base_url)  # raises the same RdfSyntaxError as a plain parse
        raise
    except OSError as error:
        raise SourceError(f"{source.path}: {error.strerror or error}") from None


def load(paths: Sequence[Path | str], base_url: str) -> Dataset:
    """Discover and parse every file; the first syntax error stops the load."""
    sources = discover(paths)
    store = ox.Store()
    with progress.current().stage("parsing files", total=len(sources), unit="files") as step:
        for source in sources:
            read_into(store, source, base_url)
            step(1)
    return Dataset(base_url=base_url, sources=tuple(sources), store=store)
