"""Ontology lint: the rules a change to ontology/, data/ or shapes/ must follow.

Every rule is a pure function over rdflib graphs (or Turtle text) that returns
:class:`Finding` objects, so ``publisher check`` can run them all and tests can
run any one on a tiny graph. The rules are the project's documentation
conventions (see ``docs/extending.md``): labels and definitions in French and
English, a schema.org counterpart or a note saying why none, declared terms,
shapes for every class, SKOS hygiene and IRIs minted as ``id/{kind}/{slug}``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from publisher.ontology.vocabulary import (
    CLASS_TYPES,
    LABELS,
    NOTES,
    SCHEMA,
    concepts,
    declared_terms,
    rim,
)
from publisher.rdf.vocabulary import LANGUAGES, SLUG

MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
ALIGNMENTS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    *MATCHES,
)
_NO_COUNTERPART = re.compile(r"\b(no|not|none|aucun|aucune|pas de)\b", re.IGNORECASE)
_MINTED = re.compile(
    rf"^(id/[a-z][a-z-]*/{SLUG}|ontology|ontology#\w+|ontology/\d+\.\d+\.\d+"
    rf"|shapes|shapes#[\w-]+|graph/(ontology|data|shapes))$"
)


@dataclass(frozen=True)
class Finding:
    """One problem: ``error`` fails the check, ``warning`` is reported only."""

    severity: str
    rule: str
    message: str
    subject: str | None = None
    file: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""


def _langs(graph: rdflib.Graph, node: rdflib.term.Node, props: Iterable[Node]) -> set[str]:
    return {
        value.language or ""
        for prop in props
        for value in graph.objects(node, prop)
        if isinstance(value, rdflib.Literal)
    }


def _has_counterpart(graph: rdflib.Graph, node: rdflib.term.Node, props: Iterable[Node]) -> bool:
    if any(str(o).startswith(SCHEMA) for p in props for o in graph.objects(node, p)):
        return True
    return any(
        "schema.org" in str(note).lower() and _NO_COUNTERPART.search(str(note))
        for p in NOTES
        for note in graph.objects(node, p)
    )


def check_documentation(
    ontology: rdflib.Graph, data: rdflib.Graph, namespace: str
) -> Iterator[Finding]:
    """Labels and definitions in fr and en, and a schema.org counterpart or a note.

    Ontology terms must have all of it (errors). Concepts must have labels;
    a missing definition or counterpart is a warning, since a definition the
    source does not give must not be invented.
    """
    for term in sorted(declared_terms(ontology, namespace)):
        yield from _documented(ontology, term, "error", "error", ALIGNMENTS)
    for concept in sorted(concepts(data)):
        yield from _documented(data, concept, "warning", "warning", MATCHES)


def _documented(
    graph: rdflib.Graph,
    node: rdflib.URIRef,
    definition_severity: str,
    match_severity: str,
    props: Iterable[Node],
) -> Iterator[Finding]:
    missing = [lang for lang in LANGUAGES if lang not in _langs(graph, node, LABELS)]
    if missing:
        message = "no label (rdfs:label or skos:prefLabel) @" + ", @".join(missing)
        yield Finding("error", "label", message, node)
    missing = [lang for lang in LANGUAGES if lang not in _langs(graph, node, (SKOS.definition,))]
    if missing:
        message = "no skos:definition @" + ", @".join(missing)
        yield Finding(definition_severity, "definition", message, node)
    if not _has_counterpart(graph, node, props):
        yield Finding(
            match_severity,
            "schema-counterpart",
            "no schema.org counterpart and no note (skos:editorialNote) saying why none fits",
            node,
        )


def _rim_iris(graph: rdflib.Graph, namespace: str) -> set[rdflib.URIRef]:
    found = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, rdflib.URIRef) and str(term).startswith(namespace):
                found.add(term)
    return found


def check_declared(
    ontology: rdflib.Graph, used_in: dict[str, rdflib.Graph], namespace: str
) -> Iterator[Finding]:
    """Every ``rim:`` IRI used (in data, shapes or the ontology itself) is declared."""
    known = set(declared_terms(ontology, namespace))
    for role, graph in used_in.items():
        for iri in sorted(_rim_iris(graph, namespace) - known):
            yield Finding("error", "undeclared-term", f"used in {role} but not declared", iri)


def check_shapes_cover_classes(
    ontology: rdflib.Graph, shapes: rdflib.Graph, namespace: str
) -> Iterator[Finding]:
    """Every class has a shape targeting it or one of its superclasses."""
    targeted = set(shapes.objects(None, SH.targetClass))
    targeted |= {
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, OWL.Class) in ontology
    }
    for term, kinds in sorted(declared_terms(ontology, namespace).items()):
        if not kinds & set(CLASS_TYPES):
            continue
        supers = set(ontology.transitive_objects(term, RDFS.subClassOf))
        if not supers & targeted:
            yield Finding("error", "class-without-shape", "no SHACL shape targets this class", term)


def check_broader(graph: rdflib.Graph) -> Iterator[Finding]:
    """``skos:broader``/``narrower`` point at concepts described in the graph."""
    described = concepts(graph)
    for prop in (SKOS.broader, SKOS.narrower):
        for subject, target in sorted(graph.subject_objects(prop)):
            if target not in described:
                yield Finding(
                    "error",
                    "dangling-broader",
                    f"{graph.qname(prop)} {target} is not a skos:Concept of the graph",
                    str(subject),
                )


def check_unique_labels(graph: rdflib.Graph) -> Iterator[Finding]:
    """One prefLabel per language per concept, and no two concepts of a scheme alike."""
    owners: dict[tuple[Node, str | None, str], set[rdflib.URIRef]] = defaultdict(set)
    for concept in sorted(concepts(graph)):
        seen: dict[str, int] = defaultdict(int)
        for value in graph.objects(concept, SKOS.prefLabel):
            if isinstance(value, rdflib.Literal):
                seen[value.language or ""] += 1
                for scheme in graph.objects(concept, SKOS.inScheme):
                    owners[(scheme, value.language, str(value).casefold())].add(concept)
        for lang, count in seen.items():
            if count > 1:
                message = f"{count} skos:prefLabel @{lang}: SKOS allows one per language"
                yield Finding("error", "duplicate-label", message, concept)
    for (scheme, language, text), holders in sorted(owners.items(), key=lambda kv: str(kv[0])):
        if len(holders) > 1:
            others = ", ".join(sorted(holders))
            message = f'prefLabel "{text}"@{language} is shared in {scheme} by {others}'
            for holder in sorted(holders):
                yield Finding("error", "duplicate-label", message, holder)


def check_iris(graphs: dict[str, rdflib.Graph], base_url: str) -> Iterator[Finding]:
    """Every IRI under the base URL follows the documented pattern ``id/{kind}/{slug}``."""
    bad: dict[rdflib.URIRef, str] = {}
    for role, graph in graphs.items():
        for triple in graph:
            for term in triple:
                if isinstance(term, rdflib.URIRef) and str(term).startswith(base_url):
                    if not _MINTED.match(str(term)[len(base_url) :]):
                        bad.setdefault(term, role)
    for iri, role in sorted(bad.items()):
        yield Finding(
            "error",
            "iri-pattern",
            f"IRI in {role} is not minted as id/{{kind}}/{{slug}} (slug: {SLUG})",
            iri,
        )


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>\s*\.?", re.I)
_STRIP = re.compile(
    r'"""(?:.|\n)*?"""'
    r"|'''(?:.|\n)*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'(?:\\.|[^'\\\n])*'"
    r"|<[^>\s]*>|#[^\n]*"
)


def unused_prefixes(text: str) -> list[tuple[str, int]]:
    """Prefixes a Turtle text declares but never uses, with their line numbers.

    >>> unused_prefixes('@prefix a: <x#> .\\n@prefix b: <y#> .\\na:s a:p "b:o" .')
    [('b', 2)]
    """
    declared: dict[str, int] = {}
    body = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _PREFIX.match(line)
        if match:
            declared.setdefault(match.group(1) or "", number)
            line = line[match.end() :]
        body.append(line)
    code = _STRIP.sub(" ", "\n".join(body))
    return [
        (name, number)
        for name, number in declared.items()
        if not re.search(rf"(?<![\w.:-]){re.escape(name)}:", code)
    ]


def check_prefixes(texts: dict[str, str]) -> Iterator[Finding]:
    """Warn about prefixes declared and never used, per file."""
    for path, text in sorted(texts.items()):
        for name, line in unused_prefixes(text):
            message = f"prefix {name}: is never used"
            yield Finding("warning", "unused-prefix", message, None, path, line)


def lint(
    ontology: rdflib.Graph,
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    base_url: str,
    texts: dict[str, str] | None = None,
) -> list[Finding]:
    """Run every rule; errors first, then by subject."""
    namespace = rim(base_url)
    used = {"data": data, "shapes": shapes, "ontology": ontology}
    findings = [
        *check_documentation(ontology, data, namespace),
        *check_declared(ontology, used, namespace),
        *check_shapes_cover_classes(ontology, shapes, namespace),
        *check_broader(data + ontology),
        *check_unique_labels(data),
        *check_iris({"ontology": ontology, "data": data, "shapes": shapes}, base_url),
        *check_prefixes(texts or {}),
    ]
    return sorted(findings, key=lambda f: (f.severity != "error", f.subject or "", f.rule))
