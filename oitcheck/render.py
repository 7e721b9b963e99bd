"""Pages built by JavaScript: render only the pages that are empty without it, in a headless Chromium.

A page whose server sends an empty shell and a script (a menu written by ``document.write``, a single-page app)
shows a crawler nothing: no text, no link to follow. ``RenderMiddleware`` (a spider middleware) sees the parsed
record of every page of the site; when it is empty (``oitcheck.extract.emptiness``, the coverage guard's rule) and
the page has a ``<script>``, the record is held back and the page fetched again with ``meta={"playwright": True}``,
which Scrapy's headless-browser integration (scrapy-playwright, ``oitcheck.render_handler``, behind
``RenderingHandler``) answers with the DOM after the scripts ran. Every other page keeps Scrapy's plain download,
and no browser (not even Playwright's driver) starts for a site that needs none. When the browser is missing or
fails, the held record is kept and the reason goes to the report (``crawl.coverage.render_error``) and one
warning line on the console.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from twisted.python.failure import Failure

from oitcheck.browser import BROWSER_ARGS, browser_missing
from oitcheck.extract.emptiness import is_empty_page
from oitcheck.records import PageRecord, Role

RENDERED_STAT = "oitcheck/rendered"  # pages rendered in the browser
ERROR_STAT = "oitcheck/render_error"  # the first reason pages that needed it were not rendered
RENDERED = "oit_rendered"  # request meta: this page was (or was meant to be) rendered already
SCRIPT = re.compile(rb"<script", re.I)


def render_unavailable(settings: Any) -> str | None:
    """Why this run cannot render pages (no browser at OITCHECK_BROWSER, scrapy-playwright not installed), or
    None when it can."""
    if (missing := browser_missing(settings.get("OITCHECK_BROWSER"))) is not None:
        return f"{missing} (install Debian's chromium, or use --no-render)"
    if importlib.util.find_spec("scrapy_playwright") is None:  # found, not imported: most runs never need it
        return "scrapy-playwright is not installed"
    return None


def render_settings(settings: Any) -> dict[str, Any]:
    """The settings that enable rendering for a run (``oitcheck.crawl``): scrapy-playwright's download handler
    with Debian's Chromium, or, when rendering is off or impossible, only the reason (``OITCHECK_RENDER_ERROR``)."""
    if not settings.getbool("OITCHECK_RENDER"):
        return {}
    if (reason := render_unavailable(settings)) is not None:
        return {"OITCHECK_RENDER_ERROR": reason}
    handler = "oitcheck.render.RenderingHandler"
    timeout_ms = int(settings.getfloat("DOWNLOAD_TIMEOUT") * 1000)
    return {
        "DOWNLOAD_HANDLERS": {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": settings.get("OITCHECK_BROWSER"), "headless": True,
                                      "args": BROWSER_ARGS, "timeout": timeout_ms},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
    }


class RenderingHandler(HTTP11DownloadHandler):
    """The http(s) download handler of a run that may render: Scrapy's own for every request, and for a request
    marked ``playwright`` scrapy-playwright's (``oitcheck.render_handler``), imported and built at the first such
    request, so an audit that renders nothing never imports Playwright, and a broken Playwright fails only the
    renderings (their pages keep their plain records), never the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.browser: Any = None

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if self.browser is None:
            from oitcheck.render_handler import LazyPlaywrightHandler

            self.browser = build_from_crawler(LazyPlaywrightHandler, self.crawler)
        return await self.browser.download_request(request)

    async def close(self) -> None:
        await super().close()
        if self.browser is not None:
            await self.browser.close()


class RenderMiddleware:
    """Fetches a page of the site again through the browser when its parsed record is empty and it has a script;
    see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.enabled = settings.getbool("OITCHECK_RENDER")
        self.unavailable = settings.get("OITCHECK_RENDER_ERROR")
        self.room = settings.getint("OITCHECK_RENDER_MAX_PAGES")
        self.held: dict[str, PageRecord] = {}  # URL -> the empty record, kept until its rendering is in

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderMiddleware:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any],
                                    spider: Any = None) -> AsyncIterator[Any]:
        async for output in result:
            if isinstance(output, PageRecord):
                if response.meta.get(RENDERED):
                    self.held.pop(response.request.url if response.request is not None else response.url, None)
                    if response.meta.get("playwright"):
                        self._stats().inc_value(RENDERED_STAT)
                elif self._wants(response, output):
                    request = self._render(response, output)
                    if request is not None:
                        yield request
                        continue
            yield output

    def _wants(self, response: Response, page: PageRecord) -> bool:
        """An empty page of the site (not another host's), that answered, with a script to run."""
        return (self.enabled and response.meta.get("oit_role", Role.PAGE) == Role.PAGE and not page.external
                and response.status < 400 and response.request is not None
                and is_empty_page(page.text, (link.tag for link in page.links))
                and SCRIPT.search(response.body) is not None)

    def _render(self, response: Response, page: PageRecord) -> Request | None:
        """The browser request for ``response``'s page (its record held back meanwhile), or None when this run
        cannot render it (the reason noted once)."""
        if self.unavailable:
            self._note(self.unavailable)
            return None
        if self.room <= 0:
            self._note(f"more than {self.crawler.settings.getint('OITCHECK_RENDER_MAX_PAGES')} pages needed a "
                       "browser (OITCHECK_RENDER_MAX_PAGES)")
            return None
        self.room -= 1
        request = response.request
        self.held[request.url] = page
        return request.replace(meta={**request.meta, "playwright": True, RENDERED: True}, errback=self._failed,
                               dont_filter=True)

    def _failed(self, failure: Failure) -> Any:
        """The browser could not render the page: its plain record stands, and the reason is reported."""
        request = failure.request  # type: ignore[attr-defined]
        self._note(f"{type(failure.value).__name__}: {failure.getErrorMessage()}"[:300])
        page = self.held.pop(request.url, None)
        return [page] if page is not None else []

    def _note(self, reason: str) -> None:
        stats = self._stats()
        if not stats.get_value(ERROR_STAT):
            stats.set_value(ERROR_STAT, reason)

    def _stats(self) -> Any:
        return self.crawler.stats
