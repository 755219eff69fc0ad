"""The remote backend: any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki) over HTTP.

Reads go through SPARQLWrapper. Every query names the dataset explicitly with
``default-graph-uri`` and ``named-graph-uri`` (the publisher's role graphs), so the
default graph is the union of those graphs on every server, as in the embedded
store, and nothing else the server holds (Virtuoso's system graphs, staging
graphs of a load in progress) leaks into the answers. Results are converted to
rdflib terms here, and ``sparql()`` re-serialises them with the same pyoxigraph
serialisers as the embedded store, so callers cannot tell which backend answered.

The content is written only by :meth:`RemoteStore.load` (``publisher load --to``);
serving never writes. The load records a version tag in ``graph/meta`` in the same
update that swaps the data in, so readers learn of a new dataset atomically.
"""

from __future__ import annotations

import ast
import hashlib
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    QueryBadFormed,
    SPARQLWrapperException,
)

from publisher.config import Settings
from publisher.graph.sources import ROLES, Dataset, graph_iri, to_rdflib
from publisher.rdf import prefixes
from publisher.rdf.formats import Format
from publisher.sparql import syntax
from publisher.store import deadline
from publisher.store.base import (
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
)
from publisher.store.embedded import has_dataset_clause
from publisher.store.query_text import base_declaration, query_form, refuse_federation

USER_VARIABLE, PASSWORD_VARIABLE = "PUBLISHER_STORE_USER", "PUBLISHER_STORE_PASSWORD"
VERSION_PREDICATE = "http://www.w3.org/2002/07/owl#versionInfo"
_NTRIPLES = "application/n-triples"
#: What Virtuoso says when its own time limit stops a query.
_VIRTUOSO_TIMEOUTS = ("S1TAT", "S1T00", "SR171", "timed out")
_OXIGRAPH_TIMEOUT = b"operation has been cancelled"
#: Seconds before the deadline at which a server that enforces limits (Virtuoso) stops.
SERVER_LIMIT_GRACE = 1.0
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Credentials:
    """Who writes to the store (HTTP digest or basic). Read from the environment only."""

    user: str
    password: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
        return cls(user, password) if user and password is not None else None


