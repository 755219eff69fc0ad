"""How a thing of the graph is identified and named in FHIR: ids, names, codings.

A FHIR id is at most 64 characters of ``[A-Za-z0-9-.]``; the graph's minted IRIs
fit as ``{kind}-{slug}`` and anything else gets a digest.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

from publisher.fhir.graph import ALIASES, LABEL, NAME, PREF_LABEL, Thing
from publisher.rdf.labels import preferred

#: FHIR's system for identifiers that are URIs.
URI_SYSTEM = "urn:ietf:rfc:3986"
#: Namespaces of ``skos:exactMatch`` targets and the FHIR code system each belongs to.
CODE_SYSTEMS = (
    ("http://snomed.info/id/", "http://snomed.info/sct"),
    ("http://radlex.org/RID/", "http://radlex.org"),
)
#: What FHIR allows as a resource id.
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def extension_url(base_url: str, name: str) -> str:
    """The canonical URL of one of this server's extensions."""
    return f"{base_url}fhir/StructureDefinition/{name}"


def fhir_id(iri: str, base_url: str) -> str:
    """``{kind}-{slug}`` for ``{base}id/{kind}/{slug}``; a digest for any other IRI.

    Dots are avoided so a static export can add a file extension.

    >>> fhir_id("http://h/id/centre/frejus", "http://h/")
    'centre-frejus'
    >>> fhir_id("http://elsewhere/x", "http://h/")
    'x-aef32806f223757c9b5d'
    """
    local = iri[len(base_url) + 3 :] if iri.startswith(base_url + "id/") else ""
    candidate = local.replace("/", "-")
    if local and "." not in candidate and FHIR_ID.match(candidate):
        return candidate
    return digest_id(iri)


def digest_id(*parts: str) -> str:
    return "x-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def unique_ids(iris: Iterable[str], base_url: str) -> dict[str, str]:
    """:func:`fhir_id` of each IRI; IRIs whose ids would collide get digests instead.

    >>> ids = unique_ids(["http://h/id/a-b/c", "http://h/id/a/b-c", "http://h/id/d/e"], "http://h/")
    >>> sorted(ids.values())
    ['d-e', 'x-8b2b4d72b08a6f8020e5', 'x-93728386bbd98b8ae317']
    """
    ids = {iri: fhir_id(iri, base_url) for iri in iris}
    seen = Counter(ids.values())
    return {iri: digest_id(iri) if seen[id_] > 1 else id_ for iri, id_ in ids.items()}


def slug(iri: str) -> str:
    """The last path segment of an IRI."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def pick_name(thing: Thing) -> str:
    """``schema:name``, else ``skos:prefLabel``, else ``rdfs:label``; plain, then fr, then en."""
    for prop in (NAME, PREF_LABEL, LABEL):
        found = preferred(thing.literals(prop), ("", "fr", "en"), lambda v: v.language or "")
        if found is not None:
            return str(found)
    return slug(thing.iri)


def aliases(thing: Thing, name: str) -> list[str]:
    """Every other name or label the graph gives, once each."""
    found: list[str] = []
    for prop in (NAME, PREF_LABEL, LABEL, *ALIASES):
        for literal in thing.literals(prop):
            text = str(literal)
            if text != name and text not in found:
                found.append(text)
    return found


def codings(thing: Thing) -> list[dict[str, str]]:
    """A Coding for each ``skos:exactMatch`` in a known code system; nothing else."""
    found = []
    for match in thing.matches:
        for namespace, system in CODE_SYSTEMS:
            if match.startswith(namespace) and len(match) > len(namespace):
                found.append({"system": system, "code": match[len(namespace) :]})
    return found
