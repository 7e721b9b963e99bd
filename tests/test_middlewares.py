"""The downloader middlewares' decisions, one section each, tested the way Scrapy tests its own: a crawler
from ``get_crawler`` with the audit's real settings, middlewares from ``build_from_crawler``, hand-made
requests and responses. No server, no child process, no traffic: names resolve from a table, waits are
recorded instead of slept, and a connection attempt fails the test (tests/support/crawler.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from freezegun import freeze_time
from scrapy import Request, signals
from scrapy.core.downloader import Slot
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from twisted.internet.error import ConnectionDone, ConnectionLost

from oitcheck import middlewares
from oitcheck.crawl import CrawlOptions
from oitcheck.middlewares import (
    CertificateCheckMiddleware,
    HeadFallbackMiddleware,
    PoliteRetryMiddleware,
    PrivateAddressMiddleware,
    PrivateAddressRefused,
    ThaiEncodingMiddleware,
    certificate_problem,
)
from tests.support.crawler import NetworkGuard, give_engine, guarded, make_crawler

NAMES = {"www.agency.example": ["8.8.8.8"], "intranet.agency.example": ["10.20.30.40"],
         "shared.agency.example": ["8.8.4.4", "192.168.1.5"]}


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    yield from guarded(monkeypatch, NAMES)


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Await a middleware's async method; the running loop is what Scrapy's asyncio helpers look for."""
    return asyncio.run(coroutine)


# --- PrivateAddressMiddleware: only public servers are fetched, unless --allow-private ------------------
def guard(options: CrawlOptions | None = None) -> PrivateAddressMiddleware:
    return build_from_crawler(PrivateAddressMiddleware, make_crawler(options))


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://127.0.0.1:8080/x.pdf", "http://169.254.169.254/latest/",
                                 "http://[::1]/", "http://0.0.0.0/", "http://user@192.168.1.1:81/admin"])
def test_private_literals_are_refused_without_a_lookup(url: str, network: NetworkGuard):
    with pytest.raises(PrivateAddressRefused, match="private address"):
        guard().process_request(Request(url))
    assert network.lookups == []


def test_a_public_literal_passes_without_a_lookup(network: NetworkGuard):
    assert guard().process_request(Request("https://8.8.8.8/ita.html")) is None
    assert network.lookups == []


def test_names_are_judged_by_every_address_they_resolve_to(network: NetworkGuard):
    middleware = guard()
    with pytest.raises(PrivateAddressRefused, match="10.20.30.40"):
        middleware.process_request(Request("http://intranet.agency.example/"))
    with pytest.raises(PrivateAddressRefused, match="192.168.1.5"):  # one private address is enough
        middleware.process_request(Request("http://shared.agency.example/"))
    assert middleware.process_request(Request("http://www.agency.example/a")) is None
    assert middleware.process_request(Request("http://www.agency.example/b")) is None
    # a name that does not resolve passes: the download then fails with its own DNS error
    assert middleware.process_request(Request("http://nowhere.invalid/")) is None
    assert network.lookups == ["intranet.agency.example", "shared.agency.example", "www.agency.example",
                               "nowhere.invalid"]  # one lookup per name


@pytest.mark.parametrize("host", ["localhost", "0x7f000001", "2130706433", "127.1"])
def test_other_spellings_of_loopback_are_refused(host: str):
    with pytest.raises(PrivateAddressRefused):
        guard().process_request(Request(f"http://{host}/"))


def test_allow_private_lets_everything_through_without_a_lookup(network: NetworkGuard):
    middleware = guard(CrawlOptions(allow_private=True))
    for url in ("http://10.0.0.1/", "http://intranet.agency.example/", "http://localhost:8000/"):
        assert middleware.process_request(Request(url)) is None
    assert network.lookups == []


def redirect_chain(options: CrawlOptions | None = None) -> DownloaderMiddlewareManager:
    """The audit's downloader middlewares with Scrapy's redirect middleware (600) among them."""
    crawler = make_crawler(options, DOWNLOADER_MIDDLEWARES_BASE={
        "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": 600})
    return build_from_crawler(DownloaderMiddlewareManager, crawler)


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://intranet.agency.example/"])
def test_a_redirect_to_a_private_address_is_refused_before_it_is_fetched(target: str):
    chain, fetched = redirect_chain(), []

    async def download(request: Request) -> Response:
        fetched.append(request.url)
        return Response(request.url, status=302, headers={"Location": target}, request=request)

    redirected = run(chain.download_async(download, Request("http://8.8.8.8/old-ita")))
    assert isinstance(redirected, Request) and redirected.url == target
    with pytest.raises(PrivateAddressRefused):
        run(chain.download_async(download, redirected))
    assert fetched == ["http://8.8.8.8/old-ita"]


