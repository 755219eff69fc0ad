"""Turtle for a new entity, with every field the shapes require and its provenance.

:func:`scaffold` is pure: an :class:`Entity` in, Turtle text out. IRIs are
relative (``<id/centre/toulon>``) like the rest of the repository, so the file
resolves against any base URL. Statements that the provenance shape requires
to be sourced (everything but typing, labels, scheme membership, notes and
alignments) each get a ``rim:Fact`` with ``prov:wasDerivedFrom`` and an
``oa:TextQuoteSelector`` quoting the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rdflib

from publisher.rdf.prefixes import OWN, subset
from publisher.rdf.vocabulary import SLUG
from publisher.workflow.lint import unused_prefixes

KINDS = ("centre", "modality", "specialty", "procedure", "aspect")
PREFIXES = {"rim": OWN["rim"], **subset("rdf", "rdfs", "skos", "prov", "oa", "schema")}
#: Types, scheme and schema.org class of each kind (no inference at validation time,
#: so every declared super-class is stated).
TYPES = {
    "modality": ("skos:Concept", "rim:ImagingModality", "schema:MedicalImagingTechnique"),
    "specialty": ("skos:Concept", "rim:MedicalSpecialty", "schema:MedicalSpecialty"),
    "aspect": ("skos:Concept", "rim:ProcedureAspect", "schema:MedicalEntity"),
    "procedure": ("rim:Procedure", "schema:MedicalProcedure"),
    "centre": ("rim:ImagingCentre", "schema:MedicalClinic"),
}
SCHEMES = {"modality": "modalities", "specialty": "specialties", "aspect": "aspects"}
#: An aspect groups procedures but is not one: no schema.org procedure type.
ASPECT_TYPES = {
    "therapeutic": ("rim:TherapeuticAspect",),
    "diagnostic": ("rim:DiagnosticAspect",),
}
SOURCE_TYPES = ("rim:SourceDocument", "schema:CreativeWork", "prov:Entity")


class ScaffoldError(ValueError):
    """A value is missing or malformed; the message says which flag to give."""


@dataclass
class Entity:
    """What a developer tells ``publisher new`` about the thing to add."""

    kind: str
    slug: str
    label_fr: str
    label_en: str
    definition_fr: str | None = None
    definition_en: str | None = None
    alt_labels: tuple[str, ...] = ()  # "text@lang"
    schema: str | None = None  # schema.org counterpart, e.g. "schema:CT"
    no_schema_reason: str | None = None
    broader: str | None = None  # specialty slug
    specialties: tuple[str, ...] = ()  # centre: specialties; aspect: its one specialty
    aspect: str | None = None  # procedure: aspect comprising it
    aspect_type: str | None = None  # aspect: therapeutic | diagnostic
    name: str | None = None  # centre: schema:name (defaults to the French label)
    group: str = "var-imagerie-medicale"
    town: str | None = None
    town_name: str | None = None  # when set, the town is new and described too
    source: str = "interventional-radiology-page"  # id/document/{source}
    source_title: str | None = None  # when set, the source document is new
    source_publisher: str | None = None  # organisation slug publishing a new source
    activity: str = "extraction-2026"  # id/activity/{activity}
    quote: str | None = None


def iri(kind: str, slug: str) -> str:
    """The relative IRI ``<id/{kind}/{slug}>``."""
    if not re.fullmatch(SLUG, slug):
        raise ScaffoldError(f"{slug!r} is not a slug (lower-case letters, digits, hyphens)")
    return f"<id/{kind}/{slug}>"


def lit(text: str, lang: str | None = None) -> str:
    return rdflib.Literal(text, lang=lang).n3()


def _schema_term(value: str) -> str:
    if value.startswith("https://schema.org/"):
        value = "schema:" + value.removeprefix("https://schema.org/")
    if not re.fullmatch(r"schema:[A-Z][A-Za-z]+", value):
        raise ScaffoldError(f"{value!r} is not a schema.org term such as schema:CT")
    return value


def _alt(value: str) -> str:
    text, sep, lang = value.rpartition("@")
    if not sep or lang not in ("fr", "en"):
        raise ScaffoldError(f"alternative label {value!r} must end in @fr or @en")
    return lit(text, lang)


def _block(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    return f"{subject} " + " ;\n    ".join(f"{p} {' , '.join(o)}" for p, o in pairs if o) + " ."


def _labels(fr: str, en: str, concept: bool) -> list[tuple[str, list[str]]]:
    pairs = [("rdfs:label", [lit(fr, "fr"), lit(en, "en")])]
    if concept:
        pairs.insert(0, ("skos:prefLabel", [lit(fr, "fr"), lit(en, "en")]))
    return pairs


def _main(e: Entity) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str, str]]]:
    """The entity's own triples and the statements that need a fact."""
    me = iri(e.kind, e.slug)
    types = list(TYPES[e.kind])
    if e.kind == "aspect" and e.aspect_type:
        types += ASPECT_TYPES[e.aspect_type]
    pairs: list[tuple[str, list[str]]] = [("a", types)]
    sourced: list[tuple[str, str, str]] = []
    concept = e.kind in SCHEMES
    pairs += _labels(e.label_fr, e.label_en, concept)
    if e.kind in ("centre", "procedure"):
        pairs.append(("schema:name", [lit(e.name or e.label_fr, "fr" if not e.name else None)]))
    if e.alt_labels:
        pairs.append(("skos:altLabel", [_alt(a) for a in e.alt_labels]))
    if concept:
        scheme = f"<id/scheme/{SCHEMES[e.kind]}>"
        pairs.append(("skos:inScheme", [scheme]))
        if not e.broader:
            pairs.append(("skos:topConceptOf", [scheme]))
    pairs.append(("skos:definition", [lit(d, lang) for d, lang in _defs(e)]))
    if e.schema:
        pairs.append(("skos:closeMatch", [_schema_term(e.schema)]))
    elif e.no_schema_reason:
        note = f"No schema.org counterpart: {e.no_schema_reason}"
        pairs.append(("skos:editorialNote", [lit(note, "en")]))
    elif concept:
        raise ScaffoldError("give --schema (e.g. schema:CT) or --no-schema-reason")
    if e.kind == "specialty" and e.broader:
        parent = iri("specialty", e.broader)
        pairs += [("rim:subSpecialtyOf", [parent]), ("skos:broader", [parent])]
        # the same sentence says both: each is quoted (an entailment alone is not a fact)
        sourced += [(me, "rim:subSpecialtyOf", parent), (me, "skos:broader", parent)]
    if e.kind == "aspect":
        if len(e.specialties) != 1:
            raise ScaffoldError("an aspect needs exactly one --specialty")
        specialty = iri("specialty", e.specialties[0])
        pairs.append(("rim:aspectOf", [specialty]))
        sourced.append((me, "rim:aspectOf", specialty))
    if e.kind == "centre":
        if not e.specialties or not e.town:
            raise ScaffoldError("a centre needs --town and at least one --specialty")
        group, town = iri("organisation", e.group), iri("town", e.town)
        specialties = [iri("specialty", s) for s in e.specialties]
        pairs += [
            ("schema:parentOrganization", [group]),
            ("schema:location", [town]),
            ("schema:medicalSpecialty", specialties),
        ]
        sourced += [(me, "schema:parentOrganization", group), (me, "schema:location", town)]
        sourced += [(me, "schema:medicalSpecialty", s) for s in specialties]
    return pairs, sourced


