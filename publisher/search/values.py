"""What a facet or ``/api/`` parameter value names, as a person writes it.

A value is an IRI, a slug (``ct``), a term for ``type`` (``ImagingCentre``,
``schema:MedicalClinic``) or a label in French or English, in any case, with or
without accents. A value that names nothing is a 400 listing the valid values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from werkzeug.exceptions import BadRequest

from publisher.search.index import FACETS, SearchIndex
from publisher.search.render import PREFIXES, TERM, short_value

_IRI = re.compile(r"https?://[^\x00-\x20<>\"{}|^`\\]+")


def term_iri(value: str, base_url: str) -> str | None:
    """The IRI a type written as a term or an IRI names, if it is written so.

    >>> term_iri("schema:MedicalClinic", "http://x/"), term_iri("ImagingCentre", "http://x/")
    ('https://schema.org/MedicalClinic', 'http://x/ontology#ImagingCentre')
    """
    if _IRI.fullmatch(value):
        return value
    term = TERM.fullmatch(value)
    if term and (term.group(1) is None or term.group(1) in PREFIXES or term.group(1) == "rim"):
        prefix = term.group(1) or "rim"
        namespace = f"{base_url}ontology#" if prefix == "rim" else PREFIXES[prefix]
        return namespace + term.group(2)
    return None


def facet_iris(idx: SearchIndex, name: str, value: str, base_url: str, language: str) -> list[str]:
    """The IRIs a facet value names: an IRI, a slug (a term for ``type``), or a label
    in French or English, in any case, with or without accents.

    :raises BadRequest: nothing of the facet's kind answers to ``value``; the message
        lists the valid values.
    """
    candidates = idx.values(name, base_url)
    if FACETS[name] is None:
        iri = term_iri(value, base_url)
        if iri in candidates:
            return [iri]
    found = idx.resolve(value, candidates)
    if found:
        return found
    valid = choices(idx, name, base_url, language)
    raise BadRequest(f"{name}: nothing is called {value!r}; {valid}")


def choices(idx: SearchIndex, name: str, base_url: str, language: str) -> str:
    """The valid values of a facet, each as written in a link, with its label."""
    values = idx.values(name, base_url)
    return valid_values(idx, values, language, lambda iri: short_value(name, iri, base_url))


def valid_values(
    idx: SearchIndex, iris: list[str], language: str, written: Callable[[str], str], most: int = 60
) -> str:
    """``valid values: a (label), b (label), …`` for an error message."""
    shown = [f"{written(iri)} ({idx.name(iri, language)})" for iri in iris]
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"valid values: {', '.join(shown[:most])}{more}"


def thing_iri(idx: SearchIndex, name: str, kind: str, value: str, base_url: str, lang: str) -> str:
    """The one thing of ``kind`` a parameter names as a person writes it (for ``/api/``).

    :raises BadRequest: nothing, or more than one thing, answers to ``value``.
    """
    candidates = idx.things(kind, base_url)
    found = idx.resolve(value, candidates)
    if len(found) == 1:
        return found[0]
    if found:
        listed = valid_values(idx, found, lang, _slug).replace("valid values", "it may be")
        raise BadRequest(f"{name}: {value!r} names more than one {kind}; {listed}")
    valid = valid_values(idx, candidates, lang, _slug)
    raise BadRequest(f"{name}: nothing is called {value!r}; {valid}")


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
