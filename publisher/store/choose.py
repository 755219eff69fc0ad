"""Pick a store backend from the settings: ``embedded`` or a SPARQL endpoint URL.

The one place that imports the backends, so that nothing else depends on both.
"""

from __future__ import annotations

from collections.abc import Callable

from publisher.config import Settings
from publisher.store.base import Store
from publisher.store.disk import DiskStore
from publisher.store.embedded import EmbeddedStore
from publisher.store.remote import RemoteStore

BACKENDS: dict[str, Callable[[Settings], Store]] = {
    "embedded": lambda settings: DiskStore() if settings.store_dir else EmbeddedStore(),
    "sparql": RemoteStore.from_settings,
}


def open_store(settings: Settings) -> Store:
    """The backend the settings name; a URL means a remote SPARQL server."""
    if settings.store in BACKENDS:
        return BACKENDS[settings.store](settings)
    if settings.store.startswith(("http://", "https://")) and "sparql" in BACKENDS:
        return BACKENDS["sparql"](settings)
    raise ValueError(f"unknown store {settings.store!r}: use 'embedded' or a SPARQL endpoint URL")
