"""``publisher serve``: the graph over HTTP, behind gunicorn (or Flask's debug server)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.commands.exits import refusing_bad_data
from publisher.commands.options import paths_argument, settings_from
from publisher.graph import progress


# Long in its options and help text only; the body is about forty lines.
@click.command("serve")
@paths_argument
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--base-url", help="Public base URL (default: http://HOST:PORT/).")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers.")
@click.option(
    "--worker-class",
    type=click.Choice(["async", "threads", "sync"]),
    default="async",
    show_default=True,
    help="async: requests are read whole before the app runs, so slow clients hold nothing.",
)
@click.option(
    "--threads", default=8, show_default=True, type=int, help="App threads per worker process."
)
@click.option("--store", help="'embedded' (default) or a remote SPARQL query endpoint URL.")
@click.option(
    "--store-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the embedded store on disk here, reused while the files are unchanged.",
)
@click.option("--no-validate", is_flag=True, help="Serve data even if it fails SHACL.")
@click.option("--debug", is_flag=True, help="Flask's development server, with reloading.")
@click.option(
    "--access-log", is_flag=True, help="Log every request (costs time on small requests)."
)
def serve_command(
    paths: tuple[Path, ...],
    host: str,
    port: int,
    base_url: str | None,
    workers: int,
    worker_class: str,
    threads: int,
    store: str | None,
    store_dir: Path | None,
    no_validate: bool,
    debug: bool,
    access_log: bool,
) -> None:
    """Serve the graph over HTTP: linked-data pages, RDF and SPARQL.

    Refuses to start when the data fails SHACL, printing the report (exit 1),
    and when a remote --store is unreachable or holds no dataset under the base
    URL, naming the base URLs it holds (exit 3).
    """
    from publisher.app import create_app

    settings = settings_from(
        paths,
        base_url=base_url or default_base_url(host, port),
        store=store,
        store_dir=str(store_dir) if store_dir else None,
        validate=False if no_validate else None,
    )
    with progress.use(progress.for_stream(sys.stderr)):  # start-up and SIGHUP reloads
        with refusing_bad_data(
            "Not serving: fix the data, or pass --no-validate for third-party data."
        ):
            app = create_app(settings)
            app.extensions["publisher"].store.require_dataset()  # one filled by `publisher load`
        click.echo(f"Serving {settings.base_url} (store: {settings.store})", err=True)
        from publisher.store.sandbox import describe

        click.echo(describe(settings.store), err=True)
        if debug:
            app.run(host=host, port=port, debug=True, use_reloader=False)
            return
        import gc

        from publisher.deploy.server import run_gunicorn

        # What the master built (store, report, search index) is read-only from here:
        # out of the collector's reach, the workers do not copy its pages by touching it.
        gc.freeze()
        run_gunicorn(
            app,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            model=worker_class,
            threads=threads,
        )


def default_base_url(host: str, port: int) -> str:
    """The base URL when none is given: where this server answers.

    A wildcard bind address is not a place anyone can dereference, so loopback
    stands in for it (pass ``--base-url`` with the public URL instead).

    >>> default_base_url("127.0.0.1", 8080), default_base_url("0.0.0.0", 80)
    ('http://127.0.0.1:8080/', 'http://127.0.0.1:80/')
    >>> default_base_url("::1", 8080)
    'http://[::1]:8080/'
    """
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"
