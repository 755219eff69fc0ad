"""Serialise a pyoxigraph result in the asked format, cut at a row limit.

pyoxigraph writes every format itself, so no result is converted term by term in
Python. To cut at ``max_rows`` without knowing the format's layout, the result is
first written as TSV or N-Triples (one row per line, newlines escaped) through a
writer that stops the evaluation once it has one row more than allowed; the kept
lines are then re-read and written in the asked format, still by pyoxigraph.
"""

from __future__ import annotations

import pyoxigraph as ox

from publisher.store.errors import StoreError

#: An answer to serialise: an engine's result, or triples a server sent (remote CONSTRUCT).
Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]


class Results(bytes):
    """Serialised results; ``cut_at`` is the row limit when rows were left out."""

    cut_at: int | None = None

    @classmethod
    def of(cls, body: bytes, cut_at: int | None = None) -> Results:
        results = cls(body)
        results.cut_at = cut_at
        return results


class _Enough(Exception):
    """Raised inside the writer to stop pyoxigraph once enough lines arrived."""


class _LineWriter:
    """A binary sink that counts lines and stops the producer past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def write(self, chunk: bytes) -> int:
        self.chunks.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        pass


def check_format(
    graph: bool, fmt: ox.RdfFormat | ox.QueryResultsFormat | None, media_type: str
) -> None:
    """:raises StoreError: the format cannot hold a graph (or results, when not ``graph``)."""
    if graph and not isinstance(fmt, ox.RdfFormat):
        raise StoreError(f"{media_type} cannot hold a graph")
    if not graph and not isinstance(fmt, ox.QueryResultsFormat):
        raise StoreError(f"{media_type} cannot hold query results")


def serialise(
    result: Answer,
    fmt: ox.RdfFormat | ox.QueryResultsFormat | None,
    media_type: str,
    max_rows: int | None = None,
) -> Results:
    """Write ``result`` in ``fmt``; with ``max_rows``, at most that many rows or triples.

    :raises StoreError: the format cannot hold this kind of result.
    """
    check_format(isinstance(result, ox.QueryTriples | list), fmt, media_type)
    if isinstance(result, list):  # already in memory: cut it as it is
        cut = max_rows is not None and len(result) > max_rows
        kept = result[:max_rows] if cut else result
        return Results.of(ox.serialize(kept, format=fmt) or b"", max_rows if cut else None)  # type: ignore[arg-type]
    if max_rows is None or isinstance(result, ox.QueryBoolean):
        return Results.of(result.serialize(format=fmt) or b"")  # type: ignore[arg-type]
    graph = isinstance(result, ox.QueryTriples)
    lines_format = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.TSV
    header = 0 if graph else 1
    writer = _LineWriter(max_rows + header)
    cut_at = None
    try:
        result.serialize(writer, format=lines_format)  # type: ignore[arg-type]
    except _Enough:
        cut_at = max_rows
    body = b"".join(writer.chunks)
    if cut_at is not None:
        body = b"".join(body.splitlines(keepends=True)[: max_rows + header])
    if fmt == lines_format:
        return Results.of(body, cut_at)
    if graph:
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return Results.of(ox.serialize(triples, format=fmt) or b"", cut_at)  # type: ignore[arg-type]
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    return Results.of(solutions.serialize(format=fmt) or b"", cut_at)  # type: ignore[arg-type]
