"""What ``/sparql`` lets run: the endpoint's allow and refuse decisions on a query.

What the query says (its form, its update keywords, its dataset, whether it
federates) is read by :mod:`publisher.sparql.analysis`; this module turns that
into the endpoint's answer: an update is refused with a clear word, a graph we
do not hold is refused, and a ``SERVICE`` is refused by the analysis itself.

>>> inspect("PREFIX s: <https://schema.org/> SELECT * WHERE { ?c s:name ?n }").form
'SELECT'
>>> inspect("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
publisher.store.errors.QueryRefused: SERVICE is not allowed: ...
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from publisher.sparql.analysis import read, stays_local
from publisher.store.errors import QueryRefused

__all__ = ["QueryPlan", "check_graphs", "inspect"]


@dataclass(frozen=True)
class QueryPlan:
    """What the guard learnt: the query form and the graphs its dataset clause names."""

    form: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer a graph; SELECT and ASK a result table."""
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def inspect(
    query: str,
    base_iri: str | None = None,
    local_graphs: Collection[str] | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> QueryPlan:
    """The query's form and dataset, or :class:`QueryRefused` if it may not run here.

    :param base_iri: what relative IRIs resolve against when the query has no ``BASE``.
    :param local_graphs: graphs ``FROM`` may name (``None``: do not check).
    :param prefixes: prefixes the endpoint declares for every query.
    :raises QueryRefused: an update, a ``SERVICE``, a foreign graph.
    :raises QuerySyntaxError: a query that names them but cannot be parsed.
    """
    form, update = read(query)
    if update is not None:
        raise QueryRefused(
            f"{update} is SPARQL Update: this endpoint answers queries only, read-only"
        )
    dataset = stays_local(query, base_iri, prefixes)
    check_graphs([*dataset.default, *dataset.named], local_graphs)
    return QueryPlan(form, dataset.default, dataset.named)


def check_graphs(graphs: Collection[str], local_graphs: Collection[str] | None) -> None:
    """Refuse graph IRIs that are not in the dataset: they would mean a fetch elsewhere.

    :raises QueryRefused: naming the first foreign graph and the graphs on offer.
    """
    if local_graphs is None:
        return
    for graph in graphs:
        if graph not in local_graphs:
            offered = ", ".join(f"<{g}>" for g in sorted(local_graphs))
            raise QueryRefused(
                f"graph <{graph}> is not in this dataset and is never fetched; "
                f"available graphs: {offered}"
            )
