"""An SVG diagram of the ontology's classes and the properties that link them.

No external service or layout engine: classes are placed in columns by the
longest chain of links leading to them (super-class before sub-class, domain
before range), then each link is drawn as a curve with its label. Boxes link
to the term's anchor in the documentation.
"""

from __future__ import annotations

from html import escape

import rdflib
from rdflib.namespace import OWL, RDFS, SH

from publisher.diff_terms import label, short
from publisher.lint import CLASS_TYPES, declared_terms, rim

BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 180, 34, 240, 34, 20


def edges(
    ontology: rdflib.Graph, base: str, shapes: rdflib.Graph | None = None
) -> list[tuple[str, str, str, str]]:
    """``(source, target, kind, property)``: sub-class links and properties between classes.

    Properties come from the ontology's domains and ranges, and from shapes
    that give a property of a class a ``sh:class`` (e.g. a centre's
    ``schema:parentOrganization`` is a group). ``kind`` is ``subclass`` or
    ``property``.
    """
    ns = rim(base)
    terms = declared_terms(ontology, ns)
    classes = {t for t, k in terms.items() if k & set(CLASS_TYPES)}
    found = []
    for cls in sorted(classes):
        for sup in ontology.objects(cls, RDFS.subClassOf):
            if sup in classes:
                found.append((str(sup), str(cls), "subclass", ""))
    for prop, kinds in sorted(terms.items()):
        if OWL.ObjectProperty not in kinds:
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for target in ontology.objects(prop, RDFS.range):
                if domain in classes or target in classes:
                    found.append((str(domain), str(target), "property", str(prop)))
    for source, path, target in _shape_links(shapes) if shapes is not None else []:
        if source in classes and target in classes:
            link = (str(source), str(target), "property", str(path))
            if link not in found:
                found.append(link)
    return found


def _shape_links(shapes: rdflib.Graph) -> list[tuple[rdflib.term.Node, ...]]:
    links = []
    for shape in set(shapes.subjects(SH.targetClass, None)):
        for node in [shape, *shapes.objects(shape, SH.property)]:
            path, target = shapes.value(node, SH.path), shapes.value(node, SH["class"])
            if isinstance(path, rdflib.URIRef) and target is not None:
                links += [(c, path, target) for c in shapes.objects(shape, SH.targetClass)]
    return sorted(links)


