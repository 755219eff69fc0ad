"""Per-client accounts and query slots, shared by every process and thread of a server.

Created by the master before gunicorn forks: a folder (on ``/dev/shm`` when there
is one) holding a memory-mapped file and one lock file per slot. The mapped file
has a fixed size, so memory is bounded: a table of client accounts in which a
newcomer evicts the least recently seen of the few records its hash may use, and
a record per slot naming its holder.

Every read-modify-write happens under one mutex: a thread lock inside the process
and ``flock`` across processes. Each held slot is also ``flock``-ed on its own
file, so when a process dies holding one, the kernel frees the lock and the next
client that finds the slots full reclaims it (``bench/fairness.py`` measured this
against a ``multiprocessing`` semaphore, which loses a slot for good when its
holder is killed). ``flock`` belongs to an open file description, so every
process opens its own descriptors after the fork.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import shutil
import struct
import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from publisher.fairness.policy import Account

_HEADER = struct.Struct("<8sQ")  # magic, last slot ticket
_SLOT = struct.Struct("<16sqQd")  # holder's digest, pid, ticket, start
_CLIENT = struct.Struct("<16s5d")  # digest, then Account's fields in order
_MAGIC = b"fairnes1"
_EMPTY = bytes(16)
#: Records a client's hash may land in; the least recently seen of them is evicted.
PROBES = 8


@dataclass(frozen=True)
class Slot:
    """A held query slot: which one, and the ticket that proves it is still ours."""

    index: int
    ticket: int


class _Handles:
    """This process's descriptors and mapping (a fork opens its own)."""

    def __init__(self, folder: Path, slots: int) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.state = os.open(folder / "state", os.O_RDWR)
        self.map = mmap.mmap(self.state, 0)
        self.slots = [os.open(folder / f"slot-{i}", os.O_RDWR) for i in range(slots)]

        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.map.close()
        for fd in (self.state, *self.slots):
            os.close(fd)

    def __del__(self) -> None:  # a table dropped (tests make many apps): no descriptor leaks
        self.close()


class SharedTable:
    """Client accounts and slot holders in shared memory, with ``size`` client records.

    Use :meth:`locked` for a consistent view; everything else is done through it.
    """

    def __init__(self, slots: int, size: int) -> None:
        self.slots, self.size = slots, size
        self.folder = _make_folder()
        total = _HEADER.size + slots * _SLOT.size + size * _CLIENT.size
        with open(self.folder / "state", "wb") as state:
            state.write(_HEADER.pack(_MAGIC, 0))
            state.truncate(total)
        for i in range(slots):
            (self.folder / f"slot-{i}").touch()
        self._owner = os.getpid()
        self._handles: _Handles | None = None
        self._guard = threading.Lock()
        weakref.finalize(self, _remove, self.folder, self._owner)
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forget(ref))

    def _local(self) -> _Handles:
        with self._guard:
            if self._handles is None or self._handles.pid != os.getpid():
                self._handles = _Handles(self.folder, self.slots)
            return self._handles

    @contextmanager
    def locked(self) -> Iterator[View]:
        """Hold the mutex of every process and thread; yield a view of the table."""
        handles = self._local()
        with handles.lock:
            _lock(handles.state)
            try:
                yield View(self, handles)
            finally:
                fcntl.flock(handles.state, fcntl.LOCK_UN)


