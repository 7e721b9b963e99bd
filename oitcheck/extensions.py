"""Crawl extensions: a progress line on stderr for long crawls."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from oitcheck.records import PageRecord, ResourceRecord


class ProgressLine:
    """Prints ``crawling: N pages, M documents, E errors`` to stderr at most every few seconds.

    Nightly cron runs keep stderr quiet (the CLI enables this only on a terminal or when asked).
    """

    def __init__(self, interval: float) -> None:
        self.tty = sys.stderr.isatty()
        self.interval = interval if self.tty else max(interval, 10.0)  # logs get a line every 10 s
        self.pages = self.documents = self.errors = 0
        self.last = 0.0
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        if not crawler.settings.getbool("OITCHECK_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.settings.getfloat("OITCHECK_PROGRESS_INTERVAL"))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item: object, response: Response | None = None, spider: object = None) -> None:
        if isinstance(item, PageRecord):
            self.pages += 1
        elif isinstance(item, ResourceRecord) and item.failed:
            self.errors += 1
        elif isinstance(item, ResourceRecord):
            self.documents += 1
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._write("\r" if self.tty else "")
            if not self.tty:
                sys.stderr.write("\n")

    def spider_closed(self, spider: object, reason: str) -> None:
        self._write("\r" if self.tty else "")
        sys.stderr.write("\n")

    def _write(self, prefix: str) -> None:
        elapsed = time.monotonic() - self.started
        sys.stderr.write(f"{prefix}crawling: {self.pages} pages, {self.documents} documents, "
                         f"{self.errors} errors, {elapsed:.0f}s ")
        sys.stderr.flush()
