"""Content and language negotiation as pure functions of the request's headers.

>>> from publisher.rdf.formats import RESOURCE
>>> negotiate("text/turtle;q=0.9, application/ld+json", RESOURCE).token
'jsonld'
>>> negotiate(None, RESOURCE).token
'html'
>>> negotiate_language("en-GB,en;q=0.9,fr;q=0.5", None)
'en'
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from publisher.rdf.formats import Format, by_extension, by_token
from publisher.rdf.vocabulary import LANGUAGES

DEFAULT_LANGUAGE = "fr"


class NotAcceptable(Exception):
    """Nothing offered fits the request; carries what is offered, for the 406 body."""

    def __init__(self, offered: Sequence[Format], asked: str) -> None:
        self.offered = tuple(offered)
        self.asked = asked
        types = ", ".join(f.media_type for f in self.offered)
        super().__init__(f"cannot answer in {asked!r}; available: {types}")


def negotiate(
    accept: str | None,
    offered: Sequence[Format],
    token: str | None = None,
) -> Format:
    """The offered format that best fits ``Accept``, or the one ``token`` names.

    ``token`` (from ``?format=`` or a URL extension) overrides ``Accept``. A
    missing or empty ``Accept`` gets the first offered format; q-values,
    wildcards and ``q=0`` exclusions are honoured; ties go to the order offered.

    :raises NotAcceptable: when nothing offered fits.
    """
    if token:
        chosen = by_token(token, tuple(offered)) or by_extension(token, tuple(offered))
        if chosen is None:
            raise NotAcceptable(offered, token)
        return chosen
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best: tuple[float, Format] | None = None
    for fmt in offered:
        # Aliases count only when named exactly, so wildcards cannot undo a q=0.
        aliases = [q for media_range, q in ranges if media_range in fmt.aliases]
        quality = max([_quality(ranges, fmt.media_type), *aliases])
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, fmt)
    if best is None:
        raise NotAcceptable(offered, accept)
    return best[1]


def parse_accept(accept: str) -> list[tuple[str, float]]:
    """``[(media range, q)]`` from an ``Accept`` header; malformed items are skipped.

    >>> parse_accept("text/html;q=0.5, */*")
    [('text/html', 0.5), ('*/*', 1.0)]
    """
    ranges = []
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        media_range = media_range.lower()
        if media_range.count("/") != 1:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q of the most specific range matching ``media_type`` (0 when none does)."""
    kind = media_type.split("/", 1)[0]
    best_specificity, quality = -1, 0.0
    for media_range, q in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, quality = specificity, q
    return quality


def negotiate_language(accept_language: str | None, asked: str | None) -> str:
    """``fr`` or ``en``: ``?lang=`` wins, then ``Accept-Language``, then French."""
    if asked in LANGUAGES:
        return asked
    if accept_language:
        parsed = parse_accept_header(accept_language, LanguageAccept)
        best = parsed.best_match(LANGUAGES)
        if best:
            return best
    return DEFAULT_LANGUAGE