def test_a_redirect_to_a_private_address_is_followed_with_allow_private():
    chain, fetched = redirect_chain(CrawlOptions(allow_private=True)), []

    async def download(request: Request) -> Response:
        fetched.append(request.url)
        if request.url.endswith("/old-ita"):
            return Response(request.url, status=301, headers={"Location": "http://127.0.0.2/ita"}, request=request)
        return HtmlResponse(request.url, body=b"<title>ITA</title>", request=request)

    redirected = run(chain.download_async(download, Request("http://127.0.0.1/old-ita")))
    final = run(chain.download_async(download, redirected))
    assert final.status == 200 and fetched == ["http://127.0.0.1/old-ita", "http://127.0.0.2/ita"]


# --- HeadFallbackMiddleware: a refused or dropped HEAD is asked again as GET ---------------------------------
HEAD = Request("http://8.8.8.8/files/o12.xlsx", method="HEAD", meta={"retry_times": 1, "oit_role": "check"})


@pytest.mark.parametrize("status", [400, 403, 404, 405, 501])
def test_a_refused_head_is_asked_again_as_get(status: int):
    crawler = make_crawler()
    retry = build_from_crawler(HeadFallbackMiddleware, crawler).process_response(
        HEAD, Response(HEAD.url, status=status, request=HEAD))
    assert isinstance(retry, Request) and retry.method == "GET" and retry.url == HEAD.url and retry.dont_filter
    assert retry.meta["oit_head_refused"] == str(status) and retry.meta["oit_role"] == "check"
    assert "retry_times" not in retry.meta  # the GET gets its own retries
    assert HEAD.meta["retry_times"] == 1 and "oit_head_refused" not in HEAD.meta  # the HEAD is left as it was
    assert crawler.stats.get_value(f"oitcheck/head_fallback/{status}") == 1


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("HEAD", 500), ("HEAD", 429), ("GET", 405)])
def test_other_answers_are_kept(method: str, status: int):
    request = HEAD.replace(method=method)
    response = Response(request.url, status=status, request=request)
    assert build_from_crawler(HeadFallbackMiddleware, make_crawler()).process_response(request, response) is response


@pytest.mark.parametrize("error", [ConnectionLost(), ConnectionDone(), DownloadFailedError(), ResponseDataLossError()])
def test_a_head_the_server_hangs_up_on_is_asked_again_as_get(error: Exception):
    crawler = make_crawler()
    retry = build_from_crawler(HeadFallbackMiddleware, crawler).process_exception(HEAD, error)
    assert isinstance(retry, Request) and retry.method == "GET" and retry.meta["oit_head_refused"] == "dropped"
    assert crawler.stats.get_value("oitcheck/head_fallback/dropped") == 1


def test_a_timed_out_head_and_a_dropped_get_are_left_to_the_retries():
    middleware = build_from_crawler(HeadFallbackMiddleware, make_crawler())
    assert middleware.process_exception(HEAD, DownloadTimeoutError()) is None
    assert middleware.process_exception(HEAD.replace(method="GET"), ConnectionLost()) is None


def test_the_fallback_codes_come_from_the_settings():
    middleware = build_from_crawler(HeadFallbackMiddleware, make_crawler(OITCHECK_HEAD_FALLBACK_CODES=[405]))
    not_found = Response(HEAD.url, status=404, request=HEAD)
    assert middleware.process_response(HEAD, not_found) is not_found
    assert isinstance(middleware.process_response(HEAD, Response(HEAD.url, status=405, request=HEAD)), Request)


