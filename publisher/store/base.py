"""The store interface every backend implements, and the errors it raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import rdflib

from publisher.graph.sources import Dataset
from publisher.rdf.formats import Format

Row = dict[str, rdflib.term.Node]


class StoreError(Exception):
    """Something went wrong in the store; subclasses map to HTTP statuses."""


class QuerySyntaxError(StoreError):
    """The query is not valid SPARQL 1.1 (HTTP 400)."""


class QueryRefused(StoreError):
    """The query is valid but not allowed here, e.g. an update or a SERVICE (HTTP 400)."""


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped (HTTP 503)."""


class QueryResourceLimit(StoreError):
    """The query needed more memory than a query may use and was stopped (HTTP 503)."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached or failed (HTTP 502)."""


class Store(Protocol):
    """A read-mostly SPARQL store holding the published dataset.

    The default graph of every query is the union of the named graphs.
    """

    def load(self, dataset: Dataset) -> None:
        """Replace the whole content with ``dataset``; readers never see a mix."""

    def construct(self, query: str) -> rdflib.Graph:
        """Run a CONSTRUCT (or DESCRIBE) query."""

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query; unbound variables are absent from a row."""

    def ask(self, query: str) -> bool:
        """Run an ASK query."""

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
        """Run any query and serialise its result in ``result_format`` (for /sparql).

        :param timeout: seconds after which the query is stopped (:class:`QueryTimeout`);
            0 for no limit. ``None`` only for the publisher's own queries: the embedded
            store then runs them in-process, outside the network sandbox.
        :param max_rows: most rows (or triples) returned; a backend that cuts returns
            a ``bytes`` subclass whose ``cut_at`` attribute is the limit.
        :param base_iri: what relative IRIs in the query resolve against.
        """

    def count(self) -> int:
        """How many quads the store holds."""
