"""The crawl's name resolver: the address checked is the address connected to.

Checking a host's addresses and then letting Twisted look the name up again to connect leaves a gap: a
name that answers a public address first and 127.0.0.1 next (DNS rebinding) passes the check and is
connected to at the private address. Installed as Twisted's name resolver (``TWISTED_DNS_RESOLVER``), this
resolver looks every host up once, judges the whole answer by the run's ``AddressPolicy`` and hands the
connection only the addresses it judged: a refused host gets none, so its connection fails before a packet is
sent. It caches the judged answer (never a second lookup), and tells ``PrivateAddressMiddleware`` which hosts
it refused, so the record says ``private_address`` rather than ``dns``.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import HostResolution, dnscache
from scrapy.utils.datatypes import LocalCache
from twisted.internet import defer
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from zope.interface import implementer

from oitcheck.net import AddressPolicy, is_ip, parse_address

# Hosts remembered as refused, at most (a crawl meets far fewer hosts; the memory stays bounded).
MAX_REFUSED = 10000


class PrivateAddressRefused(IgnoreRequest):
    """A request to a host that is, or resolves to, a refused (private, loopback, link-local...) address."""


def refusal_detail(host: str, address: str) -> str:
    """The record's one-line detail for a refused host."""
    return f"{host} resolves to the private address {address}"


@dataclass(frozen=True)
class Answer:
    """One lookup of a host, judged: the addresses it returned and the one that got it refused, if any."""

    host: str
    addresses: tuple[str, ...]
    refused: str | None = None

    @property
    def usable(self) -> tuple[str, ...]:
        """The addresses a connection may use: all of them, or none when one was refused."""
        return () if self.refused else self.addresses


def twisted_address(address: str, port: int) -> IPv4Address | IPv6Address:
    """Twisted's address object for a checked address (an IPv6 scope kept for the connection)."""
    if parse_address(address).version == 6:
        return IPv6Address("TCP", address, port)
    return IPv4Address("TCP", address, port)


@implementer(IHostnameResolver)
class GuardedResolver:
    """Looks hosts up (IPv4 and IPv6, in the reactor's thread pool, within ``DNS_TIMEOUT``), refuses the ones
    the policy refuses, and caches judged answers (``DNSCACHE_ENABLED``/``DNSCACHE_SIZE``).

    Built like Scrapy's own resolvers (``from_crawler(crawler, reactor)``, then ``install_on_reactor``);
    ``lookup`` is the one blocking call, so tests script answers by overriding it."""

    def __init__(self, reactor: Any, policy: AddressPolicy, timeout: float = 60.0, cache_size: int = 10000) -> None:
        self.reactor = reactor
        self.policy = policy
        self.timeout = timeout
        self.answers: LocalCache[str, Answer] | None = LocalCache(cache_size) if cache_size > 0 else None
        self.refused: LocalCache[str, str] = LocalCache(MAX_REFUSED)  # host -> the address that got it refused
        self.lookups = 0
        self._waiting: dict[str, list[Deferred[Answer]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        settings = crawler.settings
        size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        policy = AddressPolicy.of(settings.getbool("OITCHECK_ALLOW_PRIVATE"),
                                  settings.getlist("OITCHECK_ALLOWED_NETWORKS"))
        return cls(reactor, policy, settings.getfloat("DNS_TIMEOUT"), size)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def lookup(self, host: str) -> list[str]:
        """Every address ``host`` resolves to, in the system's order (blocking: runs in a thread)."""
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    def start_lookup(self, host: str) -> Deferred[list[str]]:
        """``lookup`` in the reactor's thread pool, abandoned after ``DNS_TIMEOUT`` seconds."""
        started: Deferred[list[str]] = deferToThreadPool(self.reactor, self.reactor.getThreadPool(), self.lookup, host)
        if self.timeout > 0:
            started.addTimeout(self.timeout, self.reactor)
        return started

    def check(self, host: str) -> Deferred[Answer]:
        """The judged answer for ``host``: from the cache, or from one lookup shared by every caller asking
        meanwhile. An address literal is judged as it is, without a lookup. Fails when the lookup fails."""
        if is_ip(host):
            return defer.succeed(self._judge(host, [host]))
        if self.answers is not None and (cached := self.answers.get(host)) is not None:
            return defer.succeed(cached)
        result: Deferred[Answer] = Deferred()
        if host in self._waiting:
            self._waiting[host].append(result)
            return result
        self._waiting[host] = [result]
        self.lookups += 1
        looked_up = self.start_lookup(host)
        looked_up.addCallback(lambda addresses: self._judge(host, addresses))
        looked_up.addBoth(self._settle, host)
        return result

    def checked_address(self, host: str) -> str | None:
        """An address of ``host`` this crawl checked and may connect to (for side connections such as the
        certificate check), or None when none was checked or the host was refused."""
        if is_ip(host):
            return None if self.policy.refuses(host) else host
        answer = self.answers.get(host) if self.answers is not None else None
        return answer.usable[0] if answer is not None and answer.usable else None

    def _judge(self, host: str, addresses: Sequence[str]) -> Answer:
        answer = Answer(host, tuple(addresses), self.policy.refused_among(addresses))
        if answer.refused:
            self.refused[host] = answer.refused
        if self.answers is not None and not is_ip(host):
            self.answers[host] = answer
            first_ipv4 = next((a for a in answer.usable if parse_address(a).version == 4), None)
            if first_ipv4:  # what oitcheck.slots files the host's requests under: the checked address
                dnscache[host] = first_ipv4
        return answer

    def _settle(self, result: Answer | Failure, host: str) -> None:
        for waiting in self._waiting.pop(host, []):
            if isinstance(result, Failure):
                waiting.errback(result)
            else:
                waiting.callback(result)

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        """Twisted's entry point for every connection by name: only checked addresses are delivered; a
        refused host or a failed lookup delivers none, and the connection fails as a DNS failure."""
        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        wanted = tuple(addressTypes or (IPv4Address, IPv6Address))

        def deliver(answer: Answer) -> None:
            for address in answer.usable:
                found = twisted_address(address, portNumber)
                if isinstance(found, wanted):
                    resolutionReceiver.addressResolved(found)

        checked = self.check(hostName)
        checked.addCallback(deliver)
        checked.addErrback(lambda _: None)  # no address: the connection reports the DNS failure
        checked.addBoth(lambda _: resolutionReceiver.resolutionComplete())
        return resolution


def installed_resolver() -> GuardedResolver | None:
    """The guarded resolver of this process's reactor, when a crawl installed one (never installs a reactor)."""
    reactor = sys.modules.get("twisted.internet.reactor")
    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, GuardedResolver) else None
