"""How commands that read data end when the data is refused: one message, one status.

Statuses: 2 a file is missing or not RDF, 1 the data breaks the shapes (the
report is printed), 3 the store cannot be reached.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from publisher.graph.publication import ValidationFailed
from publisher.graph.sources import SourceError
from publisher.store.errors import StoreError


@contextmanager
def refusing_bad_data(refusal: str) -> Iterator[None]:
    """Run the block; on bad data print why (and ``refusal``) and exit with its status."""
    try:
        yield
    except SourceError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except ValidationFailed as failure:
        click.echo(failure.report.to_text(), err=True)
        click.echo(refusal, err=True)
        sys.exit(1)
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(3)
