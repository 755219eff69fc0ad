"""Issue 14: the static export carries the FHIR metadata and every FHIR read URL, and a real
nginx serves them with the app's bytes and media type; search stays on the publisher."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from publisher.deploy.export import export_site
from publisher.deploy.nginx import site_config
from tests import servers
from tests.deploy.test_export import fetch

pytestmark = pytest.mark.network


@dataclass
class Site:
    folder: Path
    url: str
    app: FlaskClient
    reads: list[str]


@pytest.fixture(scope="module")
def site(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("fhir-export")
    export_site(app, folder)
    client = app.test_client()
    reads = [
        f"/fhir/{kind}/{entry['resource']['id']}"
        for kind in ("Organization", "Location", "HealthcareService")
        for entry in client.get(f"/fhir/{kind}?_count=100").get_json(force=True)["entry"]
    ]
    listen = f"127.0.0.1:{servers.free_port()}"
    (folder / "nginx.conf").write_text(site_config(folder, listen))
    with servers.nginx(folder / "nginx.conf") as url:
        yield Site(folder, url, client, reads)


def test_every_read_url_is_a_file_nginx_serves_like_the_app(site: Site) -> None:
    assert len(site.reads) >= 14
    for path in ("/fhir/metadata", *site.reads):
        assert (site.folder / f"{path.lstrip('/')}.json").is_file(), path
        dynamic = site.app.get(path)
        for accept in ("application/fhir+json", "*/*", "text/html"):
            static = fetch(site.url, path, accept)
            assert static.status == dynamic.status_code == 200, (path, accept)
            assert static.getheader("Content-Type") == dynamic.headers["Content-Type"], path
            assert static.body == dynamic.get_data(), path  # type: ignore[attr-defined]
        with_format = fetch(site.url, path + "?_format=json")
        assert with_format.body == site.app.get(path + "?_format=json").get_data()  # type: ignore[attr-defined]


def test_unknown_reads_and_searches_are_not_files(site: Site) -> None:
    assert fetch(site.url, "/fhir/Organization/nowhere").status == 404
    assert fetch(site.url, "/fhir/Organization?name=var").status == 404  # search: the server's
    assert not (site.folder / "fhir" / "Organization.json").exists()
