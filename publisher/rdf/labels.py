"""Labels of things in a language, from whatever a graph holds about them.

Pages are French and English; the data labels most things in both, but not
everything (names of organisations are untagged, external IRIs have none), so
a label falls back from the asked language to untagged text, to any language,
and finally to the end of the IRI.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> ct = URIRef("http://x/id/modality/ct")
>>> _ = g.add((ct, RDFS.label, Literal("scanner", lang="fr")))
>>> label(g, ct, "en"), label(g, ct, "fr"), label(g, URIRef("http://x/a#Thing"), "fr")
('scanner', 'scanner', 'Thing')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from rdflib.term import Node

from publisher.queries import iri_term
from publisher.rdf.vocabulary import LANGUAGES
from publisher.render.text import TEXT, humanize, statement_verb, term_label
from publisher.store.base import Store

SCHEMA_NAME = URIRef("https://schema.org/name")
T = TypeVar("T")

#: Predicates naming a thing, best first.
LABEL_PREDICATES: tuple[URIRef, ...] = (SKOS.prefLabel, RDFS.label, SCHEMA_NAME)

#: The parts of a reified statement (a ``rim:Fact``), in reading order.
STATEMENT_PARTS: tuple[URIRef, ...] = (RDF.subject, RDF.predicate, RDF.object)
STATEMENT_SEPARATOR = " — "

#: Outside vocabularies whose codes the data aligns to, by IRI namespace: a
#: reader cannot tell ``77477000`` from ``D014057`` without the vocabulary's name.
VOCABULARIES: tuple[tuple[str, str], ...] = (
    ("http://snomed.info/id/", "SNOMED CT"),
    ("http://snomed.info/sct/", "SNOMED CT"),
    ("http://id.nlm.nih.gov/mesh/", "MeSH"),
    ("https://id.nlm.nih.gov/mesh/", "MeSH"),
    ("http://radlex.org/RID/", "RadLex"),
    ("https://radlex.org/RID/", "RadLex"),
    ("http://www.radlex.org/RID/", "RadLex"),
    ("http://purl.bioontology.org/ontology/RADLEX/", "RadLex"),
    ("http://purl.obolibrary.org/obo/NCIT_", "NCI Thesaurus"),
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("http://id.who.int/icd/entity/", "ICD-11"),
    ("http://loinc.org/rdf/", "LOINC"),
)


def preferred(
    candidates: Sequence[T], languages: Sequence[str], language_of: Callable[[T], str]
) -> T | None:
    """The first candidate in the first of ``languages`` any candidate has, else the
    first candidate: the one label picker (candidates come best predicate first).

    >>> preferred(["x@de", "y@en", "z@fr"], ("fr", "en"), lambda s: s.split("@")[1])
    'z@fr'
    """
    for wanted in languages:
        for candidate in candidates:
            if language_of(candidate) == wanted:
                return candidate
    return candidates[0] if candidates else None


def pick(literals: Iterable[Node], lang: str) -> Literal | None:
    """The literal best suited to ``lang``: tagged ``lang`` (or a subtag), untagged, then
    any; the first by text among equals, so the answer does not depend on graph order.

    >>> pick([Literal("a", lang="en"), Literal("b")], "fr")
    rdflib.term.Literal('b')
    """

    def language(value: Literal) -> str:
        tag = (value.language or "").lower()
        return lang if tag.startswith(lang + "-") else tag

    found = sorted((v for v in literals if isinstance(v, Literal)), key=str)
    return preferred(found, (lang, ""), language)


def find_label(graph: Graph, node: Node, lang: str) -> Literal | None:
    """The best label ``graph`` gives ``node`` in ``lang``, or ``None``."""
    for predicate in LABEL_PREDICATES:
        found = pick(graph.objects(node, predicate), lang)
        if found is not None:
            return found
    return None


def stated_label(graph: Graph, node: Node, lang: str) -> str | None:
    """The label ``graph`` states for ``node`` under any naming predicate, in ``lang``
    if one is, else the first; ``None`` when unlabelled (reports and diffs show the IRI).
    """
    values = [v for p in LABEL_PREDICATES for v in graph.objects(node, p) if isinstance(v, Literal)]
    found = preferred(values, (lang,), lambda value: value.language or "")
    return None if found is None else str(found)


def local_name(iri: str) -> str:
    """The readable end of an IRI, for things nobody labelled.

    >>> local_name("https://schema.org/MedicalClinic"), local_name("http://x/id/town/frejus")
    ('MedicalClinic', 'frejus')
    """
    tail = iri.rstrip("/#")
    for separator in ("#", "/"):
        if separator in tail:
            tail = tail.rsplit(separator, 1)[1]
    return tail or iri


def label(graph: Graph, node: Node, lang: str) -> str:
    """A human label for ``node`` in ``lang``, never empty."""
    found = find_label(graph, node, lang)
    if found is not None:
        return str(found)
    if isinstance(node, Literal):
        return str(node)
    return local_name(str(node))


def fetch_labels(store: Store, things: Iterable[Node]) -> Graph:
    """The labels a store holds for ``things`` (predicates, classes), as a graph.

    A statement among ``things`` (a fact) gets an ``rdfs:label`` per language
    composed from the labels of its subject, predicate and object.
    """
    iris = sorted({str(t) for t in things if isinstance(t, URIRef)})
    graph = Graph()
    if not iris:
        return graph
    values = " ".join(iri_term(iri) for iri in iris)
    predicates = " ".join(iri_term(str(p)) for p in LABEL_PREDICATES)
    query = (
        f"CONSTRUCT {{ ?thing ?p ?label }} WHERE {{ VALUES ?thing {{ {values} }} "
        f"VALUES ?p {{ {predicates} }} ?thing ?p ?label }}"
    )
    graph = store.construct(query)
    parts = " ".join(iri_term(str(p)) for p in STATEMENT_PARTS)
    statements = store.construct(
        f"CONSTRUCT {{ ?thing ?part ?end . ?end ?p ?label }} WHERE {{ "
        f"VALUES ?thing {{ {values} }} VALUES ?part {{ {parts} }} "
        f"{{ ?thing ?part ?end }} UNION {{ ?thing ?part ?end . ?end ?p ?label . "
        f"FILTER(?p IN ({predicates.replace(' ', ', ')})) }} }}"
    )
    for thing in {s for s, _, _ in statements.triples((None, RDF.subject, None))}:
        for lang in LANGUAGES:
            text = statement_label(statements, thing, lang)
            if text is not None:
                graph.add((thing, RDFS.label, Literal(text, lang=lang)))
    return graph


def capitalized(text: str) -> str:
    """``text`` starting with a capital letter, as a heading does.

    >>> capitalized("centre d’imagerie de Fréjus"), capitalized("IRM"), capitalized("")
    ('Centre d’imagerie de Fréjus', 'IRM', '')
    """
    return text[:1].upper() + text[1:]


def external_code(iri: str) -> str | None:
    """A code of an outside vocabulary, named: ``SNOMED CT 77477000``; else ``None``.

    >>> external_code("http://snomed.info/id/77477000"), external_code("http://x/y")
    ('SNOMED CT 77477000', None)
    """
    for namespace, name in VOCABULARIES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name} {iri[len(namespace) :]}"
    return None


def literal_text(literal: Literal, lang: str) -> str:
    """A literal as a reader sees it: yes/no, grouped digits, else its text.

    >>> literal_text(Literal(68500000), "fr"), literal_text(Literal(True), "en")
    ('68\u202f500\u202f000', 'yes')
    """
    if literal.datatype == XSD.boolean:
        return TEXT[lang]["yes" if literal.toPython() is True else "no"]
    if literal.datatype in (XSD.integer, XSD.int, XSD.long) and isinstance(literal.toPython(), int):
        return f"{literal.toPython():,}".replace(",", "\u202f" if lang == "fr" else ",")
    return str(literal)


def statement_label(
    graph: Graph, node: Node, lang: str, vocabulary: Graph | None = None
) -> str | None:
    """ "Subject — predicate — object" in ``lang`` for a reified statement, else ``None``.

    The ends are named by their labels (``vocabulary`` helps with the
    predicate), the predicate by how it reads as a verb where that is known.
    """
    subject, predicate, obj = (graph.value(node, part) for part in STATEMENT_PARTS)
    if subject is None or predicate is None or obj is None:
        return None

    def name(end: Node) -> str:
        if isinstance(end, Literal):
            text = literal_text(end, lang)
            quoted = isinstance(end.toPython(), str) and end.datatype is None
            return (f"« {text} »" if lang == "fr" else f"“{text}”") if quoted else text
        found = find_label(graph, end, lang)
        if found is None and vocabulary is not None:
            found = find_label(vocabulary, end, lang)
        if found is not None:
            return str(found)
        iri = str(end)
        return external_code(iri) or term_label(iri, lang) or humanize(local_name(iri))

    verb = statement_verb(str(predicate), lang) or name(predicate)
    return capitalized(STATEMENT_SEPARATOR.join((name(subject), verb, name(obj))))
