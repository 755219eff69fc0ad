"""The ``searchset`` Bundle: one page of matches, the total and the paging links."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from publisher.fhir.mapping import Resource


def page_url(
    base_url: str, type_: str, params: Sequence[tuple[str, str]], count: int, offset: int
) -> str:
    """The search URL with ``_count`` and ``_offset`` set (other parameters kept in order).

    >>> page_url("http://h/", "Location", [("name", "a"), ("_offset", "9")], 2, 4)
    'http://h/fhir/Location?name=a&_count=2&_offset=4'
    """
    kept = [(k, v) for k, v in params if k not in ("_count", "_offset")]
    return f"{base_url}fhir/{type_}?" + urlencode(
        [*kept, ("_count", str(count)), ("_offset", str(offset))]
    )


def searchset(
    base_url: str,
    type_: str,
    params: Sequence[tuple[str, str]],
    matches: Sequence[Resource],
    count: int,
    offset: int,
) -> Resource:
    """The Bundle for ``matches[offset:offset + count]`` with self/first/previous/next/last."""
    total = len(matches)
    links = [("self", offset), ("first", 0)]
    if count:
        last = max(0, (total - 1) // count * count)
        if offset > 0:
            links.append(("previous", max(0, offset - count)))
        if offset + count < total:
            links.append(("next", offset + count))
        links.append(("last", last))
    bundle: Resource = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [
            {"relation": relation, "url": page_url(base_url, type_, params, count, start)}
            for relation, start in links
        ],
    }
    page = matches[offset : offset + count] if count else []
    if page:
        bundle["entry"] = [
            {
                "fullUrl": f"{base_url}fhir/{type_}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in page
        ]
    return bundle
