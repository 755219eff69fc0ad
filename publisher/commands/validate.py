"""``publisher validate``: parse every file and check the data against the shapes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.commands.exits import reading_files
from publisher.commands.options import format_option, paths_argument, settings_from
from publisher.graph import progress
from publisher.graph.sources import load
from publisher.validation.shapes import validate_dataset


@click.command("validate")
@paths_argument
@click.option("--base-url", help="Base URL that relative IRIs resolve against.")
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on violations.")
@format_option(
    "text", "json", "turtle", help="Report for people (text) or machines (json, turtle)."
)
def validate_command(
    paths: tuple[Path, ...], base_url: str | None, strict: bool, output_format: str
) -> None:
    """Parse every file and check the data against the SHACL shapes.

    Exits 1 on violations (and on warnings with --strict), 2 on unreadable files.
    """
    from publisher.graph.publication import PROJECT_SHAPES, validation_cache

    settings = settings_from(paths, base_url=base_url)
    with progress.use(progress.for_stream(sys.stderr)):
        with reading_files():
            dataset = load(settings.data_paths, settings.base_url)
        report = validate_dataset(
            dataset, fallback_shapes=PROJECT_SHAPES, cache=validation_cache(settings)
        )
    if output_format == "json":
        click.echo(report.to_json())
    elif output_format == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        click.echo(f"Read {len(dataset.sources)} file(s).")
        click.echo(report.to_text())
    sys.exit(0 if report.passes(strict=strict) else 1)
