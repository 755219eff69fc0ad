"""The search index is built by the first search, once per data version (issue 11).

Start-up no longer pays for it; searches that arrive while it is being built
wait for that one build, so every answer comes from the whole index.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Flask

from publisher import Settings, create_app

QUERIES = ("/search?q=irm", "/search?q=frejus&lang=en", "/search?modality=ct", "/search")


def _answers(app: Flask) -> list[bytes]:
    client = app.test_client()
    return [client.get(q, headers={"Accept": "application/ld+json"}).data for q in QUERIES]


def test_issue_11_the_app_starts_without_a_search_index(settings: Settings) -> None:
    app = create_app(settings)
    cache = app.extensions["publisher-search"]
    assert cache.builds == 0 and cache._index is None
    app.test_client().get("/healthz")
    assert cache.builds == 0  # pages that do not search never build it


def test_issue_11_concurrent_first_searches_share_one_build_and_agree(settings: Settings) -> None:
    app = create_app(settings)
    cache = app.extensions["publisher-search"]
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
    after = _answers(app)  # the index is built by now
    assert cache.builds == 1
    assert all(answer == after for answer in during.values())
    assert json.loads(after[0])["total"] > 0  # "irm" finds something: not an empty index


def test_issue_11_a_reload_builds_the_new_versions_index_on_first_search(
    settings: Settings, tmp_path: Path
) -> None:
    extra = tmp_path / "data" / "extra.ttl"
    extra.parent.mkdir()
    extra.write_text("")
    app = create_app(settings.with_changes(data_paths=(*settings.data_paths, extra)))
    client = app.test_client()
    assert b"Zzyzx" not in client.get("/search?q=zzyzx").data
    town, label = (
        "<http://127.0.0.1:8080/id/town/zzyzx>",
        "<http://www.w3.org/2004/02/skos/core#prefLabel>",
    )
    extra.write_text(f'{town} {label} "Zzyzx"@fr .\n')
    app.extensions["publisher"].reload()
    assert b"Zzyzx" in client.get("/search?q=zzyzx").data
    assert app.extensions["publisher-search"].builds == 2
