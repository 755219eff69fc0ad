"""The FHIR resources of one data version, built once and shared by every request.

Like the search index (:mod:`publisher.search.index`), the resources are a pure
function of the loaded data: a reload or a new remote load changes the version
and the next request rebuilds them (four SPARQL queries on any backend).
"""

from __future__ import annotations

import threading

from publisher.fhir.graph import read_directory
from publisher.fhir.mapping import Resource, build_resources
from publisher.store.base import Store

Resources = dict[str, dict[str, Resource]]


class ResourceCache:
    """The resources of the latest data version seen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._resources: Resources | None = None

    def get(self, store: Store, base_url: str, version: str) -> Resources:
        with self._lock:
            if self._resources is None or self._version != version:
                self._resources = build_resources(read_directory(store, base_url))
                self._version = version
            return self._resources


def static_paths(store: Store, base_url: str) -> list[str]:
    """The URLs a static export serves as files: metadata and every read (not search).

    ``/fhir/metadata`` then ``/fhir/{type}/{id}`` for every resource.
    """
    built = build_resources(read_directory(store, base_url))
    reads = [f"/fhir/{type_}/{id_}" for type_, found in built.items() for id_ in sorted(found)]
    return ["/fhir/metadata", *reads]
