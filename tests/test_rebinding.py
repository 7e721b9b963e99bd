"""The address checked is the address connected to: ``oitcheck.resolver.GuardedResolver``.

A DNS-rebinding name answers an allowed address to the check and a refused one to the connection. Here
``ScriptedResolver`` answers names from a script (a cycle of answers per name) instead of the system's DNS.
The unit tests drive the resolver as Twisted does (``resolveHostName`` with a receiver); the crawl tests run
the real spider in a child process against two servers on one port: 127.0.0.1 (allowed through
``OITCHECK_ALLOWED_NETWORKS``, the "public" site) and 127.0.0.2 (private, refused), and check on the refused
server's own request count that it was never connected to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError
from scrapy.resolver import dnscache
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from oitcheck.middlewares import PrivateAddressMiddleware
from oitcheck.net import AddressPolicy
from oitcheck.resolver import GuardedResolver, PrivateAddressRefused
from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter


class ScriptedResolver(GuardedResolver):
    """The guarded resolver with scripted lookups: ``OITCHECK_TEST_ANSWERS`` maps a name to a list of answers
    (each a list of addresses), given in turn, the last one for every later lookup; other names are looked up
    as usual. Every lookup is recorded in ``asked``."""

    script: dict[str, list[list[str]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> ScriptedResolver:
        resolver = super().from_crawler(crawler, reactor)
        assert isinstance(resolver, ScriptedResolver)
        resolver.script = dict(crawler.settings.getdict("OITCHECK_TEST_ANSWERS"))
        return resolver

    @property
    def asked(self) -> list[str]:
        return self.__dict__.setdefault("_asked", [])

    def lookup(self, host: str) -> list[str]:
        self.asked.append(host)
        if host in self.script:
            answers = self.script[host]
            return list(answers[min(self.asked.count(host), len(answers)) - 1])
        return super().lookup(host)


class Synchronous(ScriptedResolver):
    """Scripted lookups answered at once, without a reactor or a thread (unit tests)."""

    def start_lookup(self, host: str) -> Deferred[list[str]]:
        try:
            return defer.succeed(self.lookup(host))
        except OSError as exc:
            return defer.fail(exc)


@implementer(IResolutionReceiver)
class Receiver:
    """What a Twisted connection would be handed."""

    def __init__(self) -> None:
        self.addresses: list[Any] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802 - Twisted's name
        self.name = resolution.name

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        self.addresses.append(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.complete = True


def connect_to(resolver: GuardedResolver, host: str, port: int = 80, types: list[Any] | None = None) -> list[str]:
    """The addresses a connection to ``host`` would be made to (as Twisted's HostnameEndpoint asks)."""
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, port, types)
    assert receiver.complete and receiver.name == host
    assert all(a.port == port for a in receiver.addresses)
    return [a.host for a in receiver.addresses]


@pytest.fixture(autouse=True)
def _clean_dnscache() -> Iterator[None]:
    yield
    for name in ("rebind.test", "mixed.test", "v6.test", "mapped.test", "www.agency.example", "intranet.test"):
        dnscache.pop(name, None)


def resolver(script: dict[str, list[list[str]]], **settings: Any) -> Synchronous:
    crawler = get_crawler(settings_dict={"OITCHECK_TEST_ANSWERS": script, **settings})
    built = build_from_crawler(Synchronous, crawler, reactor=None)
    assert isinstance(built, Synchronous)
    return built


REBIND = {"rebind.test": [["8.8.8.8"], ["127.0.0.1"]]}  # public first, loopback next


def test_the_checked_answer_is_the_one_connected_to():
    guard = resolver(REBIND)
    assert connect_to(guard, "rebind.test", 8080) == ["8.8.8.8"]
    assert connect_to(guard, "rebind.test", 443) == ["8.8.8.8"]  # the cached checked answer, no new lookup
    assert guard.asked == ["rebind.test"] and guard.lookups == 1
    assert dnscache.get("rebind.test") == "8.8.8.8"  # what Scrapy's slots read is the checked address too


def test_without_a_cache_every_connection_is_checked_again():
    guard = resolver(REBIND, DNSCACHE_ENABLED=False)
    assert connect_to(guard, "rebind.test") == ["8.8.8.8"]
    assert connect_to(guard, "rebind.test") == []  # the second answer is loopback: nothing to connect to
    assert guard.refused.get("rebind.test") == "127.0.0.1"
    assert connect_to(guard, "rebind.test") == []
    assert guard.asked == ["rebind.test"] * 3 and "rebind.test" not in dnscache


def test_one_refused_address_refuses_the_host_and_a_refusal_is_kept():
    guard = resolver({"mixed.test": [["8.8.4.4", "192.168.1.5"], ["8.8.4.4"]]})
    assert connect_to(guard, "mixed.test") == []
    assert connect_to(guard, "mixed.test") == []  # the refusal is the cached answer: no second lookup
    assert guard.refused.get("mixed.test") == "192.168.1.5" and guard.asked == ["mixed.test"]


