"""The link check's downloader components on hand-made requests and responses (no server): redirects as
browsers follow them (oitcheck.redirects) and the size cap that keeps an oversized answer (oitcheck.sizecap)."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.exceptions import StopDownload
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler

from oitcheck.redirects import (
    MetaRefreshMiddleware,
    RedirectLoop,
    RedirectMiddleware,
    TooManyRedirects,
    UnsupportedScheme,
)
from oitcheck.sizecap import TRUNCATED, CappedHttpCompressionMiddleware, DownloadSizeCap
from tests.support.crawler import make_crawler

SITE = "https://agency.example.go.th"


def redirect(location: str, url: str = f"{SITE}/a", status: int = 302, chain: tuple[str, ...] = ()) -> object:
    middleware = build_from_crawler(RedirectMiddleware, make_crawler())
    request = Request(url, meta={"redirect_urls": list(chain), "redirect_times": len(chain)})
    return middleware.process_response(request, Response(url, status=status, headers={"Location": location}))


def test_redirects_are_followed_as_far_as_browsers_do():
    chain = tuple(f"{SITE}/hop{n}" for n in range(19))
    followed = redirect("/next", url=f"{SITE}/hop19", chain=chain)  # the 20th redirect: still followed
    assert isinstance(followed, Request) and followed.url == f"{SITE}/next"
    with pytest.raises(TooManyRedirects):  # the 21st: too many
        redirect("/next", url=f"{SITE}/hop20", chain=(*chain, f"{SITE}/hop19"))


def test_a_loop_is_told_from_a_cookie_check():
    back = redirect(f"{SITE}/a", url=f"{SITE}/a")  # back to itself once (a cookie check): followed
    assert isinstance(back, Request) and back.url == f"{SITE}/a"
    with pytest.raises(RedirectLoop):
        redirect("/a", url=f"{SITE}/b", chain=(f"{SITE}/a", f"{SITE}/b", f"{SITE}/a"))


@pytest.mark.parametrize("location", ["ftp://ftp.example.go.th/plan.pdf", "mailto:saraban@example.go.th"])
def test_a_redirect_off_the_web_is_a_failure(location):
    with pytest.raises(UnsupportedScheme):
        redirect(location)


def test_a_meta_refresh_to_the_page_itself_is_no_redirect():
    middleware = build_from_crawler(MetaRefreshMiddleware, make_crawler())

    def refresh(target: str, delay: int = 60) -> object:
        body = f"<html><head><meta http-equiv='refresh' content='{delay}; url={target}'></head></html>".encode()
        return middleware.process_response(Request(f"{SITE}/news"), HtmlResponse(f"{SITE}/news", body=body))

    assert isinstance(refresh(f"{SITE}/news"), HtmlResponse)
    assert isinstance(refresh("news#top"), HtmlResponse)  # the same page after canonicalisation
    moved = refresh("/th/home", delay=3)
    assert isinstance(moved, Request) and moved.url == f"{SITE}/th/home"
    assert isinstance(refresh("/th/home", delay=120), HtmlResponse)  # past METAREFRESH_MAXDELAY: a page


def test_size_cap_stops_the_download_and_keeps_the_answer():
    cap = DownloadSizeCap.from_crawler(make_crawler(DOWNLOAD_MAXSIZE=1000))
    declared = Request(f"{SITE}/big.pdf")
    with pytest.raises(StopDownload) as stop:
        cap.headers_received(headers={}, body_length=5000, request=declared)
    assert stop.value.fail is False and "declares 5000" in declared.meta[TRUNCATED]
    chunked = Request(f"{SITE}/big.pdf", meta={"download_maxsize": 100})
    cap.headers_received(headers={}, body_length="UNKNOWN_LENGTH", request=chunked)  # no Content-Length
    cap.bytes_received(data=bytes(60), request=chunked)
    with pytest.raises(StopDownload):
        cap.bytes_received(data=bytes(60), request=chunked)
    assert TRUNCATED in chunked.meta
    cap.headers_received(headers={}, body_length=10, request=chunked)  # a retry starts afresh
    assert TRUNCATED not in chunked.meta and chunked.meta["oit_received"] == 0


def test_decompression_bomb_is_kept_as_a_truncated_answer():
    crawler = make_crawler(DOWNLOAD_MAXSIZE=10_000)
    middleware = build_from_crawler(CappedHttpCompressionMiddleware, crawler)
    bomb = gzip.compress(bytes(1_000_000))
    request = Request(f"{SITE}/report.pdf")
    response = Response(request.url, body=bomb, headers={"Content-Encoding": "gzip"}, request=request)
    kept = middleware.process_response(request, response)
    assert isinstance(kept, Response) and kept.status == 200 and kept.body == b""
    assert "inflates" in request.meta[TRUNCATED]
    small = Request(f"{SITE}/small.pdf")
    plain = middleware.process_response(small, Response(small.url, body=gzip.compress(b"%PDF-1.4 ok"),
                                                        headers={"Content-Encoding": "gzip"}, request=small))
    assert plain.body == b"%PDF-1.4 ok" and TRUNCATED not in small.meta
