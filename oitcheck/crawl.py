"""Run the Scrapy crawl of one site in-process and collect its record.

Twisted's reactor starts once per process, so one process crawls one site; ``audit-many``
runs each agency in a child process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from oitcheck import settings as default_settings
from oitcheck.errors import CrawlFailed
from oitcheck.items import PageItem, ProbeItem
from oitcheck.net import canonical, site_of
from oitcheck.spiders.site import SiteSpider


@dataclass
class CrawlOptions:
    max_pages: int = 2000
    max_depth: int = 8
    allow_private: bool = False
    progress: bool = False
    obey_robots: bool = True
    timeout: float = 20.0
    max_document_bytes: int = 30 * 1024 * 1024
    verbose: bool = False
    ocr: bool = True
    cache_dir: str | Path | None = None  # None: the default cache folder; "": no cache
    link_cache_days: float = 7.0
    insecure_tls: bool = False  # read pages behind bad certificates (and report the certificates)


@dataclass
class CrawlResult:
    """Everything the crawl saw: parsed pages and every other fetch, keyed by canonical URL."""

    start_url: str
    pages: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0
    finish_reason: str = ""
    beyond_cap: int = 0  # internal pages past --max-pages: status checked, not parsed or followed
    not_fetched: int = 0  # links past every cap: not even checked
    probes: dict[str, dict[str, Any]] = field(default_factory=dict)  # host -> its answer to an impossible URL
    tls_problems: dict[str, str] = field(default_factory=dict)  # host -> why its certificate is bad (--insecure-tls)

    def __post_init__(self) -> None:
        self._index: dict[str, dict[str, Any]] | None = None

    def add(self, record: dict[str, Any], is_page: bool) -> None:
        (self.pages if is_page else self.resources).append(record)
        self._index = None

    @property
    def index(self) -> dict[str, dict[str, Any]]:
        """Canonical URL (as linked, and after redirects) -> the record of its fetch."""
        if self._index is None:
            index: dict[str, dict[str, Any]] = {}
            for record in [*self.resources, *self.pages]:  # pages win over resources
                for url in (record["url"], record.get("final_url")):
                    if url:
                        index[key(url)] = record
            self._index = index
        return self._index

    def lookup(self, url: str) -> dict[str, Any] | None:
        return self.index.get(key(url))

    def probe(self, url: str) -> dict[str, Any] | None:
        """How ``url``'s host answered a URL that cannot exist, when it was asked."""
        return self.probes.get(site_of(url))

    @property
    def homepage(self) -> dict[str, Any] | None:
        return self.lookup(self.start_url)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.resources if r.get("error") or (r.get("status") or 0) >= 400)


key = canonical  # the crawl record is keyed by canonical URL


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
        "OITCHECK_INSECURE_TLS": options.insecure_tls,
        **({"DOWNLOADER_CLIENTCONTEXTFACTORY": "scrapy.core.downloader.contextfactory.ScrapyClientContextFactory"}
           if options.insecure_tls else {}),
    }, priority="cmdline")
    return settings


def run_crawl(start_url: str, options: CrawlOptions) -> CrawlResult:
    """Crawl ``start_url`` and return the record. Blocks; call once per process."""
    result = CrawlResult(start_url=start_url)

    def collect(item: Any, response: Any = None, spider: Any = None) -> None:
        if isinstance(item, ProbeItem):
            result.probes[item["host"]] = dict(item)
        else:
            result.add(dict(item), isinstance(item, PageItem))

    def closed(spider: Any, reason: str) -> None:
        result.finish_reason = reason
        result.beyond_cap = getattr(spider, "checks_scheduled", 0)
        result.not_fetched = getattr(spider, "not_fetched", 0)

    process = CrawlerProcess(build_settings(options))
    crawler = process.create_crawler(SiteSpider)
    crawler.signals.connect(collect, signal=signals.item_scraped)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    started = time.monotonic()
    failures: list[Any] = []
    process.crawl(crawler, start_url=start_url).addErrback(failures.append)
    process.start()
    result.duration_s = round(time.monotonic() - started, 2)
    result.tls_problems = dict((crawler.stats.get_value("oitcheck/tls_problems") if crawler.stats else None) or {})
    if failures:  # the crawl could not even start (a bad setting, a broken component): not an interruption
        error = failures[0].value
        raise CrawlFailed(f"the crawler failed: {type(error).__name__}: {error}"[:300])
    return result
