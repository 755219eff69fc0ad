"""Where a page's statements come from: the numbered list of sources and the rows
that cite them.

A fact (a reified statement, ``rim:Fact``) names its document and the exact
sentence; each row value cites the entries of its facts by number, and each
document-and-quote is listed once per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from publisher.rdf.labels import pick
from publisher.render.linker import OA_EXACT, Link, Linker

OA_SELECTOR = URIRef("http://www.w3.org/ns/oa#hasSelector")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


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


def facts(graph: Graph, iri: URIRef, role: URIRef) -> dict[tuple[Node, Node], list[Node]]:
    """Fact nodes about ``iri`` (in ``role``), keyed by (predicate, other end)."""
    other = RDF.object if role == RDF.subject else RDF.subject
    found: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for fact in graph.subjects(role, iri):
        predicate, value = graph.value(fact, RDF.predicate), graph.value(fact, other)
        if predicate is not None and value is not None:
            found[(predicate, value)].append(fact)
    return found


def grounds(linker: Linker, record: Node) -> tuple[str, str | None, list[Link]]:
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


def row(
    linker: Linker,
    predicate: Link,
    values: list[Node],
    facts: dict[tuple[Node, Node], list[Node]],
    key: Node,
    sources: list[Source],
) -> Row:
    """A predicate's values; their facts' sources join the page's list ``sources``,
    one entry per document and quote, which each value cites by number."""
    found = Row(predicate, [])
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
                *grounds(linker, fact),
            )
            match = _cite(sources, source)
            fact_link = linker.link(fact)
            if fact_link not in sources[match].facts:
                sources[match].facts.append(fact_link)
            if match + 1 not in shown.refs:
                shown.refs.append(match + 1)
        found.values.append(shown)
    return found


def _cite(sources: list[Source], source: Source) -> int:
    """The index of ``source`` in ``sources``, added when new; a quote already shown
    by an earlier entry is not repeated but pointed at."""

    def same(s: Source) -> bool:
        return (s.document, s.quote, s.kind, s.reasoning, s.premises) == (
            source.document,
            source.quote,
            source.kind,
            source.reasoning,
            source.premises,
        )

    match = next((i for i, s in enumerate(sources) if same(s)), None)
    if match is not None:
        return match
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
    return len(sources) - 1
