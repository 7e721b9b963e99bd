"""Budgets on other hosts: how much one host linked from an agency site may cost a nightly run.

An agency page can link 300,000 times to one other host, or to a host that takes every request and never
answers. The agency's own site is bounded by ``--max-pages`` and ``--time-limit``; other hosts are bounded
here: at most ``OITCHECK_HOST_MAX_REQUESTS`` links checked per host (the spider counts them when it schedules,
``HostQuota``), at most ``OITCHECK_HOST_MAX_BYTES`` downloaded from one host, and a host whose last
``OITCHECK_SLOW_HOST_TIMEOUTS`` requests timed out is not asked again (``HostBudgetMiddleware``).
What a budget leaves unchecked is counted per host in the crawl's stats (``note_skip``) and reported:
such links are neither working nor broken.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import TCPTimedOutError, TimeoutError

from oitcheck.net import site_of
from oitcheck.records import Budget, Skip

SKIPPED_STAT = "oitcheck/skipped"  # stats value: {"<budget> <host>": links left unchecked}
TIMEOUTS = (TimeoutError, TCPTimedOutError, DownloadTimeoutError)


class BudgetRefused(IgnoreRequest):
    """A request a budget refused: recorded with the budget's name as its error, a link left undecided."""

    def __init__(self, budget: Budget, message: str) -> None:
        super().__init__(message)
        self.budget = budget


def note_skip(stats: StatsCollector | None, budget: Budget, host: str, links: int = 1) -> None:
    """Count ``links`` to ``host`` that ``budget`` left unchecked."""
    if stats is None:
        return
    skipped = dict(stats.get_value(SKIPPED_STAT) or {})
    key = f"{budget} {host}"
    skipped[key] = skipped.get(key, 0) + links
    stats.set_value(SKIPPED_STAT, skipped)


def skips_from(stats: StatsCollector | None) -> tuple[Skip, ...]:
    """The crawl's skips, most links first."""
    skipped = (stats.get_value(SKIPPED_STAT) if stats is not None else None) or {}
    found = []
    for key, links in skipped.items():
        budget, _, host = key.partition(" ")
        found.append(Skip(host=host, budget=Budget(budget), links=int(links)))
    return tuple(sorted(found, key=lambda s: (-s.links, s.host, s.budget)))


class HostQuota:
    """At most ``limit`` links checked per other host; the spider asks before it schedules one, so 300,000
    links to one host cost ``limit`` requests and one line in the report, not 300,000 queued requests."""

    def __init__(self, limit: int, crawler: Crawler) -> None:
        self.limit = limit
        self.crawler = crawler  # its stats exist once the crawl starts, after the spider is built
        self.used: Counter[str] = Counter()

    def take(self, url: str) -> bool:
        host = site_of(url)
        if self.limit > 0 and self.used[host] >= self.limit:
            note_skip(self.crawler.stats, Budget.HOST_REQUESTS, host)
            return False
        self.used[host] += 1
        return True


class HostBudgetMiddleware:
    """Refuses requests to another host that has sent its byte budget or stopped answering.

    Placed before the retry middleware in the response/exception order (a lower number), so it sees a
    timeout only once the retries gave up. Requests for the agency's own site and the homepage are never
    refused here: ``--time-limit`` bounds those."""

    def __init__(self, crawler: Crawler, max_bytes: int, slow_after: int) -> None:
        self.crawler = crawler
        self.max_bytes = max_bytes
        self.slow_after = slow_after
        self.bytes: Counter[str] = Counter()
        self.timeouts: Counter[str] = Counter()  # consecutive, per host

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBudgetMiddleware:
        settings = crawler.settings
        return cls(crawler, settings.getint("OITCHECK_HOST_MAX_BYTES"), settings.getint("OITCHECK_SLOW_HOST_TIMEOUTS"))

    def _other_host(self, request: Request) -> str | None:
        """The host of a request to another site than the agency's, or None."""
        if request.meta.get("oit_homepage"):
            return None
        is_internal = getattr(self.crawler.spider, "is_internal", None)
        if is_internal is None or is_internal(request.url):
            return None
        return site_of(request.url)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = self._other_host(request)
        if host is None:
            return None
        if self.slow_after > 0 and self.timeouts[host] >= self.slow_after:
            note_skip(self.crawler.stats, Budget.SLOW_HOST, host)
            raise BudgetRefused(Budget.SLOW_HOST, f"{host} did not answer {self.timeouts[host]} requests in a row; "
                                "not asked again in this run")
        if self.max_bytes > 0 and self.bytes[host] >= self.max_bytes:
            note_skip(self.crawler.stats, Budget.HOST_BYTES, host)
            raise BudgetRefused(Budget.HOST_BYTES, f"{host} already sent {self.bytes[host]:,} bytes in this run "
                                f"(budget {self.max_bytes:,})")
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if (host := self._other_host(request)) is not None:
            self.bytes[host] += len(response.body)
            self.timeouts[host] = 0
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> Any:
        if (host := self._other_host(request)) is not None and isinstance(exception, TIMEOUTS):
            self.timeouts[host] += 1
        return None

