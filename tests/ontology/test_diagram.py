"""Issue 12: the class diagram on /ontology fits the page, labels never overlap, no box floats."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

from publisher.ontology.diagram import BOLD_W, CHAR_W, MAX_WIDTH, wrap
from publisher.ontology.layout import edges
from publisher.ontology.vocabulary import CLASS_TYPES, declared_terms, rim

BASE = "http://127.0.0.1:8080/"
SVG = "{http://www.w3.org/2000/svg}"
COLUMN = 912
"""The width of ``main``'s content at a 1280 px window: 60rem less 2 × 1.5rem (style.css)."""


@dataclass(frozen=True)
class Area:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Area) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, other: Area) -> bool:
        return (
            other.left <= self.left
            and self.right <= other.right
            and other.top <= self.top
            and self.bottom <= other.bottom
        )


def svg_of(client: FlaskClient, lang: str) -> ElementTree.Element:
    html = client.get(f"/ontology?lang={lang}").get_data(as_text=True)
    return ElementTree.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])


def text_area(node: ElementTree.Element, font: float) -> Area:
    """Where a text is drawn, with the layout's own safe estimate of its advance."""
    text = "".join(node.itertext())
    width = len(text) * (BOLD_W if node.get("font-weight") == "bold" else CHAR_W)
    x, y = float(node.get("x", 0)), float(node.get("y", 0))
    left = x - width / 2 if node.get("text-anchor") == "middle" else x
    return Area(text, left, y - font, left + width, y + font * 0.25)


def boxes_and_texts(svg: ElementTree.Element) -> list[tuple[Area, list[Area]]]:
    font = float(svg.get("font-size", 12))
    found = []
    for group in svg.iter(f"{SVG}g"):
        rect = group.find(f".//{SVG}rect")
        assert rect is not None
        x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
        box = Area("", x, y, x + float(rect.get("width", 0)), y + float(rect.get("height", 0)))
        texts = [text_area(t, font) for t in group.iter(f"{SVG}text")]
        found.append((box, texts))
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_issue_12_the_diagram_fits_the_column_and_nothing_overlaps(
    client: FlaskClient, lang: str
) -> None:
    svg = svg_of(client, lang)
    width = float(svg.get("width", 0))
    assert width <= MAX_WIDTH <= COLUMN
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    found = boxes_and_texts(svg)
    classes = [t for t, k in declared_terms_of(client).items() if k & set(CLASS_TYPES)]
    assert len(found) >= len(classes)
    texts = [t for _, group in found for t in group]
    assert all(t.text.strip() and "…" not in t.text for t in texts)
    for box, group in found:
        assert 0 <= box.left and box.right <= width, box
        for text in group:
            assert text.inside(box), (text, box)
    for i, (box, _) in enumerate(found):
        for other, _ in found[i + 1 :]:
            assert not box.overlaps(other), (box, other)
    for i, text in enumerate(texts):
        for other in texts[i + 1 :]:
            assert not text.overlaps(other), (text, other)


def declared_terms_of(client: FlaskClient) -> dict:
    graph = client.application.extensions["publisher"].dataset.rdflib_graph("ontology")
    return declared_terms(graph, rim(BASE))


def test_issue_12_every_class_has_a_link(client: FlaskClient) -> None:
    """Organisation and Video floated: the data links them (a source's author, its video)."""
    dataset = client.application.extensions["publisher"].dataset
    ontology = dataset.rdflib_graph("ontology")
    links = edges(ontology, BASE, dataset.rdflib_graph("shapes"), dataset.rdflib_graph("data"))
    ends = {s for s, *_ in links} | {t for _, t, *_ in links}
    classes = {str(t) for t, k in declared_terms_of(client).items() if k & set(CLASS_TYPES)}
    assert classes <= ends, classes - ends
    ns = rim(BASE)
    assert (f"{ns}SourceDocument", f"{ns}Video", "property", "https://schema.org/video") in links
    assert not [link for link in edges(ontology, BASE) if link[3].endswith("/video")]


def test_issue_12_every_link_is_drawn_from_its_row(client: FlaskClient) -> None:
    svg = svg_of(client, "en")
    dataset = client.application.extensions["publisher"].dataset
    links = edges(
        dataset.rdflib_graph("ontology"),
        BASE,
        dataset.rdflib_graph("shapes"),
        dataset.rdflib_graph("data"),
    )
    paths = [p for p in svg.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert len(paths) == len(links)
    rows = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == "row"]
    joined = " ".join(rows)
    for title in ("has aspect →", "schema:video →", "mainly through the tools of"):
        assert title in joined


def test_wrap_never_cuts_text() -> None:
    for text, chars in [("performed by practitioners of", 12), ("schema:observationAbout", 8)]:
        lines = wrap(text, chars)
        assert all(len(line) <= chars for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
