"""URL normalisation and the private-address guard.

Agency lists come from spreadsheets, so URLs arrive without schemes, with spaces and with
trailing junk; a crawler pointed at an intranet address must refuse unless told otherwise.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
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


def agency_key(url: str) -> str:
    """An agency's identity in the history store and audit-many (history-contract.md): its homepage URL without
    scheme, ``www.``, default port, query or trailing slash, lowercased host (``example.go.th/tambon``)."""
    text = url.strip()
    parts = urlsplit(text if "://" in text else "http://" + text)
    path = re.sub(r"/+$", "", parts.path)
    path = re.sub(r"/(index|default|home)\.(php|html?|aspx?|jsp)$", "", path, flags=re.I)
    return site_of(urlunsplit((parts.scheme or "http", parts.netloc, "/", "", ""))) + path


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


ALLOWED_NETWORKS_VARIABLE = "OITCHECK_ALLOWED_NETWORKS"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (IPv4-compatible, NAT64 well-known and local):
# a name answering ``64:ff9b::7f00:1`` is judged as 127.0.0.1.
_IPV4_IN_LOW_BITS = tuple(ipaddress.ip_network(n) for n in ("::/96", "64:ff9b::/96", "64:ff9b:1::/48"))


def parse_address(address: str) -> IPAddress:
    """An address as a resolver writes it (an IPv6 scope such as ``%eth0`` left out); ValueError if none."""
    return ipaddress.ip_address(address.split("%")[0])


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, 6to4, NAT64, IPv4-compatible), or None."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if any(ip in network for network in _IPV4_IN_LOW_BITS) and int(ip) > 1:  # not ::, ::1 themselves
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_private_ip(address: str) -> bool:
    """Private, loopback, link-local, reserved, multicast or unspecified addresses are not public sites; nor is
    an IPv6 address that stands for such an IPv4 address."""
    ip = parse_address(address)
    inner = embedded_ipv4(ip)
    if inner is not None and (not inner.is_global or inner.is_multicast):
        return True
    return not ip.is_global or ip.is_multicast


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDR blocks (``10.20.0.0/16``, ``127.0.0.1``, ``fd00::/8``) from a setting; BadInput for anything else."""
    networks: list[Network] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise BadInput(f"not a network (CIDR) in OITCHECK_ALLOWED_NETWORKS: {text!r}") from None
    return tuple(networks)


def networks_from_environment() -> list[str]:
    """The networks ``$OITCHECK_ALLOWED_NETWORKS`` allows (comma- or space-separated CIDR blocks): how a user
    (or a test's child process) allows an intranet block for every command without ``--allow-private``."""
    text = os.environ.get(ALLOWED_NETWORKS_VARIABLE, "").strip()
    return re.split(r"[\s,]+", text) if text else []


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses a crawl may connect to: public ones, the private networks named as allowed, or every
    address (``--allow-private``). One rule for the start URL's early check, the downloader and the resolver."""

    allow_private: bool = False
    allowed: tuple[Network, ...] = ()

    @classmethod
    def of(cls, allow_private: bool, networks: Iterable[str] = ()) -> AddressPolicy:
        """The policy of a run: ``--allow-private`` and the allowed networks (the setting's and the
        environment's)."""
        return cls(allow_private, parse_networks([*networks, *networks_from_environment()]))

    def refuses(self, address: str) -> bool:
        """Whether a connection to ``address`` is refused (an unparsable address is refused)."""
        if self.allow_private:
            return False
        try:
            ip = parse_address(address)
        except ValueError:
            return True
        if not is_private_ip(str(ip)):
            return False
        forms = [ip] + ([inner] if (inner := embedded_ipv4(ip)) is not None else [])
        return not any(form in network for form in forms for network in self.allowed
                       if form.version == network.version)

    def refused_among(self, addresses: Iterable[str]) -> str | None:
        """The first refused address of a host's answer, or None: one is enough to refuse the host."""
        return next((address for address in addresses if self.refuses(address)), None)


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    """All addresses a host name resolves to (cached: one lookup per host per run)."""
    if is_ip(host):
        return (host,)
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return tuple(sorted({info[4][0] for info in infos}))


def private_address_of(host: str, policy: AddressPolicy | None = None) -> str | None:
    """The first address ``host`` resolves to that ``policy`` refuses (default: every private one), or None
    (also None when it does not resolve: the download then fails with its own DNS error, which is the more
    useful message). An early check for clear errors; the crawl's resolver checks again at connect time."""
    if policy is not None and policy.allow_private:
        return None
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError):
        return None
    return (policy or AddressPolicy()).refused_among(addresses)
