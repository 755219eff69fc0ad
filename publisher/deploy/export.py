"""The linked-data site as static files, rendered by the app itself.

The export drives the Flask app with its test client, so every file is exactly
what the server would answer: the same views, templates and serialisers. It
starts from the home page, the sitemap, VoID, the ontology and shapes, and every
``/id/...`` subject in the store; follows every same-site link it finds; and for
each page that negotiates (``Vary: Accept``) saves one file per format
(``doc/x.html``, ``doc/x.ttl``, ...), and per language for HTML that varies by
``Accept-Language``: ``doc/x.fr.html`` for ``?lang=fr`` and ``doc/x.accept-fr.html``
for ``Accept-Language: fr`` (the pages differ: the first keeps ``?lang`` in links).
Query services (``/sparql``, ``/search``,
``/fragments``, ``/api/``, FHIR search) stay dynamic and are not exported; the
FHIR metadata and every FHIR read URL are (``fhir/{type}/{id}.json``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.test import TestResponse

from publisher.fhir.index import static_paths
from publisher.rdf.formats import RESOURCE, by_media_type
from publisher.rdf.vocabulary import LANGUAGES

#: Where crawling starts besides the store's resources.
SEEDS = ("/", "/sitemap.xml", "/robots.txt", "/.well-known/void", "/ontology", "/shapes")
#: Dynamic services: they answer queries, so a static copy makes no sense.
DYNAMIC = ("/sparql", "/search", "/fragments", "/api", "/healthz")
MAX_PAGES = 100_000
_TEXT_TYPES = ("text/", "application/xml", "application/json", "application/ld+json")
_EXTRA_EXTENSIONS = {
    "application/xml": "xml",
    "text/plain": "txt",
    "text/css": "css",
    "application/json": "json",
    "application/fhir+json": "json",
    "text/javascript": "js",
    "application/javascript": "js",
    "image/svg+xml": "svg",
}


@dataclass
class Export:
    """What an export wrote: file paths (relative to the output folder) by URL path."""

    files: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(names) for names in self.files.values())


def extension_for(media_type: str) -> str | None:
    """The file extension a static server maps back to ``media_type``.

    >>> extension_for("text/turtle; charset=utf-8"), extension_for("application/xml")
    ('ttl', 'xml')
    """
    bare = media_type.split(";", 1)[0].strip().lower()
    if bare in _EXTRA_EXTENSIONS:  # before the formats: application/xml is not RDF/XML here
        return _EXTRA_EXTENSIONS[bare]
    fmt = by_media_type(bare, RESOURCE)
    return fmt.extension if fmt else None


def links(body: str, base_url: str) -> set[str]:
    """Same-site paths a page mentions: relative ``href``/``src`` and absolute base IRIs.

    >>> sorted(links('<a href="/doc/a?lang=en">x</a> <http://h/id/b#it>', "http://h/"))
    ['/doc/a', '/id/b']
    """
    found = set(re.findall(r"""(?:href|src)=["'](/[^"'#?\s]*)""", body))
    prefix = re.escape(base_url)
    found |= {"/" + m for m in re.findall(prefix + r"""([^\s"'<>#?\\)]*)""", body)}
    return {path for path in found if not path.startswith("//")}


def resources(app: Flask) -> list[str]:
    """``/doc/...`` for every ``/id/...`` subject in the store."""
    publication = app.extensions["publisher"]
    base = publication.settings.base_url
    rows = publication.store.select(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}'
    )
    return sorted("/doc/" + str(row["s"])[len(base) + 3 :] for row in rows)


def export_site(app: Flask, out: Path, extra: Iterable[str] = ()) -> Export:
    """Write every page the app serves under ``out``; return what was written."""
    client = app.test_client()
    get = partial(client.get, buffered=True)  # read whole, so files sent are closed
    base_url = app.extensions["publisher"].settings.base_url
    result = Export()
    publication = app.extensions["publisher"]
    fhir = static_paths(publication.store, base_url)
    queue = deque([*SEEDS, *resources(app), *fhir, *extra])
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(DYNAMIC):
            continue
        seen.add(path)
        if path.startswith("/id/"):
            queue.append("/doc/" + path[len("/id/") :])
            continue
        first = get(path)
        if first.status_code != 200:
            result.skipped[path] = first.status_code
            continue
        for response, lang in _variants(get, path, first):
            name = _file_name(path, response, lang)
            if name is None:
                continue
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.get_data())
            result.files.setdefault(path, []).append(name)
            if (response.mimetype or "").startswith(_TEXT_TYPES):
                queue.extend(links(response.get_data(as_text=True), base_url) - seen)
    return result


def _vary(response: TestResponse) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


def _variants(
    get: Callable[..., TestResponse], path: str, first: TestResponse
) -> list[tuple[TestResponse, str]]:
    """Every format (and, for HTML, every language) the page offers."""
    found: list[tuple[TestResponse, str]] = []
    if "accept" in _vary(first):
        for fmt in RESOURCE:
            response = get(path, headers={"Accept": fmt.media_type})
            if response.status_code == 200 and response.mimetype == fmt.media_type:
                found.append((response, ""))
    else:
        found.append((first, ""))
    for response, _ in list(found):
        if response.mimetype == "text/html" and "accept-language" in _vary(response):
            for lang in LANGUAGES:
                asked = get(path, query_string={"lang": lang}, headers={"Accept": "text/html"})
                spoken = get(path, headers={"Accept": "text/html", "Accept-Language": lang})
                for variant, tag in ((asked, lang), (spoken, f"accept-{lang}")):
                    if variant.status_code == 200 and variant.mimetype == "text/html":
                        found.append((variant, tag))
    return found


def _file_name(path: str, response: TestResponse, lang: str) -> str | None:
    """Where the static server will look for this variant (see :mod:`publisher.deploy.nginx`)."""
    extension = extension_for(response.content_type)
    location = urlsplit(response.headers.get("Content-Location", "")).path
    if location and not lang and location.startswith(path.rstrip("/")):
        return location.lstrip("/")
    stem = path + "index" if path.endswith("/") else path
    if lang and extension and PurePosixPath(stem).suffix == f".{extension}":
        stem = stem[: -len(extension) - 1]  # /doc/x.html?lang=fr is /doc/x?lang=fr
    if PurePosixPath(stem).suffix and not lang:
        return stem.lstrip("/")  # sitemap.xml, robots.txt, dumps/x.nq: served as they are
    if extension is None:
        return None
    return f"{stem}.{lang}.{extension}".lstrip("/") if lang else f"{stem}.{extension}".lstrip("/")
