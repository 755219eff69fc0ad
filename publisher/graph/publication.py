"""What the app serves: a validated dataset in a store, replaced only by a better one."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from publisher.config import PROJECT_ROOT, Settings
from publisher.graph.cache import Cache
from publisher.graph.sources import Dataset, load
from publisher.store import Store, StoreError, disk
from publisher.store.choose import open_store
from publisher.store.content import digest
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
    if settings.store_dir and settings.store == "embedded":
        dataset: Dataset = disk.load(
            settings.data_paths, settings.base_url, Path(settings.store_dir)
        )
    else:
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
    """The store plus what describes its current content (version tag, report).

    ``cache`` holds whatever is computed from that content; it is cleared whenever
    the version changes, so nothing cached outlives the data it came from.
    """

    settings: Settings
    store: Store
    dataset: Dataset
    report: Report | None
    version: str = ""
    cache: Cache = field(default_factory=Cache, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checked: float = field(default=0.0, repr=False)
    _loaded: str | None = field(default=None, repr=False)  # a remote store's version tag
    _following: threading.Thread | None = field(default=None, repr=False)

    #: The named graphs queries may name (``FROM``, ``default-graph-uri``, ...).
    graphs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.version = self.version or digest(self.dataset)
        self.graphs = self.graphs or _graphs_of(self.dataset)

    @property
    def external(self) -> bool:
        """True when the store's content is managed elsewhere (``publisher load --to``)."""
        return self.store.external

    @classmethod
    def open(cls, settings: Settings) -> Publication:
        """Prepare the data and put it in the configured store.

        A remote store is served as it is: its content was validated and loaded by
        ``publisher load --to``, and this process only reads it.
        """
        store = open_store(settings)
        if store.external:
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
            if self.store.version() != self._loaded:
                self.reload()
        except StoreError as error:  # the requests themselves report the store's state
            log.warning("could not check the store's version: %s", error)

    def reload(self) -> Report | None:
        """Re-read the files; the old data stays served unless the new data is valid.

        For a remote store, re-read what the store holds instead.
        """
        if self.external:
            loaded = self.store.version()
            dataset, graphs = self.store.snapshot()
            with self._lock:
                self._replace(dataset, loaded or digest(dataset), graphs)
                self._loaded, self._checked = loaded, time.monotonic()
            return None
        dataset, report = prepare(self.settings)
        with self._lock:
            self.store.load(dataset)
            self._replace(dataset, digest(dataset), _graphs_of(dataset))
            self.report = report
        return report

    def _replace(self, dataset: Dataset, version: str, graphs: frozenset[str]) -> None:
        """Serve ``dataset`` from now on; what was cached from other data goes."""
        changed = version != self.version
        self.dataset, self.version, self.graphs = dataset, version, graphs
        if changed:
            self.cache.clear()


def _graphs_of(dataset: Dataset) -> frozenset[str]:
    """The role graphs the dataset's files fill (a remote store's snapshot has no files)."""
    return frozenset(source.graph_iri(dataset.base_url) for source in dataset.sources)
