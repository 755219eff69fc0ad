"""How commands that read data end when the data is refused: one message, one status.

Statuses: 2 a file is missing or not RDF, 1 the data breaks the shapes (the
report is printed), 3 the store cannot be reached.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from publisher.graph.sources import SourceError
from publisher.store.errors import StoreError


def fail(error: Exception, status: int) -> NoReturn:
    """Print ``error: …`` on stderr and exit with ``status``."""
    click.echo(f"error: {error}", err=True)
    sys.exit(status)


@contextmanager
def reading_files(*also: type[Exception]) -> Iterator[None]:
    """Run the block; when a file is missing or not RDF (or one of ``also``), say
    which and exit 2."""
    unreadable: tuple[type[Exception], ...] = (SourceError, *also)
    try:
        yield
    except unreadable as error:
        fail(error, 2)


@contextmanager
def refusing_bad_data(refusal: str | None = None) -> Iterator[None]:
    """Run the block; on bad data print why (and ``refusal``) and exit with its status."""
    from publisher.graph.publication import ValidationFailed  # the store, only when used

    try:
        with reading_files():
            yield
    except ValidationFailed as failure:
        click.echo(failure.report.to_text(), err=True)
        if refusal is not None:
            click.echo(refusal, err=True)
        sys.exit(1)
    except StoreError as error:
        fail(error, 3)
