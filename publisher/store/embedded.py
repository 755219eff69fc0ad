"""The embedded backend: an in-memory pyoxigraph store, swapped whole on reload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox
import rdflib

from publisher.graph.sources import Dataset
from publisher.rdf import prefixes
from publisher.rdf.formats import Format, by_token
from publisher.sparql import syntax
from publisher.sparql.analysis import SERVICE_REFUSED, has_dataset_clause
from publisher.store.base import Row, Snapshot
from publisher.store.content import to_graph, to_rows
from publisher.store.errors import QueryRefused, QuerySyntaxError, StoreError
from publisher.store.limits import Results, serialise
from publisher.store.workers import QueryWorkers


class EmbeddedStore:
    """pyoxigraph in memory. Loading builds a new store and swaps the reference,
    so a query in flight keeps the old data and a failed load changes nothing.

    :meth:`sparql` with a ``timeout`` runs in forked worker processes (see
    :mod:`publisher.store.workers`) that are killed at the limit; the workers are
    replaced whenever the data is."""

    #: The content is what :meth:`load` was given, in this process.
    external = False
    #: Whether reading the whole store in a forked process copies its pages (CoW).
    copies_on_scan = True

    def __init__(self) -> None:
        self._store = ox.Store()
        self._dataset = Dataset(b"")
        self._workers: QueryWorkers | None = None
        self._count = 0

    def load(self, dataset: Dataset) -> None:
        """Serve ``dataset``'s own store: the files were parsed straight into it, so
        there is no second copy and no N-Quads round trip."""
        self._store, self._dataset = dataset.store(), dataset
        # Counted here, before gunicorn forks: a scan writes to every page of the
        # in-memory store it reads, so a worker counting would copy all of them.
        self._count = len(self._store)
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.close()

    def _query(
        self,
        query: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        options: dict[str, object] = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif not named_graphs and not has_dataset_clause(query):
            # The union replaces any FROM, so it is only the default of a query without one.
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        declared: Mapping[str, str] = {}
        if base_iri:
            options["base_iri"] = base_iri
            declared = prefixes.resolve(base_iri)
            options["prefixes"] = dict(declared)
        try:
            return self._store.query(query, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QuerySyntaxError(syntax.readable(str(error), query, declared)) from None
        except OSError:
            # An in-memory store does no I/O of its own: only SERVICE reaches out, and
            # what the network said (refused, unreachable) is not for the client to see.
            raise QueryRefused(SERVICE_REFUSED) from None
        except ValueError as error:
            raise StoreError(str(error)) from None

    def construct(self, query: str) -> rdflib.Graph:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return to_graph(result)

    def select(self, query: str) -> list[Row]:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        return to_rows(result)

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
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
        """Run any query; the answer is a :class:`Results` (``cut_at`` set when cut).

        :param timeout: seconds before the query's process is killed
            (:class:`QueryTimeout`), 0 for no limit: the query runs in a worker
            process, which has no network access. ``None`` runs it here, for the
            publisher's own queries only: a client's query always gets a number.
        :param max_rows: most rows (or triples) to return.
        :param base_iri: what relative IRIs in the query resolve against.
        """
        args = (query, result_format.token, tuple(default_graphs), tuple(named_graphs))
        if timeout is None:
            body, cut_at = self._answer(*args, max_rows, base_iri)
        else:
            if self._workers is None:
                self._workers = QueryWorkers(self._answer)
            body, cut_at = self._workers.run(timeout, *args, max_rows, base_iri)
        return Results.of(body, cut_at)

    def _answer(
        self,
        query: str,
        token: str,
        default_graphs: tuple[str, ...],
        named_graphs: tuple[str, ...],
        max_rows: int | None,
        base_iri: str | None,
    ) -> tuple[bytes, int | None]:
        """The serialised answer and the row limit if it cut (runs in a worker)."""
        result_format = by_token(token)
        if result_format is None:
            raise StoreError(f"unknown format {token!r}")
        result = self._query(query, default_graphs, named_graphs, base_iri)
        try:  # results are lazy: a SERVICE runs while they are written
            results = serialise(result, result_format.oxigraph, result_format.media_type, max_rows)
        except OSError:
            raise QueryRefused(SERVICE_REFUSED) from None
        return bytes(results), results.cut_at

    def count(self) -> int:
        return self._count

    def version(self) -> None:
        """None: the publication hashes the files it loaded (:func:`~.content.digest`)."""
        return None

    def snapshot(self) -> Snapshot:
        """The dataset last loaded, and its named graphs that hold triples."""
        graphs = frozenset(
            g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
        )
        return Snapshot(self._dataset, graphs)

    def require_dataset(self) -> None:
        """Nothing to check: the content is what this process loaded."""
