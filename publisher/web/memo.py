"""A small bounded cache for rendered bodies that are pure functions of the data.

Pages, VoID and the sitemap depend only on the loaded data and on the request's
format and language, so they are kept per data version: a reload changes the
version, and old entries age out. Python rendering is the bottleneck here
(measured: the web layer, not the store), so this is where caching pays.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from publisher.graph.publication import Publication

SIZE = 1024

_entries: OrderedDict[tuple[Hashable, ...], bytes] = OrderedDict()
_lock = threading.Lock()


def cached(
    publication: Publication, key: tuple[Hashable, ...], build: Callable[[], bytes]
) -> bytes:
    """``build()``, remembered under ``key`` for this store and data version."""
    full = (id(publication.store), hash(publication.settings), publication.version, *key)
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            return _entries[full]
    body = build()
    with _lock:
        _entries[full] = body
        while len(_entries) > SIZE:
            _entries.popitem(last=False)
    return body
