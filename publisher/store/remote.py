"""The remote backend: any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki) over HTTP.

Queries go through :class:`~publisher.store.endpoint.Endpoint` (the HTTP side: time
limits, the server's dialect, its errors). Answers are converted to rdflib terms
and re-serialised with the same pyoxigraph serialisers as the embedded store
(:mod:`publisher.store.limits`), so callers cannot tell which backend answered.

The content is written only by :meth:`RemoteStore.load` (``publisher load --to``,
:mod:`publisher.store.loader`); serving never writes. The load records a version
tag in ``graph/meta`` in the same update that swaps the data in, so readers learn
of a new dataset atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox
import rdflib

from publisher.config import Settings
from publisher.graph.sources import ROLES, Dataset
from publisher.rdf import prefixes
from publisher.rdf.formats import Format
from publisher.sparql import syntax
from publisher.sparql.analysis import base_declaration, has_dataset_clause, query_form
from publisher.store.base import Row, Snapshot
from publisher.store.content import VERSION_PREDICATE, meta_graph, to_graph, version_of
from publisher.store.credentials import Credentials
from publisher.store.endpoint import Endpoint
from publisher.store.errors import (
    DatasetMissing,
    QueryRefused,
    QuerySyntaxError,
    StoreError,
    StoreUnavailable,
)
from publisher.store.limits import check_format, serialise
from publisher.store.loader import Loader


class RemoteStore(Endpoint):
    """A SPARQL 1.1 server reached over HTTP; same answers, same errors as the embedded store.

    Built like its :class:`~publisher.store.endpoint.Endpoint`.
    """

    #: The content is managed by ``publisher load --to``, not by the serving process.
    external = True
    copies_on_scan = False

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

    def construct(self, query: str) -> rdflib.Graph:
        if query_form(query) not in ("CONSTRUCT", "DESCRIBE"):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return to_graph(self._triples(query))

    def select(self, query: str) -> list[Row]:
        return self.select_in(query)

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
        """Run any query; the answer re-serialised here in ``result_format``.

        :param timeout: this query's limit in seconds (default: the store's; 0: none).
        :param max_rows: most rows or triples kept; when some were left out, the
            :class:`~publisher.store.limits.Results`' ``cut_at`` is the limit.
        :param base_iri: what relative IRIs in the query resolve against; a syntax
            error is then told in the query as its author wrote it.
        """
        prologue = ""
        if base_iri:  # and the endpoint's prefixes, on one line: line numbers shift by one
            prologue = base_declaration(base_iri) + prefixes.declarations(query, base_iri)
        try:
            options = self._dataset_options(query, default_graphs, named_graphs)
            return self._answer(
                prologue + query, result_format, max_rows, timeout=timeout, **options
            )
        except QuerySyntaxError as error:
            message = str(error)
        # Raised outside the handler, so the new error holds no traceback of the old one:
        # its frames hold pyoxigraph results, which must not be freed on another thread.
        declared = prefixes.resolve(base_iri) if base_iri else {}
        raise QuerySyntaxError(syntax.readable(message, query, declared, prologue))

    def _dataset_options(
        self, query: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> dict[str, Sequence[str]]:
        """The graphs to name in the request: the protocol's, or none for a query's FROM."""
        if default_graphs or named_graphs:
            if self.virtuoso and has_dataset_clause(query):
                raise QueryRefused(
                    "this store (Virtuoso) would merge the query's FROM with the request's "
                    "default-graph-uri or named-graph-uri instead of letting the request's "
                    "graphs replace it: name the graphs in one place only"
                )
            return {"default_graphs": default_graphs, "named_graphs": named_graphs}
        if has_dataset_clause(query):
            # The protocol's graphs would replace the query's FROM: send none, so the
            # server uses the query's own dataset (the guard checked its graphs are ours).
            return {"default_graphs": (), "named_graphs": ()}
        return {}

    def _answer(
        self, query: str, result_format: Format, max_rows: int | None, **options: Any
    ) -> bytes:
        """The server's answer to ``query``, serialised in ``result_format``."""
        graph = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        fmt, media_type = result_format.oxigraph, result_format.media_type
        check_format(graph, fmt, media_type)  # before the server spends time on it
        answer = self._triples(query, **options) if graph else self._results(query, **options)
        return serialise(answer, fmt, media_type, max_rows)

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

    def snapshot(self) -> Snapshot:
        """Everything the role graphs hold, and which of them hold any (for dumps and statistics).

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
        lines = sorted(set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines()))
        nquads = b"".join(line + b"\n" for line in lines)
        return Snapshot(Dataset(nquads=nquads, base_url=self.base_url), frozenset(held))

    # -- writing ---------------------------------------------------------------------------

    def load(self, dataset: Dataset, progress: Callable[[str], None] | None = None) -> None:
        """Replace the role graphs with ``dataset``: staged, then swapped in one update."""
        Loader(self, progress=progress).replace(dataset, version_of(dataset))
