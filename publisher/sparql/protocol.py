"""Read a SPARQL 1.1 Protocol query request, with the error cases the W3C suite tests.

A pure function of the request's method, media type and raw bytes, so every case
is tested without a server. Bytes are decoded strictly: a query that is not
UTF-8 is refused, never patched with replacement characters.

>>> parse_request("GET", None, b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fa%2Fg", b"")
QueryRequest(query='ASK {}', default_graphs=('http://a/g',), named_graphs=(), format=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    """One query operation; ``query`` is ``None`` when none was sent (a description)."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def parse_request(
    method: str,
    content_type: str | None,
    query_string: bytes,
    body: bytes,
    max_length: int | None = None,
) -> QueryRequest:
    """The query operation a request asks for.

    :param content_type: the full ``Content-Type`` header, parameters included.
    :param max_length: longest query accepted, in characters.
    :raises BadRequest: two queries, an update, a wrong or missing media type,
        bytes that are not UTF-8 (400).
    :raises RequestEntityTooLarge: a query longer than ``max_length`` (413).
    """
    params = _params(query_string, "the URL")
    if method == "POST":
        media_type, charset = _media_type(content_type)
        if media_type == FORM:
            _check_charset(charset)
            params += _params(body, "the form")
        elif media_type == DIRECT:
            _check_charset(charset)
            if _values(params, "query"):
                raise BadRequest("two queries: one in the URL and one in the body")
            params.append(("query", _decode(body, "the query")))
        elif media_type == UPDATE:
            raise BadRequest("SPARQL Update is not accepted here: /sparql is read-only")
        elif media_type is None:
            raise BadRequest(
                f"a POST needs a Content-Type: {FORM} (query=...) or {DIRECT} (the query itself)"
            )
        else:
            raise BadRequest(f"cannot read a query from {media_type!r}; send {FORM} or {DIRECT}")
    if _values(params, "update") or _values(params, "using-graph-uri"):
        raise BadRequest("SPARQL Update is not accepted here: /sparql is read-only")
    queries = _values(params, "query")
    if len(queries) > 1:
        raise BadRequest(f"{len(queries)} queries in one request; send exactly one 'query'")
    query = queries[0] if queries else None
    if query is not None and max_length is not None and len(query) > max_length:
        raise RequestEntityTooLarge(
            f"the query has {len(query)} characters; the limit is {max_length}"
        )
    formats = _values(params, "format")
    return QueryRequest(
        query=query,
        default_graphs=tuple(_values(params, "default-graph-uri")),
        named_graphs=tuple(_values(params, "named-graph-uri")),
        format=formats[-1] if formats else None,
    )


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type or not content_type.strip():
        return None, None
    media_type, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def _check_charset(charset: str | None) -> None:
    if charset not in {None, "utf-8", "utf8"}:
        raise BadRequest(f"the query must be UTF-8, not {charset}")


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"{what} is not valid UTF-8 (byte {error.start})") from None


def _params(raw: bytes, where: str) -> list[tuple[str, str]]:
    text = _decode(raw, where)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(f"{where} has percent-encoded bytes that are not UTF-8") from None
    except ValueError as error:
        raise BadRequest(f"cannot read the parameters of {where}: {error}") from None


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]
