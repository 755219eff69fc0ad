"""``publisher diff OLD NEW``: what changed, whether it breaks, and the bump it needs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from publisher.commands.exits import reading_files
from publisher.commands.options import format_option
from publisher.config import PROJECT_ROOT
from publisher.workflow.diff import SnapshotError, compare_folders, snapshot, to_text


@click.command("diff")
@click.argument("old")
@click.argument("new", default=".")
@click.option(
    "--repo",
    type=click.Path(path_type=Path, file_okay=False),
    default=PROJECT_ROOT,
    show_default=True,
    help="Git repository that revisions refer to.",
)
@format_option("text", "json")
@click.option(
    "--check-version",
    is_flag=True,
    help="Exit 1 when NEW's owl:versionInfo is not bumped enough for the changes.",
)
def diff_command(old: str, new: str, repo: Path, output_format: str, check_version: bool) -> None:
    """Compare two versions of ontology/, data/ and shapes/.

    OLD and NEW are folders holding those three (NEW defaults to the working
    tree) or git revisions (tags, branches, commits) of --repo. Breaking
    changes (removed or renamed terms, tightened shapes, removed resources)
    need a major version bump.
    """
    with reading_files(SnapshotError):
        with snapshot(old, repo) as before, snapshot(new, repo) as after:
            report = compare_folders(before, after)
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(to_text(report))
    if check_version and report.version_ok() is False:
        sys.exit(1)
