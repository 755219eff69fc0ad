"""What every command reads the same way: its data PATHS and its ``Settings``.

Settings come from the ``PUBLISHER_*`` environment first; the command line wins
over it, and an option left out keeps the environment's value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from publisher.config import Settings

F = TypeVar("F", bound=Callable[..., Any])

#: Files or folders of RDF; none means the project's ontology/, data/ and shapes/.
paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def format_option(*choices: str, help: str | None = None) -> Callable[[F], F]:
    """``--format`` (as ``output_format``) among ``choices``, the first by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


def settings_from(paths: tuple[Path, ...], **changes: Any) -> Settings:
    """The environment's settings with the command's options over them.

    ``None`` leaves a setting as the environment has it; PATHS, when given,
    replace the data paths.

    >>> settings_from((Path("x.ttl"),), base_url="http://h/", store=None).data_paths
    (PosixPath('x.ttl'),)
    """
    if paths:
        changes["data_paths"] = paths
    return Settings.from_env().with_changes(**changes)
