"""The store interface every backend implements; its errors are in :mod:`.errors`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

import rdflib

from publisher.graph.sources import Dataset
from publisher.rdf.formats import Format

Row = dict[str, rdflib.term.Node]


class Snapshot(NamedTuple):
    """What a store holds, read back: the quads, and the graphs that hold any."""

    dataset: Dataset
    graphs: frozenset[str]


class Store(Protocol):
    """A read-mostly SPARQL store holding the published dataset.

    The default graph of every query is the union of the named graphs.
    """

    @property
    def external(self) -> bool:
        """True when the content is managed elsewhere (``publisher load --to``), so the
        serving process reads it back (:meth:`snapshot`, :meth:`version`) and never loads."""

    @property
    def copies_on_scan(self) -> bool:
        """True when reading the whole store in a forked process copies its memory
        (pyoxigraph in memory): such scans run in a throwaway fork (:mod:`.apart`)."""

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

    def version(self) -> str | None:
        """The version tag the last load recorded in the store; None when it keeps none
        (then the version is the digest of the content, :mod:`publisher.store.content`)."""

    def snapshot(self) -> Snapshot:
        """Everything the store holds, as a dataset (for dumps and statistics)."""

    def require_dataset(self) -> None:
        """Refuse to serve a store that holds nothing for the publication.

        :raises DatasetMissing: naming what the store holds instead.
        """
