"""Talking to a SPARQL 1.1 server over HTTP: one query, its deadline, its errors.

Reads go through SPARQLWrapper. Every query names the dataset explicitly with
``default-graph-uri`` and ``named-graph-uri`` (the publisher's role graphs), so the
default graph is the union of those graphs on every server, as in the embedded
store, and nothing else the server holds (Virtuoso's system graphs, staging
graphs of a load in progress) leaks into the answers. Whatever the server says
in its own dialect (Virtuoso's SQL states, Oxigraph's cut-short bodies, HTTP
statuses) becomes one of the store's errors here.

:class:`Endpoint` is the connection both the store (:mod:`publisher.store.remote`)
and the loader (:mod:`publisher.store.loader`) read through.
"""

from __future__ import annotations

import ast
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    QueryBadFormed,
    SPARQLWrapperException,
)

from publisher.graph.sources import ROLES, graph_iri
from publisher.sparql.analysis import query_form, stays_local
from publisher.store import deadline
from publisher.store.base import Row
from publisher.store.content import to_rows
from publisher.store.credentials import Credentials
from publisher.store.errors import QuerySyntaxError, QueryTimeout, StoreError, StoreUnavailable

_NTRIPLES = "application/n-triples"
#: What Virtuoso says when its own time limit stops a query.
_VIRTUOSO_TIMEOUTS = ("S1TAT", "S1T00", "SR171", "timed out")
_OXIGRAPH_TIMEOUT = b"operation has been cancelled"
#: Seconds before the deadline at which a server that enforces limits (Virtuoso) stops.
SERVER_LIMIT_GRACE = 1.0
_CHUNK = 1 << 16


class Endpoint:
    """A SPARQL 1.1 server's query endpoint, read with the publisher's time limits.

    :param query_url: the query endpoint, e.g. ``http://host:7878/query``.
    :param base_url: the publication's base URL; it names the role graphs queried.
    :param timeout: seconds a query may take; passed to the server where it understands
        a limit (Virtuoso's ``timeout``), and always enforced on the connection.
    :param update_url: where updates go (default: by the server's convention).
    :param graph_store_url: the Graph Store Protocol endpoint (default: by convention).
    :param credentials: who may write (loads only).
    :raises ValueError: when ``query_url`` is not an http(s) URL.
    """

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
        stays_local(query, self.base_url)  # a server would fetch a SERVICE for us
        left, limit = deadline.remaining(self.timeout if timeout is None else timeout)
        ends = None if left is None else time.monotonic() + left
        virtuoso = self.virtuoso  # may probe the server: that spends the same time
        left = None if ends is None else ends - time.monotonic()
        if left is not None and left <= 0:
            raise QueryTimeout(self._too_long(limit or 0))
        client = self._client(query, accept, default_graphs, named_graphs)
        if left is not None and virtuoso:
            # A server that enforces the limit itself gets a little less than what is left,
            # so that it stops the query and says so before the connection gives up.
            server_limit = max(left - SERVER_LIMIT_GRACE, left / 2)
            client.addParameter("timeout", str(max(1, int(server_limit * 1000))))
        # setTimeout() would truncate to whole seconds. Connecting and each wait for the
        # answer's head get at most what is left; the body is read against the deadline.
        client.timeout = left  # type: ignore[assignment]
        return self._send(client, ends, limit or 0)

    def _client(
        self,
        query: str,
        accept: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> SPARQLWrapper:
        """A SPARQLWrapper request for ``query`` over the role graphs (or the ones given)."""
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
        return client

    def _send(self, client: SPARQLWrapper, ends: float | None, limit: float) -> tuple[bytes, str]:
        """The answer's body and media type; whatever went wrong, as a store error."""
        try:
            response = client.query().response
            self.server = response.headers.get("Server", "") or self.server
            if any(code in response.headers.get("X-SQL-State", "") for code in _VIRTUOSO_TIMEOUTS):
                raise QueryTimeout(self._too_long(limit))
            body = _read(response, ends)
            media_type = response.headers.get_content_type()
            if _OXIGRAPH_TIMEOUT in body[-200:]:  # its --timeout-s cuts a 200 response short
                raise QueryTimeout(self._too_long(limit))
        except StoreError:
            raise
        except QueryBadFormed as error:
            raise QuerySyntaxError(_message(error)) from None
        except EndPointInternalError as error:
            message = _message(error)
            if any(code in message for code in _VIRTUOSO_TIMEOUTS):
                raise QueryTimeout(self._too_long(limit)) from None
            raise StoreUnavailable(f"the SPARQL store failed: {message}") from None
        except SPARQLWrapperException as error:
            raise StoreUnavailable(f"the SPARQL store refused: {_message(error)}") from None
        except urllib.error.HTTPError as error:
            if error.code in (503, 504):
                raise QueryTimeout(self._too_long(limit)) from None
            raise StoreUnavailable(f"the SPARQL store answered HTTP {error.code}") from None
        except TimeoutError:
            raise QueryTimeout(self._too_long(limit)) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise QueryTimeout(self._too_long(limit)) from None
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
        return to_rows(result)

    def count(self, graphs: Sequence[str] | None = None) -> int:
        """Quads in the role graphs (or in ``graphs``)."""
        rows = self.select_in(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            default_graphs=[],
            named_graphs=self.graphs if graphs is None else graphs,
        )
        return int(str(rows[0]["n"])) if rows else 0


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
