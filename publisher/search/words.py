"""Words as the index compares them: folded (case and accents removed), and how
well a label's words match a query's.

>>> fold("ÉCHOGRAPHIE") == fold("echographie") == ("echographie",)
True
"""

from __future__ import annotations

import re
import sys
import unicodedata

#: How a label matched, best first.
EXACT, PREFIX, WORD = 3, 2, 1

_WORD = re.compile(r"\w+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> tuple[str, ...]:
    """The words of ``text``, lower-cased and without accents.

    >>> fold("Saint-Raphaël, l’IRM")
    ('saint', 'raphael', 'l', 'irm')
    """
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return tuple(sys.intern(word) for word in _WORD.findall(text.casefold()))


def match_level(label: tuple[str, ...], query: tuple[str, ...]) -> int:
    """How well folded ``label`` matches folded ``query``: EXACT, PREFIX, WORD or 0.

    >>> match_level(("irm",), ("irm",)), match_level(("radiologie", "conventionnelle"), ("radio",))
    (3, 2)
    >>> match_level(("radiologie", "interventionnelle"), ("interv",))
    1
    """
    if not query:
        return 0
    if label == query:
        return EXACT
    if label[: len(query) - 1] == query[:-1] and len(label) >= len(query):
        if label[len(query) - 1].startswith(query[-1]):
            return PREFIX
    if all(any(word.startswith(token) for word in label) for token in query):
        return WORD
    return 0
