"""URL normalisation and the private-address guard.

Agency lists come from spreadsheets, so URLs arrive without schemes, with spaces and with
trailing junk; a crawler pointed at an intranet address must refuse unless told otherwise.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from oitcheck.errors import BadInput


def normalise_start_url(raw: str) -> str:
    """Return a canonical http(s) URL for a user-typed address, or raise BadInput."""
    text = (raw or "").strip()
    if not text:
        raise BadInput("no URL given")
    if "://" not in text:
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):(?!\d)", text, re.I)
        if scheme:
            raise BadInput(f"unsupported URL scheme {scheme.group(1)!r}: use http or https")
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise BadInput(f"unsupported URL scheme {parts.scheme!r}: use http or https")
    host = parts.hostname
    if not host or any(c.isspace() for c in text):
        raise BadInput(f"not a valid URL: {raw!r}")
    try:
        port = parts.port
    except ValueError:
        raise BadInput(f"not a valid port in URL: {raw!r}") from None
    netloc = host.encode("idna").decode("ascii") if not is_ip(host) else host
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port:
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


@lru_cache(maxsize=65536)
def canonical(url: str) -> str:
    """The form URLs are compared in (Scrapy's canonical form: sorted query, no fragment). Cached: every
    page repeats the menu's links, and w3lib's canonicalisation was ~6% of a 2,000-page crawl."""
    try:
        return canonicalize_url(url)
    except ValueError:
        return url


@lru_cache(maxsize=65536)
def site_of(url: str) -> str:
    """A URL's site identity: host without ``www.``, plus the port when it is not 80/443.

    http and https, with and without www, are one agency site.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port not in (None, 80, 443) else host


def is_ip(host: str) -> bool:
    """Whether ``host`` is written as an address (no name to resolve)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_private_ip(address: str) -> bool:
    """Private, loopback, link-local, reserved or unspecified addresses are not public sites."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    """All addresses a host name resolves to (cached: one lookup per host per run)."""
    if is_ip(host):
        return (host,)
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return tuple(sorted({info[4][0] for info in infos}))


def private_address_of(host: str) -> str | None:
    """The first private address ``host`` resolves to, or None (also None when it does not resolve:
    the download then fails with its own DNS error, which is the more useful message)."""
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError):
        return None
    for address in addresses:
        if is_private_ip(address.split("%")[0]):
            return address
    return None
