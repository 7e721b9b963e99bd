"""Item pipelines: turn fetched document and image bytes into facts, and drop the bytes.

Keeping only text and facts lets a 2,000-page crawl stay small in memory.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from oitcheck.extract.documents import IMAGE_KINDS, extract_document
from oitcheck.extract.qr import decode_qr
from oitcheck.items import ResourceItem


class DocumentPipeline:
    """Extracts document text (PDF, DOCX, XLSX, CSV) and decodes QR codes in homepage images."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DocumentPipeline:
        return cls()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ResourceItem):
            return item
        body = item.get("body")
        item["body"] = None
        if not body:
            return item
        kind = item.get("kind")
        if kind in IMAGE_KINDS:
            item["qr"] = [{"image": item["url"], "data": data} for data in decode_qr(body)]
        else:
            item["doc"] = extract_document(body, kind)
        return item
