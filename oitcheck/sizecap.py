"""The download size cap as a visitor sees it: a file past the cap still works, it is only not read whole.

Scrapy cancels a download past ``download_maxsize`` and reports a failure: a file that declares its size
(``Content-Length``) failed before its body, one sent chunked failed halfway, and a gzip body that inflates
past the cap (a decompression bomb) was dropped. The same file was then "fine" or "broken" by how it was
sent. Here the download stops at the cap with the answer it got (status, headers, the body so far), marked
``oit_truncated`` in its request's meta; the spider records it as working and too large to read.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Response

# Request meta: read the body up to this many bytes whatever size it declares (pages: their top is what a
# visitor reads). Such requests set ``download_maxsize`` to 0, since Scrapy cancels a download whose declared
# size is over that cap before the body starts.
READ_CAP = "oit_read_cap"
TRUNCATED = "oit_truncated"  # request meta: why the body was cut ("declared N bytes", "over N bytes", ...)


class DownloadSizeCap:
    """Stops a download at its size cap (``download_maxsize`` in its meta, else ``DOWNLOAD_MAXSIZE``) and
    keeps the answer: the ``headers_received`` and ``bytes_received`` signals come before Scrapy's own
    check, which would turn the download into a failure."""

    def __init__(self, default_cap: int) -> None:
        self.default_cap = default_cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadSizeCap:
        cap = cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(cap.headers_received, signal=signals.headers_received)
        crawler.signals.connect(cap.bytes_received, signal=signals.bytes_received)
        return cap

    def cap(self, request: Request) -> int:
        return int(request.meta.get(READ_CAP) or request.meta.get("download_maxsize", self.default_cap) or 0)

    def headers_received(self, headers: Any, body_length: Any, request: Request, spider: Spider | None = None
                         ) -> None:
        # A new download of this request (a retry, or a redirect's copy of its meta): count afresh.
        request.meta["oit_received"] = 0
        request.meta.pop(TRUNCATED, None)
        cap = self.cap(request)
        # body_length is Twisted's UNKNOWN_LENGTH (not a number) for a chunked body. A page is read as far as the
        # cap however its size is sent (a visitor sees its top); any other body past the cap is not read at all.
        reads_head = bool(request.meta.get(READ_CAP))
        if cap and isinstance(body_length, int) and body_length > cap and not reads_head:
            request.meta[TRUNCATED] = f"declares {body_length} bytes, over the {cap}-byte cap"
            raise StopDownload(fail=False)

    def bytes_received(self, data: bytes, request: Request, spider: Spider | None = None) -> None:
        cap = self.cap(request)
        received = request.meta.get("oit_received", 0) + len(data)
        request.meta["oit_received"] = received
        if cap and received > cap:
            request.meta[TRUNCATED] = f"more than the {cap}-byte cap (cut there)"
            raise StopDownload(fail=False)


class CappedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, with a body that inflates past the cap kept as a truncated answer (its
    status and headers, no body) instead of a dropped request."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if request.meta.get(TRUNCATED):  # a cut body: a page's plain head is read, a cut compressed one cannot be
            return response.replace(body=b"") if response.headers.get(b"Content-Encoding") else response
        if request.meta.get(READ_CAP):  # a page's download is uncapped for Scrapy; its inflating is capped
            request.meta["download_maxsize"] = request.meta[READ_CAP]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if "DOWNLOAD_MAXSIZE" not in str(exc):
                raise
            request.meta[TRUNCATED] = f"compressed body inflates past the {self._cap(request)}-byte cap"
            return response.replace(body=b"")
        finally:
            if request.meta.get(READ_CAP):
                request.meta["download_maxsize"] = 0

    def _cap(self, request: Request) -> int:
        return int(request.meta.get("download_maxsize", self._max_size) or 0)
