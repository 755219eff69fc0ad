"""A per-process cache of serialised query answers, keyed by the data's version.

The data only changes on reload, and partners' pages send the same queries
again and again; answering those from memory skips the engine and the worker
hop, which is where a Python web layer loses to a native server. The version in
the key retires every entry when the data changes. Answers over the size limit,
errors and stopped queries are never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """Least-recently-used answers, bounded in entries and in bytes.

    >>> cache = ResultCache(max_entries=1)
    >>> cache.put("a", b"1", None); cache.put("b", b"2", None)
    >>> cache.get("a") is None, cache.get("b")
    (True, (b'2', None))
    """

    def __init__(
        self, max_entries: int = 512, max_bytes: int = 64 << 20, max_entry: int = 1 << 20
    ) -> None:
        self.max_entries, self.max_bytes, self.max_entry = max_entries, max_bytes, max_entry
        self._entries: OrderedDict[Hashable, tuple[bytes, int | None]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bytes, int | None] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, body: bytes, cut_at: int | None) -> None:
        if len(body) > self.max_entry:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._entries[key] = (bytes(body), cut_at)
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
