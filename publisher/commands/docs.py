"""``publisher docs``: write the ontology documentation to a static HTML file.

The page is the one ``/ontology`` serves, rendered by the same code with the
links made absolute under the base URL, so it reads well from the repository.
"""

from __future__ import annotations

from pathlib import Path

import click

from publisher.commands.exits import refusing_bad_data
from publisher.commands.options import paths_argument, settings_from
from publisher.config import PROJECT_ROOT, Settings


def write_docs(settings: Settings, output: Path, lang: str) -> int:
    """Render the documentation of ``settings``' data to ``output``; returns its size."""
    from publisher.app import create_app
    from publisher.views.ontology import render_ontology

    app = create_app(settings)
    with app.test_request_context("/ontology"):
        html = render_ontology(app.extensions["publisher"], lang, static=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return len(html.encode("utf-8"))


@click.command("docs")
@paths_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=PROJECT_ROOT / "docs" / "ontology.html",
    show_default=True,
)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True)
@click.option("--base-url", help="Base URL the links point to.")
def docs_command(paths: tuple[Path, ...], output: Path, lang: str, base_url: str | None) -> None:
    """Generate docs/ontology.html: every term, its shapes, usage and a class diagram."""
    with refusing_bad_data():
        size = write_docs(settings_from(paths, base_url=base_url), output, lang)
    click.echo(f"wrote {output} ({size} bytes)")
