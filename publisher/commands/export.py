"""``publisher export --out DIR``: the site as static files plus nginx rules."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.commands.exits import refusing_bad_data
from publisher.commands.options import paths_argument, settings_from
from publisher.graph import progress


@click.command("export")
@paths_argument
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="Folder to write the site to."
)
@click.option("--base-url", help="Public base URL the static site will be served under.")
@click.option("--store", help="'embedded' (default) or a remote SPARQL query endpoint URL.")
@click.option("--listen", default="8080", show_default=True, help="nginx 'listen' value.")
@click.option("--server-name", default="_", show_default=True, help="nginx 'server_name'.")
def export_command(
    paths: tuple[Path, ...],
    out: Path,
    base_url: str | None,
    store: str | None,
    listen: str,
    server_name: str,
) -> None:
    """Write every resource page (HTML and each RDF format, per language), the
    ontology, shapes, VoID, dumps, sitemap and robots.txt to --out, rendered by
    the same code as the server, plus OUT/nginx.conf: the 303 and content
    negotiation rules, to include in nginx's http block. SPARQL and the other
    query services stay on a running server.
    """
    from publisher.app import create_app
    from publisher.deploy.export import export_site
    from publisher.deploy.nginx import site_config

    settings = settings_from(paths, base_url=base_url, store=store)
    with progress.use(progress.for_stream(sys.stderr)):
        with refusing_bad_data("Not exporting: fix the data first."):
            app = create_app(settings)
    out.mkdir(parents=True, exist_ok=True)
    result = export_site(app, out)
    (out / "nginx.conf").write_text(site_config(out, listen, server_name), encoding="utf-8")
    click.echo(f"Wrote {result.count} files for {len(result.files)} pages to {out}.", err=True)
    click.echo(f"nginx: include {out.resolve() / 'nginx.conf'} inside the http block.", err=True)
