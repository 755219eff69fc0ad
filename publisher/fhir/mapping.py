"""Map the graph's directory (:mod:`.graph`) to FHIR R4 resources, as JSON-ready dicts.

The resources are plain dicts so the server needs no model library; the tests
parse every one with two (``fhir.resources`` R4B and ``fhirclient`` R4). Each
element a statement of the graph supports carries the ``statement-basis``
extension: the property, whether the graph holds it as a quoted fact, an
inference or neither, the reifying statements, quotes, notes and sources. The
graph's editorial notes on a thing go in ``editorial-note`` extensions, and its
IRI (which dereferences to its linked-data page) is its identifier.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from publisher.fhir.graph import (
    LOCATION,
    MEMBER_OF,
    NOTE,
    PARENT,
    SPECIALTY,
    Directory,
    Thing,
    Triple,
)
from publisher.fhir.identity import (
    FHIR_ID,
    URI_SYSTEM,
    aliases,
    codings,
    digest_id,
    extension_url,
    fhir_id,
    pick_name,
    slug,
    unique_ids,
)

Resource = dict[str, Any]
#: Resource types, in the order the CapabilityStatement lists them.
TYPES = ("Organization", "Location", "HealthcareService", "Provenance")
#: Which organisation links become ``Organization.partOf``, most specific first.
PART_OF = (PARENT, MEMBER_OF)
_HELD = {
    "inference": "as an inference from other statements",
    "unsupported": "without a quote or premises",
}
_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Mapper:
    """Builds every resource of one directory; remembers which statements each uses."""

    def __init__(self, directory: Directory) -> None:
        self.d = directory
        self.base = directory.base_url
        self.ids = unique_ids(directory.roles, self.base)
        self.used: dict[Triple, list[str]] = defaultdict(list)
        self._names: dict[str, str] = {}
        self.services: set[str] = set()

    def name(self, iri: str) -> str:
        """:func:`pick_name` of ``iri``, once per IRI (services repeat the same few)."""
        if iri not in self._names:
            self._names[iri] = pick_name(self.d.thing(iri))
        return self._names[iri]

    def build(self) -> dict[str, dict[str, Resource]]:
        """``{type: {id: resource}}`` for every type in :data:`TYPES`."""
        out: dict[str, dict[str, Resource]] = {t: {} for t in TYPES}
        for iri in sorted(self.d.roles):
            org = self.organization(iri)
            out["Organization"][org["id"]] = org
            if self.d.roles[iri] == "centre":
                out["Location"][org["id"]] = self.location(iri)
        for subject, prop, value in sorted(self.d.statements):
            if prop == SPECIALTY and subject in self.ids:
                service = self.service((subject, prop, value), out["Location"])
                out["HealthcareService"][service["id"]] = service
        for triple in sorted(self.used):
            provenance = self.provenance(triple)
            if provenance:
                out["Provenance"][provenance["id"]] = provenance
        return out

    # -- pieces ---------------------------------------------------------------------------

    def basis(self, triple: Triple, user: str) -> Resource:
        """The ``statement-basis`` extension for ``triple``, used by resource ``user``."""
        if user:
            self.used[triple].append(user)
        basis = self.d.statements[triple]
        parts: list[Resource] = [
            {"url": "property", "valueUri": triple[1]},
            {"url": "status", "valueCode": basis.status},
        ]
        parts += [
            {"url": "statement", "valueUri": s} for s in sorted(basis.statements) if "://" in s
        ]
        parts += [{"url": "quote", "valueString": q} for q in sorted(basis.quotes)]
        parts += [{"url": "note", "valueString": n} for n in sorted(basis.notes)]
        parts += [{"url": "source", "valueUri": s} for s in sorted(basis.sources)]
        return {"url": extension_url(self.base, "statement-basis"), "extension": parts}

    def described(self, resource: Resource, sources: set[str], thing: Thing | None) -> Resource:
        """Add ``meta.source`` (one source) or source extensions (several), and notes."""
        extensions: list[Resource] = []
        if thing is not None:
            for note in sorted(thing.literals(NOTE), key=lambda n: (n.language or "", str(n))):
                extensions.append(
                    {"url": extension_url(self.base, "editorial-note"), "valueString": str(note)}
                )
        if len(sources) == 1:
            resource["meta"] = {"source": next(iter(sources))}
        else:
            extensions += [
                {"url": extension_url(self.base, "source-document"), "valueUri": s}
                for s in sorted(sources)
            ]
        if extensions:
            resource["extension"] = extensions
        return resource

    def reference(self, kind: str, iri: str) -> Resource:
        return {"reference": f"{kind}/{self.ids[iri]}", "display": self.name(iri)}

    def cities(self, iri: str, user: str) -> list[Resource]:
        found = []
        for town in self.d.objects(iri, LOCATION):
            city = self.name(town)
            basis = self.basis((iri, LOCATION, town), user)
            found.append({"extension": [basis], "city": city})
        return found

    def named(self, kind: str, iri: str) -> Resource:
        thing = self.d.thing(iri)
        name = pick_name(thing)
        resource: Resource = {"resourceType": kind, "id": self.ids[iri]}
        self.described(resource, self.d.sources.get(iri, set()), thing)
        resource["identifier"] = [{"system": URI_SYSTEM, "value": iri}]
        resource["name"] = name
        if others := aliases(thing, name):
            resource["alias"] = others
        return resource

    # -- resources ------------------------------------------------------------------------

    def organization(self, iri: str) -> Resource:
        resource = self.named("Organization", iri)
        user = f"Organization/{resource['id']}"
        if addresses := self.cities(iri, user):
            resource["address"] = addresses
        for prop in PART_OF:
            parents = [o for o in self.d.objects(iri, prop) if o in self.ids and o != iri]
            if parents:
                reference = self.reference("Organization", parents[0])
                reference["extension"] = [self.basis((iri, prop, parents[0]), user)]
                resource["partOf"] = reference
                break
        return resource

    def location(self, iri: str) -> Resource:
        resource = self.named("Location", iri)
        if addresses := self.cities(iri, f"Location/{resource['id']}"):
            resource["address"] = addresses[0]
        resource["managingOrganization"] = self.reference("Organization", iri)
        return resource

    def service(self, triple: Triple, locations: dict[str, Resource]) -> Resource:
        provider, _, specialty = triple
        concept = self.d.thing(specialty)
        service_id = f"{self.ids[provider]}--{slug(specialty)}"
        if not FHIR_ID.match(service_id) or service_id in self.services:
            service_id = digest_id(*triple)
        self.services.add(service_id)
        user = f"HealthcareService/{service_id}"
        basis = self.d.statements[triple]
        resource: Resource = {"resourceType": "HealthcareService", "id": service_id}
        self.described(resource, basis.sources, None)
        resource["providedBy"] = self.reference("Organization", provider)
        code: Resource = {"extension": [self.basis(triple, user)]}
        if coded := codings(concept):
            code["coding"] = coded
        code["text"] = self.name(specialty)
        resource["specialty"] = [code]
        if self.ids[provider] in locations:
            resource["location"] = [self.reference("Location", provider)]
        resource["name"] = self.name(specialty)
        if basis.status != "fact":
            resource["comment"] = (
                f"The graph holds the statement behind this service {_HELD[basis.status]}, "
                "not as a quoted fact; see the statement-basis extension."
            )
        return resource

    def provenance(self, triple: Triple) -> Resource | None:
        """A Provenance for a quoted fact whose time and agent the graph records; else None."""
        basis = self.d.statements[triple]
        recorded = sorted(r for r in basis.recorded if _INSTANT.match(r))
        if basis.status != "fact" or not recorded or not basis.agents:
            return None
        fact = sorted(basis.facts)[0]
        resource: Resource = {
            "resourceType": "Provenance",
            "id": fhir_id(fact, self.base),
            "extension": [self.basis(triple, "")],
            "target": [{"reference": user} for user in sorted(set(self.used[triple])) if user],
            "recorded": recorded[0],
            "agent": [{"who": self.agent(agent)} for agent in sorted(basis.agents)],
        }
        entities = [
            {
                "role": "source",
                "what": {
                    "identifier": {"system": URI_SYSTEM, "value": source},
                    "display": pick_name(self.d.documents.get(source) or Thing(source)),
                },
            }
            for source in sorted(basis.sources)
        ]
        if entities:
            resource["entity"] = entities
        return resource

    def agent(self, iri: str) -> Resource:
        if iri in self.ids:
            return self.reference("Organization", iri)
        who: Resource = {"identifier": {"system": URI_SYSTEM, "value": iri}}
        if iri in self.d.things:
            who["display"] = pick_name(self.d.things[iri])
        return who


def build_resources(directory: Directory) -> dict[str, dict[str, Resource]]:
    """Every FHIR resource of ``directory``, by type and id."""
    return Mapper(directory).build()
