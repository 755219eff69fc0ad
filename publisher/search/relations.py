"""How one kind of thing reaches another: the relations partner queries and search share.

A centre offers a modality when one of its specialties uses it, directly or
through an aspect or a procedure of that specialty. The partner query
``centres-by-modality`` and the search facet ``modality`` must agree on that,
so it is written once, here, as a SPARQL group pattern from ``?from`` to ``?to``;
``.rq`` files include it as ``{{specialty-modality ?specialty ?modality}}``
and the search index runs it for its facets.

>>> print(expand("{{uses-modality ?x ?m}}"))
{ ?x rim:usesModality|rim:imageGuidedBy ?m }
"""

from __future__ import annotations

import re
from functools import partial

import rdflib

from publisher.queries import iri_term

#: Name → a group pattern relating ``?from`` to ``?to``. Helper variables start with
#: ``?rel`` so they never meet a query's own. Prefixes: ``rim:`` and ``schema:``.
RELATIONS: dict[str, str] = {
    "uses-modality": "{ ?from rim:usesModality|rim:imageGuidedBy ?to }",
    "specialty-modality": (
        "{ {{uses-modality ?from ?to}} }"
        " UNION { ?from rim:hasAspect ?relAspect . {{uses-modality ?relAspect ?to}} }"
        " UNION { ?from rim:hasAspect/rim:comprisesProcedure ?relProcedure ."
        " {{uses-modality ?relProcedure ?to}} }"
    ),
    "aspect-modality": (
        "{ {{uses-modality ?from ?to}} }"
        " UNION { ?from rim:comprisesProcedure ?relStep . {{uses-modality ?relStep ?to}} }"
    ),
    "centre-modality": (
        "{ ?from schema:medicalSpecialty ?relSpecialty . {{specialty-modality ?relSpecialty ?to}} }"
    ),
}

#: Search facets that follow a relation: (relation, kind of the entry, kind of the value).
FACET_RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("centre-modality", "centre", "modality"),
    ("specialty-modality", "specialty", "modality"),
    ("aspect-modality", "aspect", "modality"),
)

_USE = re.compile(r"\{\{([a-z-]+) (\?\w+) (\?\w+)\}\}")
_ENDS = re.compile(r"\?(from|to)\b")


def expand(text: str) -> str:
    """``text`` with every ``{{relation ?a ?b}}`` replaced by its pattern.

    :raises KeyError: naming an unknown relation.
    """
    for _ in range(8):  # relations include relations, a few levels deep at most
        found = _USE.search(text)
        if not found:
            return text
        name, start, end = found.groups()
        if name not in RELATIONS:
            raise KeyError(f"no relation named {name!r}; known: {', '.join(RELATIONS)}")
        ends = {"?from": start, "?to": end}
        pattern = _ENDS.sub(partial(_end, ends), RELATIONS[name])
        text = text[: found.start()] + pattern + text[found.end() :]
    raise ValueError("relations nest too deeply")


def _end(ends: dict[str, str], match: re.Match[str]) -> str:
    return ends[match[0]]


def pairs_query(relation: str, base_url: str, from_kind: str, to_kind: str) -> str:
    """Every (?from, ?to) pair of a relation between ``id/{from_kind}/`` and ``id/{to_kind}/``."""
    starts = {kind: rdflib.Literal(f"{base_url}id/{kind}/").n3() for kind in (from_kind, to_kind)}
    pattern = expand("{{" + relation + " ?from ?to}}")
    return (
        f"PREFIX rim: {iri_term(base_url + 'ontology#')}\nPREFIX schema: <https://schema.org/>\n"
        f"SELECT DISTINCT ?from ?to WHERE {{ {pattern}"
        f" FILTER(STRSTARTS(STR(?from), {starts[from_kind]})"
        f" && STRSTARTS(STR(?to), {starts[to_kind]})) }}"
    )
