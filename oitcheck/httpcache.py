"""Conditional requests on re-audits: Scrapy's HTTP cache, configured so that nothing is ever trusted unasked.

The assessors see today's site, so a stored answer is only ever a copy to send back *after* the server said
"not modified": every stored response is stale (``RevalidatePolicy``), each request for it carries the stored
``ETag`` / ``Last-Modified`` as ``If-None-Match`` / ``If-Modified-Since``, and a 304 hands the stored response
on down the middlewares (decompression, encoding, redirects, the spider) as if it had just been downloaded.

Only 200 answers with a validator and a whole body are stored: one without ``ETag`` or ``Last-Modified`` cannot
be revalidated, so storing its body would only fill the disk (its *extraction* is still reused by content hash,
``oitcheck.extract.workers``). Storage is Scrapy's ``FilesystemCacheStorage`` layout under ``--cache-dir``
(``httpcache/``), written crash-safe and bounded (``AtomicFilesystemCacheStorage``). Bodies are stored raw, not
gzip'd: the second run reads every one of them, and CPU is the scarce part of a nightly run.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.utils.python import to_bytes

from oitcheck.cache import DocumentCache, cache_root
from oitcheck.extract.workers import ExtractionWorkers
from oitcheck.sizecap import TRUNCATED

CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")
# What a 304 says about itself, not about the stored body: never copied onto the stored response.
BODY_HEADERS = (b"Content-Length", b"Content-Encoding", b"Transfer-Encoding", b"Content-Range")
PRUNED_FILE = "pruned.json"  # the size the last walk found, and when (``at``)
META_FILE = "pickled_meta"  # written last: an entry without it (or with a body of another length) is a miss
TEMPORARY = ".tmp"
# Crawl stats (crawler.stats) read by oitcheck.crawl into the report's crawl block.
STAT_REVALIDATED = "oitcheck/http/revalidated"  # 304: the stored response was used
STAT_BYTES = "oitcheck/http/bytes_received"  # headers and bodies received from servers
STAT_CACHE_BYTES = "oitcheck/http/cache_bytes"  # the HTTP cache's size on disk after pruning
STAT_PAGES_REUSED = "oitcheck/extraction/pages_reused"  # pages (and stylesheets) whose reading was reused (same text)
STAT_PAGE_CACHE_BYTES = "oitcheck/extraction/page_cache_bytes"
STAT_CACHE_DROPPED = "oitcheck/http/cache_dropped"  # entries dropped at the end (expired, or past the size bound)


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616's validators, never its freshness: every stored response is revalidated, and only a 304 (not a
    server error, which RFC 2616 would answer with the stored copy) brings the stored response back."""

    def should_cache_request(self, request: Request) -> bool:
        """GETs only, and not the browser's renderings (``oitcheck.render``): they are pages built anew."""
        return request.method == "GET" and not request.meta.get("playwright") and super().should_cache_request(
            request)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200 or request.meta.get(TRUNCATED) or b"no-store" in self._parse_cachecontrol(response):
            return False
        return b"ETag" in response.headers or b"Last-Modified" in response.headers

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response, request: Request) -> bool:
        return response.status == 304


