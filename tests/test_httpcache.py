"""Conditional requests (oitcheck.httpcache), unit by unit: the policy and the storage as a crawl builds them
(``get_crawler`` with the audit's settings, ``build_from_crawler``), hand-made requests and responses, a real
cache folder. No server and no traffic (tests/support/crawler.py)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler

from oitcheck.crawl import CrawlOptions
from oitcheck.httpcache import (
    META_FILE,
    STAT_REVALIDATED,
    AtomicFilesystemCacheStorage,
    RevalidatingCacheMiddleware,
    prune,
)
from oitcheck.sizecap import TRUNCATED
from tests.support.crawler import NetworkGuard, guarded, make_crawler

URL = "https://www.agency.example/news/1.html"
BODY = "<html><head><title>ข่าว</title></head><body>ประกาศ</body></html>".encode()


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    yield from guarded(monkeypatch, {"www.agency.example": ["8.8.8.8"]})


@pytest.fixture
def cache(tmp_path: Path) -> RevalidatingCacheMiddleware:
    crawler = make_crawler(CrawlOptions(cache_dir=tmp_path), HTTPCACHE_ENABLED=True,
                           HTTPCACHE_DIR=str(tmp_path / "httpcache"))
    middleware = build_from_crawler(RevalidatingCacheMiddleware, crawler)
    middleware.spider_opened(crawler.spider)
    return middleware


def page(headers: dict[str, str], body: bytes = BODY, status: int = 200, url: str = URL) -> Response:
    return HtmlResponse(url, status=status, headers=headers, body=body)


def fetch(cache: RevalidatingCacheMiddleware, response: Response, url: str = URL,
          method: str = "GET") -> tuple[Request, Response]:
    """One request through the middleware, answered with ``response``: (the request as sent, what goes on)."""
    request = Request(url, method=method)
    assert cache.process_request(request) is None  # never answered from the cache without asking the server
    return request, cache.process_response(request, response)


def test_every_stored_answer_is_revalidated_and_a_304_gives_it_back(cache):
    # stored with its validators, even though it says it stays fresh for a year: the server is asked again
    fetch(cache, page({"ETag": '"v1"', "Last-Modified": "Sat, 01 Mar 2025 00:00:00 GMT",
                       "Cache-Control": "max-age=31536000"}))
    request, answer = fetch(cache, page({"ETag": '"v1"'}, body=b"", status=304))
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Sat, 01 Mar 2025 00:00:00 GMT"
    assert answer.status == 200 and answer.body == BODY and "cached" in answer.flags
    assert not answer.headers.get(b"Content-Length")  # a 304's own framing is not the stored body's
    assert cache.stats.get_value(STAT_REVALIDATED) == 1


def test_a_changed_answer_replaces_the_stored_one(cache):
    fetch(cache, page({"ETag": '"v1"'}))
    _, changed = fetch(cache, page({"ETag": '"v2"'}, body=b"<html>new</html>"))
    assert changed.body == b"<html>new</html>"
    request, answer = fetch(cache, page({}, body=b"", status=304))
    assert request.headers[b"If-None-Match"] == b'"v2"' and answer.body == b"<html>new</html>"


def test_a_server_error_or_a_failed_download_is_todays_answer_not_the_stored_copy(cache):
    fetch(cache, page({"ETag": '"v1"'}))
    _, answer = fetch(cache, page({}, body=b"", status=503))
    assert answer.status == 503  # RFC 2616 would hand back the stored copy
    request = Request(URL)
    cache.process_request(request)
    assert cache.process_exception(request, DownloadTimeoutError("took too long")) is None


def test_what_cannot_be_revalidated_or_is_not_whole_is_not_stored(cache):
    fetch(cache, page({"Cache-Control": "max-age=3600"}))  # no validator: a full download every time anyway
    request, _ = fetch(cache, page({}))
    assert b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers
    cut = Request(f"{URL}?cut=1", meta={TRUNCATED: "more than the cap"})
    cache.process_request(cut)
    cache.process_response(cut, page({"ETag": '"v1"'}, url=cut.url))
    head, _ = fetch(cache, page({"ETag": '"v1"'}), url=f"{URL}?head=1", method="HEAD")
    assert not list(Path(cache.storage.cachedir).rglob(META_FILE))


def test_conditional_headers_copied_by_a_redirect_are_not_sent_for_a_url_never_stored(cache):
    request = Request(URL, headers={"If-None-Match": '"of-another-url"', "If-Modified-Since": "Sat, 01 Mar 2025"})
    assert cache.process_request(request) is None
    assert b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers


def _entry(cache: RevalidatingCacheMiddleware) -> Path:
    metas = list(Path(cache.storage.cachedir).rglob(META_FILE))
    assert len(metas) == 1
    return metas[0].parent


def test_a_torn_entry_is_a_miss_and_is_removed(cache):
    fetch(cache, page({"ETag": '"v1"'}))
    entry = _entry(cache)
    body = entry / "response_body"
    body.write_bytes(body.read_bytes()[:10])  # killed mid-write, or a full disk
    request, answer = fetch(cache, page({"ETag": '"v1"'}))
    assert b"If-None-Match" not in request.headers and answer.body == BODY
    fetch(cache, page({"ETag": '"v1"'}))
    (_entry(cache) / META_FILE).write_bytes(b"\x80\x04garbage")
    request, _ = fetch(cache, page({"ETag": '"v1"'}))
    assert b"If-None-Match" not in request.headers
    assert cache.stats.get_value("oitcheck/http/cache_torn") == 2


def test_an_entry_is_written_whole_or_not_at_all(cache, tmp_path: Path):
    fetch(cache, page({"ETag": '"v1"'}))
    entry = _entry(cache)
    staging = entry.with_name(f"{entry.name}.123.tmp")  # what a kill -9 during a write leaves
    staging.mkdir()
    (staging / "response_body").write_bytes(b"half")
    request, answer = fetch(cache, page({}, body=b"", status=304))
    assert request.headers[b"If-None-Match"] == b'"v1"' and answer.body == BODY
    kept = prune(Path(cache.storage.cachedir), 0)
    assert not staging.exists() and kept.bytes > len(BODY)


def _stored(root: Path, name: str, size: int, stamp: float) -> Path:
    entry = root / "site" / name[:2] / name
    entry.mkdir(parents=True)
    (entry / "response_body").write_bytes(b"x" * size)
    (entry / META_FILE).write_bytes(pickle.dumps({"body_length": size}))
    os.utime(entry / META_FILE, (stamp, stamp))
    return entry


def test_the_size_bound_drops_the_entries_confirmed_longest_ago_and_expired_ones_go(tmp_path: Path):
    now = 1_750_000_000.0
    old = _stored(tmp_path, "aa01", 1000, now - 3 * 86400)
    middle = _stored(tmp_path, "aa02", 1000, now - 2 * 86400)
    new = _stored(tmp_path, "bb03", 1000, now - 86400)
    expired = _stored(tmp_path, "cc04", 10, now - 30 * 86400)
    kept = prune(tmp_path, 2500, expiration_secs=14 * 86400, now=now)
    assert not old.exists() and not expired.exists() and middle.exists() and new.exists()
    assert kept.dropped == 2 and 2000 < kept.bytes <= 2500


def test_the_storage_reports_its_size_when_the_crawl_ends(cache):
    fetch(cache, page({"ETag": '"v1"'}))
    assert isinstance(cache.storage, AtomicFilesystemCacheStorage)
    cache.spider_closed(cache.crawler.spider)
    assert cache.stats.get_value("oitcheck/http/cache_bytes") > len(BODY)


def test_the_whole_cache_is_walked_at_most_once_an_interval_the_size_still_reported(tmp_path: Path):
    """audit-many's agencies share the cache: the next agencies' ends add what they wrote to the last count."""
    settings = {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "httpcache")}
    crawler = make_crawler(CrawlOptions(cache_dir=tmp_path), **settings)
    cache = build_from_crawler(RevalidatingCacheMiddleware, crawler)
    cache.spider_opened(crawler.spider)
    fetch(cache, page({"ETag": '"v1"'}))
    cache.spider_closed(crawler.spider)
    walked = cache.stats.get_value("oitcheck/http/cache_bytes")
    expired = _stored(tmp_path / "httpcache", "ee05", 10, 1_000_000.0)  # long expired, left for the next walk
    fetch(cache, page({"ETag": '"v1"'}, body=b"<html>more</html>"), url=f"{URL}?2")
    cache.spider_closed(crawler.spider)
    assert expired.exists() and cache.stats.get_value("oitcheck/http/cache_bytes") == walked + len(b"<html>more</html>")
    cache.storage.prune_every = 0  # the interval has passed
    cache.spider_closed(crawler.spider)
    assert not expired.exists()
