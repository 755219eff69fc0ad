"""What the app serves: a validated dataset in a store, replaced only by a better one."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from publisher.config import PROJECT_ROOT, Settings
from publisher.graph.sources import Dataset, load
from publisher.store import Store, StoreError, open_store
from publisher.validation.cache import ValidationCache, default_folder
from publisher.validation.report import Report
from publisher.validation.shapes import validate_dataset

log = logging.getLogger(__name__)
PROJECT_SHAPES = (PROJECT_ROOT / "shapes",)
#: How often a worker serving a remote store asks it whether a load swapped new data in.
FOLLOW_INTERVAL = 2.0


class ValidationFailed(Exception):
    """The data breaks the shapes; carries the report so callers can print it."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"the data fails SHACL validation:\n{report.to_text()}")


def prepare(settings: Settings) -> tuple[Dataset, Report | None]:
    """Load the configured files and, unless told not to, validate them.

    :raises publisher.graph.sources.SourceError: a file is missing or not valid RDF.
    :raises ValidationFailed: the data has SHACL violations.
    """
    dataset = load(settings.data_paths, settings.base_url)
    if not settings.validate:
        return dataset, None
    shapes_dir = PROJECT_SHAPES if all(p.exists() for p in PROJECT_SHAPES) else ()
    report = validate_dataset(dataset, fallback_shapes=shapes_dir, cache=validation_cache(settings))
    if not report.passes():
        raise ValidationFailed(report)
    return dataset, report


def validation_cache(settings: Settings) -> ValidationCache | None:
    """Where validation results are kept between runs (None when turned off)."""
    if settings.validation_cache.strip().lower() == "off":
        return None
    return ValidationCache(
        Path(settings.validation_cache) if settings.validation_cache else default_folder()
    )


@dataclass
class Publication:
    """The store plus what describes its current content (version tag, report)."""

    settings: Settings
    store: Store
    dataset: Dataset
    report: Report | None
    version: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checked: float = field(default=0.0, repr=False)
    _loaded: str | None = field(default=None, repr=False)  # a remote store's version tag
    _following: threading.Thread | None = field(default=None, repr=False)

    #: The named graphs queries may name (``FROM``, ``default-graph-uri``, ...).
    graphs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.version = self.version or _digest(self.dataset)
        self.graphs = self.graphs or _graphs_of(self.dataset)

    @property
    def external(self) -> bool:
        """True when the store's content is managed elsewhere (``publisher load --to``)."""
        return bool(getattr(self.store, "external", False))

    @classmethod
    def open(cls, settings: Settings) -> Publication:
        """Prepare the data and put it in the configured store.

        A remote store is served as it is: its content was validated and loaded by
        ``publisher load --to``, and this process only reads it.
        """
        store = open_store(settings)
        if getattr(store, "external", False):
            publication = cls(settings, store, Dataset(b"", settings.base_url, ()), None)
            publication.reload()
            return publication
        dataset, report = prepare(settings)
        store.load(dataset)
        return cls(settings=settings, store=store, dataset=dataset, report=report)

    def follow(self) -> None:
        """For a remote store: pick up a new load, asking at most every FOLLOW_INTERVAL s.

        The asking happens in a background thread, so no request waits for it: a
        request that does not need the store (``/search``) never waits for a store
        that hangs, and one that does is bounded by its own time limit.
        """
        now = time.monotonic()
        if not self.external or now - self._checked < FOLLOW_INTERVAL:
            return
        with self._lock:
            if self._following is not None and self._following.is_alive():
                return
            self._checked = now
            self._following = threading.Thread(
                target=self._follow, name="publisher-follow", daemon=True
            )
            self._following.start()

    def _follow(self) -> None:
        try:
            if self.store.version() != self._loaded:  # type: ignore[attr-defined]
                self.reload()
        except StoreError as error:  # the requests themselves report the store's state
            log.warning("could not check the store's version: %s", error)

    def reload(self) -> Report | None:
        """Re-read the files; the old data stays served unless the new data is valid.

        For a remote store, re-read what the store holds instead.
        """
        if self.external:
            loaded = self.store.version()  # type: ignore[attr-defined]
            dataset = self.store.snapshot()  # type: ignore[attr-defined]
            graphs = frozenset(self.store.held)  # type: ignore[attr-defined]
            with self._lock:
                self.dataset, self.version = dataset, loaded or _digest(dataset)
                self.graphs = graphs
                self._loaded, self._checked = loaded, time.monotonic()
            return None
        dataset, report = prepare(self.settings)
        with self._lock:
            self.store.load(dataset)
            self.dataset, self.report, self.version = dataset, report, _digest(dataset)
            self.graphs = _graphs_of(dataset)
        return report


def _graphs_of(dataset: Dataset) -> frozenset[str]:
    """The role graphs the dataset's files fill (a remote store's snapshot has no files)."""
    return frozenset(source.graph_iri(dataset.base_url) for source in dataset.sources)


def _digest(dataset: Dataset) -> str:
    """The data version: a hash of the files read (or of the quads, without files).

    Hashing the files' bytes costs a fraction of a second at a million triples,
    where dumping the store to N-Quads to hash them would cost seconds and the
    N-Quads text's memory in every process.
    """
    if not dataset.sources:
        return hashlib.sha256(dataset.nquads).hexdigest()[:16]
    digest = hashlib.sha256(dataset.base_url.encode())
    for source in dataset.sources:
        digest.update(f"\n{source.role}\n{source.path}\n".encode())
        with source.path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]
