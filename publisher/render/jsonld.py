"""The schema.org projection of a resource, for search engines, and its safe embedding.

The RDF views keep the full graph (local ontology, SKOS, PROV-O, Web Annotation);
this is a deliberately small projection into schema.org. It writes only
schema.org types asserted in the data (or declared super-classes of them) and
only the properties listed for those types in :data:`PROPERTIES`, a table taken
from schema.org's ``domainIncludes`` (a test checks it against the vocabulary).
A project property reaches schema.org through ``rdfs:subPropertyOf`` in the
ontology (``rim:treatsConditionsIn`` → ``relevantSpecialty``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from rdflib.term import Node

from publisher.labels import SCHEMA_NAME, pick
from publisher.render.links import doc_path

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/")
CONTEXT = "https://schema.org"

_THING = ("name", "alternateName", "description", "sameAs", "mainEntityOfPage")
_ORGANIZATION = (*_THING, "parentOrganization", "subOrganization", "memberOf", "member")
_MEDICAL_ORG = (*_ORGANIZATION, "medicalSpecialty")
_PROCEDURE = (*_THING, "relevantSpecialty", "procedureType")
_CREATIVE_WORK = (*_THING, "about", "author", "creator", "publisher", "inLanguage", "citation")
_OBSERVATION = (*_THING, "value", "unitText", "observationAbout", "measuredProperty")

#: schema.org type → the properties this projection may write on it (all within
#: each property's domainIncludes, counting super-classes). Other types get
#: only the Thing properties.
PROPERTIES: dict[str, tuple[str, ...]] = {
    "MedicalClinic": (*_MEDICAL_ORG, "availableService", "location"),
    "MedicalOrganization": _MEDICAL_ORG,
    "Organization": _ORGANIZATION,
    "MedicalProcedure": _PROCEDURE,
    "DiagnosticProcedure": _PROCEDURE,
    "TherapeuticProcedure": _PROCEDURE,
    "SurgicalProcedure": _PROCEDURE,
    "MedicalTherapy": _PROCEDURE,
    "MedicalWebPage": (*_CREATIVE_WORK, "video", "specialty", "mentions"),
    "WebPage": (*_CREATIVE_WORK, "video", "specialty"),
    "CreativeWork": (*_CREATIVE_WORK, "text", "video"),
    "VideoObject": _CREATIVE_WORK,
    "QuantitativeValue": (*_THING, "value", "unitText"),
    "Observation": _OBSERVATION,
}

#: Types whose instances can be a clinic's ``availableService``.
SERVICE_TYPES = {
    "MedicalProcedure",
    "DiagnosticProcedure",
    "TherapeuticProcedure",
    "SurgicalProcedure",
    "MedicalTherapy",
    "MedicalTest",
    "ImagingTest",
}

#: A link *to* the resource that schema.org can state from the resource's side.
INVERSES = {
    "parentOrganization": "subOrganization",
    "subOrganization": "parentOrganization",
    "memberOf": "member",
}

DESCRIPTIONS = (URIRef("https://schema.org/description"), SKOS.definition)
_NESTING = 2


def schema_term(iri: Node) -> str | None:
    """``MedicalClinic`` for a schema.org IRI (http or https), else ``None``."""
    text = str(iri)
    for prefix in SCHEMA_PREFIXES:
        if isinstance(iri, URIRef) and text.startswith(prefix) and "/" not in text[len(prefix) :]:
            return text[len(prefix) :]
    return None


class _Projection:
    def __init__(self, graph: Graph, base_url: str, lang: str) -> None:
        self.graph, self.base_url, self.lang = graph, base_url, lang

    def types(self, node: Node, with_supers: bool = False) -> list[str]:
        found = {schema_term(t) for t in self.graph.objects(node, RDF.type)}
        if with_supers:
            for rdf_type in self.graph.objects(node, RDF.type):
                found |= {schema_term(s) for s in self.graph.objects(rdf_type, RDFS.subClassOf)}
        return sorted(t for t in found if t)

    def allowed(self, types: list[str]) -> set[str]:
        allowed = set(_THING)
        for name in types:
            allowed.update(PROPERTIES.get(name, ()))
        return allowed

    def schema_property(self, predicate: Node) -> str | None:
        direct = schema_term(predicate)
        if direct:
            return direct
        supers = [schema_term(s) for s in self.graph.objects(predicate, RDFS.subPropertyOf)]
        return next((s for s in sorted(filter(None, supers))), None)

    def literal(self, values: Iterable[Node]) -> Any:
        chosen = pick(values, self.lang)
        if chosen is None:
            return None
        if chosen.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.boolean):
            return chosen.toPython()
        return str(chosen)

    def node(self, subject: Node, depth: int, types: list[str] | None = None) -> dict[str, Any]:
        types = self.types(subject) if types is None else types
        out: dict[str, Any] = {}
        if isinstance(subject, URIRef):
            out["@id"] = str(subject)
        if types:
            out["@type"] = types[0] if len(types) == 1 else types
        allowed = self.allowed(types)
        name = self.literal(list(self.graph.objects(subject, SCHEMA_NAME)))
        if name is not None:
            out["name"] = name
        if depth >= _NESTING or schema_term(subject):
            return out
        description = self.literal(
            [v for p in DESCRIPTIONS for v in self.graph.objects(subject, p)]
        )
        if description is not None and "description" in allowed:
            out["description"] = description
        grouped: dict[str, list[Node]] = {}
        for predicate, value in self.graph.predicate_objects(subject):
            term = self.schema_property(predicate)
            if term and term in allowed and term not in ("name", "description"):
                grouped.setdefault(term, []).append(value)
        if "availableService" in allowed and "availableService" not in grouped:
            services = self.services(subject)
            if services:
                grouped["availableService"] = services
        if "sameAs" in allowed:
            # Only exact identity: a closeMatch (e.g. to schema:CT) is not the same thing.
            same = sorted(str(v) for v in self.graph.objects(subject, SKOS.exactMatch))
            if same:
                out["sameAs"] = same[0] if len(same) == 1 else same
        for term, values in sorted(grouped.items()):
            literals = [v for v in values if isinstance(v, Literal)]
            nodes = [v for v in values if not isinstance(v, Literal)]
            items: list[Any] = [self.node(v, depth + 1) for v in sorted(nodes, key=str)]
            if literals:
                items.append(self.literal(literals))
            out[term] = items[0] if len(items) == 1 else items
        return out

    def services(self, clinic: Node) -> list[Node]:
        """What a clinic offers, when the data says it by specialty: the specialties'
        parts that schema.org counts as services (the aspects of interventional radiology)."""
        found = set()
        for specialty in self.graph.objects(clinic, URIRef("https://schema.org/medicalSpecialty")):
            for value in self.graph.objects(specialty, None):
                if SERVICE_TYPES & set(self.types(value)):
                    found.add(value)
        return sorted(found, key=str)

    def inverse(self, subject: Node, allowed: set[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for source, predicate in sorted(self.graph.subject_predicates(subject)):
            term = INVERSES.get(schema_term(predicate) or "")
            if term and term in allowed:
                found.setdefault(term, []).append(self.node(source, _NESTING))
        return found


def project(graph: Graph, iri: str, base_url: str, lang: str) -> dict[str, Any]:
    """The schema.org JSON-LD object for ``iri``, from its ``schema.rq`` graph.

    >>> g = Graph().parse(format="turtle", data='''
    ...   <http://h/id/town/x> a <https://schema.org/City> ; <https://schema.org/name> "X" .''')
    >>> project(g, "http://h/id/town/x", "http://h/", "fr")["@type"]
    'City'
    """
    projection = _Projection(graph, base_url, lang)
    subject = URIRef(iri)
    types = projection.types(subject, with_supers=True) or ["Thing"]
    data: dict[str, Any] = {"@context": CONTEXT}
    data.update(projection.node(subject, 0, types))
    for term, nodes in projection.inverse(subject, projection.allowed(types)).items():
        existing = data.get(term)
        merged = ([existing] if isinstance(existing, dict) else existing or []) + nodes
        data[term] = merged[0] if len(merged) == 1 else merged
    page = doc_path(iri, base_url)
    if page is not None:
        data["mainEntityOfPage"] = base_url.rstrip("/") + page
    return data


def script_json(data: object) -> str:
    """JSON that cannot end a ``<script>`` element or open markup inside it.

    >>> "</" in script_json({"name": "</script><b>"})
    False
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
