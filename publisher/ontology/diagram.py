"""An SVG diagram of the ontology's classes and the properties that link them.

No external service or layout engine. Each class is a box that lists its
outgoing properties as rows, UML-style, and each row's arrow runs to the
target class; subclass links are dashed with a hollow head. Labels therefore
live inside boxes and cannot pile on each other. Classes are placed in
columns (:mod:`publisher.ontology.layout`), sized to fit :data:`MAX_WIDTH`
(the page's text column); text that does not fit a box wraps onto more lines
instead of being cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import rdflib

from publisher.ontology.layout import Link, edges, layout
from publisher.ontology.vocabulary import CLASS_TYPES, declared_terms, rim
from publisher.rdf.labels import stated_label
from publisher.rdf.terms import short

MAX_WIDTH = 900
"""The widest the diagram may be: ``main`` in style.css is 60rem less padding (912 px)."""
FONT, LINE_H, PAD, MARGIN, GAP, V_GAP = 11, 14, 6, 6, 32, 16
CHAR_W = 0.62 * FONT
"""A safe average advance for sans-serif text (bold is wider: :data:`BOLD_W`)."""
BOLD_W = 0.7 * FONT
MIN_BOX, MAX_BOX = 150, 220


def wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words if possible.

    >>> wrap("mainly performed with the tools of", 20)
    ['mainly performed', 'with the tools of']
    >>> wrap("schema:parentOrganization", 10)
    ['schema:par', 'entOrganiz', 'ation']
    """
    lines: list[str] = []
    for word in text.split():
        while len(word) > chars:
            if lines and len(lines[-1]) + 1 < chars:
                room = chars - len(lines[-1]) - 1
                lines[-1], word = f"{lines[-1]} {word[:room]}", word[room:]
            lines.append(word[:chars])
            word = word[chars:]
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        elif word:
            lines.append(word)
    return lines or [""]


@dataclass
class Box:
    """A class's box: where it is, its wrapped title and one row per outgoing property."""

    node: str
    title: list[str]
    rows: list[tuple[Link, list[str]]] = field(default_factory=list)
    x: float = 0
    y: float = 0

    @property
    def head(self) -> float:
        return PAD + LINE_H * len(self.title)

    @property
    def height(self) -> float:
        return self.head + sum(_row_height(lines) for _, lines in self.rows) + PAD / 2

    def row_top(self, index: int) -> float:
        return self.y + self.head + sum(_row_height(lines) for _, lines in self.rows[:index])


def _row_height(lines: list[str]) -> float:
    return LINE_H * len(lines) + 4


