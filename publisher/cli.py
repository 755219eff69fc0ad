"""The ``publisher`` command: validate, serve and query the radiology graph.

Every command lives in its own module of :mod:`publisher.commands`; the group
lists them in :data:`COMMANDS`, so what the command line offers is read here.
"""

from __future__ import annotations

import click

from publisher.commands.check import check_command
from publisher.commands.diff import diff_command
from publisher.commands.docs import docs_command
from publisher.commands.export import export_command
from publisher.commands.load import load_command
from publisher.commands.new import new_command
from publisher.commands.serve import serve_command
from publisher.commands.validate import validate_command

COMMANDS: tuple[click.Command, ...] = (
    validate_command,
    serve_command,
    check_command,
    diff_command,
    docs_command,
    export_command,
    load_command,
    new_command,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="radiology-publisher", prog_name="publisher")
def cli() -> None:
    """Publish the radiology knowledge graph as linked data and SPARQL.

    With no PATHS, commands use the project's ontology/, data/ and shapes/.
    Settings can also come from PUBLISHER_* environment variables.
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    try:
        cli.main(args=argv, prog_name="publisher", standalone_mode=True)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0
