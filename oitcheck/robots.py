"""robots.txt read as Google reads it: only its first 500 KiB.

A robots.txt of 29 MB (a CMS that writes a rule per page) costs Protego about a second of CPU for every URL
the crawl asks about, and 1.6 GB. Google documents a limit (content after the first 500 KiB is ignored), and
so do we: ``BoundedRobotParser`` parses at most ``OITCHECK_ROBOTSTXT_MAXSIZE`` bytes, cut at the end of a
line, so the rules in the first part still apply and a too-large file neither allows nor forbids everything.
``BoundedRobotsTxtMiddleware`` keeps the download to the same size: the robots.txt request stops receiving
once past the limit and its response keeps what arrived (Scrapy's ``StopDownload(fail=False)``), instead of
the download-size cap failing it, which Scrapy would read as "no robots.txt, allow everything".
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http import Request
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.httpobj import urlparse_cached

from oitcheck import settings as default_settings

_RECEIVED = "oit_robots_received"  # request meta: bytes of robots.txt received so far


class BoundedRobotParser(ProtegoRobotParser):
    """Protego on the first ``maxsize`` bytes of a robots.txt (Scrapy's ``ROBOTSTXT_PARSER``)."""

    def __init__(self, robotstxt_body: bytes, spider: Any,
                 maxsize: int = default_settings.OITCHECK_ROBOTSTXT_MAXSIZE) -> None:
        self.size = len(robotstxt_body)
        self.truncated = self.size > maxsize
        if self.truncated:  # at a line's end: half a rule must not become a broader one
            head = robotstxt_body[:maxsize]
            cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
            robotstxt_body = head[:cut + 1] if cut >= 0 else b""
        super().__init__(robotstxt_body, spider)

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> BoundedRobotParser:
        spider = None if not crawler else crawler.spider
        maxsize = crawler.settings.getint("OITCHECK_ROBOTSTXT_MAXSIZE") if crawler else \
            default_settings.OITCHECK_ROBOTSTXT_MAXSIZE
        parser = cls(robotstxt_body, spider, maxsize)
        if parser.truncated and crawler and crawler.stats:
            crawler.stats.inc_value("oitcheck/robotstxt_truncated")
        return parser


class BoundedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware whose robots.txt downloads stop at ``OITCHECK_ROBOTSTXT_MAXSIZE``
    bytes, keeping what arrived (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.maxsize = crawler.settings.getint("OITCHECK_ROBOTSTXT_MAXSIZE")
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if is_robots_request(request):
            # No size failure for it (a declared 50 MB would fail before a byte arrived): the download
            # stops at the parse limit instead, in _bytes_received.
            request.meta["download_maxsize"] = 0
            return
        await super().process_request(request)

    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        if not is_robots_request(request):
            return
        received = request.meta.get(_RECEIVED, 0) + len(data)
        request.meta[_RECEIVED] = received
        if received > self.maxsize:
            raise StopDownload(fail=False)


def is_robots_request(request: Request) -> bool:
    """The middleware's own robots.txt request (it alone sets ``dont_obey_robotstxt`` on /robots.txt)."""
    return bool(request.meta.get("dont_obey_robotstxt")) and urlparse_cached(request).path == "/robots.txt"