def sibling_url(query_url: str, path: str) -> str:
    """``path`` on the query endpoint's server, e.g. Oxigraph's ``/update`` beside ``/query``.

    >>> sibling_url("http://host:7878/query", "/store")
    'http://host:7878/store'
    """
    parts = urlsplit(query_url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def version_of(dataset: Dataset) -> str:
    """The dataset's version tag: the same digest the embedded publication computes."""
    return hashlib.sha256(dataset.nquads).hexdigest()[:16]


def meta_graph(base_url: str) -> str:
    """Where a load records the version of what it swapped in."""
    return graph_iri(base_url, "meta")


class RemoteStore:
    """A SPARQL 1.1 server reached over HTTP; same answers, same errors as the embedded store.

    :param query_url: the query endpoint, e.g. ``http://host:7878/query``.
    :param base_url: the publication's base URL; it names the role graphs queried.
    :param timeout: seconds a query may take; passed to the server where it understands
        a limit (Virtuoso's ``timeout``), and always enforced on the connection.
    :raises ValueError: when ``query_url`` is not an http(s) URL.
    """

    #: The content is managed by ``publisher load --to``, not by the serving process.
    external = True

    def __init__(
        self,
        query_url: str,
        base_url: str,
        timeout: float = 5.0,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise ValueError(f"not a SPARQL endpoint URL: {query_url!r}")
        self.query_url, self.base_url, self.timeout = query_url, base_url, timeout
        self.update_url, self.graph_store_url = update_url, graph_store_url
        self.credentials = credentials
        self.graphs = tuple(graph_iri(base_url, role) for role in ROLES)
        self.server = ""  # the Server header of the last answer, to speak its dialect
        #: The role graphs that held triples at the last :meth:`snapshot`.
        self.held: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        return cls(
            settings.store,
            settings.base_url,
            timeout=settings.query_timeout,
            update_url=settings.update_url,
            graph_store_url=settings.graph_store_url,
            credentials=Credentials.from_env(),
        )

    @property
    def virtuoso(self) -> bool:
        """Whether the server is Virtuoso, which takes a time limit per query."""
        if not self.server:
            self._probe()
        return self.server.lower().startswith("virtuoso")

    def _probe(self) -> None:
        """Learn the server's name from its ``Server`` header; every answer updates it.

        It spends the request's time like any other call, and a server that does not
        answer is ``unknown`` until one of its answers names it: a hung server must not
        cost a probe per call.
        """
        self.server = "unknown"
        left, _ = deadline.remaining(min(self.timeout, 5.0) if self.timeout else 5.0)
        if left is not None and left <= 0:
            return
        request = urllib.request.Request(  # noqa: S310 (the configured store URL)
            f"{self.query_url}?query=ASK%7B%7D", headers={"Accept": "*/*"}
        )
        try:
            with urllib.request.urlopen(request, timeout=left) as response:  # noqa: S310
                self.server = response.headers.get("Server", "") or "unknown"
        except urllib.error.HTTPError as error:
            self.server = error.headers.get("Server", "") or "unknown"
        except OSError:
            pass

    # -- reading ---------------------------------------------------------------------------

    def _request(
        self,
        query: str,
        accept: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> tuple[bytes, str]:
        """POST the query; the body and media type of a successful answer.

        ``timeout`` overrides the store's limit for this query; 0 means none.
        """
        refuse_federation(query, self.base_url)
        left, limit = deadline.remaining(self.timeout if timeout is None else timeout)
        ends = None if left is None else time.monotonic() + left
        virtuoso = self.virtuoso  # may probe the server: that spends the same time
        left = None if ends is None else ends - time.monotonic()
        if left is not None and left <= 0:
            raise QueryTimeout(self._too_long(limit or 0))
        client = SPARQLWrapper(self.query_url)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # no format= parameter: Virtuoso would let it beat Accept
        client.setReturnFormat(JSON if accept.startswith("application/sparql") else TURTLE)
        client.setQuery(query)
        client.queryType = query_form(query)  # its own guess stops at a sub-query's SELECT
        client.addCustomHttpHeader("Accept", accept)
        for graph in self.graphs if default_graphs is None else default_graphs:
            client.addDefaultGraph(graph)
        for graph in self.graphs if named_graphs is None else named_graphs:
            client.addNamedGraph(graph)
        if left is not None and virtuoso:
            # A server that enforces the limit itself gets a little less than what is left,
            # so that it stops the query and says so before the connection gives up.
            server_limit = max(left - SERVER_LIMIT_GRACE, left / 2)
            client.addParameter("timeout", str(max(1, int(server_limit * 1000))))
        # setTimeout() would truncate to whole seconds. Connecting and each wait for the
        # answer's head get at most what is left; the body is read against the deadline.
        client.timeout = left  # type: ignore[assignment]
        try:
            response = client.query().response
            self.server = response.headers.get("Server", "") or self.server
            if any(code in response.headers.get("X-SQL-State", "") for code in _VIRTUOSO_TIMEOUTS):
                raise QueryTimeout(self._too_long(limit or 0))
            body = _read(response, ends)
            media_type = response.headers.get_content_type()
            if _OXIGRAPH_TIMEOUT in body[-200:]:  # its --timeout-s cuts a 200 response short
                raise QueryTimeout(self._too_long(limit or 0))
        except StoreError:
            raise
        except QueryBadFormed as error:
            raise QuerySyntaxError(_message(error)) from None
        except EndPointInternalError as error:
            message = _message(error)
            if any(code in message for code in _VIRTUOSO_TIMEOUTS):
                raise QueryTimeout(self._too_long(limit or 0)) from None
            raise StoreUnavailable(f"the SPARQL store failed: {message}") from None
        except SPARQLWrapperException as error:
            raise StoreUnavailable(f"the SPARQL store refused: {_message(error)}") from None
        except urllib.error.HTTPError as error:
            if error.code in (503, 504):
                raise QueryTimeout(self._too_long(limit or 0)) from None
            raise StoreUnavailable(f"the SPARQL store answered HTTP {error.code}") from None
        except TimeoutError:
            raise QueryTimeout(self._too_long(limit or 0)) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise QueryTimeout(self._too_long(limit or 0)) from None
            raise StoreUnavailable(f"the SPARQL store is unreachable: {error.reason}") from None
        except (OSError, ValueError) as error:
            raise StoreUnavailable(f"the SPARQL store is unreachable: {error}") from None
        return body, media_type

    @staticmethod
    def _too_long(limit: float) -> str:
        return f"the query ran past the {limit:g} s time limit and was stopped"

    def _triples(self, query: str, **options: Any) -> list[ox.Triple]:
        body, media_type = self._request(query, f"{_NTRIPLES}, text/turtle;q=0.9", **options)
        fmt = ox.RdfFormat.TURTLE if media_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
        try:
            return [q.triple for q in ox.parse(body, format=fmt)]
        except SyntaxError as error:
            raise StoreUnavailable(f"the SPARQL store sent unreadable RDF: {error}") from None

    def _results(self, query: str, **options: Any) -> ox.QuerySolutions | ox.QueryBoolean:
        body, _ = self._request(query, "application/sparql-results+json", **options)
        try:
            return ox.parse_query_results(_normalise_json(body), ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreUnavailable(f"the SPARQL store sent unreadable results: {error}") from None

    def construct(self, query: str) -> rdflib.Graph:
        if query_form(query) not in ("CONSTRUCT", "DESCRIBE"):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        graph = rdflib.Graph()
        for triple in self._triples(query):
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def select(self, query: str) -> list[Row]:
        return self.select_in(query)

    def select_in(
        self,
        query: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> list[Row]:
        """SELECT over other graphs than the role graphs (``[]`` and ``[]``: the server's own
        default dataset), for the loader's bookkeeping."""
        if query_form(query) != "SELECT":
            raise QuerySyntaxError("expected a SELECT query")
        result = self._results(query, default_graphs=default_graphs, named_graphs=named_graphs)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreUnavailable("the SPARQL store answered a SELECT with a boolean")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        if query_form(query) != "ASK":
            raise QuerySyntaxError("expected an ASK query")
        result = self._results(query)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreUnavailable("the SPARQL store answered an ASK with solutions")
        return bool(result)

    def sparql(
        self,
        query: str,
        result_format: Format,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> bytes:
        """Run any query; a syntax error is told in the query as its author wrote it."""
        try:
            return self._sparql(
                query,
                result_format,
                default_graphs,
                named_graphs,
                timeout=timeout,
                max_rows=max_rows,
                base_iri=base_iri,
            )
        except QuerySyntaxError as error:
            message = str(error)
        # Raised outside the handler, so the new error holds no traceback of the old one:
        # its frames hold pyoxigraph results, which must not be freed on another thread.
        declared = prefixes.resolve(base_iri) if base_iri else {}
        prologue = base_declaration(base_iri) if base_iri else ""
        prologue += prefixes.declarations(query, base_iri) if base_iri else ""
        raise QuerySyntaxError(syntax.readable(message, query, declared, prologue))

    def _sparql(
        self,
        query: str,
        result_format: Format,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> bytes:
        """Run any query; the answer re-serialised here in ``result_format``.

        :param timeout: this query's limit in seconds (default: the store's; 0: none).
        :param max_rows: most rows or triples kept; when some were left out, the
            result is a :class:`Cut` whose ``cut_at`` is the limit.
        :param base_iri: what relative IRIs in the query resolve against.
        """
        options: dict[str, Any] = {"timeout": timeout}
        if default_graphs or named_graphs:
            if self.virtuoso and has_dataset_clause(query):
                raise QueryRefused(
                    "this store (Virtuoso) would merge the query's FROM with the request's "
                    "default-graph-uri or named-graph-uri instead of letting the request's "
                    "graphs replace it: name the graphs in one place only"
                )
            options |= {"default_graphs": default_graphs, "named_graphs": named_graphs}
        elif has_dataset_clause(query):
            # The protocol's graphs would replace the query's FROM: send none, so the
            # server uses the query's own dataset (the guard checked its graphs are ours).
            options |= {"default_graphs": (), "named_graphs": ()}
        if base_iri:  # and the endpoint's prefixes, on one line: line numbers shift by one
            query = base_declaration(base_iri) + prefixes.declarations(query, base_iri) + query
        fmt = result_format.oxigraph
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            if not isinstance(fmt, ox.RdfFormat):
                raise StoreError(f"{result_format.media_type} cannot hold a graph")
            triples = self._triples(query, **options)
            cut = max_rows is not None and len(triples) > max_rows
            body = ox.serialize(triples[:max_rows] if cut else triples, format=fmt) or b""
            return Cut.of(body, max_rows if cut else None)
        if not isinstance(fmt, ox.QueryResultsFormat):
            raise StoreError(f"{result_format.media_type} cannot hold query results")
        result = self._results(query, **options)
        if max_rows is None or not isinstance(result, ox.QuerySolutions):
            return result.serialize(format=fmt) or b""
        lines = (result.serialize(format=ox.QueryResultsFormat.TSV) or b"").splitlines(True)
        if len(lines) - 1 <= max_rows:  # the header, then one line per row
            kept = ox.parse_query_results(b"".join(lines), ox.QueryResultsFormat.TSV)
            return kept.serialize(format=fmt) or b""
        kept = ox.parse_query_results(b"".join(lines[: max_rows + 1]), ox.QueryResultsFormat.TSV)
        return Cut.of(kept.serialize(format=fmt) or b"", max_rows)

    def count(self, graphs: Sequence[str] | None = None) -> int:
        """Quads in the role graphs (or in ``graphs``)."""
        rows = self.select_in(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            default_graphs=[],
            named_graphs=self.graphs if graphs is None else graphs,
        )
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    def datasets(self) -> list[str]:
        """Base URLs of the publisher datasets the server holds (by their graphs' names)."""
        ends = " || ".join(f'STRENDS(STR(?g), "/graph/{role}")' for role in (*ROLES, "meta"))
        rows = self.select_in(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({ends}) }}",
            default_graphs=[],
            named_graphs=[],
        )
        return sorted({str(row["g"]).rsplit("graph/", 1)[0] for row in rows if "g" in row})

    def require_dataset(self) -> None:
        """Refuse to serve a store that holds nothing under this base URL.

        :raises DatasetMissing: naming the base URLs it does hold, if any.
        """
        if self.count() > 0:
            return
        held = self.datasets()
        where = (
            "it holds datasets for: " + ", ".join(held)
            if held
            else "it holds no publisher dataset at all"
        )
        raise DatasetMissing(
            f"the store at {self.query_url} holds no dataset for the base URL {self.base_url}; "
            f"{where}. Serve with --base-url set to one of those, or load with "
            f"`publisher load --to {self.query_url} --base-url {self.base_url}`"
        )

    def version(self) -> str | None:
        """The version tag the last load recorded, or None when nothing was loaded by us."""
        graph = meta_graph(self.base_url)
        result = self._results(
            f"SELECT ?v WHERE {{ <{graph}> <{VERSION_PREDICATE}> ?v }}",
            default_graphs=[graph],
            named_graphs=[],
        )
        if isinstance(result, ox.QuerySolutions):
            for solution in result:
                value = solution["v"]
                if value is not None:
                    return str(value.value)
        return None

    def snapshot(self) -> Dataset:
        """Everything the role graphs hold, as a Dataset (for dumps and statistics).

        :raises StoreError: when the server cut the answer short (Virtuoso's
            ``ResultSetMaxRows``): the copy would silently miss triples.
        """
        quads: list[ox.Quad] = []
        held = []
        for graph in self.graphs:
            triples = self._triples(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                default_graphs=[graph],
                named_graphs=[],
            )
            name = ox.NamedNode(graph)
            if triples:
                held.append(graph)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        expected = self.count()
        if len(quads) < expected:
            raise StoreError(
                f"the SPARQL store returned {len(quads)} of {expected} quads: "
                "raise its result limit (Virtuoso: [SPARQL] ResultSetMaxRows)"
            )
        self.held = tuple(held)
        lines = sorted(set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines()))
        nquads = b"".join(line + b"\n" for line in lines)
        return Dataset(nquads=nquads, base_url=self.base_url, sources=())

    # -- writing ---------------------------------------------------------------------------

    def load(self, dataset: Dataset, progress: Callable[[str], None] | None = None) -> None:
        """Replace the role graphs with ``dataset``: staged, then swapped in one update."""
        from publisher.store.loader import Loader

        Loader(self, progress=progress).replace(dataset, version_of(dataset))


class DatasetMissing(StoreError):
    """The store holds nothing under the base URL being served (``serve`` exits 3)."""


class Cut(bytes):
    """Serialised results; ``cut_at`` is the row limit when rows were left out."""

    cut_at: int | None = None

    @classmethod
    def of(cls, body: bytes, cut_at: int | None) -> Cut:
        result = cls(body)
        result.cut_at = cut_at
        return result


def _read(response: Any, ends: float | None) -> bytes:
    """The whole body, read in chunks so that a trickling server cannot pass ``ends``.

    :raises TimeoutError: when the deadline passes first.
    """
    sock = getattr(getattr(response.fp, "raw", None), "_sock", None)
    chunks: list[bytes] = []
    while True:
        if ends is not None:
            left = ends - time.monotonic()
            if left <= 0:
                raise TimeoutError("the answer did not arrive in time")
            if sock is not None and sock.fileno() != -1:  # -1: all read, already closed
                sock.settimeout(left)
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _message(error: SPARQLWrapperException) -> str:
    """The server's own words from a SPARQLWrapper error, without its boilerplate."""
    text = str(error.args[0] if error.args else error)
    if "Response:\n" in text:
        try:
            raw = ast.literal_eval(text.split("Response:\n", 1)[1])
            text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            pass
    text = text.split("\n\nSPARQL query:", 1)[0]
    return " ".join(text.split())[:500] or type(error).__name__


def _normalise_json(body: bytes) -> bytes:
    """Virtuoso still writes SPARQL 1.0's ``typed-literal``; and ``nodeID://`` blank nodes."""
    if b'"typed-literal"' in body:
        body = body.replace(b'"typed-literal"', b'"literal"')
    if b"nodeID://" in body:
        body = body.replace(b'"value": "nodeID://', b'"value": "')
    return body
