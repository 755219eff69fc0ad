"""Who writes to a remote store, and where: credentials and the server's write URLs.

Reading needs neither; loading (:mod:`publisher.store.loader`) needs both.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

USER_VARIABLE, PASSWORD_VARIABLE = "PUBLISHER_STORE_USER", "PUBLISHER_STORE_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """Who writes to the store (HTTP digest or basic). Read from the environment only."""

    user: str
    password: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
        return cls(user, password) if user and password is not None else None


def sibling_url(query_url: str, path: str) -> str:
    """``path`` on the query endpoint's server, e.g. Oxigraph's ``/update`` beside ``/query``.

    >>> sibling_url("http://host:7878/query", "/store")
    'http://host:7878/store'
    """
    parts = urlsplit(query_url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def conventional_urls(query_url: str) -> tuple[str, str | None]:
    """The update and Graph Store URLs a server puts beside its query endpoint.

    >>> conventional_urls("http://h:7878/query")  # Oxigraph server
    ('http://h:7878/update', 'http://h:7878/store')
    >>> conventional_urls("http://h:8890/sparql")  # Virtuoso: the authenticated endpoints
    ('http://h:8890/sparql-auth', 'http://h:8890/sparql-graph-crud-auth')
    >>> conventional_urls("http://h:3030/ds/query")  # Fuseki
    ('http://h:3030/ds/update', 'http://h:3030/ds/data')
    """
    path = urlsplit(query_url).path.rstrip("/")
    if path == "/query":
        return sibling_url(query_url, "/update"), sibling_url(query_url, "/store")
    if path.endswith("/sparql"):
        return query_url.rstrip("/") + "-auth", sibling_url(
            query_url, path[: -len("sparql")] + "sparql-graph-crud-auth"
        )
    if path.endswith("/query"):
        root = path[: -len("/query")]
        return sibling_url(query_url, root + "/update"), sibling_url(query_url, root + "/data")
    return query_url, None


def opener(
    credentials: Credentials | None, urls: Iterable[str | None]
) -> urllib.request.OpenerDirector:
    """An HTTP client that answers digest or basic challenges from ``urls`` with
    ``credentials`` (a plain client without them)."""
    if not credentials:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in urls:
        if url:
            passwords.add_password(None, url, credentials.user, credentials.password)
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )
