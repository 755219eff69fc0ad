"""Semantic versions of the ontology and the dataset, and what a change requires.

The ontology's version is ``owl:versionInfo`` on the ``owl:Ontology`` node
(with ``owl:versionIRI`` ``<ontology/X.Y.Z>``); the dataset's is
``owl:versionInfo`` (or ``dcat:version``/``schema:version``) on its
``void:Dataset``/``dcat:Dataset`` description when the data has one.

>>> required(["patch", "minor"])
'minor'
>>> satisfies("1.4.2", "2.0.0", "major"), satisfies("1.4.2", "1.5.0", "major")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import rdflib
from rdflib.namespace import DCAT, OWL, RDF, VOID

BUMPS = ("patch", "minor", "major")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")
_SCHEMA_VERSION = rdflib.URIRef("https://schema.org/version")
_DCAT_VERSION = rdflib.URIRef("http://www.w3.org/ns/dcat#version")


class VersionError(ValueError):
    """A version is not ``MAJOR.MINOR.PATCH``."""


def parse(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` → ``(1, 2, 3)``.

    :raises VersionError: when it is not semantic versioning.
    """
    match = _SEMVER.match(version.strip())
    if not match:
        raise VersionError(f"{version!r} is not a semantic version MAJOR.MINOR.PATCH")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def bump(version: str, level: str) -> str:
    """The smallest version after ``version`` at ``level``.

    >>> bump("1.4.2", "minor")
    '1.5.0'
    """
    major, minor, patch = parse(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def required(levels: Iterable[str]) -> str | None:
    """The largest bump among the changes' levels (``None`` when nothing changed)."""
    found = [BUMPS.index(level) for level in levels if level in BUMPS]
    return BUMPS[max(found)] if found else None


def satisfies(old: str, new: str, level: str | None) -> bool:
    """Whether going from ``old`` to ``new`` is at least a ``level`` bump."""
    if level is None:
        return parse(new) >= parse(old)
    return parse(new) >= parse(bump(old, level))


def ontology_version(graph: rdflib.Graph) -> str | None:
    """``owl:versionInfo`` of the graph's ``owl:Ontology``."""
    for node in graph.subjects(RDF.type, OWL.Ontology):
        value = graph.value(node, OWL.versionInfo)
        if value is not None:
            return str(value)
    return None


def ontology_version_iri(graph: rdflib.Graph) -> str | None:
    for node in graph.subjects(RDF.type, OWL.Ontology):
        value = graph.value(node, OWL.versionIRI)
        if value is not None:
            return str(value)
    return None


def dataset_version(graph: rdflib.Graph) -> str | None:
    """The version on the data's own VoID/DCAT description, if it has one."""
    for kind in (VOID.Dataset, DCAT.Dataset):
        for node in graph.subjects(RDF.type, kind):
            for prop in (OWL.versionInfo, _DCAT_VERSION, _SCHEMA_VERSION):
                value = graph.value(node, prop)
                if value is not None:
                    return str(value)
    return None


def published_version(ontology: rdflib.Graph, data: rdflib.Graph) -> str | None:
    """The version to announce for the dataset (e.g. in VoID/DCAT ``owl:versionInfo``).

    The data's own VoID/DCAT description wins; without one the dataset is
    released with the ontology, so it carries the ontology's version.
    """
    return dataset_version(data) or ontology_version(ontology)
