"""Issue 6: ``publisher export`` writes the site the app serves, and a real nginx serves it
with the same 303s, negotiation and bytes as the app."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from publisher import Settings
from publisher.cli import cli
from publisher.deploy.export import export_site, resources
from publisher.deploy.nginx import site_config
from publisher.rdf.formats import RDF, RESOURCE
from tests import servers
from tests.conftest import MINI, RICH, MakeApp

pytestmark = pytest.mark.network

PATHS = (MINI, RICH)
#: Accept headers a browser, RDF clients and a confused client send.
ACCEPTS = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "text/turtle, application/rdf+xml;q=0.5, */*;q=0.1",
    "*/*",
)


@dataclass
class Site:
    folder: Path
    url: str
    app: FlaskClient
    documents: list[str]
    files: int


@pytest.fixture(scope="module")
def site(make_app: MakeApp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The export of one app, served by nginx; compared with that same app's answers
    (another app would mint other blank node labels)."""
    folder = tmp_path_factory.mktemp("export")
    app = make_app(Settings(data_paths=PATHS))
    written = export_site(app, folder)
    listen = f"127.0.0.1:{servers.free_port()}"
    (folder / "nginx.conf").write_text(site_config(folder, listen))
    with servers.nginx(folder / "nginx.conf") as url:
        yield Site(folder, url, app.test_client(), resources(app), written.count)


def test_export_command_writes_the_site_and_its_nginx_rules(tmp_path: Path) -> None:
    listen = f"127.0.0.1:{servers.free_port()}"
    args = ["export", "--out", str(tmp_path), "--listen", listen, *map(str, PATHS)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "nginx.conf" in result.output
    config = (tmp_path / "nginx.conf").read_text()
    assert f"listen {listen};" in config and f"root {tmp_path.resolve()};" in config
    assert (tmp_path / "doc" / "centre" / "beta.ttl").is_file()


def fetch(
    url: str, path: str, accept: str | None = None, **headers: str
) -> http.client.HTTPResponse:
    """One GET without following redirects; the body is read."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    if accept is not None:
        headers["Accept"] = accept
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_every_document_is_exported_in_every_format(site: Site) -> None:
    assert len(site.documents) >= 5
    assert site.files >= len(site.documents) * len(RESOURCE)
    for document in site.documents:
        for fmt in RESOURCE:
            file = site.folder / f"{document.lstrip('/')}.{fmt.extension}"
            assert file.is_file(), f"{file} missing"
            assert file.read_bytes() == site.app.get(f"{document}.{fmt.extension}").get_data()


def test_ids_answer_303_to_the_document_like_the_app(site: Site) -> None:
    for document in site.documents:
        thing = "/id/" + document.removeprefix("/doc/")
        for accept in ACCEPTS:
            static = fetch(site.url, thing, accept)
            dynamic = site.app.get(thing, headers={"Accept": accept})
            assert static.status == dynamic.status_code == 303, (thing, accept)
            assert static.getheader("Location") == urlsplit(dynamic.location).path, (thing, accept)
    assert fetch(site.url, "/id/centre/nowhere", "text/html").status == 404


def test_documents_are_negotiated_like_the_app(site: Site) -> None:
    for document in site.documents:
        for accept in ACCEPTS:
            static = fetch(site.url, document, accept)
            dynamic = site.app.get(document, headers={"Accept": accept})
            where = (document, accept)
            assert static.status == dynamic.status_code == 200, where
            assert static.getheader("Content-Type", "").split(";")[0] == dynamic.mimetype, where
            assert static.body == dynamic.get_data(), where  # type: ignore[attr-defined]
            assert "Accept" in static.getheader("Vary", ""), where
    refused = fetch(site.url, site.documents[0], "image/png")
    assert (
        refused.status
        == site.app.get(site.documents[0], headers={"Accept": "image/png"}).status_code
    )
    assert refused.status == 406 and b"text/turtle" in refused.body  # type: ignore[attr-defined]


def test_fixed_extension_urls_and_languages(site: Site) -> None:
    document = next(d for d in site.documents if d.endswith("/beta"))
    for fmt in RDF:
        static = fetch(site.url, f"{document}.{fmt.extension}")
        assert static.status == 200
        assert static.getheader("Content-Type", "").split(";")[0] == fmt.media_type
        assert static.body == site.app.get(f"{document}.{fmt.extension}").get_data()  # type: ignore[attr-defined]
    for lang in ("fr", "en"):
        static = fetch(site.url, f"{document}?lang={lang}", "text/html")
        dynamic = site.app.get(
            document, query_string={"lang": lang}, headers={"Accept": "text/html"}
        )
        assert static.body == dynamic.get_data()  # type: ignore[attr-defined]
        spoken = fetch(site.url, document, "text/html", **{"Accept-Language": lang})
        asked = site.app.get(document, headers={"Accept": "text/html", "Accept-Language": lang})
        assert spoken.body == asked.get_data()  # type: ignore[attr-defined]


def test_site_files_are_the_apps(site: Site) -> None:
    for path, accept in (
        ("/sitemap.xml", None),
        ("/robots.txt", None),
        ("/.well-known/void", "text/turtle"),
        ("/.well-known/void", "application/ld+json"),
        ("/", "text/html"),
        ("/dumps/", "text/html"),
    ):
        dynamic = site.app.get(path, headers={"Accept": accept} if accept else {})
        static = fetch(site.url, path, accept)
        assert static.status == dynamic.status_code == 200, path
        assert static.body == dynamic.get_data(), path  # type: ignore[attr-defined]
    for path, accept in (  # the ontology and shapes pages, when the app has them
        ("/ontology", "text/html"),
        ("/ontology", "text/turtle"),
        ("/shapes", "application/ld+json"),
    ):
        dynamic = site.app.get(path, headers={"Accept": accept})
        static = fetch(site.url, path, accept)
        assert static.status == dynamic.status_code, path
        if dynamic.status_code == 200:
            assert static.body == dynamic.get_data(), path  # type: ignore[attr-defined]
    dumps = [f for f in (site.folder / "dumps").glob("*") if not f.name.startswith("index")]
    assert dumps, "no dump files exported"
    for dump in dumps:
        static = fetch(site.url, f"/dumps/{dump.name}")
        assert static.status == 200
        assert static.body == site.app.get(f"/dumps/{dump.name}").get_data(), dump.name  # type: ignore[attr-defined]
    assert fetch(site.url, "/sparql").status == 404  # query services stay on the server