class AtomicFilesystemCacheStorage(FilesystemCacheStorage):
    """Scrapy's per-entry folders, written whole or not at all, with entries past ``HTTPCACHE_EXPIRATION_SECS``
    or past ``OITCHECK_HTTP_CACHE_BYTES`` in all (oldest first) dropped when the crawl ends.

    Scrapy writes an entry's six files in place one after the other, ``pickled_meta`` second: a crawl killed
    mid-write leaves an entry whose meta is there and whose body is cut short, which a later run would serve
    after a 304 as the page. Here an entry is written into a temporary folder and renamed into place; the meta
    also records the body's length, so an entry torn any other way (a full disk, a hand edit) is a miss."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_bytes = settings.getint("OITCHECK_HTTP_CACHE_BYTES")
        self.prune_every = settings.getfloat("OITCHECK_HTTP_CACHE_PRUNE_SECS")
        self.stored = 0  # bytes this crawl wrote
        self.stats: Any = None

    def open_spider(self, spider: Spider) -> None:
        super().open_spider(spider)
        self.stats = spider.crawler.stats

    def _get_request_path(self, spider: Spider, request: Request) -> str:
        """Scrapy's layout (``root/<spider>/<xx>/<fingerprint>``) with plain string paths: a re-audit asks for it
        three times for each of its 2,000 URLs."""
        key = self._fingerprinter.fingerprint(request).hex()
        return os.path.join(self.cachedir, spider.name, key[0:2], key)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        folder = self._get_request_path(spider, request)
        try:
            try:
                stamp = os.stat(os.path.join(folder, META_FILE)).st_mtime
            except FileNotFoundError:
                return None  # never stored
            if 0 < self.expiration_secs < time.time() - stamp:
                return None  # expired: fetched in full, and stored again
            meta = pickle.loads(_read(os.path.join(folder, META_FILE)))  # noqa: S301 - our own entry
            body = _read(os.path.join(folder, "response_body"))
            if len(body) != meta.get("body_length"):
                raise ValueError("torn entry")
            headers = Headers(pickle.loads(_read(os.path.join(folder, "response_headers.pickle"))))  # noqa: S301
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, KeyError, AttributeError):
            if self.stats is not None:
                self.stats.inc_value("oitcheck/http/cache_torn")
            shutil.rmtree(folder, ignore_errors=True)
            return None  # a torn or foreign entry: fetch the URL afresh
        request.meta["cache_timestamp"] = meta["timestamp"]
        cls = responsetypes.from_args(headers=headers, url=meta["response_url"], body=body)
        return cls(url=meta["response_url"], status=meta["status"], headers=headers, body=body)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        """Best effort: a full disk or a read-only cache folder must not fail an audit."""
        folder = Path(self._get_request_path(spider, request))
        staging = folder.with_name(f"{folder.name}.{os.getpid()}{TEMPORARY}")
        meta = {"url": request.url, "method": request.method, "status": response.status,
                "response_url": response.url, "timestamp": time.time(), "body_length": len(response.body)}
        with contextlib.suppress(OSError):
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            (staging / "response_body").write_bytes(response.body)
            headers = {key: list(values) for key, values in response.headers.items()}
            (staging / "response_headers.pickle").write_bytes(pickle.dumps(headers, protocol=4))
            (staging / META_FILE).write_bytes(pickle.dumps(meta, protocol=4))
            old = folder.with_name(f"{folder.name}.old{os.getpid()}{TEMPORARY}")
            with contextlib.suppress(FileNotFoundError):
                folder.rename(old)
            staging.rename(folder)
            self.stored += len(response.body)
            shutil.rmtree(old, ignore_errors=True)

    def refresh(self, spider: Spider, request: Request) -> None:
        """After a 304: the entry's clock restarts (the expiry counts from the last confirmation). Its body and
        headers stay as stored: a 304 carries no new body, and the validators it repeats are those stored."""
        with contextlib.suppress(OSError):
            os.utime(os.path.join(self._get_request_path(spider, request), META_FILE))

    def close_spider(self, spider: Spider) -> None:
        """Prune, unless a crawl pruned less than ``OITCHECK_HTTP_CACHE_PRUNE_SECS`` ago and what was written since
        keeps within the bound: audit-many's agencies share one cache, and walking every agency's entries at the end
        of each of 300 audits would cost more than the audits. The size is then the last count plus this crawl's
        writes (an overestimate: rewritten entries count twice)."""
        root = Path(self.cachedir)
        stamp = root / PRUNED_FILE
        try:
            last = json.loads(stamp.read_text(encoding="utf-8"))
            walked, size = float(last["at"]), int(last["bytes"]) + self.stored
        except (OSError, ValueError, KeyError, TypeError):
            walked, size = 0.0, 0
        if time.time() - walked < self.prune_every and (not self.max_bytes or size <= self.max_bytes):
            kept = Pruned(bytes=size, dropped=0)
        else:
            walked, kept = time.time(), prune(root, self.max_bytes, self.expiration_secs)
        self.stored = 0  # counted in now
        with contextlib.suppress(OSError):
            _write_atomic(stamp, json.dumps({"bytes": kept.bytes, "at": walked}).encode())
        if self.stats is not None:
            self.stats.set_value(STAT_CACHE_BYTES, kept.bytes)
            self.stats.set_value(STAT_CACHE_DROPPED, kept.dropped)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _write_atomic(path: Path, data: bytes) -> None:
    staging = path.with_name(f"{path.name}.{os.getpid()}{TEMPORARY}")
    staging.write_bytes(data)
    os.replace(staging, path)


@dataclass(frozen=True)
class Pruned:
    bytes: int  # what the cache holds now
    dropped: int  # entries removed


def prune(root: Path, max_bytes: int, expiration_secs: float = 0, now: float | None = None) -> Pruned:
    """Drop expired entries, leftovers of killed writes, then the least recently confirmed entries until the
    cache holds at most ``max_bytes`` (0: no bound). Entries are ``root/<spider>/<xx>/<fingerprint>/``."""
    now = time.time() if now is None else now
    entries: list[tuple[float, int, Path]] = []
    dropped = 0
    for folder in root.glob("*/*/*"):
        if folder.name.endswith(TEMPORARY) or not (folder / META_FILE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            stamp = (folder / META_FILE).stat().st_mtime
            size = sum(item.stat().st_size for item in folder.iterdir())
        except OSError:
            continue  # removed by another audit meanwhile
        if expiration_secs and now - stamp > expiration_secs:
            shutil.rmtree(folder, ignore_errors=True)
            dropped += 1
            continue
        entries.append((stamp, size, folder))
    total = sum(size for _, size, _ in entries)
    if max_bytes:
        for _, size, folder in sorted(entries, key=lambda entry: entry[0]):
            if total <= max_bytes:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
            dropped += 1
    return Pruned(bytes=total, dropped=dropped)


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache middleware with ``RevalidatePolicy``; where it differs from Scrapy's, and why:

    - a failed download is the link's failure today, never answered with the stored copy (Scrapy's "error
      recovery" would show assessors a page the server no longer serves);
    - conditional headers a request did not get from its own stored entry are removed (a redirect copies its
      request's headers: a 304 for a URL never stored would be a blank answer);
    - a 304 restarts the stored entry's clock, without writing the entry again (2,000 rewrites cost a nightly
      run 3 s of CPU, bench/incremental.py);
    - it counts what servers sent (304s, full answers, bytes) for the report's crawl block."""

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | Response | None:
        for name in CONDITIONAL_HEADERS:
            request.headers.pop(name, None)
        return super().process_request(request)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if response.status == 304 and "cached_response" in request.meta:
            self.stats.inc_value(STAT_REVALIDATED)
        return super().process_response(request, response)

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        request.meta.pop("cached_response", None)
        return None

    def _freshen_cached_response(self, cachedresponse: Response, response: Response) -> None:
        for name in BODY_HEADERS:
            response.headers.pop(name, None)
        super()._freshen_cached_response(cachedresponse, response)

    def _cache_response(self, response: Response, request: Request) -> None:
        if "cached" in response.flags and isinstance(self.storage, AtomicFilesystemCacheStorage):
            self.stats.inc_value("httpcache/refresh")
            self.storage.refresh(self.crawler.spider, request)  # after a 304
            return
        super()._cache_response(response, request)



