"""``publisher new KIND``: scaffold the Turtle for a new entity.

Values come from flags; when a required one is missing and the terminal is
interactive, it is asked for. The output lists every field the shapes require
and one sourced ``rim:Fact`` per statement, so it passes ``publisher check``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.workflow.scaffold import ASPECT_TYPES, KINDS, Entity, ScaffoldError, scaffold

#: Flags each kind needs before it can be written (beyond slug and labels).
REQUIRED = {
    "centre": ("town", "specialty", "quote"),
    "aspect": ("specialty", "quote"),
    "specialty": (),
    "modality": (),
    "procedure": (),
}


def interactive() -> bool:
    """Whether a person is at the keyboard to answer prompts."""
    return sys.stdin.isatty()


def _ask(value: object, name: str, interactive: bool) -> object:
    """``value``, or the answer to a prompt when interactive, or a usage error."""
    if value:
        return value
    if not interactive:
        raise click.UsageError(f"missing --{name.replace('_', '-')}")
    answer = click.prompt(name.replace("_", " "), default="", show_default=False)
    if not answer:
        raise click.UsageError(f"missing --{name.replace('_', '-')}")
    return (answer,) if name == "specialty" else answer


@click.command("new")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--slug", help="Last segment of the IRI id/{kind}/{slug}, e.g. pet or toulon.")
@click.option("--label-fr", help="French label (also skos:prefLabel for concepts).")
@click.option("--label-en", help="English label.")
@click.option("--definition-fr", help="French skos:definition.")
@click.option("--definition-en", help="English skos:definition.")
@click.option("--alt-label", multiple=True, help='Synonym as "text@fr" or "text@en"; repeatable.')
@click.option("--schema", "schema_term", help="schema.org counterpart, e.g. schema:PET.")
@click.option("--no-schema-reason", help="Why no schema.org term fits (instead of --schema).")
@click.option("--broader", help="Specialty: slug of the broader specialty.")
@click.option(
    "--specialty", multiple=True, help="Centre: specialties offered; aspect: its specialty."
)
@click.option("--aspect", help="Procedure: slug of the aspect that comprises it.")
@click.option("--aspect-type", type=click.Choice(sorted(ASPECT_TYPES)), help="Aspect: its kind.")
@click.option("--name", help="Centre: schema:name (default: the French label).")
@click.option("--group", default="var-imagerie-medicale", show_default=True, help="Centre: group.")
@click.option("--town", help="Centre: slug of its town.")
@click.option("--town-name", help="Centre: the town's name, when the town is new.")
@click.option(
    "--source",
    default="interventional-radiology-page",
    show_default=True,
    help="Slug of the source document id/document/{source}.",
)
@click.option("--source-title", help="Title of the source, when the source document is new.")
@click.option("--source-publisher", help="Organisation slug publishing a new source.")
@click.option("--activity", default="extraction-2026", show_default=True, help="Activity slug.")
@click.option("--quote", help="Exact sentence of the source that states the facts.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (- = stdout).")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
def new_command(kind: str, output: Path | None, force: bool, **values: object) -> None:
    """Scaffold Turtle for a new centre, modality, specialty, procedure or aspect.

    Example: publisher new modality --slug pet --label-fr "TEP" --label-en "PET"
    --schema schema:PET -o data/modality-pet.ttl
    """
    asking = interactive()
    for name in ("slug", "label_fr", "label_en", *REQUIRED[kind]):
        values[name] = _ask(values[name], name, asking)
    renamed = {"alt_label": "alt_labels", "schema_term": "schema", "specialty": "specialties"}
    fields = {
        renamed.get(k, k): tuple(v) if isinstance(v, tuple | list) else v for k, v in values.items()
    }
    try:
        text = scaffold(Entity(kind=kind, **fields))  # type: ignore[arg-type]
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise click.UsageError(f"{output} exists; pass --force to overwrite it")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}; fill in anything missing, then run: publisher check", err=True)
