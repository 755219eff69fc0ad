"""The publication's cache: one LRU rule by count and bytes, whole-dataset values kept
until the version changes, one build of those at a time, nothing stale after a clear."""

from __future__ import annotations

import random
import threading
from functools import partial

from publisher.graph.cache import Cache, weight


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = Cache(max_entries=2)
    cache.get("page", "a", lambda: b"a")
    cache.get("page", "b", lambda: b"b")
    cache.get("page", "a", lambda: b"rebuilt")  # a is now the most recent
    cache.get("page", "c", lambda: b"c")  # so b goes
    assert cache.get("page", "a", lambda: b"rebuilt") == b"a"
    assert cache.get("page", "b", lambda: b"rebuilt") == b"rebuilt"
    assert cache.builds["page"] == 4


def test_bytes_bound_the_cache_and_heavy_values_are_answered_not_kept() -> None:
    cache = Cache(max_bytes=10)
    cache.get("page", 1, lambda: b"12345")
    cache.get("page", 2, lambda: "6789")
    cache.get("page", 3, lambda: b"abc")  # 12 bytes in all: the oldest goes
    assert len(cache) == 2
    assert cache.get("page", 4, lambda: b"x" * 11) == b"x" * 11  # over the whole cache
    assert cache.get("answer", 5, lambda: b"four", most=3) == b"four"
    assert len(cache) == 2  # neither was kept, and nothing was evicted for them
    assert cache.get("page", 2, lambda: "rebuilt") == "6789"


def test_names_share_one_rule_and_do_not_collide() -> None:
    cache = Cache(max_entries=8)
    assert cache.get("doc", "x", lambda: b"page") == b"page"
    assert cache.get("etag", "x", lambda: b"tag") == b"tag"
    assert cache.get("doc", "x", lambda: b"other") == b"page"


def test_whole_dataset_values_survive_any_flood_of_pages() -> None:
    cache = Cache(max_entries=4, max_bytes=100)
    index = object()
    assert cache.once("search", (), lambda: index) is index
    for n in range(50):
        cache.get("page", n, lambda: b"x" * 40)
    assert cache.once("search", (), object) is index
    assert cache.builds["search"] == 1


def test_concurrent_first_callers_wait_for_one_build() -> None:
    cache = Cache()
    building, arrived = threading.Event(), threading.Barrier(6)
    got: list[list[int]] = []

    def build() -> list[int]:
        building.set()
        arrived.wait()  # every other caller is on its way in before this build ends
        return [1]

    def first() -> None:
        got.append(cache.once("fhir", (), build))

    def later() -> None:
        building.wait()
        arrived.wait()
        got.append(cache.once("fhir", (), lambda: [2]))

    threads = [threading.Thread(target=first)] + [threading.Thread(target=later) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.builds["fhir"] == 1  # no later caller built [2]
    assert len(got) == 6 and got[0] == [1] and all(value is got[0] for value in got)


def test_a_value_built_from_replaced_data_is_answered_but_not_kept() -> None:
    cache = Cache()

    def reloaded_meanwhile(value: bytes) -> bytes:
        cache.clear()  # as Publication.reload does when the version changes
        return value

    assert cache.get("doc", "x", lambda: reloaded_meanwhile(b"old")) == b"old"
    assert cache.once("search", (), lambda: reloaded_meanwhile(b"old")) == b"old"
    assert len(cache) == 0
    assert cache.get("doc", "x", lambda: b"new") == b"new"
    assert cache.once("search", (), lambda: b"new") == b"new"


def test_threads_keep_the_bounds_and_the_byte_count() -> None:
    cache = Cache(max_entries=50, max_bytes=2_000)
    barrier = threading.Barrier(8)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        barrier.wait()
        for _ in range(2_000):
            key = rng.randrange(200)
            size = key % 97
            assert cache.get("page", key, partial(bytes.__mul__, b"x", size)) == b"x" * size

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = list(cache._entries.values())
    assert len(entries) <= 50
    assert cache._bytes == sum(weight(value) for value, _ in entries) <= 2_000