def test_ipv6_and_ipv4_mapped_answers():
    guard = resolver({"v6.test": [["2001:4860:4860::8888", "8.8.8.8"]], "mapped.test": [["::ffff:127.0.0.1"]]})
    receiver = Receiver()
    guard.resolveHostName(receiver, "v6.test", 80)
    assert [type(a) for a in receiver.addresses] == [IPv6Address, IPv4Address]
    assert connect_to(guard, "v6.test", types=[IPv4Address]) == ["8.8.8.8"]  # what reactor.resolve asks for
    assert connect_to(guard, "mapped.test") == [] and guard.refused.get("mapped.test") == "::ffff:127.0.0.1"


@pytest.mark.parametrize("literal", ["127.0.0.1", "::1", "10.0.0.1", "169.254.169.254"])
def test_literals_are_judged_without_a_lookup(literal: str):
    guard = resolver({})
    assert connect_to(guard, literal) == [] and guard.asked == [] and guard.refused.get(literal) == literal
    assert connect_to(guard, "8.8.8.8") == ["8.8.8.8"]


def test_allowed_networks_and_allow_private_come_from_the_settings():
    allowed = resolver(REBIND, DNSCACHE_ENABLED=False, OITCHECK_ALLOWED_NETWORKS=["127.0.0.0/8"])
    assert [connect_to(allowed, "rebind.test") for _ in range(2)] == [["8.8.8.8"], ["127.0.0.1"]]
    assert connect_to(allowed, "127.0.0.2") == ["127.0.0.2"] and connect_to(allowed, "10.0.0.1") == []
    anything = resolver({"intranet.test": [["10.1.2.3"]]}, OITCHECK_ALLOW_PRIVATE=True)
    assert connect_to(anything, "intranet.test") == ["10.1.2.3"] and not anything.refused


def test_a_failed_lookup_gives_nothing_and_is_not_kept():
    guard = resolver({})

    def fail(host: str) -> list[str]:
        guard.asked.append(host)
        raise OSError("no such name")

    guard.lookup = fail  # type: ignore[method-assign]
    assert connect_to(guard, "nowhere.test") == [] and connect_to(guard, "nowhere.test") == []
    assert guard.asked == ["nowhere.test"] * 2 and not guard.refused


def test_callers_asking_meanwhile_share_one_lookup():
    guard = resolver({})
    pending: Deferred[list[str]] = Deferred()
    guard.start_lookup = lambda host: pending  # type: ignore[method-assign]
    first, second = Receiver(), Receiver()
    guard.resolveHostName(first, "www.agency.example", 80)
    guard.resolveHostName(second, "www.agency.example", 443)
    assert not first.complete and guard.lookups == 1
    pending.callback(["8.8.8.8"])
    assert [(a.host, a.port) for a in first.addresses + second.addresses] == [("8.8.8.8", 80), ("8.8.8.8", 443)]


def test_the_middleware_names_the_resolvers_refusal():
    guard = resolver(REBIND, DNSCACHE_ENABLED=False)
    middleware = PrivateAddressMiddleware(AddressPolicy(), guard)
    request = Request("http://rebind.test/ita")
    assert middleware.process_request(request) is None  # a name: judged by the resolver, no lookup here
    assert guard.asked == []
    connect_to(guard, "rebind.test")
    # a DNS failure of a host the resolver has not refused stays a DNS failure
    assert middleware.process_exception(request, CannotResolveHostError("rebind.test")) is None
    connect_to(guard, "rebind.test")  # refused: the connection fails as a DNS lookup
    for error in (CannotResolveHostError("no results for hostname lookup: rebind.test"), DNSLookupError("x")):
        with pytest.raises(PrivateAddressRefused, match=r"^rebind\.test resolves to the private address 127\.0\.0\.1$"):
            middleware.process_exception(request, error)
    assert middleware.process_exception(request, ValueError("other")) is None
    assert middleware.process_exception(Request("http://other.test/"), CannotResolveHostError("x")) is None


