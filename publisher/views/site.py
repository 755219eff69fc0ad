"""The site around the resources: home page, VoID, dumps, sitemap, robots.txt."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import URIRef
from werkzeug.exceptions import HTTPException

from publisher.graph import catalogue, dumps
from publisher.rdf.formats import RDF, Format
from publisher.rdf.labels import fetch_labels, find_label
from publisher.rdf.vocabulary import LANGUAGES
from publisher.render import jsonld, rdf
from publisher.render.linker import Linker
from publisher.render.links import doc_path
from publisher.render.text import TEXT
from publisher.web.context import publication
from publisher.web.negotiation import negotiate, negotiate_language

bp = Blueprint("site", __name__)

#: VoID is data only: Turtle first, so browsers and ``*/*`` get something readable.
VOID_FORMATS: tuple[Format, ...] = tuple(sorted(RDF, key=lambda f: f.token != "ttl"))
EXAMPLES_PER_CLASS = 12
SAMPLE_PER_CLASS = 200


def _lang() -> str:
    return negotiate_language(request.headers.get("Accept-Language"), request.args.get("lang"))


def _stats() -> catalogue.Statistics:
    current = publication()
    base_url = current.settings.base_url
    return current.cache.once(
        "statistics", (), lambda: catalogue.statistics(current.store, base_url)
    )


def _lang_param() -> str | None:
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else None


@bp.get("/")
def home() -> Response:
    """What the dataset is, its classes with counts and examples, and where to go next."""
    lang, lang_param = _lang(), _lang_param()
    body = publication().cache.get("home", (lang, lang_param), lambda: _home(lang, lang_param))
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = lang
    return response


def _home(lang: str, lang_param: str | None) -> bytes:
    current = publication()
    base_url = current.settings.base_url
    stats = _stats()
    grouped = catalogue.entities_by_class(current.store, base_url)
    # Labels are fetched for a bounded sample per class, so a big class stays cheap.
    shown = {c: sorted(members)[:SAMPLE_PER_CLASS] for c, members in grouped.items()}
    things = set(shown) | {e for members in shown.values() for e in members}
    labels = fetch_labels(current.store, (URIRef(t) for t in things))
    linker = Linker(labels, base_url, lang, lang_param)
    classes: list[dict[str, Any]] = []
    for class_iri, members in shown.items():
        examples = sorted((linker.link(URIRef(m)) for m in members), key=lambda x: x.text.lower())
        classes.append(
            {
                "labelled": any(find_label(labels, URIRef(m), lang) for m in members[:5]),
                "link": linker.link(URIRef(class_iri)),
                "iri": class_iri,
                "count": stats.class_counts.get(class_iri, len(grouped[class_iri])),
                "examples": examples[:EXAMPLES_PER_CLASS],
                "more": max(0, len(grouped[class_iri]) - EXAMPLES_PER_CLASS),
            }
        )
    # Unlabelled things (fact nodes) last: they are reached through what they are about.
    classes.sort(key=lambda c: (not c["labelled"], -c["count"], c["link"].text.lower()))
    return render_template(
        "home.html",
        lang=lang,
        t=TEXT[lang],
        classes=classes,
        stats=stats,
        title=catalogue.TITLES[lang],
        description=catalogue.DESCRIPTIONS[lang],
        jsonld=jsonld.script_json(_dataset_jsonld(base_url, lang, current.settings.license)),
        license=current.settings.license,
        site=base_url.rstrip("/"),
    ).encode("utf-8")


def _dataset_jsonld(base_url: str, lang: str, license_url: str) -> dict[str, Any]:
    """The home page's schema.org description: a Dataset and its downloads."""
    return {
        "@context": jsonld.CONTEXT,
        "@type": "Dataset",
        "@id": f"{base_url}.well-known/void#dataset",
        "name": catalogue.TITLES[lang],
        "description": catalogue.DESCRIPTIONS[lang],
        "url": base_url,
        "inLanguage": "fr",
        "license": license_url,
        "isAccessibleForFree": True,
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media_type,
                "contentUrl": f"{base_url}dumps/{name}",
            }
            for name, (media_type, _) in catalogue.DUMPS.items()
        ],
    }


@bp.get("/.well-known/void")
def void() -> Response:
    """VoID and DCAT, in any RDF format; the counts are SPARQL counts of the store."""
    current = publication()
    base_url = current.settings.base_url
    fmt = negotiate(request.headers.get("Accept"), VOID_FORMATS, request.args.get("format") or None)

    def build() -> bytes:
        graph = catalogue.void_graph(_stats(), base_url, current.settings.license, current.version)
        return rdf.serialize(graph, fmt, base_url, f"{base_url}.well-known/void")

    data = current.cache.get("void", fmt.token, build)
    response = Response(data, mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'</.well-known/void?format={f.token}>; rel="alternate"; type="{f.media_type}"'
        for f in VOID_FORMATS
        if f is not fmt
    )
    return response


@bp.get("/dumps/")
def dump_index() -> Response:
    """The list of dump files."""
    lang = _lang()
    files = [
        {"name": name, "media_type": media_type}
        for name, (media_type, _) in catalogue.DUMPS.items()
    ]
    current = publication()
    dataset = _dataset_jsonld(current.settings.base_url, lang, current.settings.license)
    body = render_template(
        "dumps.html",
        lang=lang,
        t=TEXT[lang],
        files=files,
        stats=_stats(),
        jsonld=jsonld.script_json(dataset),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/dumps/<name>")
def dump_file(name: str) -> Response:
    """One dump file; unknown names are 404."""
    if name not in catalogue.DUMPS:
        abort(404, description=f"No dump named {name!r}; see /dumps/.")
    current = publication()
    data = current.cache.once("dump", name, lambda: dumps.build(current.dataset, name))
    response = Response(data, mimetype=catalogue.DUMPS[name][0])
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every HTML page, each with its French and English alternates."""
    body = publication().cache.once("sitemap", (), _sitemap)
    return Response(body, mimetype="application/xml")


def _sitemap() -> bytes:
    current = publication()
    base_url = current.settings.base_url
    root = base_url.rstrip("/")
    rows = current.store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o {catalogue.entity_filter(base_url)} }} "
        "ORDER BY ?s LIMIT 50000"
    )
    pages = ["/", *_served("/ontology", "/shapes", "/search"), "/dumps/"]  # not robots-disallowed
    pages += [path for row in rows if (path := doc_path(str(row["s"]), base_url))]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in pages:
        url = root + path
        lines.append(f"<url><loc>{escape(url)}</loc>")
        for lang in ("fr", "en"):
            alternate = quoteattr(f"{url}?lang={lang}")
            lines.append(f'  <xhtml:link rel="alternate" hreflang="{lang}" href={alternate}/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _served(*paths: str) -> list[str]:
    """The pages among ``paths`` this app has a route for (other views are optional)."""
    adapter = current_app.url_map.bind("")
    found = []
    for path in paths:
        try:
            adapter.match(path, method="GET")
        except HTTPException:
            continue
        found.append(path)
    return found


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers welcome on pages; not on the query endpoints, which cost work."""
    base_url = publication().settings.base_url
    body = (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /sparql\n"
        "Disallow: /fragments\n"
        "Disallow: /api/\n"
        f"Sitemap: {base_url}sitemap.xml\n"
    )
    return Response(body, mimetype="text/plain")
