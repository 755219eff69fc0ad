"""The FHIR resources of the loaded data, read from any store.

The resources are a pure function of the data, so the publication's cache keeps
them per data version; a reload or a new remote load makes the next request
rebuild them (four SPARQL queries on any backend).
"""

from __future__ import annotations

from publisher.fhir.graph import read_directory
from publisher.fhir.mapping import Resource, build_resources
from publisher.store.base import Store

Resources = dict[str, dict[str, Resource]]


def resources_of(store: Store, base_url: str) -> Resources:
    """Every resource the data maps to, by type then id."""
    return build_resources(read_directory(store, base_url))


def static_paths(store: Store, base_url: str) -> list[str]:
    """The URLs a static export serves as files: metadata and every read (not search).

    ``/fhir/metadata`` then ``/fhir/{type}/{id}`` for every resource.
    """
    built = resources_of(store, base_url)
    reads = [f"/fhir/{type_}/{id_}" for type_, found in built.items() for id_ in sorted(found)]
    return ["/fhir/metadata", *reads]