# --- a real crawl --------------------------------------------------------------------------------------------
# Crawls argv[1] with the scripted resolver and argv[2]'s extra settings; prints the records and the lookups.
_CRAWL = """
import json, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.records import PageRecord, ResourceRecord
from oitcheck.resolver import installed_resolver
from oitcheck.spiders.site import SiteSpider

settings = build_settings(CrawlOptions(ocr=False, cache_dir=""))
settings.setdict({"TWISTED_DNS_RESOLVER": "tests.test_rebinding.ScriptedResolver", **json.loads(sys.argv[2])},
                 priority="cmdline")
records = {}

def collect(item, response=None, spider=None):
    if isinstance(item, (PageRecord, ResourceRecord)):
        records[item.url] = {"status": item.status, "error": getattr(item, "error", None),
                             "detail": getattr(item, "error_detail", None), "final_url": item.final_url}

process = CrawlerProcess(settings)
crawler = process.create_crawler(SiteSpider)
crawler.signals.connect(collect, signal=signals.item_scraped)
process.crawl(crawler, start_url=sys.argv[1])
process.start()
print(json.dumps({"records": records, "asked": installed_resolver().asked}))
"""


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[SiteWriter, SiteServer, SiteServer, int]]:
    """The site on 127.0.0.1 and a private server on 127.0.0.2 at the same port, serving the same files, so
    a connection to the wrong address would be answered, and counted."""
    folder = tmp_path / "site"
    folder.mkdir()
    site = SiteServer(folder, host="127.0.0.1").start()
    port = site.httpd.server_address[1]
    private = SiteServer(folder, host="127.0.0.2", port=port).start()
    try:
        yield SiteWriter(folder, site.url), site, private, port
    finally:
        site.stop()
        private.stop()


def crawl(url: str, **settings: Any) -> dict[str, Any]:
    settings = {"OITCHECK_ALLOWED_NETWORKS": ["127.0.0.1/32"], **settings}
    done = subprocess.run([sys.executable, "-c", _CRAWL, url, json.dumps(settings)], capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def page(title: str, body: str = "") -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def write_site(site: SiteWriter, port: int) -> None:
    head = (f"<link rel='stylesheet' href='http://127.0.0.2:{port}/style.css'>"
            f"<img src='http://127.0.0.2:{port}/eit.png' alt='EIT'>")
    site.text("index.html", page("เทศบาลตำบลทดสอบ", f"{head}<a href='http://rebind.test:{port}/news.html'>ข่าว</a> "
                                 f"<a href='http://127.0.0.2:{port}/secret.html'>ภายใน</a> <a href='/go'>ย้ายแล้ว</a>"))
    for name in ("news.html", "secret.html", "moved.html"):
        site.text(name, page(name))
    site.text("style.css", "body { background: url(bg.png) }")
    site.qr("eit.png", "https://itas.nacc.go.th/go/eit/abc123")
    site.route("/go", status=302, location=f"http://127.0.0.2:{port}/moved.html")
    site.finish()


def test_a_rebinding_name_is_crawled_only_at_its_checked_address(two_servers):
    site, public, private, port = two_servers
    write_site(site, port)
    seen = crawl(public.url, OITCHECK_TEST_ANSWERS={"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    records = seen["records"]
    news = records[f"http://rebind.test:{port}/news.html"]
    assert news["status"] == 200 and news["error"] is None  # fetched, from the address that was checked
    assert seen["asked"].count("rebind.test") == 1  # one lookup: the checked answer is the one reused
    secret, moved = records[f"http://127.0.0.2:{port}/secret.html"], records[f"{public.url}go"]
    assert secret["error"] == "private_address"
    assert secret["detail"] == "127.0.0.2 resolves to the private address 127.0.0.2"
    assert moved["error"] == "private_address" and moved["final_url"] == f"http://127.0.0.2:{port}/moved.html"
    for inline in ("style.css", "eit.png"):  # the homepage's stylesheet and picture, fetched for the EIT QR code
        assert records[f"http://127.0.0.2:{port}/{inline}"]["error"] == "private_address"
    assert "/news.html" in public.hits and "/go" in public.hits
    assert private.hits == {}  # the refused server was never connected to


def test_a_name_that_turns_private_at_connect_time_is_refused(two_servers):
    """No cache, so every look is a new lookup: the first (the download slot's, oitcheck.slots) gets the
    allowed answer, every later one, the connection's among them, the private one; the connection is never
    made, and the record says why."""
    site, public, private, port = two_servers
    write_site(site, port)
    seen = crawl(public.url, DNSCACHE_ENABLED=False,
                 OITCHECK_TEST_ANSWERS={"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    news = seen["records"][f"http://rebind.test:{port}/news.html"]
    assert news["error"] == "private_address"
    assert news["detail"] == "rebind.test resolves to the private address 127.0.0.2"
    assert seen["asked"].count("rebind.test") >= 2
    assert "/news.html" not in public.hits and private.hits == {}


def test_side_connections_get_the_checked_address_only():
    """The certificate check (--insecure-tls) connects on the side: to the address the crawl checked."""
    guard = resolver({**REBIND, "mixed.test": [["8.8.4.4", "192.168.1.5"]]})
    assert guard.checked_address("rebind.test") is None  # not looked up by the crawl: nothing checked yet
    connect_to(guard, "rebind.test")
    connect_to(guard, "mixed.test")
    assert guard.checked_address("rebind.test") == "8.8.8.8"  # not the loopback a new lookup would give
    assert guard.checked_address("mixed.test") is None  # refused
    assert guard.checked_address("127.0.0.1") is None and guard.checked_address("8.8.8.8") == "8.8.8.8"
