"""An on-disk pyoxigraph store, kept between runs under the content hash of the files.

Parsing a million triples into memory takes seconds on every start and holds
hundreds of MB in the serving processes. With a store folder (``--store-dir``),
the files are bulk-loaded once into pyoxigraph's own storage (RocksDB) in a
folder named by the hash of every file's role, name and bytes (hashed as the
validation cache does), the base URL and pyoxigraph's version; a restart with
unchanged files opens that folder instead of parsing anything.

A load goes into a hidden temporary folder that is renamed into place only once
complete, so an invalid file or an interrupted load never replaces a good
folder. Once in place a folder is never written again: every process opens it
read-only, each for itself, after any fork (a RocksDB handle is not shared
across ``fork``: the handle a child inherits is kept, never used nor closed).
The newest few folders are kept, so the workers still serving the previous
version after a SIGHUP keep theirs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from publisher.graph import progress
from publisher.graph.sources import Dataset, GraphSource, discover, read_into
from publisher.store.embedded import EmbeddedStore
from publisher.validation.cache import file_digest

#: Bumped when what a folder holds for the same files changes.
FORMAT = "1"
#: Store folders kept (the one opened, plus the most recently used others).
KEEP = 3
_BUILDING = ".building-"


def key(sources: Sequence[GraphSource], base_url: str) -> str:
    """The content hash naming the store folder of these files under ``base_url``."""
    engine = getattr(ox, "__version__", "")
    digest = hashlib.sha256(f"{FORMAT}\n{engine}\n{base_url}\n".encode())
    for source in sources:
        digest.update(f"{source.role}\n{source.path.name}\n".encode())
        digest.update(file_digest(source.path))
    return digest.hexdigest()[:32]


class _Opened:
    """A read-only handle on a store folder, opened by each process for itself."""

    _all: weakref.WeakSet[_Opened] = weakref.WeakSet()

    def __init__(self, location: Path) -> None:
        self.location = location
        self._lock = threading.Lock()
        self._pid = 0
        self._store: ox.Store | None = None
        self._inherited: list[ox.Store] = []  # from the parent: never used, never closed
        _Opened._all.add(self)

    def get(self) -> ox.Store:
        pid = os.getpid()
        with self._lock:
            if self._store is None or self._pid != pid:
                if self._store is not None:
                    self._inherited.append(self._store)
                self._store, self._pid = ox.Store.read_only(str(self.location)), pid
            return self._store

    def _forked(self) -> None:
        self._lock = threading.Lock()  # another thread may have held it at the fork


def _after_fork() -> None:
    for opened in list(_Opened._all):
        opened._forked()


os.register_at_fork(after_in_child=_after_fork)


class DiskDataset(Dataset):
    """A dataset served from a store folder: every process reads it through its own handle."""

    def __init__(self, location: Path, base_url: str, sources: tuple[GraphSource, ...]) -> None:
        self.opened = _Opened(location)
        super().__init__(base_url=base_url, sources=sources)

    @property
    def location(self) -> Path:
        return self.opened.location

    @property
    def _store(self) -> ox.Store:
        return self.opened.get()

    @_store.setter
    def _store(self, store: ox.Store | None) -> None:
        """Ignored: the folder is the store (``Dataset.__init__`` sets it)."""


class DiskStore(EmbeddedStore):
    """:class:`EmbeddedStore` reading a :class:`DiskDataset` through this process's handle."""

    copies_on_scan = False  # RocksDB reads go through the page cache and a bounded block cache

    def __init__(self) -> None:
        self._dataset: Dataset = Dataset(store=ox.Store())
        super().__init__()

    @property
    def _store(self) -> ox.Store:
        return self._dataset.store()

    @_store.setter
    def _store(self, store: ox.Store) -> None:
        self._dataset = Dataset(store=store)

    def load(self, dataset: Dataset) -> None:
        """Serve ``dataset``; nothing is read here, so the master opens nothing."""
        self._dataset = dataset
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.close()

    def count(self) -> int:
        return len(self._store)  # reads go through each process's own handle: no copy


def load(paths: Sequence[Path | str], base_url: str, folder: Path) -> DiskDataset:
    """The dataset of these files in ``folder``: the existing store if the files are
    unchanged, else a new one bulk-loaded into a temporary folder then renamed.

    :raises publisher.graph.sources.SourceError: a file is missing or not valid RDF (the
        folders already there are left as they were).
    """
    sources = tuple(discover(paths))
    folder.mkdir(parents=True, exist_ok=True)
    location = folder / key(sources, base_url)
    if not location.is_dir():
        _build(location, sources, base_url)
    os.utime(location)  # recently used folders are kept longest
    _prune(folder, keep=location)
    return DiskDataset(location, base_url, sources)


def _build(location: Path, sources: Sequence[GraphSource], base_url: str) -> None:
    building = location.with_name(f"{_BUILDING}{location.name}-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        store = ox.Store(str(building))
        with progress.current().stage("loading store", total=len(sources), unit="files") as step:
            for source in sources:
                read_into(store, source, base_url)
                step(1)
        store.flush()
        del store  # closed: the folder is complete and no longer written
        try:
            building.rename(location)
        except OSError:  # another process put the same content there first
            if not location.is_dir():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP most recently used store folders, and dead builds."""
    stores = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in stores if p != keep][KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    for build in folder.glob(f"{_BUILDING}*"):
        if not _alive(build.name.rsplit("-", 1)[-1]):
            shutil.rmtree(build, ignore_errors=True)


def _alive(pid_text: str) -> bool:
    """Whether the process that named a build folder still runs (a folder whose name
    ends in no process id is nobody's build and goes)."""
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0