# --- PoliteRetryMiddleware: backoff, Retry-After waited or recorded, the server's slot slowed ---------------
SERVER = "8.8.8.8"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the retry middleware takes, recorded instead of slept."""
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(middlewares, "sleep", sleep)
    return asked


@pytest.fixture
def retries() -> PoliteRetryMiddleware:
    crawler = make_crawler()
    give_engine(crawler)  # the slow-down reaches the downloader's slots
    return build_from_crawler(PoliteRetryMiddleware, crawler)


def answer(status: int, retry_after: str | None = None, **meta: Any) -> tuple[Request, Response]:
    request = Request(f"http://{SERVER}/news/1.html", meta={"download_slot": SERVER, **meta})
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return request, Response(request.url, status=status, headers=headers, request=request)


def test_transient_errors_are_retried_after_a_doubling_backoff_then_given_up(retries, waits):
    request, response = answer(503)
    first = run(retries.process_response(request, response))
    second = run(retries.process_response(first, response.replace(request=first)))
    assert (first.meta["retry_times"], second.meta["retry_times"]) == (1, 2) and waits == [0.5, 1.0]
    assert run(retries.process_response(second, response)) is response  # RETRY_TIMES = 2: given up, no wait
    assert waits == [0.5, 1.0]
    stats = retries.crawler.stats
    assert stats.get_value("retry/count") == 2 and stats.get_value("retry/max_reached") == 1
    assert stats.get_value("oitcheck/retry/waited_ms") == 1500


@pytest.mark.parametrize("status", [200, 404, 500])
def test_answers_that_do_not_get_better_are_kept(retries, waits, status: int):
    request, response = answer(status)
    assert run(retries.process_response(request, response)) is response and waits == []


def test_dont_retry_is_honoured(retries, waits):
    request, response = answer(503, dont_retry=True)
    assert run(retries.process_response(request, response)) is response and waits == []


@pytest.mark.parametrize("status", [429, 503])
def test_a_short_retry_after_is_waited_and_slows_the_server_for_the_rest_of_the_crawl(retries, waits, status: int):
    downloader = retries.crawler.engine.downloader
    downloader.slots[SERVER] = slot = Slot(concurrency=4, delay=0.25, jitter=0.5)
    request, response = answer(status, "2")
    assert run(retries.process_response(request, response)).meta["retry_times"] == 1 and waits == [2.0]
    assert (slot.delay, slot.jitter) == (2.0, 0)
    assert downloader.per_slot_settings[SERVER] == {"delay": 2.0, "jitter": 0}  # kept if the slot is remade
    slot.delay = 0.5  # AutoThrottle lowers the delay after a fast answer...
    ok_request, ok = answer(200)
    assert run(retries.process_response(ok_request, ok)) is ok
    assert slot.delay == 2.0  # ...and the server's floor is put back


def test_a_retry_after_date_counts_from_now(retries, waits):
    request, response = answer(429, "Sat, 15 Mar 2025 08:00:04 GMT")
    with freeze_time("2025-03-15 08:00:00"):
        run(retries.process_response(request, response))
    assert waits == [4.0]


def test_the_lasting_gap_is_capped_at_autothrottle_maximum(retries, waits):
    request, response = answer(429, "20")
    run(retries.process_response(request, response))
    assert waits == [20.0] and retries.slot_floors == {SERVER: 10.0}  # AUTOTHROTTLE_MAX_DELAY


@pytest.mark.parametrize("status", [429, 503])
def test_a_long_retry_after_is_recorded_on_the_request_not_waited(retries, waits, status: int):
    request, response = answer(status, "120")
    assert run(retries.process_response(request, response)) is response
    assert request.meta["oit_retry_after"] == 120 and waits == [] and retries.slot_floors == {}
    assert retries.crawler.stats.get_value("oitcheck/retry/retry_after_too_long") == 1
    assert retries.crawler.stats.get_value("retry/count") is None


@pytest.mark.parametrize(("status", "retry_after"), [(502, "20"), (503, "soon"), (429, "")])
def test_retry_after_only_counts_when_valid_on_429_and_503(retries, waits, status: int, retry_after: str):
    request, response = answer(status, retry_after)
    assert run(retries.process_response(request, response)).meta["retry_times"] == 1
    assert waits == [0.5] and retries.slot_floors == {}


@pytest.mark.parametrize("retry_after", ["inf", "1e400", "nan"])
def test_a_retry_after_that_is_no_number_of_seconds_is_not_believed(retries, waits, retry_after: str):
    """float() reads these; the middleware once crashed on round(inf) and lost the 429 answer."""
    request, response = answer(429, retry_after)
    assert run(retries.process_response(request, response)).meta["retry_times"] == 1
    assert waits == [0.5] and "oit_retry_after" not in request.meta


def test_timeouts_and_drops_are_retried_but_refusals_and_unknown_hosts_are_not(retries, waits):
    request, _ = answer(200)
    assert run(retries.process_exception(request, DownloadTimeoutError())).meta["retry_times"] == 1
    assert run(retries.process_exception(request, ConnectionLost())).meta["retry_times"] == 1
    assert run(retries.process_exception(request, DownloadConnectionRefusedError())) is None
    assert run(retries.process_exception(request, CannotResolveHostError())) is None
    assert waits == [0.5, 0.5]
    exhausted = request.replace(meta={**request.meta, "retry_times": 2})
    assert run(retries.process_exception(exhausted, DownloadTimeoutError())) is None and waits == [0.5, 0.5]


# --- ThaiEncodingMiddleware: undeclared or western-declared Thai pages are read as cp874 --------------------
THAI = "<html><body><h1>ข่าวประชาสัมพันธ์</h1><p>องค์การบริหารส่วนตำบล ประกาศ ๒๕๖๘</p></body></html>"


def thai_fix(body: bytes, content_type: str | None) -> tuple[HtmlResponse, Response]:
    headers = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse("http://8.8.8.8/", body=body, headers=headers)
    middleware = build_from_crawler(ThaiEncodingMiddleware, make_crawler())
    return response, middleware.process_response(Request(response.url), response)


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=ISO-8859-1", None,
                                          "text/html; charset=tis-620"])
def test_cp874_pages_without_a_thai_charset_are_read_as_thai(content_type: str | None):
    response, fixed = thai_fix(THAI.encode("cp874"), content_type)
    assert fixed.encoding == "cp874" and "ข่าวประชาสัมพันธ์" in fixed.text
    assert fixed.body == response.body and fixed.headers == response.headers


def test_scrapy_alone_would_believe_a_western_charset_on_thai_bytes():
    response, _ = thai_fix(THAI.encode("cp874"), "text/html; charset=ISO-8859-1")
    assert "ข่าวประชาสัมพันธ์" not in response.text  # mojibake: why the middleware exists


@pytest.mark.parametrize(("body", "content_type"), [
    (THAI.encode("utf-8"), "text/html; charset=utf-8"),
    (THAI.encode("utf-8"), "text/html"),
    (b'<meta charset="windows-874">' + THAI.encode("cp874"), "text/html"),
    (b"<html><body>Office of the Ombudsman</body></html>", "text/html"),
])
def test_pages_scrapy_reads_right_are_left_alone(body: bytes, content_type: str):
    response, fixed = thai_fix(body, content_type)
    assert fixed is response
    assert "ข่าวประชาสัมพันธ์" in fixed.text or "Ombudsman" in fixed.text


def test_files_that_are_not_text_are_left_alone():
    pdf = Response("http://8.8.8.8/o12.pdf", body=b"%PDF-1.4 \xa1\xb2\xc3", headers={"Content-Type": "application/pdf"})
    middleware = build_from_crawler(ThaiEncodingMiddleware, make_crawler())
    assert middleware.process_response(Request(pdf.url), pdf) is pdf


# --- CertificateCheckMiddleware: under --insecure-tls, each HTTPS server's certificate checked once aside --
def test_certificates_are_not_checked_aside_without_insecure_tls():
    with pytest.raises(NotConfigured):
        build_from_crawler(CertificateCheckMiddleware, make_crawler())


def test_certificate_problems_are_recorded_on_the_stats_under_insecure_tls(monkeypatch: pytest.MonkeyPatch):
    checked: list[tuple[str, int]] = []

    def problem(host: str, port: int, address: str | None = None) -> str:
        checked.append((host, port))
        assert address == host  # no guarded resolver installed here: the name itself
        return "self-signed certificate" if host == "127.0.0.1" else ""

    monkeypatch.setattr(middlewares, "certificate_problem", problem)
    crawler = make_crawler(CrawlOptions(insecure_tls=True))
    middleware = build_from_crawler(CertificateCheckMiddleware, crawler)
    for url in ("https://127.0.0.1:8443/", "https://127.0.0.1:8443/o1.pdf", "http://127.0.0.1:8080/",
                "https://127.0.0.2/", "https://127.0.0.2/ita.html"):
        response = Response(url)
        assert run(middleware.process_response(Request(url), response)) is response
    assert checked == [("127.0.0.1", 8443), ("127.0.0.2", 443)]  # once per server, never for plain http
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason="finished")
    assert crawler.stats.get_value("oitcheck/tls_problems") == {"127.0.0.1": "self-signed certificate"}


def test_a_server_that_cannot_be_reached_has_no_certificate_problem(network: NetworkGuard):
    assert certificate_problem("127.0.0.1", 8443, timeout=1) == ""  # the download reports the failure instead
    assert network.connections == [("127.0.0.1", 8443)]
    network.connections.clear()  # the one attempt this test expected (refused by the guard)
