"""Run the Scrapy crawl of one site in-process and collect its record.

Twisted's reactor starts once per process, so one process crawls one site; ``audit-many``
runs each agency in a child process.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.settings import Settings

from oitcheck import settings as default_settings
from oitcheck.browser import browser_path
from oitcheck.budgets import skips_from
from oitcheck.cache import default_cache_dir
from oitcheck.errors import CrawlFailed
from oitcheck.httpcache import STAT_BYTES, STAT_CACHE_BYTES, STAT_PAGES_REUSED, STAT_REVALIDATED
from oitcheck.interrupt import InterruptibleProcess, signal_words
from oitcheck.records import TIME_LIMIT_REASON, CrawlResult, PageRecord, ProbeRecord, ResourceRecord, Transfer
from oitcheck.render import ERROR_STAT, RENDERED_STAT, render_settings
from oitcheck.shapes import probe_key
from oitcheck.spiders.site import SiteSpider


@dataclass
class CrawlOptions:
    """The per-run crawl options; their defaults are the settings in ``oitcheck/settings.py``."""

    max_pages: int = default_settings.OITCHECK_MAX_PAGES
    max_depth: int = default_settings.DEPTH_LIMIT
    allow_private: bool = default_settings.OITCHECK_ALLOW_PRIVATE
    progress: bool = default_settings.OITCHECK_PROGRESS
    obey_robots: bool = default_settings.ROBOTSTXT_OBEY
    timeout: float = float(default_settings.DOWNLOAD_TIMEOUT)
    max_document_bytes: int = default_settings.DOWNLOAD_MAXSIZE
    verbose: bool = False  # Scrapy's log on stderr
    ocr: bool = default_settings.OITCHECK_OCR
    cache_dir: str | Path | None = default_settings.OITCHECK_CACHE_DIR  # None: the default cache folder; "": none
    link_cache_days: float = default_settings.OITCHECK_LINK_CACHE_DAYS
    # days a stored answer is kept for conditional requests without being confirmed (oitcheck.httpcache)
    http_cache_days: float = default_settings.HTTPCACHE_EXPIRATION_SECS / 86400
    http_cache_bytes: int = default_settings.OITCHECK_HTTP_CACHE_BYTES  # its size bound (0: none)
    insecure_tls: bool = default_settings.OITCHECK_INSECURE_TLS  # read pages behind bad certificates (reported)
    follow_links: bool = default_settings.OITCHECK_FOLLOW_LINKS  # False: one page and what shows on it
    time_limit: float = default_settings.OITCHECK_TIME_LIMIT  # whole crawl, seconds (0: none)
    host_max_requests: int = default_settings.OITCHECK_HOST_MAX_REQUESTS  # links checked per other host
    render: bool = default_settings.OITCHECK_RENDER  # render pages empty without JavaScript (oitcheck.render)
    # private networks allowed without --allow-private (CIDR), besides the setting's and $OITCHECK_ALLOWED_NETWORKS
    allowed_networks: list[str] = field(default_factory=list)
    # pinned evidence URLs, fetched and read whether or not the site links them (oitcheck.spiders.pinned)
    pinned: list[str] = field(default_factory=list)

    def networks(self) -> list[str]:
        """The private networks this run may reach without --allow-private (the setting's and the option's)."""
        return [*default_settings.OITCHECK_ALLOWED_NETWORKS, *self.allowed_networks]


def build_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update({
        "OITCHECK_MAX_PAGES": options.max_pages,
        "DEPTH_LIMIT": options.max_depth,
        "OITCHECK_ALLOW_PRIVATE": options.allow_private,
        "OITCHECK_PROGRESS": options.progress,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_document_bytes,
        "LOG_LEVEL": "INFO" if options.verbose else "CRITICAL",
        "OITCHECK_OCR": options.ocr,
        "OITCHECK_CACHE_DIR": None if options.cache_dir is None else str(options.cache_dir),
        "OITCHECK_LINK_CACHE_DAYS": options.link_cache_days,
        **http_cache_settings(options),
        "OITCHECK_INSECURE_TLS": options.insecure_tls,
        "OITCHECK_FOLLOW_LINKS": options.follow_links,
        "CLOSESPIDER_TIMEOUT": options.time_limit,
        "OITCHECK_HOST_MAX_REQUESTS": options.host_max_requests,
        "OITCHECK_ALLOWED_NETWORKS": options.networks(),
        "OITCHECK_RENDER": options.render,
        "OITCHECK_PINNED": list(options.pinned),
        # the browser that renders pages built by JavaScript: $OITCHECK_BROWSER, or the setting (Debian's chromium)
        "OITCHECK_BROWSER": browser_path(),
        **({"DOWNLOADER_CLIENTCONTEXTFACTORY": "scrapy.core.downloader.contextfactory.ScrapyClientContextFactory"}
           if options.insecure_tls else {}),
    }, priority="cmdline")
    settings.update(render_settings(settings), priority="cmdline")
    return settings


def http_cache_settings(options: CrawlOptions) -> dict[str, Any]:
    """The HTTP cache in the cache folder's ``httpcache/``; none with ``--no-cache`` or when the environment variable
    OITCHECK_HTTP_CACHE is 0 (the test suite's default: its servers come and go on reused ports, where a stored
    answer of one test's site would be revalidated against another's files by date)."""
    if options.cache_dir == "" or os.environ.get("OITCHECK_HTTP_CACHE") == "0":
        return {"HTTPCACHE_ENABLED": False}
    root = default_cache_dir() if options.cache_dir is None else Path(options.cache_dir)
    return {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str((root / "httpcache").absolute()),
            "HTTPCACHE_EXPIRATION_SECS": max(1, round(options.http_cache_days * 86400)),
            "OITCHECK_HTTP_CACHE_BYTES": options.http_cache_bytes}


def transfer_from(stats: Any, cached: bool) -> Transfer:
    """The crawl's traffic and reuse from its stats (HTTP cache, page worker, document pipeline)."""
    def count(key: str) -> int:
        return int(stats.get_value(key) or 0)

    revalidated = count(STAT_REVALIDATED)
    return Transfer(requests=count("downloader/request_count"), revalidated=revalidated,
                    downloaded=max(0, count("downloader/response_count") - revalidated),
                    bytes_received=count(STAT_BYTES),
                    reused=count(STAT_PAGES_REUSED) + count("oitcheck/extraction/cached")
                    + count("oitcheck/extraction/qr_reused"),
                    http_cache_bytes=count(STAT_CACHE_BYTES) if cached else None)


