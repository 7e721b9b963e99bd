"""Redirects as browsers follow them: up to ``REDIRECT_MAX_TIMES`` (20) hops, a loop told apart from a long
chain, a redirect to a scheme no browser fetches over the web (``ftp:``, ``mailto:``) a failure, and a
page that meta-refreshes to itself a working page (news pages reload themselves every minute).

Scrapy's own middlewares give up after the limit with one "max redirections" error for both a loop and a
long chain, pass a redirect to ``ftp:`` on as the 3xx answer (which then looks fine), and follow a
self-refresh until the limit (an endless "loop" on a page that works).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.utils.response import get_meta_refresh
from w3lib.url import safe_url_string

from oitcheck.net import canonical

WEB_SCHEMES = ("http", "https")
REDIRECT_CODES = (301, 302, 303, 307, 308)


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited more often than a cookie check would explain."""


class TooManyRedirects(IgnoreRequest):
    """A chain of distinct URLs longer than ``REDIRECT_MAX_TIMES``."""


class UnsupportedScheme(IgnoreRequest):
    """A redirect to a URL that is not http(s): browsers do not open it as a web page."""


class _LoopAware(redirect.BaseRedirectMiddleware):
    """Counts how often a redirect returns to a URL already in its chain."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        # A cookie check sends a visitor back to the same URL once (with the cookie set); again is a loop.
        self.revisits = settings.getint("OITCHECK_REDIRECT_REVISITS")

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        target = canonical(redirected.url)
        if sum(canonical(url) == target for url in chain) > self.revisits:
            request.meta["oit_redirected_to"] = redirected.url  # the record shows the loop closing
            raise RedirectLoop(f"redirect loop: {redirected.url} again after {len(chain)} redirects")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest as exc:  # Scrapy's "max redirections reached"
            request.meta["oit_redirected_to"] = redirected.url
            raise TooManyRedirects(f"more than {self.max_redirect_times} redirects") from exc


class RedirectMiddleware(_LoopAware, redirect.RedirectMiddleware):
    """Scrapy's 3xx redirects, with loops, long chains and non-web targets reported apart."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        location = response.headers.get(b"Location")
        if location and response.status in REDIRECT_CODES and not request.meta.get("dont_redirect"):
            target = urljoin(request.url, safe_url_string(location.strip()))
            scheme = urlsplit(target).scheme.lower()
            if scheme and scheme not in WEB_SCHEMES:
                request.meta["oit_redirected_to"] = target[:2000]
                raise UnsupportedScheme(f"redirected to a {scheme}: URL ({target[:200]})")
        return super().process_response(request, response)


class MetaRefreshMiddleware(_LoopAware, redirect.MetaRefreshMiddleware):
    """Scrapy's meta refresh, except a refresh to the page itself: that is a page that reloads, and works."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if isinstance(response, HtmlResponse) and request.method != "HEAD":
            _, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            if url and canonical(url) in (canonical(response.url), canonical(request.url)):
                return response
        return super().process_response(request, response)