class RevalidationAwareThrottle(AutoThrottle):
    """AutoThrottle with a 304 counted as the success it is. Scrapy's never lowers a slot's delay on an answer
    other than 200 (error pages are small and fast, and would speed the crawl up against a failing server): on a
    re-audit nearly every answer is a 304, so the delay stayed at its start (0.25 s a request: a 300-page site
    took 8 times as long the second night, bench/incremental.py). A 304 is a server saying "nothing to send";
    its latency is that server's real cost of the request."""

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status != 304:
            super()._adjust_delay(slot, latency, response)
            return
        target = latency / self.target_concurrency  # Scrapy's rule for a 200, as it stands there
        slot.delay = min(max(self.mindelay, target, (slot.delay + target) / 2.0), self.maxdelay)


class TransferCounter:
    """Bytes received from servers, headers (as their raw lines, about) and bodies, with or without the cache."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TransferCounter:
        counter = cls(crawler)
        crawler.signals.connect(counter.headers_received, signal=signals.headers_received)
        crawler.signals.connect(counter.bytes_received, signal=signals.bytes_received)
        return counter

    def headers_received(self, headers: Any, body_length: Any, request: Request, spider: Any = None) -> None:
        if self.stats is not None:  # the status line, then "Name: value\r\n" per value
            self.stats.inc_value(STAT_BYTES, 17 + sum(len(to_bytes(k)) + 4 + len(v)
                                                      for k, values in headers.items() for v in values))

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        if self.stats is not None:
            self.stats.inc_value(STAT_BYTES, len(data))


def page_cache(settings: BaseSettings) -> DocumentCache | None:
    """Where pages' parses are kept by content (the cache folder's ``pages/``), as long as stored answers are."""
    root = cache_root(settings)
    days = settings.getint("HTTPCACHE_EXPIRATION_SECS") / 86400
    return None if root is None else DocumentCache(root, max_age_days=days, folder="pages")


def close_page_workers(workers: ExtractionWorkers, crawler: Crawler) -> None:
    """Close the page worker, count its reuse in the crawl's stats and prune its cache folder to the size bound."""
    workers.close()
    if crawler.stats is not None:
        crawler.stats.set_value(STAT_PAGES_REUSED, workers.stats["pages_reused"])
    if workers.cache is not None:
        kept = workers.cache.prune(crawler.settings.getint("OITCHECK_HTTP_CACHE_BYTES"),
                                   crawler.settings.getfloat("OITCHECK_HTTP_CACHE_PRUNE_SECS"))
        if crawler.stats is not None and kept is not None:
            crawler.stats.set_value(STAT_PAGE_CACHE_BYTES, kept)