def run_crawl(start_url: str, options: CrawlOptions) -> CrawlResult:
    """Crawl ``start_url`` and return the record. Blocks; call once per process."""
    result = CrawlResult(start_url=start_url)

    def collect(item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, ProbeRecord):
            result.probes[probe_key(item.host, item.shape)] = item
        elif isinstance(item, (PageRecord, ResourceRecord)):
            result.add(item)

    def closed(spider: Any, reason: str) -> None:
        result.finish_reason = reason
        result.beyond_cap = getattr(spider, "checks_scheduled", 0)
        result.not_fetched = getattr(spider, "not_fetched", 0)
        stats = crawler.stats
        result.skipped = skips_from(stats)
        if stats is not None:
            result.rendered = int(stats.get_value(RENDERED_STAT) or 0)
            result.render_error = stats.get_value(ERROR_STAT)
        if reason == TIME_LIMIT_REASON and stats is not None:  # what the scheduler still held
            pending = (stats.get_value("scheduler/enqueued") or 0) - (stats.get_value("scheduler/dequeued") or 0)
            result.unfinished = max(0, pending)

    process = InterruptibleProcess(build_settings(options))
    crawler = process.create_crawler(SiteSpider)
    crawler.signals.connect(collect, signal=signals.item_scraped)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    started = time.monotonic()
    failures: list[Any] = []
    process.crawl(crawler, start_url=start_url).addErrback(failures.append)
    process.start()
    result.duration_s = round(time.monotonic() - started, 2)
    if process.interrupted_by is not None:  # a crawl stopped at once has no finish reason: never a report
        result.finish_reason = ""
        result.interrupted_by = signal_words(process.interrupted_by)
    if crawler.stats is not None:  # after every spider_closed handler: the caches were pruned, reuse counted
        result.transfer = transfer_from(crawler.stats, crawler.settings.getbool("HTTPCACHE_ENABLED"))
    result.tls_problems = dict((crawler.stats.get_value("oitcheck/tls_problems") if crawler.stats else None) or {})
    if failures:  # the crawl could not even start (a bad setting, a broken component): not an interruption
        error = failures[0].value
        raise CrawlFailed(f"the crawler failed: {type(error).__name__}: {error}"[:300])
    return result
