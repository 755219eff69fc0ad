"""The HTML page of a resource: a view model built from its graph, then a template.

:func:`resource_page` is a pure function of the resource graph (what
``describe.rq`` returns) and the labels of the vocabulary it uses; Jinja's
autoescaping then writes every string from the data as text, never as markup.
How values read is :mod:`publisher.render.linker`; their sources,
:mod:`publisher.render.sources`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import render_template
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from publisher.rdf.labels import SCHEMA_NAME, pick
from publisher.render.linker import Link, Linker
from publisher.render.links import href
from publisher.render.sources import Row, Source, facts, row
from publisher.render.text import TEXT, inverse_label

SCHEMA_DESCRIPTION = URIRef("https://schema.org/description")

#: Shown in the heading, not as rows (rdfs:label repeats the other names by design).
HIDDEN = {RDF.type, RDFS.label}
#: The project's own remarks (mostly in English only): shown in their own section,
#: after what the page states.
NOTES = {
    SKOS.note,
    SKOS.scopeNote,
    SKOS.editorialNote,
    SKOS.changeNote,
    SKOS.historyNote,
    SKOS.example,
    RDFS.comment,
}
FIRST = (SKOS.prefLabel, SCHEMA_NAME, SKOS.altLabel, SKOS.definition)
#: Links *to* a resource shown per predicate; the rest are a Triple Pattern Fragment away.
INVERSE_SHOWN = 100


@dataclass
class ResourcePage:
    iri: str
    title: str
    types: list[Link]
    description: str | None
    rows: list[Row]
    inverse: list[Row]
    lang: str
    other: list[Row] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def _in_language(values: list[Node], lang: str) -> list[Node]:
    """Literals in ``lang`` (and untagged ones) when there are any, else everything."""
    tagged = [v for v in values if isinstance(v, Literal) and v.language]
    if not any(v.language == lang for v in tagged):
        return values
    return [v for v in values if not (isinstance(v, Literal) and v.language not in (None, lang))]


def _sort_key(item: tuple[URIRef, str]) -> tuple[int, str]:
    predicate, text = item
    return (FIRST.index(predicate) if predicate in FIRST else len(FIRST), text.lower())


def resource_page(
    graph: Graph,
    iri: str,
    vocabulary: Graph,
    base_url: str,
    lang: str,
    lang_param: str | None = None,
) -> ResourcePage:
    """The view model of a resource page.

    :param graph: the resource document's graph (``describe.rq``).
    :param vocabulary: labels of the predicates and classes the graph uses.
    :param lang_param: the ``?lang=`` the reader chose, carried on links.
    """
    subject = URIRef(iri)
    linker = Linker(graph, base_url, lang, lang_param, vocabulary)
    forward = facts(graph, subject, RDF.subject)
    by_predicate: dict[URIRef, list[Node]] = defaultdict(list)
    for predicate, value in graph.predicate_objects(subject):
        if predicate not in HIDDEN:
            by_predicate[predicate].append(value)  # type: ignore[index]
    ordered = sorted(((p, linker.term(p)) for p in by_predicate), key=_sort_key)
    sources: list[Source] = []
    rows: list[Row] = []
    notes: list[Row] = []
    for p, text in ordered:
        values = _in_language(by_predicate[p], lang)
        found = row(
            linker, Link(text, href(str(p), base_url, lang_param)), values, forward, p, sources
        )
        (notes if p in NOTES else rows).append(found)
    other = _unstated(linker, by_predicate, forward, sources)
    inverse = _inverse(linker, subject, sources)
    types = sorted(
        (linker.type_link(t) for t in graph.objects(subject, RDF.type)),
        key=lambda link: (link.text.startswith("schema:"), link.text.lower()),
    )
    description = pick(
        [*graph.objects(subject, SKOS.definition), *graph.objects(subject, SCHEMA_DESCRIPTION)],
        lang,
    )
    return ResourcePage(
        iri=iri,
        title=linker.title(subject),
        types=types,
        description=str(description) if description is not None else None,
        rows=rows,
        inverse=inverse,
        other=other,
        notes=notes,
        sources=sources,
        lang=lang,
    )


def _unstated(
    linker: Linker,
    by_predicate: dict[URIRef, list[Node]],
    forward: dict[tuple[Node, Node], list[Node]],
    sources: list[Source],
) -> list[Row]:
    """Sourced facts whose triple is not stated as such (kept visible all the same)."""
    stated = {(p, v) for p, values in by_predicate.items() for v in values}
    unmatched: dict[Node, list[Node]] = defaultdict(list)
    for predicate, value in forward:
        if (predicate, value) not in stated and predicate not in HIDDEN:
            unmatched[predicate].append(value)
    return [
        row(linker, linker.link(p), unmatched[p], forward, p, sources)
        for p in sorted(unmatched, key=lambda p: linker.link(p).text.lower())
    ]


def _inverse(linker: Linker, subject: URIRef, sources: list[Source]) -> list[Row]:
    """What links to ``subject``, per predicate read backwards; at most INVERSE_SHOWN
    each, the rest a Triple Pattern Fragment away."""
    graph, base_url, lang = linker.graph, linker.base_url, linker.lang
    backward = facts(graph, subject, RDF.object)
    incoming: dict[URIRef, list[Node]] = defaultdict(list)
    for source, predicate in graph.subject_predicates(subject):
        if predicate not in (RDF.subject, RDF.object):
            incoming[predicate].append(source)  # type: ignore[index]
    inverse = []
    for predicate in sorted(incoming, key=lambda p: linker.term(p).lower()):
        text = inverse_label(predicate, linker.term(predicate), base_url, lang)
        # An inverse fact is keyed by (predicate, subject) from this resource's side.
        things = sorted(incoming[predicate], key=lambda n: linker.link(n).text.lower())
        found = row(linker, Link(text), things[:INVERSE_SHOWN], backward, predicate, sources)
        if len(things) > INVERSE_SHOWN:
            found.more = len(things) - INVERSE_SHOWN
            query = {"predicate": str(predicate), "object": str(subject)}
            found.more_href = "/fragments?" + urlencode(query)
        inverse.append(found)
    return inverse


def render_resource(page: ResourcePage, **context: object) -> str:
    """The page as HTML (``context``: jsonld block, alternates, ...)."""
    return render_template("resource.html", page=page, lang=page.lang, t=TEXT[page.lang], **context)
