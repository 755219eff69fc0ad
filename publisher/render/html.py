"""The HTML page of a resource: a view model built from its graph, then a template.

:func:`resource_page` is a pure function of the resource graph (what
``describe.rq`` returns) and the labels of the vocabulary it uses; Jinja's
autoescaping then writes every string from the data as text, never as markup.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import render_template
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from publisher.rdf.labels import (
    SCHEMA_NAME,
    capitalized,
    external_code,
    find_label,
    label,
    literal_text,
    local_name,
    pick,
    statement_label,
)
from publisher.render.links import doc_path, href
from publisher.render.text import TEXT, humanize, inverse_label, term_label

OA_SELECTOR = URIRef("http://www.w3.org/ns/oa#hasSelector")
OA_EXACT = URIRef("http://www.w3.org/ns/oa#exact")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
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
class Link:
    """A value as shown: text, maybe a link, maybe a language tag."""

    text: str
    href: str | None = None
    lang: str | None = None


@dataclass
class Source:
    """Where facts come from: the source document and the exact sentence, shown once
    per page with every fact on the page it supports.

    ``kind`` is ``inference`` for a statement the project inferred (shown with its
    reasoning and premises) and ``observation`` for an editorial observation.
    """

    document: Link
    quote: str | None
    facts: list[Link] = field(default_factory=list)
    kind: str = "fact"
    reasoning: str | None = None
    premises: list[Link] = field(default_factory=list)
    #: The number of the entry above that shows this one's quote: a quote is shown once.
    quote_of: int | None = None


@dataclass
class Value:
    value: Link
    refs: list[int] = field(default_factory=list)


@dataclass
class Row:
    """One predicate and its values, with the sources of those values."""

    predicate: Link
    values: list[Value]
    more: int = 0
    more_href: str | None = None


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


class Linker:
    """Turns nodes into :class:`Link` values for one page."""

    def __init__(
        self,
        graph: Graph,
        base_url: str,
        lang: str,
        lang_param: str | None,
        vocabulary: Graph | None = None,
    ) -> None:
        self.graph, self.base_url, self.lang, self.lang_param = graph, base_url, lang, lang_param
        self.vocabulary = vocabulary if vocabulary is not None else Graph()

    def link(self, node: Node) -> Link:
        if isinstance(node, Literal):
            return Link(self.literal_text(node), lang=node.language)
        if isinstance(node, URIRef):
            return Link(self.term(node), href(str(node), self.base_url, self.lang_param))
        return Link(self.blank_text(node))

    def blank_text(self, node: Node) -> str:
        """A blank node has no page: say what it holds (a selector shows its quote)."""
        exact = self.graph.value(node, OA_EXACT)
        if exact is not None:
            return f"« {exact} »"
        parts = [
            f"{self.term(p)}{TEXT[self.lang]['colon']} {self.link(o).text}"
            for p, o in sorted(self.graph.predicate_objects(node))
            if p != RDF.type and not isinstance(o, BNode)
        ]
        return "; ".join(parts) or label(self.graph, node, self.lang)

    def title(self, node: URIRef) -> str:
        """The page heading, with a capital; an unlabelled fact reads as its statement."""
        if find_label(self.graph, node, self.lang) is None:
            statement = statement_label(self.graph, node, self.lang, self.vocabulary)
            if statement is not None:
                return statement
        return capitalized(label(self.graph, node, self.lang))

    def type_link(self, node: Node) -> Link:
        """A class as a badge; schema.org classes keep their own (English) names."""
        link = self.link(node)
        for prefix in ("https://schema.org/", "http://schema.org/"):
            if str(node).startswith(prefix):
                link.text = "schema:" + str(node)[len(prefix) :]
        return link

    def term(self, node: Node) -> str:
        """A label from the data, else a built-in one, else the IRI's end made readable.

        A fact reads as its statement; an outside code names its vocabulary.
        """
        found = find_label(self.graph, node, self.lang)
        if found is None:
            found = find_label(self.vocabulary, node, self.lang)
        if found is not None:
            return str(found)
        statement = statement_label(self.graph, node, self.lang, self.vocabulary)
        if statement is not None:
            return statement
        code = external_code(str(node))
        if code is not None:
            return code
        if doc_path(str(node), self.base_url):  # an unlabelled identifier: its slug, as words
            return local_name(str(node)).replace("-", " ")
        return term_label(str(node), self.lang) or humanize(local_name(str(node)))

    def literal_text(self, literal: Literal) -> str:
        return literal_text(literal, self.lang)


def _in_language(values: list[Node], lang: str) -> list[Node]:
    """Literals in ``lang`` (and untagged ones) when there are any, else everything."""
    tagged = [v for v in values if isinstance(v, Literal) and v.language]
    if not any(v.language == lang for v in tagged):
        return values
    return [v for v in values if not (isinstance(v, Literal) and v.language not in (None, lang))]


def _sort_key(item: tuple[URIRef, str]) -> tuple[int, str]:
    predicate, text = item
    return (FIRST.index(predicate) if predicate in FIRST else len(FIRST), text.lower())


def _facts(graph: Graph, iri: URIRef, role: URIRef) -> dict[tuple[Node, Node], list[Node]]:
    """Fact nodes about ``iri`` (in ``role``), keyed by (predicate, other end)."""
    other = RDF.object if role == RDF.subject else RDF.subject
    found: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for fact in graph.subjects(role, iri):
        predicate, value = graph.value(fact, RDF.predicate), graph.value(fact, other)
        if predicate is not None and value is not None:
            found[(predicate, value)].append(fact)
    return found


def _grounds(linker: Linker, record: Node) -> tuple[str, str | None, list[Link]]:
    """How a reified statement is grounded: quoted (``fact``), ``inference`` (with its
    reasoning and premises) or editorial ``observation`` (with its reasoning)."""
    rim = linker.base_url + "ontology#"
    graph = linker.graph
    if (record, RDF.type, URIRef(rim + "Inference")) in graph:
        kind = "inference"
    elif (record, RDF.type, URIRef(rim + "EditorialObservation")) in graph:
        kind = "observation"
    else:
        return "fact", None, []
    reasoning = pick(list(graph.objects(record, URIRef(rim + "reasoning"))), linker.lang)
    premises = sorted(graph.objects(record, URIRef(rim + "premise")), key=str)
    text = str(reasoning) if reasoning is not None else None
    return kind, text, [linker.link(p) for p in premises]


def _row(
    linker: Linker,
    predicate: Link,
    values: list[Node],
    facts: dict[tuple[Node, Node], list[Node]],
    key: Node,
    sources: list[Source],
) -> Row:
    """A predicate's values; their facts' sources join the page's list ``sources``,
    one entry per document and quote, which each value cites by number."""
    row = Row(predicate, [])
    graph = linker.graph
    for value in sorted(values, key=lambda v: linker.link(v).text.lower()):
        shown = Value(linker.link(value))
        for fact in facts.get((key, value), []):
            document = graph.value(fact, PROV_DERIVED)
            selector = graph.value(fact, OA_SELECTOR)
            quote = graph.value(selector, OA_EXACT) if selector is not None else None
            source = Source(
                linker.link(document) if document is not None else Link("?"),
                str(quote) if quote is not None else None,
                [],
                *_grounds(linker, fact),
            )
            match = next(
                (
                    i
                    for i, s in enumerate(sources)
                    if (s.document, s.quote, s.kind, s.reasoning, s.premises)
                    == (
                        source.document,
                        source.quote,
                        source.kind,
                        source.reasoning,
                        source.premises,
                    )
                ),
                None,
            )
            if match is None:
                earlier = next(
                    (
                        i
                        for i, s in enumerate(sources)
                        if (s.document, s.quote) == (source.document, source.quote)
                    ),
                    None,
                )
                if earlier is not None and source.quote:  # an inference reading a quoted sentence
                    source.quote, source.quote_of = None, earlier + 1
                sources.append(source)
                match = len(sources) - 1
            fact_link = linker.link(fact)
            if fact_link not in sources[match].facts:
                sources[match].facts.append(fact_link)
            if match + 1 not in shown.refs:
                shown.refs.append(match + 1)
        row.values.append(shown)
    return row


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
    forward = _facts(graph, subject, RDF.subject)
    backward = _facts(graph, subject, RDF.object)

    by_predicate: dict[URIRef, list[Node]] = defaultdict(list)
    for predicate, value in graph.predicate_objects(subject):
        if predicate not in HIDDEN:
            by_predicate[predicate].append(value)  # type: ignore[index]
    ordered = sorted(((p, linker.term(p)) for p in by_predicate), key=_sort_key)
    sources: list[Source] = []
    rows: list[Row] = []
    notes: list[Row] = []
    for p, text in ordered:
        row = _row(
            linker,
            Link(text, href(str(p), base_url, lang_param)),
            _in_language(by_predicate[p], lang),
            forward,
            p,
            sources,
        )
        (notes if p in NOTES else rows).append(row)

    # Sourced facts whose triple is not stated as such (kept visible all the same).
    stated = {(p, v) for p, values in by_predicate.items() for v in values}
    unmatched: dict[Node, list[Node]] = defaultdict(list)
    for predicate, value in forward:
        if (predicate, value) not in stated and predicate not in HIDDEN:
            unmatched[predicate].append(value)
    other = [
        _row(linker, linker.link(p), unmatched[p], forward, p, sources)
        for p in sorted(unmatched, key=lambda p: linker.link(p).text.lower())
    ]

    incoming: dict[URIRef, list[Node]] = defaultdict(list)
    for source, predicate in graph.subject_predicates(subject):
        if predicate not in (RDF.subject, RDF.object):
            incoming[predicate].append(source)  # type: ignore[index]
    inverse = []
    for predicate in sorted(incoming, key=lambda p: linker.term(p).lower()):
        text = inverse_label(predicate, linker.term(predicate), base_url, lang)
        # An inverse fact is keyed by (predicate, subject) from this resource's side.
        things = sorted(incoming[predicate], key=lambda n: linker.link(n).text.lower())
        row = _row(linker, Link(text), things[:INVERSE_SHOWN], backward, predicate, sources)
        if len(things) > INVERSE_SHOWN:
            row.more = len(things) - INVERSE_SHOWN
            row.more_href = "/fragments?" + urlencode({"predicate": str(predicate), "object": iri})
        inverse.append(row)

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


def render_resource(page: ResourcePage, **context: object) -> str:
    """The page as HTML (``context``: jsonld block, alternates, ...)."""
    return render_template("resource.html", page=page, lang=page.lang, t=TEXT[page.lang], **context)
