"""Validation results kept under the content hash of what was validated.

A restart or a SIGHUP with unchanged files should not pay for SHACL again.
The key hashes every file's bytes with its role and name, the base URL (IRIs
resolve against it), the fallback shapes, the engines' versions and the source
of our own validator modules, so any change to data, shapes or engines misses
the cache. A dataset built without
files (a remote store's snapshot) is keyed by its N-Quads instead.

Each entry is two files: ``KEY.json`` (conformance and results, read on a hit)
and ``KEY.nt.gz`` (the full SHACL report, read only for ``--format turtle``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from publisher.graph.sources import Dataset
from publisher.validation.report import Report, Result

#: Bumped when the entry layout or the meaning of a result changes.
FORMAT = "1"
#: Entries kept; the oldest go first.
KEEP = 8


#: Our own code that turns shapes and data into a report: editing it is a new engine.


def engines() -> str:
    """Every component whose version can change a report, our validator's code included."""
    names = ("pyshacl-turbo", "pyoxigraph", "pyshacl", "rdflib")
    modules = sorted(Path(__file__).parent.glob("*.py"))
    code = hashlib.sha256(b"".join(module.read_bytes() for module in modules))
    return ";".join([*(f"{name}={version(name)}" for name in names), code.hexdigest()])


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/radiology-publisher/validation`` (``~/.cache`` by default)."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "radiology-publisher" / "validation"


class ValidationCache:
    """Reports on disk, one entry per content hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def key(self, dataset: Dataset, fallback_shapes: Sequence[Path] = ()) -> str:
        """The content hash of a dataset's files (or quads) and the shapes used."""
        digest = hashlib.sha256(f"{FORMAT}\n{engines()}\n{dataset.base_url}\n".encode())
        if not dataset.sources:
            digest.update(hashlib.sha256(dataset.nquads).digest())
        files = [(s.role, s.path) for s in dataset.sources]
        files += [("fallback-shapes", p) for p in _files(fallback_shapes)]
        for role, path in files:
            digest.update(f"{role}\n{path.name}\n".encode())
            digest.update(file_digest(path))
        return digest.hexdigest()

    def get(self, key: str) -> Report | None:
        """The report stored under ``key``, or None (also when an entry is unreadable)."""
        entry = self.folder / f"{key}.json"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            results = tuple(Result(**r) for r in data["results"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        os.utime(entry)  # recently used entries are kept longest
        graph = self.folder / f"{key}.nt.gz"
        return Report(bool(data["conforms"]), results, lambda: gzip.decompress(graph.read_bytes()))

    def put(self, key: str, report: Report) -> None:
        """Store ``report`` under ``key``; a cache that cannot be written is skipped."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write(self.folder / f"{key}.nt.gz", gzip.compress(report.ntriples, compresslevel=1))
            payload = {"conforms": report.conforms, "results": [r.__dict__ for r in report.results]}
            _write(self.folder / f"{key}.json", json.dumps(payload, ensure_ascii=False).encode())
            self._prune()
        except OSError:
            return

    def _prune(self) -> None:
        entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".nt.gz").unlink(missing_ok=True)


def _files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return found


def file_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def _write(path: Path, data: bytes) -> None:
    """Write atomically, so a reader never sees half an entry."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
