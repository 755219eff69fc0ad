"""``/ontology`` and ``/shapes``: HTML documentation, or the graph in any RDF format.

Term IRIs ``/ontology#Term`` land on the page's anchor; ``/ontology/Term``
answers ``303 See Other`` to it. The rendering (:func:`render_ontology`) is
shared with ``publisher docs``, which writes it to ``docs/ontology.html``.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, abort, redirect, render_template, request
from rdflib.namespace import DCTERMS

from publisher.config import PROJECT_ROOT
from publisher.graph.publication import Publication
from publisher.graph.sources import graph_iri
from publisher.ontology import diagram
from publisher.ontology import docs as ontology_docs
from publisher.ontology.versions import ontology_version, ontology_version_iri
from publisher.ontology.vocabulary import declared_terms, rim
from publisher.rdf import prefixes
from publisher.rdf.formats import RDF, RESOURCE, Format
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("ontology", __name__)
_CSS = PROJECT_ROOT / "publisher" / "static" / "style.css"


def serialize(pub: Publication, role: str, fmt: Format) -> bytes:
    """One role's named graph in ``fmt`` (quad formats keep the graph name)."""
    graph = ox.NamedNode(graph_iri(pub.dataset.base_url, role))
    quads = [
        q
        for q in ox.parse(pub.dataset.nquads, format=ox.RdfFormat.N_QUADS)
        if q.graph_name == graph
    ]
    items = quads if fmt.quads else [q.triple for q in quads]
    target = fmt.oxigraph
    assert isinstance(target, ox.RdfFormat)
    if target in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        return ox.serialize(items, format=target) or b""
    declared = dict(prefixes.resolve(pub.dataset.base_url))  # rim: and rimsh: under this base
    return ox.serialize(items, format=target, prefixes=declared) or b""


def _meta(pub: Publication, lang: str) -> dict[str, str | None]:
    ontology = pub.dataset.rdflib_graph("ontology")
    iri = f"{pub.dataset.base_url}ontology"
    texts = {}
    for key in ("title", "description"):
        values = {
            o.language: str(o)
            for o in ontology.objects(None, DCTERMS[key])
            if isinstance(o, rdflib.Literal)
        }
        texts[key] = values.get(lang) or next(iter(values.values()), "")
    return {
        "iri": iri,
        "namespace": rim(pub.dataset.base_url),
        "version": ontology_version(ontology),
        "version_iri": ontology_version_iri(ontology),
        **texts,
    }


def render_ontology(pub: Publication, lang: str, static: bool = False) -> str:
    """The documentation page; ``static`` gives a standalone file with absolute links."""
    return pub.cache.once("ontology", (lang, static), lambda: _render(pub, lang, static))


def _render(pub: Publication, lang: str, static: bool) -> str:
    base = pub.dataset.base_url
    root = base if static else "/"
    ontology = pub.dataset.rdflib_graph("ontology")
    shapes = pub.dataset.rdflib_graph("shapes")
    data = pub.dataset.rdflib_graph("data")
    usage = ontology_docs.usage_from_store(pub.store, base)

    def doc_href(iri: str) -> str | None:
        prefix = f"{base}id/"
        return f"{root}doc/{iri[len(prefix) :]}" if iri.startswith(prefix) else None

    sections = ontology_docs.build(ontology, shapes, data, usage, base, lang, doc_href)
    context = {
        "lang": lang,
        "meta": _meta(pub, lang),
        "sections": sections,
        "svg": diagram.render_svg(ontology, base, lang, shapes=shapes, data=data),
        "formats": RDF,
        "root": root,
    }
    if static:
        return render_template(
            "ontology_static.html", css=_CSS.read_text(encoding="utf-8"), **context
        )
    return render_template("ontology.html", **context)


def _answer(role: str, token: str | None) -> Response:
    pub = publication()
    fmt = negotiate(request.headers.get("Accept"), RESOURCE, token or request.args.get("format"))
    lang = negotiate_language(request.headers.get("Accept-Language"), request.args.get("lang"))
    if fmt.token == "html":
        if role == "ontology":
            body = render_ontology(pub, lang)
        else:
            docs = ontology_docs.shape_docs(
                pub.dataset.rdflib_graph("shapes"), pub.dataset.base_url
            )
            body = render_template("shapes.html", lang=lang, shapes=docs, formats=RDF, root="/")
        response = Response(body, mimetype="text/html")
        response.headers["Content-Language"] = lang
    else:
        response = Response(serialize(pub, role, fmt), mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept-Language" if token else "Accept, Accept-Language"
    if not token:
        response.headers["Content-Location"] = f"/{role}.{fmt.extension}"
    response.headers["Link"] = ", ".join(
        f'</{role}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
        for f in RESOURCE
        if f != fmt
    )
    return response


@bp.get("/ontology")
def ontology() -> Response:
    return _answer("ontology", None)


@bp.get("/ontology.<ext>")
def ontology_file(ext: str) -> Response:
    return _answer("ontology", ext)


@bp.get("/ontology/<name>")
def term(name: str) -> Response:
    """A term's slash IRI: 303 to its anchor on the documentation (404 if unknown)."""
    pub = publication()
    ns = rim(pub.dataset.base_url)
    ontology = pub.dataset.rdflib_graph("ontology")
    if name == ontology_version(ontology):
        return redirect("/ontology", code=303)  # type: ignore[return-value]
    terms = {str(t)[len(ns) :] for t in declared_terms(ontology, ns)}
    if name not in terms:
        abort(404, description=f"no term {name!r} in the ontology")
    return redirect(f"/ontology#{name}", code=303)  # type: ignore[return-value]


@bp.get("/shapes")
def shapes() -> Response:
    return _answer("shapes", None)


@bp.get("/shapes.<ext>")
def shapes_file(ext: str) -> Response:
    return _answer("shapes", ext)
