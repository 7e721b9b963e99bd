"""Download slots per server (IP address), not per host name.

Agencies on shared hosting share one server: ``www.x.go.th``, ``x.go.th`` and a neighbour agency's name may
all be one machine. Politeness limits (``CONCURRENT_REQUESTS_PER_DOMAIN``, AutoThrottle's delay, a
``Retry-After`` slow-down) are per download slot, so slots are keyed by the server's address.

Scrapy's own ``CONCURRENT_REQUESTS_PER_IP`` does this too, but Scrapy 2.19's default scheduler queue
(``DownloaderAwarePriorityQueue``, which keeps one slow host from taking every download) refuses it, and it
keys a host by name until the host's first lookup is cached. Here the address is looked up before the
first request (``AddressSlotMiddleware``), and the queue files requests under it (``AddressAwarePriorityQueue``).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError
from scrapy.pqueues import DownloaderAwarePriorityQueue
from scrapy.resolver import dnscache
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from oitcheck.net import is_ip

SLOT = "download_slot"  # Scrapy's request meta key for the download slot


def known_address(request: Request) -> str | None:
    """The address the request's host is known to have (cached lookup), or None."""
    host = urlparse_cached(request).hostname
    if not host or is_ip(host):
        return None  # an address is its own slot already
    address = dnscache.get(host)
    return address if isinstance(address, str) else None


class AddressSlotMiddleware:
    """Puts each request in its server's download slot, looking the host up first when it is new.

    The lookup goes through the crawl's own cached resolver (the one the download uses), so it costs
    nothing more; a host that does not resolve fails here as it would in the download (error "dns")."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressSlotMiddleware:
        return cls(crawler.settings.getbool("OITCHECK_SLOTS_BY_IP"))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self.enabled or SLOT in request.meta:
            return None
        parts = urlparse_cached(request)
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host or is_ip(host):
            return None
        address = known_address(request)
        if address is None:
            from twisted.internet import reactor

            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 - any lookup failure is the download's DNS failure
                raise CannotResolveHostError(f"{host}: {exc}") from exc
        request.meta[SLOT] = address
        return None


class AddressAwarePriorityQueue(DownloaderAwarePriorityQueue):
    """Scrapy's downloader-aware queue (the least busy slot's requests first), with requests filed under
    their server's address when it is known, so it weighs the same slots the downloader uses."""

    def push(self, request: Request) -> None:
        if SLOT not in request.meta and self.crawler.settings.getbool("OITCHECK_SLOTS_BY_IP"):
            address = known_address(request)
            if address:
                request.meta[SLOT] = address
        super().push(request)
