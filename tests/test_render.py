"""Pages built by JavaScript: only the pages empty without it are rendered, in a real headless Chromium."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from oitcheck import settings as defaults
from oitcheck.records import Link, PageRecord, Role
from oitcheck.render import ERROR_STAT, RENDERED, RENDERED_STAT, RenderMiddleware, render_settings
from tests.conftest import audit, items
from tests.test_coverage import scripted_site

CHROMIUM = Path(defaults.OITCHECK_BROWSER)
URL = "http://127.0.0.1:1/"
SHELL = b"<html><body><div id='app'></div><script>document.write('<a href=/a>a</a>')</script></body></html>"


def middleware(**overrides) -> RenderMiddleware:
    crawler = get_crawler(settings_dict={"OITCHECK_RENDER": True, "OITCHECK_RENDER_MAX_PAGES": 5, **overrides})
    crawler.stats.open_spider()
    return build_from_crawler(RenderMiddleware, crawler)


def answer(body: bytes, **meta) -> HtmlResponse:
    request = Request(URL, meta={"oit_role": Role.PAGE, "depth": 1, **meta})
    return HtmlResponse(URL, body=body, encoding="utf-8", request=request)


def record(text: str = "", links: int = 0) -> PageRecord:
    return PageRecord(url=URL, status=200, text=text, main_text=text,
                      links=tuple(Link(url=f"{URL}{n}") for n in range(links)))


def outputs(mw: RenderMiddleware, response: HtmlResponse, *out) -> list:
    """What the middleware passes on of a callback's ``out`` for ``response``."""
    async def result():
        for value in out:
            yield value

    async def collect():
        return [value async for value in mw.process_spider_output(response, result())]

    return asyncio.run(collect())


def test_an_empty_page_with_a_script_is_asked_again_of_the_browser_and_its_record_held():
    mw = middleware()
    page = record()
    out = outputs(mw, answer(SHELL), page, Request(URL + "a"))
    again = out[0]
    assert isinstance(again, Request) and again.meta["playwright"] is True and again.meta[RENDERED] is True
    assert again.url == URL and again.meta["depth"] == 1 and again.dont_filter
    assert out[1].url == URL + "a" and page not in out  # the empty record waits for its rendering
    failed = Failure(RuntimeError("browser crashed"))
    failed.request = again
    assert mw._failed(failed) == [page]  # the browser failed: the plain record stands, the reason is kept
    assert "browser crashed" in mw.crawler.stats.get_value(ERROR_STAT)


def test_pages_with_text_or_links_or_no_script_and_rendered_pages_pass_through():
    mw = middleware()
    full = record("ข้อความของหน้า " * 20)
    assert outputs(mw, answer(SHELL), full) == [full]
    linked = record(links=3)
    assert outputs(mw, answer(SHELL), linked) == [linked]
    blank = record()
    assert outputs(mw, answer(b"<html><body><img src='x.png'></body></html>"), blank) == [blank]
    document = answer(SHELL, oit_role=Role.DOCUMENT)  # a document link that answered HTML: never rendered
    assert outputs(mw, document, blank) == [blank]
    rendered = answer(b"<html><body>built</body></html>", playwright=True, **{RENDERED: True})
    assert outputs(mw, rendered, blank) == [blank]  # what the browser gave is final, even if empty
    assert mw.crawler.stats.get_value(RENDERED_STAT) == 1


def test_no_rendering_when_it_is_off_impossible_or_past_its_budget():
    off = middleware(OITCHECK_RENDER=False)
    blank = record()
    assert outputs(off, answer(SHELL), blank) == [blank]
    missing = middleware(OITCHECK_RENDER_ERROR="no browser at /nowhere/chromium")
    assert outputs(missing, answer(SHELL), blank) == [blank]
    assert missing.crawler.stats.get_value(ERROR_STAT) == "no browser at /nowhere/chromium"
    budget = middleware(OITCHECK_RENDER_MAX_PAGES=1)
    assert isinstance((outputs(budget, answer(SHELL), blank))[0], Request)
    assert outputs(budget, answer(SHELL), blank) == [blank]
    assert "OITCHECK_RENDER_MAX_PAGES" in budget.crawler.stats.get_value(ERROR_STAT)


def test_render_settings_enable_scrapy_playwright_only_with_a_browser(tmp_path):
    base = Settings({"OITCHECK_RENDER": True, "OITCHECK_BROWSER": str(tmp_path / "chromium"), "DOWNLOAD_TIMEOUT": 20})
    assert render_settings(base)["OITCHECK_RENDER_ERROR"].startswith(f"no browser at {tmp_path / 'chromium'}")
    assert render_settings(Settings({"OITCHECK_RENDER": False})) == {}
    if CHROMIUM.exists():
        enabled = render_settings(Settings({"OITCHECK_RENDER": True, "OITCHECK_BROWSER": str(CHROMIUM),
                                            "DOWNLOAD_TIMEOUT": 20}))
        assert enabled["DOWNLOAD_HANDLERS"]["https"] == "oitcheck.render.RenderingHandler"
        assert "--no-sandbox" in enabled["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (CI installs Debian's chromium)")
def test_a_homepage_whose_links_are_written_by_javascript_is_rendered_and_the_site_read(hosts, tmp_path):
    (writer, server), = hosts(1)
    scripted_site(writer)
    result, report = audit(server.url, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    crawl = report["crawl"]
    assert crawl["coverage"] == {"ok": True, "problems": [], "rendered": 1, "render_error": None}
    assert crawl["pages"] == 7 and "/structure.html" in server.hits  # the links the script wrote were followed
    assert items(report)["o1"]["evidence"][0]["url"].endswith("/structure.html")
    assert [hit.method for hit in server.hits["/structure.html"]] == ["GET"]  # a plain page: never rendered
    assert "warning" not in result.stderr


def test_a_missing_browser_is_one_warning_line_not_a_crash(hosts, tmp_path, monkeypatch):
    (writer, server), = hosts(1)
    scripted_site(writer)
    monkeypatch.setenv("OITCHECK_BROWSER", str(tmp_path / "no-chromium"))
    result, report = audit(server.url, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert report["crawl"]["coverage"]["render_error"].startswith("no browser at ")
    lines = [line for line in result.stderr.splitlines() if "not rendered" in line]
    assert lines == [f"warning: pages empty without JavaScript were not rendered: no browser at {tmp_path}/no-chromium "
                     "(install Debian's chromium, or use --no-render)"]
    assert "Traceback" not in result.stderr
    assert not report["crawl"]["coverage"]["ok"]  # and the guard says what that left unread
    assert os.environ["OITCHECK_BROWSER"]  # the child audit inherited it
