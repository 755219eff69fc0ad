"""The one cache of a publication: everything computed from the data it serves.

Pages, query answers, counts, dumps and the search index are pure functions of
the loaded data, so they live here, keyed by ``(name, key)``, and the
publication clears them all whenever its data version changes (a reload, or a
new load followed in a remote store). Python rendering is the bottleneck of this
server (FIELD-NOTES: the web layer, not the store), so this is where caching pays.

One eviction rule: an entry weighs its length in bytes (bytes and str) or 1
(anything else); while the weighted entries are more than ``max_entries`` or
weigh more than ``max_bytes`` together, the least recently used one goes.
Structures built from the whole dataset (:meth:`Cache.once`: the search index,
statistics, dumps) weigh nothing and stay until the version changes: there is
one of each per version, and rebuilding one costs seconds at a million triples.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
Key = tuple[str, Hashable]

MAX_ENTRIES = 8192
MAX_BYTES = 96 << 20


def weight(value: object) -> int:
    """What an entry counts for against ``max_bytes``.

    >>> weight(b"abc"), weight("é"), weight(True)
    (3, 1, 1)
    """
    return len(value) if isinstance(value, bytes | str) else 1


class Cache:
    """Entries keyed by ``(name, key)``, bounded by one LRU rule, safe across threads.

    >>> cache = Cache(max_entries=1)
    >>> cache.get("page", "a", lambda: b"1"), cache.get("page", "b", lambda: b"2")
    (b'1', b'2')
    >>> cache.get("page", "a", lambda: b"again")
    b'again'
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Key, tuple[object, int]] = OrderedDict()
        self._kept: dict[Key, object] = {}  # weightless, until the version changes
        self._gates: dict[Key, threading.Lock] = {}  # one per once() key, until clear()
        self._bytes = 0
        self._generation = 0
        self._lock = threading.Lock()
        #: How many times each name's value was built (tests and benchmarks read it).
        self.builds: Counter[str] = Counter()

    def get(self, name: str, key: Hashable, build: Callable[[], T], most: int | None = None) -> T:
        """``build()``, remembered under ``(name, key)`` until evicted or cleared.

        Concurrent misses each build (a page costs milliseconds; waiting for another
        request's build would tie this request's time to that one's). A value
        weighing more than ``most`` (or than the whole cache may) is answered but
        not kept.
        """
        full = (name, key)
        with self._lock:
            found = self._entries.get(full)
            if found is not None:
                self._entries.move_to_end(full)
                return found[0]  # type: ignore[return-value]
            generation = self._generation
        value = build()
        heavy = weight(value)
        with self._lock:
            self.builds[name] += 1
            if heavy > min(most or self.max_bytes, self.max_bytes):
                return value
            if generation != self._generation:  # built from data that was replaced meanwhile
                return value
            old = self._entries.pop(full, None)
            self._bytes += heavy - (old[1] if old else 0)
            self._entries[full] = (value, heavy)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return value

    def once(self, name: str, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` run once per data version: concurrent callers wait for one build.

        For whole-dataset structures, where two builds at once would cost twice the
        seconds and the memory. The value stays until :meth:`clear`.
        """
        full = (name, key)
        with self._lock:
            if full in self._kept:
                return self._kept[full]  # type: ignore[return-value]
            gate = self._gates.setdefault(full, threading.Lock())
        with gate:
            with self._lock:
                if full in self._kept:
                    return self._kept[full]  # type: ignore[return-value]
                generation = self._generation
            value = build()
            with self._lock:
                self.builds[name] += 1
                if generation == self._generation:
                    self._kept[full] = value
            return value

    def clear(self) -> None:
        """Forget everything: the data changed. Builds under way are not kept."""
        with self._lock:
            self._entries.clear()
            self._kept.clear()
            self._gates.clear()  # a build under way keeps its own gate, and is not kept
            self._bytes = 0
            self._generation += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries) + len(self._kept)
