"""The embedded backend: an in-memory pyoxigraph store, swapped whole on reload."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
import rdflib

from publisher.formats import Format
from publisher.sources import Dataset, to_rdflib
from publisher.store.base import QuerySyntaxError, Row, StoreError


class EmbeddedStore:
    """pyoxigraph in memory. Loading builds a new store and swaps the reference,
    so a query in flight keeps the old data and a failed load changes nothing."""

    def __init__(self) -> None:
        self._store = ox.Store()

    def load(self, dataset: Dataset) -> None:
        fresh = ox.Store()
        fresh.bulk_load(input=dataset.nquads, format=ox.RdfFormat.N_QUADS)
        self._store = fresh

    def _query(
        self,
        query: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        options: dict[str, object] = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(query, **options)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from None
        except (OSError, ValueError) as error:
            raise StoreError(str(error)) from None

    def construct(self, query: str) -> rdflib.Graph:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        graph = rdflib.Graph()
        for triple in result:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def select(self, query: str) -> list[Row]:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
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
    ) -> bytes:
        result = self._query(query, default_graphs, named_graphs)
        fmt = result_format.oxigraph
        if isinstance(result, ox.QueryTriples):
            if not isinstance(fmt, ox.RdfFormat):
                raise StoreError(f"{result_format.media_type} cannot hold a graph")
        elif not isinstance(fmt, ox.QueryResultsFormat):
            raise StoreError(f"{result_format.media_type} cannot hold query results")
        return result.serialize(format=fmt) or b""  # type: ignore[arg-type]

    def count(self) -> int:
        return len(self._store)
