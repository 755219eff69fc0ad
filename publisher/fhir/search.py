"""FHIR search over the built resources: the parameter table, parsing and matching.

:data:`PARAMETERS` is the one list of what search supports; the
CapabilityStatement is written from it, so it lists exactly what works. Matching
follows FHIR R4: a string matches when the field starts with the value, ignoring
case and accents (``:exact`` is case- and accent-sensitive equality,
``:contains`` a substring); a token is ``code``, ``system|code``, ``|code`` or
``system|`` (``:text`` matches the concept's text); a reference is ``id``,
``Type/id`` or the absolute URL. A comma means any of the values, a repeated
parameter all of them; an empty parameter is ignored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from werkzeug.datastructures import MultiDict

from publisher.fhir.mapping import Resource
from publisher.fhir.outcome import FhirError

DEFAULT_COUNT = 20
MAX_COUNT = 100
#: ``_format`` values answered (JSON only).
JSON_FORMATS = ("json", "application/json", "application/fhir+json", "application/json+fhir")
MODIFIERS = {"string": ("exact", "contains"), "token": ("text",), "reference": ()}


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _names(resource: Resource) -> list[Any]:
    return [resource.get("name"), *resource.get("alias", [])]


def _cities(resource: Resource) -> list[Any]:
    return [address.get("city") for address in _many(resource.get("address"))]


def _references(key: str) -> Callable[[Resource], list[Any]]:
    return lambda resource: [r.get("reference") for r in _many(resource.get(key))]


@dataclass(frozen=True)
class Parameter:
    """One search parameter of one resource type."""

    name: str
    type: str  # string | token | reference
    expression: str  # the FHIRPath it searches, for the CapabilityStatement
    values: Callable[[Resource], list[Any]] = field(compare=False)
    target: str = ""  # the resource type a bare id refers to


PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "Organization": (
        Parameter("name", "string", "Organization.name | Organization.alias", _names),
        Parameter(
            "partof", "reference", "Organization.partOf", _references("partOf"), "Organization"
        ),
        Parameter("address-city", "string", "Organization.address.city", _cities),
    ),
    "Location": (
        Parameter("name", "string", "Location.name | Location.alias", _names),
        Parameter("address-city", "string", "Location.address.city", _cities),
        Parameter(
            "organization",
            "reference",
            "Location.managingOrganization",
            _references("managingOrganization"),
            "Organization",
        ),
    ),
    "HealthcareService": (
        Parameter(
            "specialty", "token", "HealthcareService.specialty", lambda r: r.get("specialty", [])
        ),
        Parameter(
            "organization",
            "reference",
            "HealthcareService.providedBy",
            _references("providedBy"),
            "Organization",
        ),
        Parameter(
            "location",
            "reference",
            "HealthcareService.location",
            _references("location"),
            "Location",
        ),
        Parameter("name", "string", "HealthcareService.name", lambda r: [r.get("name")]),
    ),
    "Provenance": (Parameter("target", "reference", "Provenance.target", _references("target")),),
}
#: Parameters every type takes: (name, FHIR type, what it does).
COMMON = (
    ("_id", "token", "the logical id; comma-separated ids match any of them"),
    (
        "_count",
        "number",
        f"entries per page, 0 to {MAX_COUNT} (default {DEFAULT_COUNT}); 0 gives the total only",
    ),
    ("_offset", "number", "where a page starts; the Bundle's paging links set it"),
)


@dataclass
class Criterion:
    parameter: Parameter | None  # None for _id
    modifier: str
    values: list[str]


@dataclass
class Query:
    type: str
    criteria: list[Criterion]
    count: int = DEFAULT_COUNT
    offset: int = 0


def split_values(raw: str) -> list[str]:
    """Values separated by unescaped commas (``\\,`` is a literal comma).

    >>> split_values("a,b\\\\,c")
    ['a', 'b,c']
    """
    values, current, escaped = [], "", False
    for char in raw:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ",":
            values.append(current)
            current = ""
        else:
            current += char
    values.append(current)
    return [v for v in values if v]


def _number(name: str, raw: str, highest: int | None) -> int:
    if not raw.isdigit() or (highest is not None and int(raw) > highest):
        limit = f" from 0 to {highest}" if highest is not None else ""
        raise FhirError(400, "invalid", f"{name} must be a whole number{limit}, not {raw!r}")
    return int(raw)


def parse(type_: str, args: MultiDict[str, str]) -> Query:
    """Read the search parameters of a request.

    :raises FhirError: an unknown parameter or modifier, or a bad number (400).
    """
    known = {p.name: p for p in PARAMETERS[type_]}
    query = Query(type_, [])
    for key, raw in args.items(multi=True):
        name, _, modifier = key.partition(":")
        if name == "_format":
            continue  # checked by the view
        if name in ("_count", "_offset") and not modifier:
            value = _number(name, raw, MAX_COUNT if name == "_count" else None)
            setattr(query, name[1:], value)
            continue
        parameter = known.get(name)
        if parameter is None and name != "_id":
            supported = ", ".join([*known, *(c[0] for c in COMMON), "_format"])
            raise FhirError(
                400,
                "not-supported",
                f"unknown search parameter {name!r} for {type_}; supported: {supported}",
            )
        allowed = MODIFIERS[parameter.type] if parameter else ()
        if modifier and modifier not in allowed:
            raise FhirError(
                400, "not-supported", f"modifier :{modifier} is not supported on {name}"
            )
        values = split_values(raw)
        if values:
            query.criteria.append(Criterion(parameter, modifier, values))
    return query


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Case- and accent-free text, typographic apostrophes made plain (cached: the
    same names are folded on every search).

    >>> fold("Saint-Raphaël d’Azur")
    "saint-raphael d'azur"
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _string_match(found: Iterable[Any], wanted: str, modifier: str) -> bool:
    texts = [t for t in found if isinstance(t, str)]
    if modifier == "exact":
        return wanted in texts
    folded = fold(wanted)
    if modifier == "contains":
        return any(folded in fold(t) for t in texts)
    return any(fold(t).startswith(folded) for t in texts)


def _token_match(concepts: Iterable[Any], wanted: str, modifier: str) -> bool:
    concepts = list(concepts)
    if modifier == "text":
        texts = [c.get("text") for c in concepts]
        texts += [coding.get("display") for c in concepts for coding in c.get("coding", [])]
        return _string_match(texts, wanted, "")
    system, bar, code = wanted.rpartition("|") if "|" in wanted else ("", "", wanted)
    for concept in concepts:
        for coding in concept.get("coding", []):
            if bar and system == "" and "system" in coding:
                continue  # |code: a coding without a system
            if bar and system and coding.get("system") != system:
                continue
            if code == "" or coding.get("code") == code:
                return True
    return False


def _reference_match(found: Iterable[Any], wanted: str, target: str, base_url: str) -> bool:
    wanted = wanted.removeprefix(f"{base_url}fhir/")
    for reference in found:
        if not isinstance(reference, str):
            continue
        if "/" in wanted:
            if reference == wanted:
                return True
        elif reference.rsplit("/", 1)[-1] == wanted and (
            not target or reference.startswith(target + "/")
        ):
            return True
    return False


def matches(resource: Resource, criterion: Criterion, base_url: str) -> bool:
    """True when ``resource`` matches any of the criterion's values."""
    parameter = criterion.parameter
    if parameter is None:
        return resource.get("id") in criterion.values
    found = parameter.values(resource)
    for wanted in criterion.values:
        if parameter.type == "string" and _string_match(found, wanted, criterion.modifier):
            return True
        if parameter.type == "token" and _token_match(found, wanted, criterion.modifier):
            return True
        if parameter.type == "reference" and _reference_match(
            found, wanted, parameter.target, base_url
        ):
            return True
    return False


def run(resources: dict[str, Resource], query: Query, base_url: str) -> list[Resource]:
    """Every resource matching all criteria, in id order."""
    return [
        resources[key]
        for key in sorted(resources)
        if all(matches(resources[key], c, base_url) for c in query.criteria)
    ]
