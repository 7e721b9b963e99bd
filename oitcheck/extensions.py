"""Crawl extensions: the crawl's progress on stderr.

On a terminal, a live display (``rich.progress``): pages read against the page cap, links still queued,
documents, errors, elapsed time and an estimate of the time left; in a log (stderr not a terminal, asked for
with ``--progress``) a plain line every 10 s, which cron mail and journald keep readable. Nightly runs without
``--progress`` print neither.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from oitcheck.interrupt import INTERRUPTED
from oitcheck.records import PageRecord, ResourceRecord

LOG_INTERVAL = 10.0  # seconds between plain lines in a log


@dataclass
class Counts:
    """What the crawl has done so far, and what it still has queued (Scrapy's scheduler stats)."""

    pages: int = 0
    documents: int = 0  # files other than pages: documents, pictures, QR images
    errors: int = 0
    queued: int = 0

    def expected_pages(self, cap: int) -> int:
        """The pages this crawl will read at most: those read plus those queued, never past the cap (an estimate:
        a queued link may be a document, and pages read bring new links)."""
        return max(self.pages, min(cap, self.pages + self.queued))


class ProgressLine:
    """Counts the crawl's typed records as they are scraped and shows them (see the module docstring)."""

    def __init__(self, interval: float, cap: int = 0, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.tty = self.console.is_terminal
        self.interval = interval if self.tty else max(interval, LOG_INTERVAL)
        self.cap = cap
        self.counts = Counts()
        self.last = 0.0
        self.started = time.monotonic()
        self.stats: object | None = None
        self.live: Progress | None = None
        self.task: int | None = None
        self.stopped = False  # interrupted: shows nothing more

    @property
    def pages(self) -> int:
        return self.counts.pages

    @property
    def documents(self) -> int:
        return self.counts.documents

    @property
    def errors(self) -> int:
        return self.counts.errors

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        if not crawler.settings.getbool("OITCHECK_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.settings.getfloat("OITCHECK_PROGRESS_INTERVAL"),
                  crawler.settings.getint("OITCHECK_MAX_PAGES"))
        ext.stats = crawler.stats
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.interrupted, signal=INTERRUPTED)
        return ext

    def spider_opened(self, spider: object = None) -> None:
        if not self.tty:
            return
        self.live = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             TextColumn("{task.completed}/{task.total} pages · {task.fields[queued]} queued · "
                                        "{task.fields[documents]} files · {task.fields[errors]} errors"),
                             TimeElapsedColumn(), TimeRemainingColumn(),
                             console=self.console, transient=True)
        self.task = self.live.add_task("crawling", total=1, queued=0, documents=0, errors=0)
        self.live.start()

    def interrupted(self) -> None:
        """Ctrl-C: the display goes at once and nothing more is counted or shown (no "crawled:" line: the
        audit's one line says what happened)."""
        self.stopped = True
        if self.live is not None:
            self.live.stop()
            self.live = None

    def item_scraped(self, item: object, response: Response | None = None, spider: object = None) -> None:
        if self.stopped:
            return
        if isinstance(item, PageRecord):
            self.counts.pages += 1
        elif isinstance(item, ResourceRecord) and item.failed:
            self.counts.errors += 1
        elif isinstance(item, ResourceRecord):
            self.counts.documents += 1
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.show()

    def _queued(self) -> int:
        get = getattr(self.stats, "get_value", None)
        if get is None:
            return 0
        return max(0, int(get("scheduler/enqueued", 0) or 0) - int(get("scheduler/dequeued", 0) or 0))

    def show(self) -> None:
        """Refresh the display (a terminal) or write one line (a log)."""
        self.counts.queued = self._queued()
        c = self.counts
        if self.live is not None and self.task is not None:
            self.live.update(self.task, completed=c.pages, total=c.expected_pages(self.cap) if self.cap else None,
                             queued=c.queued, documents=c.documents, errors=c.errors)
            return
        if not self.tty:
            sys.stderr.write(self.line() + "\n")
            sys.stderr.flush()

    def line(self) -> str:
        c = self.counts
        return (f"crawling: {c.pages} pages, {c.queued} queued, {c.documents} files, {c.errors} errors, "
                f"{time.monotonic() - self.started:.0f}s")

    def spider_closed(self, spider: object, reason: str) -> None:
        self.counts.queued = self._queued()  # what a budget left unread (none when the crawl finished)
        if self.live is not None:
            self.live.stop()
            self.live = None
        self.console.print(self.line().replace("crawling:", "crawled:"), highlight=False, soft_wrap=True)
