"""``publisher load --to URL``: validate, then replace a remote SPARQL store's dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.commands.exits import fail, refusing_bad_data
from publisher.commands.options import paths_argument, settings_from
from publisher.graph import progress
from publisher.store.content import version_of
from publisher.store.credentials import Credentials
from publisher.store.errors import LoadLocked, StoreError
from publisher.store.loader import DEFAULT_BATCH, DEFAULT_LEASE, Loader
from publisher.store.remote import RemoteStore


# Long in its options and help text only; the body is about forty lines.
@click.command("load")
@paths_argument
@click.option("--to", "query_url", required=True, help="The store's SPARQL query endpoint URL.")
@click.option("--update-url", help="SPARQL Update endpoint (default: the server's convention).")
@click.option("--graph-store-url", help="Graph Store Protocol endpoint (default: convention).")
@click.option("--base-url", help="Base URL the IRIs resolve against (as for serve).")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True, help="Triples per request.")
@click.option(
    "--via",
    type=click.Choice(["auto", "graph-store", "update"]),
    default="auto",
    show_default=True,
    help="How batches travel: Graph Store Protocol, SPARQL Update, or the first known.",
)
@click.option(
    "--lease",
    default=DEFAULT_LEASE,
    show_default=True,
    help="Seconds the load's lock on the store lasts if this load dies (renewed while alive).",
)
@click.option("--no-validate", is_flag=True, help="Load data even if it fails SHACL.")
def load_command(
    paths: tuple[Path, ...],
    query_url: str,
    update_url: str | None,
    graph_store_url: str | None,
    base_url: str | None,
    batch_size: int,
    via: str,
    lease: float,
    no_validate: bool,
) -> None:
    """Validate the data, then load it into the remote store at --to.

    Batches go to staging graphs; one SPARQL Update then swaps them in, so
    readers see the old dataset or the new one, never a mix, and a failure
    leaves the old one served. Running it again gives the same store.

    One load at a time: a load takes a lease in the store (graph/load-lock under
    the base URL) and a second load started meanwhile stops without changing
    anything. A lease whose load died expires after --lease seconds.

    Default endpoints follow each server's convention: Oxigraph server
    (/query → /update, /store), Virtuoso (/sparql → /sparql-auth,
    /sparql-graph-crud-auth), Fuseki (/ds/query → /ds/update, /ds/data).
    Credentials come only from the environment: PUBLISHER_STORE_USER and
    PUBLISHER_STORE_PASSWORD (HTTP digest or basic).

    Exits 1 when the data fails SHACL, 2 on unreadable files, 3 when the store fails,
    4 when another load is running on the same base URL.
    """
    from publisher.graph.publication import prepare

    settings = settings_from(paths, base_url=base_url, validate=False if no_validate else None)
    with progress.use(progress.for_stream(sys.stderr)):
        with refusing_bad_data("Not loading: fix the data, or pass --no-validate."):
            dataset, report = prepare(settings)
    if report is not None:
        click.echo(f"SHACL: the data conforms ({len(dataset.sources)} files).", err=True)
    try:
        store = RemoteStore(
            query_url,
            settings.base_url,
            timeout=settings.query_timeout,
            update_url=update_url or settings.update_url,
            graph_store_url=graph_store_url or settings.graph_store_url,
            credentials=Credentials.from_env(),
        )
        loader = Loader(
            store,
            progress=lambda line: click.echo(line, err=True),
            batch_size=batch_size,
            via=via,
            lease=lease,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    how = f"Graph Store {loader.graph_store_url}" if loader.graph_store_url else "SPARQL Update"
    who = f" as {store.credentials.user}" if store.credentials else ""
    click.echo(f"Loading into {query_url} through {how}{who}.", err=True)
    try:
        loader.replace(dataset, version_of(dataset))
    except LoadLocked as error:
        fail(error, 4)
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        click.echo("The store still serves its previous data.", err=True)
        sys.exit(3)
