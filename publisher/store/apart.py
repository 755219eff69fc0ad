"""Run a whole-store read in a throwaway fork, so the serving process keeps its pages shared.

Reading pyoxigraph's in-memory store writes to every page it visits, so after
gunicorn forks, a worker that scans the store (to build the search index) makes
its own copy of all of it: at a million triples each worker grew by about
260 MB, and the master's pages stopped being shared too. A fork that does the
scan, sends back only its result and is killed takes that copy with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from publisher.store.workers import QueryWorkers

T = TypeVar("T")
#: Longest a scan may take before it is given up (a fork that hung is killed).
LIMIT = 600.0


def in_a_fork(job: Callable[[], T], limit: float = LIMIT) -> T:
    """``job()``, run in a forked process; its result comes back pickled.

    :raises publisher.store.base.StoreError: what the job raised, or a time-out.
    """
    workers = QueryWorkers(job)
    try:
        result: T = workers.run(limit)
        return result
    finally:
        workers.close()
