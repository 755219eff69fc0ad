"""Reading a query request: every case of the protocol, as a pure function."""

import pytest
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from publisher.sparql.protocol import parse_request


def test_get_form_and_direct_post_give_the_same_request() -> None:
    get = parse_request(
        "GET", None, b"query=ASK+%7B%7D&named-graph-uri=http%3A%2F%2Fh%2Fg&format=json", b""
    )
    form = parse_request(
        "POST",
        "application/x-www-form-urlencoded",
        b"",
        b"query=ASK+%7B%7D&named-graph-uri=http%3A%2F%2Fh%2Fg&format=json",
    )
    direct = parse_request(
        "POST",
        "application/sparql-query; charset=UTF-8",
        b"named-graph-uri=http%3A%2F%2Fh%2Fg&format=json",
        b"ASK {}",
    )
    assert get == form == direct
    assert get.query == "ASK {}" and get.named_graphs == ("http://h/g",) and get.format == "json"


def test_no_query_is_a_description_request() -> None:
    assert parse_request("GET", None, b"", b"").query is None


@pytest.mark.parametrize(
    ("method", "content_type", "query_string", "body", "message"),
    [
        ("GET", None, b"query=ASK{}&query=ASK{}", b"", "2 queries"),
        ("POST", "application/sparql-query", b"query=ASK{}", b"ASK {}", "two queries"),
        ("POST", "application/x-www-form-urlencoded", b"query=ASK{}", b"query=ASK{}", "2 q"),
        ("POST", None, b"", b"query=ASK{}", "needs a Content-Type"),
        ("POST", "text/plain", b"", b"ASK {}", "cannot read a query from 'text/plain'"),
        (
            "POST",
            "application/sparql-query; charset=UTF-16",
            b"",
            "ASK {}".encode("utf-16"),
            "UTF-8",
        ),
        ("POST", "application/sparql-query", b"", "ASK { ?s ?p 'é' }".encode("latin-1"), "UTF-8"),
        ("GET", None, b"query=ASK%20%7B%20%3Fs%20%3Fp%20%27%E9%27%20%7D", b"", "not UTF-8"),
        ("POST", "application/x-www-form-urlencoded", b"", b"query=%E9", "not UTF-8"),
        ("GET", None, b"update=DROP+ALL", b"", "Update"),
        ("POST", "application/sparql-update", b"", b"DROP ALL", "Update"),
        ("POST", "application/x-www-form-urlencoded", b"", b"update=DROP+ALL", "Update"),
    ],
)
def test_protocol_errors_are_400(
    method: str, content_type: str | None, query_string: bytes, body: bytes, message: str
) -> None:
    with pytest.raises(BadRequest, match=message):
        parse_request(method, content_type, query_string, body)


def test_too_long_is_413() -> None:
    with pytest.raises(RequestEntityTooLarge):
        parse_request("GET", None, b"query=" + b"A" * 101, b"", max_length=100)
    assert parse_request("GET", None, b"query=" + b"A" * 100, b"", max_length=100).query
