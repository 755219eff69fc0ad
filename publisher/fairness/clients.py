"""Who the client is: the socket's peer, or a header the operator's proxy sets.

A header is read only when the settings name it (``client_address_header``);
otherwise anyone could claim any address. From a list such as
``X-Forwarded-For: spoofed, real`` the last entry counts: it is the one the
trusted proxy appended. An IPv6 client is its /64 network, since one host
usually owns a whole /64. Addresses become salted digests: the salt is new for
every server, so nobody can pick addresses that collide in the table.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets

from flask import Request

#: Digests remembered per process, so a returning client costs a dict lookup.
KNOWN = 4096


def client_address(request: Request, header: str) -> str:
    """The address the limits apply to.

        >>> from werkzeug.test import EnvironBuilder
        >>> from flask import Request

    #: Digests remembered per process, so a returning client costs a dict lookup.
    KNOWN = 4096
        >>> req = Request(EnvironBuilder(headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.7"},
        ...     environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ())
        >>> client_address(req, ""), client_address(req, "X-Forwarded-For")
        ('127.0.0.1', '10.0.0.7')
    """
    if header:
        value = request.headers.get(header, "")
        last = value.rsplit(",", 1)[-1].strip()
        if last:
            return normalise(last)
    return normalise(request.remote_addr or "")


def normalise(address: str) -> str:
    """One spelling per client: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 as its /64.

    >>> normalise("2001:db8::1"), normalise("::ffff:10.0.0.1"), normalise("not an ip")
    ('2001:db8::/64', '10.0.0.1', 'not an ip')
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class Identifier:
    """Turns a request into the client's 16-byte digest."""

    def __init__(self, header: str) -> None:
        self.header = header
        self._salt = secrets.token_bytes(16)
        self._known: dict[tuple[str, str], bytes] = {}  # (header, peer) → digest

    def digest(self, request: Request) -> bytes:
        header = request.headers.get(self.header, "") if self.header else ""
        raw = (header, request.remote_addr or "")
        known = self._known.get(raw)
        if known is None:
            address = client_address(request, self.header)
            known = hashlib.blake2b(address.encode(), digest_size=16, key=self._salt).digest()
            if len(self._known) >= KNOWN:
                self._known.clear()
            self._known[raw] = known
        return known