class View:
    """The table while its mutex is held."""

    def __init__(self, table: SharedTable, handles: _Handles) -> None:
        self._table, self._h, self._map = table, handles, handles.map
        self._clients = _HEADER.size + table.slots * _SLOT.size
        self._found: dict[bytes, int] = {}  # where each digest is, while the mutex is held

    # -- client accounts ---------------------------------------------------------------

    def account(self, digest: bytes) -> Account | None:
        """The client's account, or ``None`` if it is not in the table."""
        offset = self._find(digest)
        if offset is None:
            return None
        return Account(*_CLIENT.unpack_from(self._map, offset)[1:])

    def store(self, digest: bytes, account: Account) -> None:
        """Write the account, evicting the least recently seen record if need be."""
        offset = self._find(digest)
        if offset is None:
            offset = min(self._candidates(digest), key=self._updated)
            self._found = {d: o for d, o in self._found.items() if o != offset}
            self._found[digest] = offset
        _CLIENT.pack_into(
            self._map,
            offset,
            digest,
            account.updated,
            account.requests,
            account.query_time,
            account.errors,
            account.usage,
        )

    def _candidates(self, digest: bytes) -> list[int]:
        start = int.from_bytes(digest[:8], "little") % self._table.size
        return [
            self._clients + ((start + i) % self._table.size) * _CLIENT.size
            for i in range(min(PROBES, self._table.size))
        ]

    def _find(self, digest: bytes) -> int | None:
        found = self._found.get(digest)
        if found is not None:
            return found
        for offset in self._candidates(digest):
            if self._map[offset : offset + 16] == digest:
                self._found[digest] = offset
                return offset
        return None

    def _updated(self, offset: int) -> float:
        if self._map[offset : offset + 16] == _EMPTY:
            return float("-inf")
        return float(_CLIENT.unpack_from(self._map, offset)[1])

    # -- query slots -------------------------------------------------------------------

    def holders(self) -> list[tuple[bytes, float]]:
        """(digest, start) of every held slot, after reclaiming those of dead processes."""
        held = []
        for index in range(self._table.slots):
            digest, pid, _, start = _SLOT.unpack_from(self._map, self._slot(index))
            if pid == 0:
                continue
            if pid != self._h.pid and self._reclaim(index):
                continue
            held.append((digest, start))
        return held

    def take(self, digest: bytes, now: float) -> Slot | None:
        """Hold a free slot for ``digest``; ``None`` if every slot is held."""
        for index in range(self._table.slots):
            if _SLOT.unpack_from(self._map, self._slot(index))[1] != 0:
                continue
            try:
                fcntl.flock(self._h.slots[index], fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # its holder is between release steps; try another
                continue
            magic, ticket = _HEADER.unpack_from(self._map, 0)
            _HEADER.pack_into(self._map, 0, magic, ticket + 1)
            _SLOT.pack_into(self._map, self._slot(index), digest, self._h.pid, ticket + 1, now)
            return Slot(index, ticket + 1)
        return None

    def give_back(self, slot: Slot) -> None:
        """Free the slot, unless it was reclaimed meanwhile (then it is someone else's)."""
        offset = self._slot(slot.index)
        if _SLOT.unpack_from(self._map, offset)[2] == slot.ticket:
            _SLOT.pack_into(self._map, offset, _EMPTY, 0, 0, 0.0)
        fcntl.flock(self._h.slots[slot.index], fcntl.LOCK_UN)

    def _reclaim(self, index: int) -> bool:
        """Free a slot whose holder died: its lock is gone, so we can take it."""
        fd = self._h.slots[index]
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # alive
        _SLOT.pack_into(self._map, self._slot(index), _EMPTY, 0, 0, 0.0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True

    def _slot(self, index: int) -> int:
        return _HEADER.size + index * _SLOT.size


#: Tries without sleeping before waiting in the kernel for the mutex.
SPINS = 200


def _lock(fd: int) -> None:
    """Take the cross-process mutex. It is held for microseconds, so yielding a few
    times usually gets it; sleeping in ``flock`` at once cost each contended request
    a wake-up, which halved the throughput of 2 workers (``bench/fairness.py``)."""
    for _ in range(SPINS):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            os.sched_yield()
    fcntl.flock(fd, fcntl.LOCK_EX)


def _make_folder() -> Path:
    """A private folder in memory (``/dev/shm``) if possible, else in the temporary folder."""
    try:
        return Path(tempfile.mkdtemp(prefix="publisher-fairness-", dir="/dev/shm"))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="publisher-fairness-"))


def _forget(ref: weakref.ref[SharedTable]) -> None:
    """In a forked child: drop the parent's descriptors (they share its locks)."""
    table = ref()
    if table is not None:
        if table._handles is not None:
            table._handles.close()  # the parent's locks stay: it holds its own descriptors
        table._handles = None
        table._guard = threading.Lock()


def _remove(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
