"""Named partner queries: ``.rq`` files whose header comments declare their parameters.

A header looks like::

    # title: Centres offering a specialty
    # description: The imaging centres that welcome patients in a specialty.
    # param: specialty id:specialty required example=interventional-radiology The specialty.
    # param: lang language default=fr Language of the labels.

Parameter types: ``id:{kind}`` (a slug or the IRI of ``{base}id/{kind}/{slug}``),
``id`` (``kind/slug`` or the IRI), ``iri``, ``language`` (fr, en), ``string``,
``integer``. Values are validated, turned into RDF terms and bound with a
``VALUES`` row at the start of the query's ``WHERE`` block, never pasted into
the text; an optional parameter left out stays unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import rdflib

from publisher.queries import iri_term
from publisher.rdf.vocabulary import LANGUAGES, SLUG
from publisher.search import relations

_HEADER = re.compile(r"#\s*(title|description|param):\s?(.*)")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TYPE = re.compile(r"id(:[a-z]+)?|iri|language|string|integer")
MAX_STRING = 200


class BadParameter(ValueError):
    """A parameter is missing or has the wrong type (HTTP 400)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    description: str
    default: str | None = None
    example: str | None = None

    def pattern(self, base_url: str) -> str | None:
        """The regular expression a value must match (for validation and OpenAPI)."""
        if self.type.startswith("id:"):
            kind = self.type[3:]
            return f"^({SLUG}|{re.escape(f'{base_url}id/{kind}/')}{SLUG})$"
        if self.type == "id":
            return f"^(({re.escape(f'{base_url}id/')})?[a-z]+/{SLUG})$"
        if self.type == "iri":
            return r'^https?://[^\s<>"{}|^`\\]+$'
        if self.type == "integer":
            return r"^-?[0-9]{1,18}$"
        return None

    def term(self, value: str, base_url: str) -> rdflib.URIRef | rdflib.Literal:
        """The RDF term a (string) value stands for.

        :raises BadParameter: the value does not fit the type.
        """
        pattern = self.pattern(base_url)
        if pattern and not re.fullmatch(pattern, value):
            raise BadParameter(f"{self.name}: {value!r} is not {self.describe_type()}")
        if self.type.startswith("id"):
            if value.startswith(base_url):
                return rdflib.URIRef(value)
            kind = f"{self.type[3:]}/" if self.type != "id" else ""
            return rdflib.URIRef(f"{base_url}id/{kind}{value}")
        if self.type == "iri":
            iri_term(value)
            return rdflib.URIRef(value)
        if self.type == "language":
            if value not in LANGUAGES:
                raise BadParameter(f"{self.name} must be one of {', '.join(LANGUAGES)}")
            return rdflib.Literal(value)
        if self.type == "integer":
            return rdflib.Literal(int(value))
        if len(value) > MAX_STRING:
            raise BadParameter(f"{self.name} is limited to {MAX_STRING} characters")
        return rdflib.Literal(value)

    def describe_type(self) -> str:
        if self.type.startswith("id:"):
            return f"a {self.type[3:]} slug or IRI"
        return {
            "id": "kind/slug or an IRI under id/",
            "iri": "an http(s) IRI",
            "integer": "a whole number",
        }.get(self.type, self.type)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def bind(self, args: dict[str, str], base_url: str) -> tuple[str, dict[str, str]]:
        """The runnable query, and the parameter values used (defaults included).

        :raises BadParameter: a required parameter is missing or a value is ill-typed.
        """
        names, terms, used = [], [], {}
        for param in self.parameters:
            value = args.get(param.name, "").strip() or param.default
            if value is None:
                if param.required:
                    raise BadParameter(f"missing parameter {param.name!r}: {param.description}")
                continue
            names.append(f"?{param.name}")
            terms.append(self._n3(param.term(value, base_url)))
            used[param.name] = value
        text = self.text
        if names:
            values = f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"
            where = _WHERE.search(text)
            assert where is not None  # checked when loading
            text = text[: where.end()] + values + text[where.end() :]
        return f"BASE {iri_term(base_url)}\n{text}", used

    @staticmethod
    def _n3(term: rdflib.URIRef | rdflib.Literal) -> str:
        return iri_term(str(term)) if isinstance(term, rdflib.URIRef) else term.n3()


def parse(name: str, source: str) -> NamedQuery:
    """Read the header comments of one ``.rq`` file.

    :raises ValueError: a malformed header, or a parameter the query never uses.
    """
    title, description, parameters = "", [], []
    for line in source.splitlines():
        found = _HEADER.match(line.strip())
        if not found:
            continue
        key, value = found.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description.append(value.strip())
        else:
            parameters.append(_parameter(name, value))
    body = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    body = relations.expand(body)
    if not title or not _WHERE.search(body):
        raise ValueError(f"{name}.rq needs a '# title:' line and a WHERE block")
    for param in parameters:
        if not re.search(rf"\?{param.name}\b", body):
            raise ValueError(f"{name}.rq declares ?{param.name} but never uses it")
    return NamedQuery(name, title, " ".join(description), tuple(parameters), body.strip() + "\n")


def _parameter(query: str, spec: str) -> Parameter:
    words = spec.split()
    if len(words) < 3 or not _TYPE.fullmatch(words[1]) or not re.fullmatch(r"[a-z]\w*", words[0]):
        raise ValueError(f"{query}.rq: bad parameter line {spec!r}")
    name, type_, rest = words[0], words[1], words[2:]
    required, default, example = False, None, None
    while rest and (rest[0] in {"required", "optional"} or "=" in rest[0]):
        flag = rest.pop(0)
        if flag == "required":
            required = True
        elif flag.startswith("default="):
            default = flag[len("default=") :]
        elif flag.startswith("example="):
            example = flag[len("example=") :]
    return Parameter(name, type_, required, " ".join(rest), default, example or default)


@cache
def catalogue() -> dict[str, NamedQuery]:
    """Every ``.rq`` file in this package, by name."""
    found = {}
    for entry in sorted(files("publisher.api").joinpath("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            found[name] = parse(name, entry.read_text(encoding="utf-8"))
    return found
