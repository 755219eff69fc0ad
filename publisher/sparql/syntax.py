"""One readable line for a SPARQL syntax error, instead of the parser's character ranges.

pyoxigraph reports ``error at 3:17: expected one of ABS, ['0'..='9'], "(", [_]``:
where the parse stopped and the tokens its grammar could have read there, some
as Rust character classes. People need the place, the text there and what was
expected, in words; an undeclared prefix is named as such, since the parser
often stops further on without saying so.

>>> readable('error at 1:27: expected one of ",", "}", [_]', "SELECT * WHERE { ?s ?p ?o ")
"SPARQL syntax error at line 1, column 27 (the end of the query): expected ',' or '}'"
>>> readable("error at 1:20: expected OPTIONAL", "SELECT * { ?s x:p ?o }", ["rdf"])[:71]
'SPARQL syntax error at line 1, column 15: the prefix x: is not declared'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

_WHERE = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.DOTALL)
_ITEM = re.compile(r""""(?:[^"\\]|\\.)*"|\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]|[^,\s][^,]*""")
#: Comments, IRIs and strings: where a colon is only text.
_OPAQUE = re.compile(
    r"""#[^\n]*|<[^<>"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\"""",
    re.DOTALL,
)
_DECLARED = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$.:\-])([A-Za-z\u00C0-\U000EFFFF][\w.\-]*|):(?=[\w%])")
_MOST_WORDS = 8
#: What some of the grammar's rule names mean to a person writing a query.
_WORDS = {"IRI parsing failed": "a valid IRI", "Prefix not found": "a declared prefix"}


def readable(
    message: str, query: str, predeclared: Collection[str] = (), prologue: str = ""
) -> str:
    """``message`` from pyoxigraph as one line: line, column, the text there, what was expected.

    :param predeclared: prefixes the endpoint declares, listed when a prefix is unknown.
    :param prologue: text put before ``query`` when it was parsed (by a remote store),
        so the place is given in the query as its author wrote it.
    """
    found = _WHERE.match(message.strip())
    undeclared = _undeclared(query, predeclared)
    if not found:
        if undeclared:
            return _undeclared_message("SPARQL syntax error", undeclared, predeclared)
        return "SPARQL syntax error: " + " ".join(message.split())
    line, column, expected = int(found[1]), int(found[2]), found[3]
    if prologue:
        line -= prologue.count("\n")
        if line == 1:
            column -= len(prologue) - prologue.rfind("\n") - 1
    if undeclared:  # where the prefix is first used, rather than where the parse stopped
        line, column = _first_use(query, undeclared[0])
    where = f"SPARQL syntax error at line {line}, column {column}"
    if undeclared:
        return _undeclared_message(where, undeclared, predeclared)
    lines = query.splitlines() or [""]
    text = lines[line - 1] if line <= len(lines) else ""
    rest = " ".join(text[column - 1 :].split())
    if not rest and line >= len(lines):
        near = "the end of the query"
    else:
        near = "at " + repr(rest if len(rest) <= 20 else rest[:20] + "…") if rest else "line end"
    words = list(dict.fromkeys(_describe(expected)))
    if not words:
        return f"{where} ({near}): this text was not expected"
    if len(words) > _MOST_WORDS:
        words = [*words[:_MOST_WORDS], f"{len(words) - _MOST_WORDS} other tokens"]
    return f"{where} ({near}): expected {' or '.join(words)}"


def _undeclared_message(where: str, undeclared: list[str], predeclared: Collection[str]) -> str:
    names = " and ".join(f"{p}:" for p in undeclared)
    known = ", ".join(f"{p}:" for p in sorted(predeclared)) or "none"
    return (
        f"{where}: the prefix {names} is not declared; add PREFIX {undeclared[0]}: "
        f"<namespace IRI> before the query (declared for you: {known})"
    )


def _blank_opaque(query: str) -> str:
    """``query`` with comments, IRIs and strings blanked out, every offset kept."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), query)


def _first_use(query: str, prefix: str) -> tuple[int, int]:
    """Line and column (from 1) where ``prefix:`` is first used."""
    bare = _blank_opaque(query)
    offset = next((m.start() for m in _USED.finditer(bare) if m[1] == prefix), 0)
    line = bare.count("\n", 0, offset) + 1
    return line, offset - (bare.rfind("\n", 0, offset) + 1) + 1


def _undeclared(query: str, predeclared: Collection[str]) -> list[str]:
    """Prefixes ``query`` uses that neither it nor the endpoint declares."""
    bare = _blank_opaque(query)
    declared = set(_DECLARED.findall(bare))
    used = dict.fromkeys(_USED.findall(bare))
    return [p for p in used if p not in declared and p not in predeclared]


def _describe(expected: str) -> Iterator[str]:
    """Each expected token in words: keywords as they are, punctuation quoted."""
    for item in _ITEM.findall(" ".join(expected.split())):
        item = item.strip()
        if item.startswith('"'):
            yield repr(item[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
        elif item == "[_]":
            continue  # "any character": true everywhere, says nothing
        elif item.startswith("["):
            yield _character_class(item)
        else:
            yield _WORDS.get(item, item)


def _character_class(item: str) -> str:
    """A Rust character class as a person would say it."""
    if "'A'" in item or "'a'" in item:
        return "a name"
    if "'0'" in item:
        return "a digit"
    characters = re.findall(r"'((?:[^'\\]|\\.)*)'", item)
    return " or ".join(repr(c.replace("\\\\", "\\")) for c in characters) or "a character"
