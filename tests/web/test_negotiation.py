import pytest

from publisher.rdf.formats import RESOURCE, RESULTS
from publisher.web.negotiation import NotAcceptable, negotiate, negotiate_language


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle", "ttl"),
        ("application/x-turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("text/turtle;q=0.5, application/n-triples", "nt"),
        ("application/rdf+xml;q=0.1, application/trig;q=0.2", "trig"),
        ("text/*;q=0.3, application/n-quads;q=0.2", "html"),
        ("text/html;q=0, */*", "jsonld"),
        ("TEXT/TURTLE; charset=utf-8", "ttl"),
    ],
)
def test_accept_header_picks_the_best_offered_format(accept: str | None, expected: str) -> None:
    assert negotiate(accept, RESOURCE).token == expected


def test_token_overrides_accept() -> None:
    assert negotiate("text/html", RESOURCE, token="ttl").token == "ttl"


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "application/pdf, text/csv"])
def test_nothing_fitting_is_not_acceptable_and_lists_the_offer(accept: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(accept, RESOURCE)
    assert "text/turtle" in str(caught.value)


def test_unknown_token_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        negotiate(None, RESULTS, token="docx")


def test_results_formats_accept_plain_json() -> None:
    assert negotiate("application/json", RESULTS).token == "json"


@pytest.mark.parametrize(
    ("header", "param", "expected"),
    [
        (None, None, "fr"),
        ("en-US,en;q=0.9", None, "en"),
        ("de, en;q=0.5, fr;q=0.4", None, "en"),
        ("en", "fr", "fr"),
        ("en", "xx", "en"),
        ("de", None, "fr"),
    ],
)
def test_language(header: str | None, param: str | None, expected: str) -> None:
    assert negotiate_language(header, param) == expected