def _defs(e: Entity) -> list[tuple[str, str]]:
    return [(d, lang) for d, lang in ((e.definition_fr, "fr"), (e.definition_en, "en")) if d]


def _fact(slug: str, subject: str, predicate: str, obj: str, e: Entity, source: str) -> str:
    pairs = [
        ("a", ["rim:Fact", "prov:Entity", "rdf:Statement"]),
        ("rdf:subject", [subject]),
        ("rdf:predicate", [predicate]),
        ("rdf:object", [obj]),
        ("prov:wasDerivedFrom", [source]),
        ("prov:wasGeneratedBy", [f"<id/activity/{e.activity}>"]),
        ("oa:hasSelector", [f"[ a oa:TextQuoteSelector ; oa:exact {lit(e.quote or '')} ]"]),
    ]
    return _block(iri("fact", slug), pairs)


def _local(term: str) -> str:
    name = term.split(":", 1)[1]
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def _slug_of(term: str) -> str:
    """``<id/centre/toulon>`` → ``centre-toulon``."""
    return "-".join(term.strip("<>").split("/")[-2:])


def scaffold(e: Entity) -> str:
    """Turtle text for the entity, its new town or source if any, and its facts.

    :raises ScaffoldError: when a value the shapes require is missing.
    """
    if e.kind not in KINDS:
        raise ScaffoldError(f"unknown kind {e.kind!r}; one of {', '.join(KINDS)}")
    pairs, sourced = _main(e)
    blocks = [_block(iri(e.kind, e.slug), pairs)]
    source = iri("document", e.source)
    if e.kind == "procedure" and e.aspect:
        aspect = iri("aspect", e.aspect)
        blocks.append(_block(aspect, [("rim:comprisesProcedure", [iri(e.kind, e.slug)])]))
        sourced.append((aspect, "rim:comprisesProcedure", iri(e.kind, e.slug)))
    if e.kind == "centre" and e.town_name:
        town = [("a", ["rim:Town", "schema:City"])]
        town += _labels(e.town_name, e.town_name, False) + [("schema:name", [lit(e.town_name)])]
        blocks.append(_block(iri("town", e.town or ""), town))
    if e.source_title:
        publisher = iri("organisation", e.source_publisher or e.group)
        doc = [("a", list(SOURCE_TYPES))]
        doc += _labels(e.source_title, e.source_title, False)
        doc += [("schema:name", [lit(e.source_title)]), ("schema:publisher", [publisher])]
        blocks.append(_block(source, doc))
        sourced.append((source, "schema:publisher", publisher))
    if sourced and not e.quote:
        raise ScaffoldError("give --quote: the exact sentence of the source stating these facts")
    for subject, predicate, obj in sourced:
        slug = f"{_slug_of(subject)}-{_local(predicate)}-{_slug_of(obj)}"
        blocks.append(_fact(slug, subject, predicate, obj, e, source))
    body = "\n\n".join(blocks) + "\n"
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    unused = {name for name, _ in unused_prefixes(header + body)}
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items() if p not in unused)
    intro = f"# New {e.kind} {e.slug!r}, scaffolded by `publisher new`; run `publisher check`.\n"
    return intro + header + "\n" + body
