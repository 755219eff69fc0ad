"""The schema.org projection of a resource, for search engines, and its safe embedding.

The RDF views keep the full graph (local ontology, SKOS, PROV-O, Web Annotation);
this is a deliberately small projection into schema.org. It writes only
schema.org types asserted in the data (or declared super-classes of them) and
only the properties listed for those types in :data:`PROPERTIES`, a table taken
from schema.org's ``domainIncludes`` (a test checks it against the vocabulary).

It tells search engines only what the data states, plus safe entailments
(``docs/provenance.md`` has the rule, ``tests/render/test_jsonld_faithful.py`` checks it):

- a project property reaches schema.org through ``rdfs:subPropertyOf`` in the
  ontology (``rim:treatsConditionsIn`` → ``relevantSpecialty``);
- a link to the resource is written from its side by its schema.org inverse
  (:data:`INVERSES`: ``parentOrganization`` ↔ ``subOrganization``…);
- ``sameAs`` comes from ``skos:exactMatch`` only (identity, never a close match);
- ``description`` only from a definition a quoted ``rim:Fact`` reifies, in its own
  language: editorial definitions (ours, not the source's) never go out;
- a value the data marks approximate (``rim:isApproximate``) never goes out as a
  bare number: only its wording in the source (``rim:statedValue``) does.

Nothing is derived beyond that: no ``availableService`` from a specialty's parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from rdflib.term import Node

from publisher.rdf.labels import SCHEMA_NAME, pick
from publisher.render.links import doc_path

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/")
CONTEXT = "https://schema.org"

_THING = ("name", "alternateName", "description", "sameAs", "mainEntityOfPage", "subjectOf")
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
    "MedicalEntity": (*_THING, "relevantSpecialty"),
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

#: A link *to* the resource that schema.org can state from the resource's side.
INVERSES = {
    "parentOrganization": "subOrganization",
    "subOrganization": "parentOrganization",
    "memberOf": "member",
    "about": "subjectOf",
}

DESCRIPTIONS = (URIRef("https://schema.org/description"), SKOS.definition)
SCHEMA_VALUE = URIRef("https://schema.org/value")
_NUMERIC = (XSD.integer, XSD.decimal, XSD.double, XSD.float)
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
        self.rim = base_url + "ontology#"

    def quoted(self, subject: Node, predicate: Node, value: Node) -> bool:
        """Whether a quoted ``rim:Fact`` reifies the triple (the source's words)."""
        fact_type = URIRef(self.rim + "Fact")
        return any(
            (record, RDF.predicate, predicate) in self.graph
            and (record, RDF.object, value) in self.graph
            and (record, RDF.type, fact_type) in self.graph
            for record in self.graph.subjects(RDF.subject, subject)
        )

    def description(self, subject: Node) -> Any:
        """The source's own definition, in its language; never an editorial one."""
        quoted = [
            v
            for p in DESCRIPTIONS
            for v in self.graph.objects(subject, p)
            if isinstance(v, Literal) and self.quoted(subject, p, v)
        ]
        chosen = pick(quoted, self.lang)
        if chosen is None:
            return None
        if chosen.language and chosen.language != self.lang:
            return {"@value": str(chosen), "@language": chosen.language}
        return str(chosen)

    def approximate(self, subject: Node) -> bool:
        return (subject, URIRef(self.rim + "isApproximate"), Literal(True)) in self.graph

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
        description = self.description(subject) if depth == 0 else None
        if description is not None and "description" in allowed:
            out["description"] = description
        approximate = self.approximate(subject)
        grouped: dict[str, list[Node]] = {}
        for predicate, value in self.graph.predicate_objects(subject):
            term = self.schema_property(predicate)
            if not term or term not in allowed or term in ("name", "description"):
                continue
            if approximate and predicate == SCHEMA_VALUE and _is_number(value):
                continue  # "environ 68,5 millions" is not the exact number 68500000
            grouped.setdefault(term, []).append(value)
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

    def inverse(self, subject: Node, allowed: set[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for source, predicate in sorted(self.graph.subject_predicates(subject)):
            term = INVERSES.get(schema_term(predicate) or "")
            if term and term in allowed:
                found.setdefault(term, []).append(self.node(source, _NESTING))
        return found


def _is_number(value: Node) -> bool:
    return isinstance(value, Literal) and value.datatype in _NUMERIC


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
