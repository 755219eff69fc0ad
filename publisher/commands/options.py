"""What every command reads the same way: its data PATHS and its ``Settings``.

Settings come from the ``PUBLISHER_*`` environment first; the command line wins
over it, and an option left out keeps the environment's value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from publisher.config import Settings

#: Files or folders of RDF; none means the project's ontology/, data/ and shapes/.
paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


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
