"""Anything anyone sends, on every route: no 5xx, no traceback, nothing reflected as markup.

Property-based across the app's own URL map, so a route added later is covered
without a line here; the partner API is also driven from its OpenAPI document by
schemathesis; and hostile literals in the data stay inert on every page that
shows them, in HTML and in the JSON-LD block.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from tests.conftest import MakeApp, build_app

#: Markup a reflected value must never turn into (it may come back escaped).
MARKER = "<x-probe onclick=1>"
SCRIPT_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def web(make_app: MakeApp) -> Flask:
    return make_app(fresh=True)  # its own client budgets: it sends many bad requests


def _rules(app: Flask) -> list[tuple[str, frozenset[str]]]:
    """Every route with its methods, the static files' route included."""
    return [
        (rule.rule, frozenset(rule.methods or ()))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    ]


_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            MARKER,
            "../../etc/passwd",
            "%00",
            "\x00",
            "é" * 3,
            "<script>alert(1)</script>",
            "\r\nSet-Cookie: x=1",
            "'\"`",
            "9" * 40,
            "-1",
            "centre/frejus",
            "ttl",
            "",
        ]
    ),
)
_PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "query",
            "format",
            "lang",
            "type",
            "town",
            "modality",
            "page",
            "subject",
            "object",
            "predicate",
            "specialty",
            "aspect",
            "centre",
            "limit",
            "default-graph-uri",
            "x",
        ]
    ),
    _TEXT,
    max_size=4,
)
_ACCEPT = st.sampled_from(
    [
        None,
        "*/*",
        "text/html",
        "application/ld+json",
        "text/turtle;q=0.5, application/rdf+xml;q=x",
        "application/sparql-results+json",
        "image/png",
        ";;;,,,",
        "text/html;" + "q=1;" * 50,
    ]
)


def _fill(rule: str, value: str) -> str:
    """The rule's path with each ``<converter:name>`` replaced by ``value``, quoted."""
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", quote(value, safe="/") or "x", rule)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    value=_TEXT,
    params=_PARAMS,
    accept=_ACCEPT,
    language=st.sampled_from([None, "fr", "en;q=0.1, fr", "xx", "*", "fr-FR;q=abc"]),
)
def test_every_route_answers_anything_without_a_server_error(
    web: Flask,
    data: st.DataObject,
    value: str,
    params: dict[str, str],
    accept: str | None,
    language: str | None,
) -> None:
    rule, methods = data.draw(st.sampled_from(_rules(web)))
    method = data.draw(st.sampled_from(sorted(methods - {"OPTIONS"}) or ["GET"]))
    headers = {k: v for k, v in (("Accept", accept), ("Accept-Language", language)) if v}
    path = _fill(rule, value)
    answer = web.test_client().open(path, method=method, query_string=params, headers=headers)
    body = answer.get_data(as_text=True)
    assert answer.status_code < 500, (method, path, params, headers, body[:300])
    assert "Traceback" not in body
    if answer.mimetype == "text/html":
        assert MARKER not in body, (path, params)  # reflected only escaped
    assert "\r" not in "".join(f"{k}{v}" for k, v in answer.headers.items())


# ---------------------------------------------------------------- the API, from its own document


def _api_cases() -> st.SearchStrategy[schemathesis.Case]:
    app = build_app(fresh=True)  # built at import: no fixture reaches here
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return st.one_of([result.ok().as_strategy() for result in schema.get_all_operations()])


@settings(max_examples=300, deadline=None)
@given(case=_api_cases())
def test_the_api_answers_as_its_openapi_document_says(case: schemathesis.Case) -> None:
    """Statuses, media types, headers and bodies as documented, and never a 5xx.

    Schema-valid values may still be refused: the document types an IRI
    parameter as a string, and a string that is not an IRI is a 400.
    """
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])


# ---------------------------------------------------------------- hostile data stays inert


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_hostile_literals_are_inert_on_every_page(injected_app: Flask) -> None:
    """Crawl the site over data with markup in its labels: text everywhere, markup nowhere."""
    client = injected_app.test_client()
    seen: set[str] = set()
    queue = ["/", "/search?q=bold", "/search?q=frejus", "/fragments", "/ontology", "/api/"]
    shown = 0
    while queue and len(seen) < 400:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path, headers={"Accept": "text/html"})
        if answer.mimetype != "text/html":
            continue
        html = answer.get_data(as_text=True)
        shown += "alert(" in html
        assert "<script>alert" not in html and "<b>bold" not in html, path
        for block in SCRIPT_BLOCK.findall(html):
            assert "</" not in block, path
            json.loads(block)
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            parts = urlsplit(href)
            if not parts.netloc or parts.netloc == "localhost":
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if (
                    local.startswith(("/doc/", "/search", "/ontology", "/"))
                    and "/dumps/" not in local
                ):
                    queue.append(local)
    assert shown >= 3  # the hostile text was really on the pages, as text
