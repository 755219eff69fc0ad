"""How a node reads on a page: a label in the page's language, a link to its page.

One :class:`Linker` per page, so every value, heading and badge names things the
same way (data labels first, then the vocabulary's, then built-in names).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from publisher.rdf.labels import (
    capitalized,
    external_code,
    find_label,
    label,
    literal_text,
    local_name,
    statement_label,
)
from publisher.render.links import doc_path, href
from publisher.render.text import TEXT, humanize, term_label

OA_EXACT = URIRef("http://www.w3.org/ns/oa#exact")


@dataclass
class Link:
    """A value as shown: text, maybe a link, maybe a language tag."""

    text: str
    href: str | None = None
    lang: str | None = None


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
