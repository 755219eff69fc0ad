"""What the app serves: a validated dataset in a store, replaced only by a better one."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from publisher.config import PROJECT_ROOT, Settings
from publisher.shapes import Report, validate_dataset
from publisher.sources import Dataset, load
from publisher.store import Store, open_store

PROJECT_SHAPES = (PROJECT_ROOT / "shapes",)


class ValidationFailed(Exception):
    """The data breaks the shapes; carries the report so callers can print it."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"the data fails SHACL validation:\n{report.to_text()}")


def prepare(settings: Settings) -> tuple[Dataset, Report | None]:
    """Load the configured files and, unless told not to, validate them.

    :raises publisher.sources.SourceError: a file is missing or not valid RDF.
    :raises ValidationFailed: the data has SHACL violations.
    """
    dataset = load(settings.data_paths, settings.base_url)
    if not settings.validate:
        return dataset, None
    shapes_dir = PROJECT_SHAPES if all(p.exists() for p in PROJECT_SHAPES) else ()
    report = validate_dataset(dataset, fallback_shapes=shapes_dir)
    if not report.passes():
        raise ValidationFailed(report)
    return dataset, report


@dataclass
class Publication:
    """The store plus what describes its current content (version tag, report)."""

    settings: Settings
    store: Store
    dataset: Dataset
    report: Report | None
    version: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.version = _digest(self.dataset)

    @classmethod
    def open(cls, settings: Settings, load_store: bool = True) -> Publication:
        """Prepare the data and put it in the configured store."""
        dataset, report = prepare(settings)
        store = open_store(settings)
        if load_store:
            store.load(dataset)
        return cls(settings=settings, store=store, dataset=dataset, report=report)

    def reload(self) -> Report | None:
        """Re-read the files; the old data stays served unless the new data is valid."""
        dataset, report = prepare(self.settings)
        with self._lock:
            self.store.load(dataset)
            self.dataset, self.report, self.version = dataset, report, _digest(dataset)
        return report


def _digest(dataset: Dataset) -> str:
    return hashlib.sha256(dataset.nquads).hexdigest()[:16]
