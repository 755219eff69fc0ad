"""The search index lives in the publication's cache: built by the first search of a
data version (not by creating the app), once however many searches arrive together,
and again after a reload that changes the data."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Flask

from publisher import Settings
from publisher.graph.publication import Publication
from tests.conftest import MakeApp

QUERIES = ("/search?q=irm", "/search?q=frejus&lang=en", "/search?modality=ct")
TOWN = "<http://127.0.0.1:8080/id/town/zzyzx> <http://www.w3.org/2004/02/skos/core#prefLabel>"


def _pub(app: Flask) -> Publication:
    pub: Publication = app.extensions["publisher"]
    return pub


def _answers(app: Flask) -> list[bytes]:
    client = app.test_client()
    return [client.get(q, headers={"Accept": "application/ld+json"}).data for q in QUERIES]


def test_creating_the_app_and_serving_pages_build_no_index(
    make_app: MakeApp, settings: Settings
) -> None:
    app = make_app(settings, fresh=True)
    client = app.test_client()
    for path in ("/healthz", "/doc/centre/frejus", "/", "/sparql?query=ASK%7B%7D"):
        assert client.get(path).status_code == 200, path
    assert _pub(app).cache.builds["search"] == 0
    assert json.loads(_answers(app)[0])["total"] > 0
    assert _pub(app).cache.builds["search"] == 1


def test_concurrent_first_searches_share_one_build_and_agree(
    make_app: MakeApp, settings: Settings
) -> None:
    app = make_app(settings, fresh=True)
    barrier = threading.Barrier(4)
    during: dict[int, list[bytes]] = {}

    def search(n: int) -> None:
        barrier.wait()  # all four ask before any build can have finished
        during[n] = _answers(app)

    threads = [threading.Thread(target=search, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _pub(app).cache.builds["search"] == 1
    after = _answers(app)
    assert all(answer == after for answer in during.values())


def test_a_reload_that_changes_the_data_rebuilds_on_the_next_search(
    make_app: MakeApp, settings: Settings, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("")
    app = make_app(settings, fresh=True, data_paths=(*settings.data_paths, extra))
    client, pub = app.test_client(), _pub(app)
    assert b"Zzyzx" not in client.get("/search?q=zzyzx").data
    pub.reload()  # the same files: the same version, and the cache is kept
    assert b"Zzyzx" not in client.get("/search?q=zzyzx").data
    assert pub.cache.builds["search"] == 1
    extra.write_text(f'{TOWN} "Zzyzx"@fr .\n')
    pub.reload()
    assert len(pub.cache) == 0
    assert b"Zzyzx" in client.get("/search?q=zzyzx").data
    assert pub.cache.builds["search"] == 2
