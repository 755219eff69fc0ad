"""Pick a store backend from the settings: ``embedded`` or a SPARQL endpoint URL."""

from __future__ import annotations

from collections.abc import Callable

from publisher.config import Settings
from publisher.store.base import (
    QueryRefused as QueryRefused,
)
from publisher.store.base import (
    QuerySyntaxError as QuerySyntaxError,
)
from publisher.store.base import (
    QueryTimeout as QueryTimeout,
)
from publisher.store.base import (
    Store as Store,
)
from publisher.store.base import (
    StoreError as StoreError,
)
from publisher.store.base import (
    StoreUnavailable as StoreUnavailable,
)
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