def _geometry(where: dict[str, tuple[int, int]]) -> tuple[float, int]:
    """Box width and columns per band so that the columns fit :data:`MAX_WIDTH`."""
    columns = max((c for c, _ in where.values()), default=0) + 1
    inner = MAX_WIDTH - 2 * MARGIN
    per_band = max(1, min(columns, int((inner + GAP) // (MIN_BOX + GAP))))
    box_w = min(MAX_BOX, (inner - (per_band - 1) * GAP) / per_band)
    return box_w, per_band


def render_svg(
    ontology: rdflib.Graph,
    base: str,
    lang: str = "en",
    shapes: rdflib.Graph | None = None,
    data: rdflib.Graph | None = None,
) -> str:
    """The class diagram as a standalone SVG document (UTF-8 text), at most MAX_WIDTH wide."""
    links = edges(ontology, base, shapes, data)
    ns = rim(base)
    classes = {str(t) for t, k in declared_terms(ontology, ns).items() if k & set(CLASS_TYPES)}
    nodes = sorted(classes | {s for s, *_ in links} | {t for _, t, *_ in links})
    where = layout(nodes, links)
    box_w, per_band = _geometry(where)
    title_chars = int((box_w - 2 * PAD) // BOLD_W)
    row_chars = int((box_w - 2 * PAD) // CHAR_W)

    def name(node: str) -> str:
        term = rdflib.URIRef(node)
        if node.startswith(ns):
            return stated_label(ontology, term, lang) or short(term, base)
        return short(term, base)

    boxes = {n: Box(n, wrap(name(n), title_chars)) for n in nodes}
    for link in links:
        if link[2] == "property":
            prop = rdflib.URIRef(link[3])
            text = stated_label(ontology, prop, lang) or short(prop, base)
            lines = wrap(text, row_chars - 2)
            lines[-1] += " →"
            boxes[link[0]].rows.append((link, lines))
    for box in boxes.values():
        box.rows.sort(key=lambda row: where[row[0][1]])
    _place(boxes, where, box_w, per_band)
    width = MAX_WIDTH
    height = max((b.y + b.height for b in boxes.values()), default=0) + MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" role="img" font-family="sans-serif" '
        f'font-size="{FONT}" style="max-width:100%;height:auto">',
        "<title>Classes of the ontology and their links</title>",
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker>'
        '<marker id="triangle" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="white" stroke="#333"/></marker></defs>',
    ]
    loops: dict[str, int] = {}
    for link in links:
        out.append(_edge(link, boxes, box_w, loops, ontology, lang, base))
    for node in nodes:
        out.append(_box(boxes[node], box_w, ns))
    out.append("</svg>")
    return "\n".join(out)


def _place(
    boxes: dict[str, Box], where: dict[str, tuple[int, int]], box_w: float, per_band: int
) -> None:
    """Stack each column's boxes; columns past ``per_band`` start a new band below."""
    columns = max((c for c, _ in where.values()), default=0) + 1
    top = float(MARGIN)
    for band_start in range(0, columns, per_band):
        bottom = top
        for col in range(band_start, min(columns, band_start + per_band)):
            y = top
            for node in sorted((n for n in boxes if where[n][0] == col), key=lambda n: where[n]):
                box = boxes[node]
                box.x = MARGIN + (col - band_start) * (box_w + GAP)
                box.y = y
                y += box.height + V_GAP
            bottom = max(bottom, y)
        top = bottom + V_GAP


def _edge(
    link: Link,
    boxes: dict[str, Box],
    box_w: float,
    loops: dict[str, int],
    ontology: rdflib.Graph,
    lang: str,
    base: str,
) -> str:
    """One link as a curve: from its row (or, for a subclass, the sub-class) to the target."""
    source, target, kind, prop = link
    if kind == "subclass":  # drawn from the sub-class to the super-class's hollow head
        start, end = boxes[target], boxes[source]
        sy = start.y + start.head / 2
    else:
        start, end = boxes[source], boxes[target]
        index = next(i for i, (row, _) in enumerate(start.rows) if row == link)
        sy = start.row_top(index) + _row_height(start.rows[index][1]) / 2
    ey = end.y + end.head / 2
    if end.x > start.x:
        x1, x2 = start.x + box_w, end.x
        bend = (x2 - x1) / 2
        points = [(x1, sy), (x1 + bend, sy), (x2 - bend, ey), (x2, ey)]
    elif end.x < start.x:
        x1, x2 = start.x, end.x + box_w
        bend = (x1 - x2) / 2
        points = [(x1, sy), (x1 - bend, sy), (x2 + bend, ey), (x2, ey)]
    else:  # same column: round the right-hand side, inside the gap
        nth = loops[start.node] = loops.get(start.node, -1) + 1
        x1 = x2 = start.x + box_w
        reach = min(GAP - 6, 14 + 6 * nth)
        points = [(x1, sy), (x1 + reach, sy), (x2 + reach, ey), (x2, ey)]
    d = "M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}".format(
        *(v for p in points for v in p)
    )
    if kind == "subclass":
        return (
            f'<path d="{d}" fill="none" stroke="#333" stroke-dasharray="5,3" '
            f'marker-end="url(#triangle)"><title>subclass of</title></path>'
        )
    name = stated_label(ontology, rdflib.URIRef(prop), lang) or short(rdflib.URIRef(prop), base)
    return (
        f'<path d="{d}" fill="none" stroke="#555" marker-end="url(#arrow)">'
        f"<title>{escape(name)}</title></path>"
    )


def _box(box: Box, box_w: float, ns: str) -> str:
    """The box, its title (linked to the term) and its property rows."""
    ours = box.node.startswith(ns)
    fill = "#e8f0fb" if ours else "#f3f3f3"
    link = f"#{box.node[len(ns) :]}" if ours else box.node
    parts = [
        f'<g class="class"><a href="{escape(link)}"><rect x="{box.x:.1f}" y="{box.y:.1f}" '
        f'width="{box_w:.1f}" height="{box.height:.1f}" rx="4" fill="{fill}" stroke="#357"/>'
    ]
    for i, line in enumerate(box.title):
        parts.append(
            f'<text class="title" x="{box.x + box_w / 2:.1f}" '
            f'y="{box.y + PAD + LINE_H * (i + 1) - 3:.1f}" text-anchor="middle" '
            f'font-weight="bold">{escape(line)}</text>'
        )
    parts.append("</a>")
    for index, ((_, _, _, prop), lines) in enumerate(box.rows):
        top = box.row_top(index)
        parts.append(
            f'<line x1="{box.x:.1f}" y1="{top:.1f}" x2="{box.x + box_w:.1f}" y2="{top:.1f}" '
            f'stroke="#b8c6d6"/>'
        )
        href = f"#{prop[len(ns) :]}" if prop.startswith(ns) else prop
        texts = "".join(
            f'<text class="row" x="{box.x + PAD:.1f}" y="{top + LINE_H * (i + 1) - 1:.1f}" '
            f'fill="#124">{escape(line)}</text>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<a href="{escape(href)}">{texts}</a>')
    parts.append("</g>")
    return "".join(parts)
