"""Item pipelines: turn fetched document and image bytes into facts, and drop the bytes.

Keeping only text and facts lets a 2,000-page crawl stay small in memory. The parsing itself runs in
``ExtractionWorkers`` (separate, time-limited processes), so one hostile file cannot hang the crawl.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from scrapy.crawler import Crawler

from oitcheck.cache import DocumentCache, cache_root
from oitcheck.extract.documents import IMAGE_KINDS, READABLE, extract_document
from oitcheck.extract.ocr import OcrOptions
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from oitcheck.interrupt import INTERRUPTED
from oitcheck.linkcache import LinkCache, link_cache_from
from oitcheck.records import DocumentFacts, PageRecord, QrCode, ResourceRecord


class DocumentPipeline:
    """Extracts document text (PDF with OCR, DOCX, XLSX, CSV) and decodes QR codes in homepage images."""

    def __init__(self, workers: ExtractionWorkers, crawler: Crawler | None = None) -> None:
        self.workers = workers
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DocumentPipeline:
        settings = crawler.settings
        ocr = OcrOptions(enabled=settings.getbool("OITCHECK_OCR"), max_pages=settings.getint("OITCHECK_OCR_MAX_PAGES"),
                         seconds=settings.getfloat("OITCHECK_OCR_SECONDS"))
        limits = WorkerLimits(workers=settings.getint("OITCHECK_WORKERS"),
                              seconds=settings.getfloat("OITCHECK_DOCUMENT_SECONDS"),
                              memory_mb=settings.getint("OITCHECK_WORKER_MEMORY_MB"), ocr=ocr)
        root = cache_root(settings)
        cache = None if root is None else DocumentCache(root)
        pipeline = cls(ExtractionWorkers(limits, cache), crawler)
        crawler.signals.connect(pipeline.interrupted, signal=INTERRUPTED)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        self.workers.start_early()

    def close_spider(self, spider: Any = None) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            for name, value in self.workers.stats.items():
                self.crawler.stats.set_value(f"oitcheck/extraction/{name}", value)
        self.workers.close()

    def interrupted(self) -> None:
        """Ctrl-C: the workers are killed now, whatever file they are reading (nothing will be reported)."""
        self.workers.close()

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageRecord):
            return await self._inline_svgs(item)
        if not isinstance(item, ResourceRecord) or item.body is None:
            return item
        body, kind = item.body, item.kind or ""
        item = dataclasses.replace(item, body=None)
        if not body and kind not in READABLE:
            return item
        if not body:  # a 200 answer with no bytes for a linked report: say so, not "read fine"
            return dataclasses.replace(item, doc=DocumentFacts.from_dict(extract_document(body, kind)))
        if kind in IMAGE_KINDS:
            codes = tuple(QrCode(image=item.url, data=data) for data in await self.workers.qr_codes(body))
            return dataclasses.replace(item, qr=codes)
        return dataclasses.replace(item, doc=DocumentFacts.from_dict(await self.workers.document(body, kind)))

    async def _inline_svgs(self, page: PageRecord) -> PageRecord:
        """QR codes drawn as inline SVG on the homepage (the spider keeps ``svgs`` only there); the markup
        itself is not kept in the record."""
        if not page.svgs:
            return page
        found = await self.workers.svg_qr_codes(list(page.svgs))
        codes = (*page.qr, *(QrCode(image="inline-svg", data=data) for data in found))
        return dataclasses.replace(page, svgs=(), qr=codes)


class LinkCachePipeline:
    """Keeps the links to other hosts that worked (after their documents were read), forgets those that
    failed, so the next run checks only what needs checking (``oitcheck.linkcache``)."""

    def __init__(self, cache: LinkCache | None) -> None:
        self.cache = cache

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkCachePipeline:
        return cls(link_cache_from(crawler.settings))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.cache is not None and isinstance(item, (PageRecord, ResourceRecord)) and item.external \
                and not item.cached:
            self.cache.remember(item)
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self.cache is not None:
            self.cache.close()
