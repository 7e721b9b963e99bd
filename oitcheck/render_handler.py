"""The download handler of rendered pages: scrapy-playwright's, started lazily (``oitcheck.render``).

Imported by Scrapy only in a run that renders (``oitcheck.render.render_settings`` names it), so an audit that
needs no browser never imports Playwright.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from oitcheck.net import AddressPolicy, private_address_of

# What a rendered page may load: its documents, scripts and data; never pictures, fonts, media or styles.
LOADED_TYPES = {"document", "script", "xhr", "fetch"}


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, started at the first page that needs a browser instead of at every crawl's
    start, and keeping rendered pages to the addresses the crawl may reach (``--allow-private``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.policy = AddressPolicy.of(settings.getbool("OITCHECK_ALLOW_PRIVATE"),
                                       settings.getlist("OITCHECK_ALLOWED_NETWORKS"))
        self.abort_request = self._refused
        self.started = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Not at the engine's start: ``_download_request`` starts Playwright when a page first needs it."""

    def _engine_started(self) -> None:
        return None

    async def _download_request(self, request: Request, spider: Any = None) -> Response:
        async with self.started:
            if getattr(self, "browser_provider", None) is None:
                await self._launch()
        return await super()._download_request(request, spider)

    async def _refused(self, request: Any) -> bool:
        """Whether the browser must not load ``request`` (a playwright Request): pictures and the like, other
        schemes, and any host at an address the crawl may not reach."""
        if request.resource_type not in LOADED_TYPES:
            return True
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return True
        return await asyncio.to_thread(private_address_of, parts.hostname, self.policy) is not None