def layout(nodes: list[str], links: list[tuple[str, str, str, str]]) -> dict[str, tuple[int, int]]:
    """Column and row of each node.

    Column = longest path to the node (back edges ignored); rows are ordered
    by the mean row of each node's neighbours in earlier columns, to cut
    crossings; nodes without any link go to a band under the others.
    """
    outgoing: dict[str, list[str]] = {n: [] for n in nodes}
    linked: set[str] = set()
    for source, target, _, _ in links:
        linked |= {source, target}
        if source != target:
            outgoing[source].append(target)
    order: list[str] = []
    state: dict[str, int] = {}
    forward: set[tuple[str, str]] = set()

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in outgoing[node]:
            if state.get(nxt) is None:
                forward.add((node, nxt))
                visit(nxt)
            elif state[nxt] == 2:
                forward.add((node, nxt))
        state[node] = 2
        order.append(node)

    for node in nodes:
        if node not in state and node in linked:
            visit(node)
    column = {n: 0 for n in linked}
    for node in reversed(order):
        for nxt in outgoing[node]:
            if (node, nxt) in forward:
                column[nxt] = max(column[nxt], column[node] + 1)
    placed: dict[str, tuple[int, int]] = {}
    for col in sorted(set(column.values())):
        members = [n for n in nodes if column.get(n) == col]

        def weight(node: str, col: int = col, members: list[str] = members) -> float:
            rows = [
                placed[s][1]
                for s, t, _, _ in links
                if t == node and s in placed and placed[s][0] < col
            ]
            return sum(rows) / len(rows) if rows else float(members.index(node))

        for row, node in enumerate(sorted(members, key=weight)):
            placed[node] = (col, row)
    width = max((c for c, _ in placed.values()), default=0) + 1
    first = max((r for _, r in placed.values()), default=-1) + 1
    for index, node in enumerate(n for n in nodes if n not in linked):
        placed[node] = (index % width, first + index // width)
    return placed


def _point(p: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """A point of the cubic Bézier curve ``p`` at ``t``."""
    u = 1 - t
    weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
    return (
        sum(w * x for w, (x, _) in zip(weights, p, strict=True)),
        sum(w * y for w, (_, y) in zip(weights, p, strict=True)),
    )


def _curve(a: tuple[float, float], b: tuple[float, float], nth: int) -> list[tuple[float, float]]:
    """Control points from box ``a`` to box ``b`` (top-left corners)."""
    (ax, ay), (bx, by) = a, b
    ay, by = ay + BOX_H / 2, by + BOX_H / 2
    if a == b:  # a property from a class to itself: a loop on its right
        x, reach = ax + BOX_W, 45 + 12 * nth
        return [(x, ay - 8), (x + reach, ay - 30), (x + reach, ay + 30), (x, ay + 8)]
    if bx > ax:
        x1, x2 = ax + BOX_W, bx
    elif bx < ax:
        x1, x2 = ax, bx + BOX_W
    else:  # same column: round the right-hand side
        x1 = x2 = ax + BOX_W
        reach = 40 + 14 * nth
        return [(x1, ay), (x1 + reach, ay), (x2 + reach, by), (x2, by)]
    bend = (x2 - x1) / 2
    return [(x1, ay), (x1 + bend, ay + 6 * nth), (x2 - bend, by + 6 * nth), (x2, by)]


def _free_spot(taken: list[tuple[float, float, float]], x: float, y: float, chars: int) -> float:
    """A height near ``y`` where a label of ``chars`` centred on ``x`` overlaps no other."""
    half = 3.4 * chars
    for step in range(12):
        candidate = y + (step + 1) // 2 * 14 * (1 if step % 2 else -1)
        if all(abs(candidate - ty) >= 14 or abs(x - tx) >= half + th for tx, ty, th in taken):
            taken.append((x, candidate, half))
            return candidate
    taken.append((x, y, half))
    return y


def render_svg(
    ontology: rdflib.Graph,
    base: str,
    lang: str = "en",
    href_prefix: str = "",
    shapes: rdflib.Graph | None = None,
) -> str:
    """The class diagram as a standalone SVG document (UTF-8 text)."""
    links = edges(ontology, base, shapes)
    ns = rim(base)
    classes = {str(t) for t, k in declared_terms(ontology, ns).items() if k & set(CLASS_TYPES)}
    nodes = sorted(classes | {s for s, *_ in links} | {t for _, t, *_ in links})
    where = layout(nodes, links)
    columns = max((c for c, _ in where.values()), default=0) + 1
    rows = max((r for _, r in where.values()), default=0) + 1
    width = MARGIN * 2 + columns * BOX_W + (columns - 1) * COL_GAP + 60
    height = MARGIN * 2 + rows * (BOX_H + ROW_GAP)

    def box(node: str) -> tuple[float, float]:
        col, row = where[node]
        return MARGIN + col * (BOX_W + COL_GAP), MARGIN + row * (BOX_H + ROW_GAP)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">',
        "<title>Classes of the ontology and their links</title>",
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker>'
        '<marker id="triangle" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="white" stroke="#333"/></marker></defs>',
    ]
    labels = []
    pairs: dict[tuple[str, str], int] = {}
    fan: dict[str, int] = {}
    taken: list[tuple[float, float, float]] = []
    for source, target, kind, prop in links:
        key = (min(source, target), max(source, target))
        nth = pairs[key] = pairs.get(key, -1) + 1
        points = _curve(box(source), box(target), nth)
        d = "M{:.0f},{:.0f} C{:.0f},{:.0f} {:.0f},{:.0f} {:.0f},{:.0f}".format(
            *(v for p in points for v in p)
        )
        if kind == "subclass":
            out.append(
                f'<path d="{d}" fill="none" stroke="#333" stroke-dasharray="5,3" '
                f'marker-start="url(#triangle)"><title>subclass of</title></path>'
            )
            continue
        name = label(ontology, rdflib.URIRef(prop), lang) or short(rdflib.URIRef(prop), base)
        out.append(
            f'<path d="{d}" fill="none" stroke="#555" marker-end="url(#arrow)">'
            f"<title>{escape(name)}</title></path>"
        )
        k = fan[source] = fan.get(source, -1) + 1
        if source == target:
            (x, y), anchor = (points[1][0] + 4, points[0][1] + 4 + 14 * nth), "start"
        else:
            (x, y), anchor = _point(points, 0.25 + 0.5 * ((k * 0.37) % 1)), "middle"
        y = _free_spot(taken, x if anchor == "middle" else x + 3.3 * len(name), y, len(name))
        labels.append(
            f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="{anchor}" fill="#124" '
            f'stroke="white" stroke-width="3" paint-order="stroke">{escape(name)}</text>'
        )
    for node in nodes:
        x, y = box(node)
        term = rdflib.URIRef(node)
        ours = node.startswith(ns)
        text = label(ontology, term, lang) if ours else short(term, base)
        fill = "#e8f0fb" if ours else "#f3f3f3"
        link = f"{href_prefix}#{node[len(ns) :]}" if ours else node
        out.append(
            f'<a href="{escape(link)}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" '
            f'rx="5" fill="{fill}" stroke="#357"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle">'
            f"{escape(text or node)}</text></a>"
        )
    out.extend(labels)
    out.append("</svg>")
    return "\n".join(out)
