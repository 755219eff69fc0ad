"""Run queries in pre-forked processes that can be killed at the time limit.

pyoxigraph cannot interrupt a query from Python (a sort or an aggregate runs to
the end), so the only limit that really holds is a process that can be stopped.
Each serving process forks its query workers lazily, after the store is loaded:
they share the store's memory copy-on-write (forking a process holding 1M triples
took about 15 ms here), answer over a pipe, and one that passes the limit is
killed and replaced at the next query. A healthy worker serves query after query,
so the usual cost is one pipe round trip, not a fork.

Workers run without network access (:mod:`publisher.store.sandbox`) and with a
capped address space: a query can neither reach another host nor take the
machine's memory.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from typing import Any

from publisher.store import sandbox
from publisher.store.errors import (
    QueryRefused,
    QueryResourceLimit,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)

#: Errors a worker may report, by name; anything else becomes a StoreError.
_ERRORS: dict[str, type[StoreError]] = {
    cls.__name__: cls
    for cls in (QuerySyntaxError, QueryRefused, QueryResourceLimit, StoreError, StoreUnavailable)
}
#: Memory a query may add to what the worker holds at its fork (the shared store).
MEMORY_HEADROOM = 2 << 30
_OUT_OF_MEMORY = (
    "the query was stopped: it outgrew the memory a query may use "
    f"(a value over the engine's buffer limit, or over {MEMORY_HEADROOM >> 20} MiB); "
    "narrow it down (fewer cross products, shorter GROUP_CONCATs, LIMIT)"
)
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH")


@dataclass
class _Worker:
    pid: int
    conn: Connection

    def stop(self) -> None:
        """Kill and reap the process; it holds nothing that needs a clean exit."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.conn.close()


class QueryWorkers:
    """A pool of forked processes that each run ``job(*args)`` on request.

    ``job`` must be a function of the parent's memory (a closure over the loaded
    store): the workers are forks, so it needs no pickling, only its arguments do.
    """

    def __init__(self, job: Callable[..., Any]) -> None:
        self._job = job
        self._owner = os.getpid()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(self, timeout: float | None, *args: Any) -> Any:
        """``job(*args)`` in a worker; the worker is killed if it takes over ``timeout`` s.

        :param timeout: seconds; ``None`` or 0 for no limit.
        :raises QueryTimeout: past the limit (the work is really stopped).
        :raises QueryResourceLimit: the worker died, most likely at its memory cap.
        :raises StoreError: whatever the job raised, by type, with its message.
        """
        worker = self._acquire()
        try:
            worker.conn.send(args)
        except OSError:  # it died while idle (killed from outside): one fresh try
            worker.stop()
            worker = self._acquire()
            worker.conn.send(args)
        try:
            if not worker.conn.poll(timeout if timeout else None):
                worker.stop()
                raise QueryTimeout(
                    f"the query ran longer than the {timeout:g} s limit and was stopped; "
                    "narrow it down (fewer cross products, bounded paths, LIMIT)"
                )
            status, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.stop()
            raise QueryResourceLimit(
                "the query was stopped: it needed more memory than the "
                f"{MEMORY_HEADROOM >> 20} MiB a query may use; narrow it down "
                "(fewer cross products, shorter GROUP_CONCATs, LIMIT)"
            ) from None
        self._release(worker)
        if status == "ok":
            return value
        raise _ERRORS.get(status, StoreError)(value)

    def close(self) -> None:
        """Stop every idle worker (busy ones are stopped by their caller)."""
        with self._lock:
            idle, self._idle = self._idle, []
        if os.getpid() == self._owner:
            for worker in idle:
                worker.stop()

    def _acquire(self) -> _Worker:
        with self._lock:
            if os.getpid() != self._owner:  # we are a fork (gunicorn worker): start afresh
                self._owner, self._idle = os.getpid(), []
            if self._idle:
                return self._idle.pop()
            return self._fork()

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _fork(self) -> _Worker:
        parent_end, child_end = Pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the worker process
            parent_end.close()
            for other in self._idle:
                other.conn.close()
            _serve(self._job, child_end)
        child_end.close()
        return _Worker(pid, parent_end)


def _serve(job: Callable[..., Any], conn: Connection) -> None:  # pragma: no cover - in a fork
    """The worker's loop: answer jobs until the parent goes away, then exit at once."""
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    _cap_memory()
    sandbox.deny_network()  # if it cannot hold, the start-up line said so
    status = 0
    try:
        while True:
            try:
                args = conn.recv()
            except (EOFError, OSError):
                break
            try:
                reply: tuple[str, Any] = ("ok", job(*args))
            except StoreError as error:
                reply = (type(error).__name__, str(error))
            except MemoryError:
                reply = ("QueryResourceLimit", _OUT_OF_MEMORY)
            except Exception as error:  # noqa: BLE001 - reported to the parent, which raises
                reply = ("StoreError", f"the query failed: {type(error).__name__}")
            conn.send(reply)
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _cap_memory() -> None:  # pragma: no cover - in a fork
    """Cap the worker's address space, so a runaway query kills its worker, not the host.

    The time limit bounds how long a query runs, not how fast it allocates.
    """
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_HEADROOM, resource.RLIM_INFINITY))
    except (OSError, ValueError):  # no /proc (not Linux) or a lower hard limit: keep going
        pass
