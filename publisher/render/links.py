"""Where a link to an IRI should point, so every IRI the server mints is clickable.

Project identifiers (``{base}id/...``) go to their HTML document, ontology and
shapes terms to their documentation pages, other web IRIs stay as they are.

>>> href("http://h/id/town/frejus", "http://h/", None)
'/doc/town/frejus'
>>> href("http://h/ontology#ImagingCentre", "http://h/", "en")
'/ontology?lang=en#ImagingCentre'
>>> href("https://schema.org/CT", "http://h/", "en")
'https://schema.org/CT'
>>> href("urn:x:y", "http://h/", None) is None
True
"""

from __future__ import annotations

from urllib.parse import quote


def doc_path(iri: str, base_url: str) -> str | None:
    """``/doc/{kind}/{slug}`` for a project identifier, else ``None``."""
    prefix = f"{base_url}id/"
    if iri.startswith(prefix) and len(iri) > len(prefix):
        return "/doc/" + quote(iri[len(prefix) :], safe="/-_.~")
    return None


def href(iri: str, base_url: str, lang: str | None) -> str | None:
    """The URL a page links ``iri`` to; ``lang`` (when the reader chose one) is kept."""
    query = f"?lang={lang}" if lang else ""
    doc = doc_path(iri, base_url)
    if doc is not None:
        return doc + query
    if iri.startswith(base_url):
        path, hash_, fragment = iri[len(base_url) :].partition("#")
        return "/" + path + query + hash_ + fragment
    if iri.startswith(("http://", "https://")):
        return iri
    return None
