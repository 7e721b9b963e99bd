"""The agency-site spider: a breadth-first crawl of one agency's main website.

It records every page it parses and every other URL it fetches (documents, homepage images,
external links, failures), so the item rules and the broken-link report work from one record.
Links to other hosts are fetched once for their status and content but never followed.

The homepage is read more closely than other pages, for the EIT QR code (item o4): its pictures of
every kind are fetched (``<img>``, lazy-load attributes, CSS backgrounds, the background pictures its
stylesheets name) and its inline SVG codes decoded; pages shown in its ``<frame>``/``<iframe>`` count
as part of it (old Thai sites are framesets).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from oitcheck.extract.css import css_pictures, page_names, selector_used
from oitcheck.extract.documents import DOCUMENT_KINDS, IMAGE_KINDS, kind_from_url, sniff_kind
from oitcheck.extract.html import page_words, parse_page
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from oitcheck.items import PageItem, ProbeItem, ResourceItem
from oitcheck.linkcache import LinkCache, link_cache_from
from oitcheck.middlewares import PrivateAddressRefused, is_status_only
from oitcheck.net import canonical, site_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
FRAME_TAGS = ("frame", "iframe")
# Stylesheet pictures whose name hints at a survey banner are fetched first when there are too many.
_BANNER_HINT = re.compile(r"qr|eit|ita|banner|popup|modal|survey|ประเมิน", re.I)


class Quota:
    """A cap on how many of one kind of fetch the crawl makes, and how many it has made."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    @property
    def room(self) -> int:
        return max(0, self.limit - self.used)

    def take(self, wanted: int = 1) -> int:
        """Count up to ``wanted`` more; how many there was room for."""
        taken = min(wanted, self.room)
        self.used += taken
        return taken


class SiteSpider(scrapy.Spider):
    """Crawls one site from its homepage; see the module docstring."""

    name = "site"

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url
        self.sites = {site_of(start_url)}
        self.seen: set[str] = set()
        self.pages_scheduled = 0
        self.documents_scheduled = 0
        self.max_pages = 2000
        self.max_documents = 1000
        self.max_checks = 10000
        self.checks_scheduled = 0
        self.not_fetched = 0
        self.page_maxsize = 5 * 1024 * 1024
        self.never_fetch: list[re.Pattern[str]] = []
        # The homepage's (and its frames') pictures, stylesheets, the pictures those name, and scripts.
        self.homepage_images = Quota(400)
        self.stylesheets = Quota(20)
        self.stylesheet_images = Quota(100)
        self.assets = Quota(100)
        self.max_frame_levels = 2  # a frameset's frame may itself be a frameset
        self.probed: set[str] = set()  # hosts whose answer to an impossible URL was asked for
        self.link_cache: LinkCache | None = None
        self.page_workers: ExtractionWorkers | None = None
        self.max_probes = 50

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("OITCHECK_MAX_PAGES")
        spider.max_documents = settings.getint("OITCHECK_MAX_DOCUMENTS")
        spider.max_checks = settings.getint("OITCHECK_MAX_CHECKS")
        spider.page_maxsize = settings.getint("OITCHECK_PAGE_MAXSIZE")
        spider.never_fetch = [re.compile(p, re.I) for p in settings.getlist("OITCHECK_NEVER_FETCH")]
        spider.link_cache = link_cache_from(settings)
        if settings.getbool("OITCHECK_PARSE_IN_WORKER"):
            spider.page_workers = ExtractionWorkers(WorkerLimits(
                workers=1, seconds=settings.getfloat("OITCHECK_PAGE_SECONDS"),
                memory_mb=settings.getint("OITCHECK_WORKER_MEMORY_MB"), max_tasks=5000))
            crawler.signals.connect(spider._opened, signal=signals.spider_opened)
            crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.seen.add(canonical(self.start_url))
        self.pages_scheduled = 1
        yield self._request(self.start_url, "page", depth=0, homepage=True)
        yield self._probe(self.start_url)

    def _probe(self, url: str) -> scrapy.Request:
        """A request for a URL that cannot exist on ``url``'s host (GSA Site Scanning's 404 probe): a
        host that answers it with 200 serves soft 404s, and pages like its answer are not evidence."""
        self.probed.add(site_of(url))
        token = secrets.token_hex(8)
        probe = urljoin(url, f"/oitcheck-probe-{token}/not-found-{token}.html")
        return scrapy.Request(probe, callback=self.parse_probe, errback=self.probe_failed, dont_filter=True,
                              meta={"oit_role": "probe", "download_maxsize": self.page_maxsize}, priority=-1)

    def parse_probe(self, response: Response) -> Iterator[ProbeItem]:
        title, words = "", []
        if isinstance(response, TextResponse) and response.status < 400:
            with contextlib.suppress(Exception):  # hostile markup: no yardstick, no harm
                facts = parse_page(response.text, response.url)
                title, words = facts["title"], page_words(facts)
        yield ProbeItem(host=site_of(response.request.url if response.request else response.url),
                        url=response.request.url if response.request else response.url, status=response.status,
                        final_url=response.url, title=title, words=words)

    def probe_failed(self, failure: Failure) -> Iterator[ProbeItem]:
        request = failure.request  # type: ignore[attr-defined]
        yield ProbeItem(host=site_of(request.url), url=request.url, status=None, final_url=None, title="", words=[])

    # -- requests -------------------------------------------------------------------------------

    def _request(self, url: str, role: str, depth: int | None = None, homepage: bool = False,
                 frame: int = 0) -> scrapy.Request:
        """``frame``: how many frames deep inside the homepage this page is shown (0: not in a frame)."""
        meta: dict[str, Any] = {"oit_role": role, "oit_homepage": homepage}
        if frame:
            meta["oit_frame"] = frame
        if depth is not None:
            meta["depth"] = depth
        if role in ("page", "external", "check", "stylesheet"):
            meta["download_maxsize"] = self.page_maxsize
        # Documents first within a depth level: they are the evidence, pages only lead to it.
        priority = 1 if role == "document" else 0
        # The spider's own ``seen`` set dedupes; Scrapy's dupefilter would silently drop a redirect back
        # to an already-seen URL, hiding redirect loops that should be reported.
        callback = self.parse_home if homepage or frame else self.parse
        # Links whose body is never read are checked with HEAD (HeadFallbackMiddleware retries with GET).
        method = "HEAD" if is_status_only(role, url) else "GET"
        return scrapy.Request(url, method=method, callback=callback, errback=self.on_error, meta=meta,
                              priority=priority, dont_filter=True)

    def _cached(self, url: str) -> PageItem | ResourceItem | None:
        """The cached record of a link to another host, as the item its fetch would have made."""
        if self.link_cache is None or self.is_internal(url):
            return None
        record = self.link_cache.fresh(url)
        if record is None:
            return None
        item_class = PageItem if "links" in record else ResourceItem
        return item_class(**{k: v for k, v in record.items() if k in item_class.fields})

    def is_internal(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and site_of(url) in self.sites

    def follow(self, links: list[dict[str, Any]], images: list[dict[str, Any]],
               homepage: bool, frame: int = 0) -> Iterator[scrapy.Request]:
        """Requests for the links of an internal page, within the page and document caps.

        For the homepage and the pages in its frames (``frame`` levels deep), also their pictures, and
        their frames' pages marked as frames, so those are read as closely as the homepage."""
        as_homepage = homepage or frame > 0
        frames = {canonical(link["url"]) for link in links if link.get("tag") in FRAME_TAGS} if (
            as_homepage and frame < self.max_frame_levels) else set()
        for link in links:
            url = link["url"]
            if not url.startswith(("http://", "https://")):
                continue
            canon = canonical(url)
            if canon in self.seen:
                continue
            if any(p.search(url) for p in self.never_fetch):
                continue
            kind = kind_from_url(url)
            if kind in DOCUMENT_KINDS or kind in IMAGE_KINDS:
                if self.documents_scheduled >= self.max_documents:
                    continue
                self.documents_scheduled += 1
                role = "document"
            elif self.is_internal(url):
                if self.pages_scheduled < self.max_pages:
                    self.pages_scheduled += 1
                    role = "page"
                elif self.checks_scheduled < self.max_checks:
                    self.checks_scheduled += 1  # past the cap: its status still counts for broken links
                    role = "check"
                else:
                    self.not_fetched += 1
                    continue
            else:
                role = "external"
            self.seen.add(canon)
            if role != "page" and (cached := self._cached(url)) is not None:
                yield cached  # another host's link that worked lately: not asked again (OITCHECK_LINK_CACHE_DAYS)
                continue
            yield self._request(url, role, frame=frame + 1 if role == "page" and canon in frames else 0)
        if as_homepage:  # homepage images may carry the EIT QR code
            yield from self._image_requests(images)

    def _take(self, url: str, quota: Quota) -> bool:
        """Whether ``url`` is a new, fetchable URL with room left in ``quota``; if so it is counted and
        marked seen."""
        canon = canonical(url)
        if not url.startswith(("http://", "https://")) or canon in self.seen:
            return False
        if quota.room <= 0 or any(p.search(url) for p in self.never_fetch):
            return False
        quota.take()
        self.seen.add(canon)
        return True

    def _image_requests(self, images: list[dict[str, Any]]) -> Iterator[scrapy.Request]:
        """Requests for homepage pictures not fetched yet, up to the ``homepage_images`` quota in all."""
        for image in images:
            url = image["url"]
            if not self._take(url, self.homepage_images):
                continue
            if (cached := self._cached(url)) is not None:
                yield cached
                continue
            yield self._request(url, "image")

    # -- callbacks ------------------------------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        if response.request is not None and response.request.method == "HEAD":
            yield self._status_record(response)  # a status-only check: no body, nothing to sniff or parse
            return
        meta = response.meta
        role = meta.get("oit_role", "page")
        homepage = meta.get("oit_homepage", False)
        frame = meta.get("oit_frame", 0)
        if homepage:
            self.sites.add(site_of(response.url))
        url = response.request.url if response.request else response.url
        redirects = list(meta.get("redirect_urls", []))
        original = redirects[0] if redirects else url
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        external = not self.is_internal(original) and not homepage
        base: dict[str, Any] = {
            "url": original, "final_url": response.url, "redirects": redirects, "status": response.status,
            "depth": meta.get("depth", 0), "external": external, "content_type": content_type,
            "last_modified": _last_modified(response),
        }
        declared = content_type.split(";")[0].strip().lower()
        is_html = isinstance(response, TextResponse) and declared in HTML_TYPES
        if not is_html and sniff_kind(response.body[:512], response.url) == "html":
            # no type, or an HTML page mislabelled as a document (a CMS's "file not found" served as PDF)
            response = response.replace(cls=HtmlResponse)
            is_html = True
        # A "document" link that answers with an HTML page is parsed too: it may be a download page,
        # or a CMS's "file not found" page (a soft 404) that must not pass for the document.
        if is_html and role in ("page", "external", "document") and response.status < 400:
            facts = await self._parse_page(response.text, response.url)
            if "error" in facts:  # hostile markup (a parser error or a page that hangs it) must not end the crawl
                self.logger.warning("cannot parse %s: %s", response.url, facts["error"])
                yield ResourceItem(**base, error="unparseable", error_detail=facts["error"][:300], kind="html",
                                   size=len(response.body), body=None, doc=None, qr=[])
                return
            if not (homepage or frame):
                facts["svgs"] = []  # only the homepage's are decoded (parse_home); kept, they would bloat the record
                facts["scripts"] = []  # only the homepage's are checked
            yield PageItem(**base, encoding=response.encoding, **facts)
            host = site_of(response.url)
            if external and host not in self.probed and len(self.probed) < self.max_probes:
                yield self._probe(response.url)  # an external page is evidence too: its host's soft 404s
            if role == "page" and not external and self.is_internal(response.url):
                for request in self.follow(facts["links"], facts["images"], homepage, frame):
                    yield request
                if homepage or frame:  # the homepage's scripts: a broken one is a broken page for visitors
                    for url in facts.get("scripts") or []:
                        if self._take(url, self.assets):
                            yield self._cached(url) or self._request(url, "asset")
            return
        body = response.body
        kind = (kind_from_url(response.url) or "html") if response.status >= 400 else sniff_kind(
            body, response.url, content_type)
        keep = response.status < 400 and (kind in DOCUMENT_KINDS or kind in IMAGE_KINDS)
        yield ResourceItem(**base, error=None, error_detail=None, kind=kind, size=len(body),
                           body=body if keep else None, doc=None, qr=[], retry_after=meta.get("oit_retry_after"))

    async def _parse_page(self, html: str, url: str) -> dict[str, Any]:
        """``parse_page`` in the page worker process when there is one: parsing is most of the crawl's
        CPU, and there it runs on the other core, under a time limit (``{"error": ...}`` on failure)."""
        if self.page_workers is None:
            try:
                return parse_page(html, url)
            except Exception as exc:  # noqa: BLE001 - hostile markup must not end the crawl
                return {"error": f"{type(exc).__name__}: {exc}"}
        facts = await self.page_workers.page(html, url)
        return {"error": facts.get("error") or "unparseable"} if facts.get("quality") == "unreadable" else facts

    def _opened(self, spider: Any = None) -> None:
        """Start the page worker now: its imports then overlap robots.txt and the homepage's download."""
        if self.page_workers is not None:
            self.page_workers.start()

    def _closed(self, spider: Any = None) -> None:
        if self.page_workers is not None:
            self.page_workers.close()

    def _status_record(self, response: Response) -> ResourceItem:
        """The record of a link checked with HEAD: status, final URL, redirects and type (from the headers
        and the URL), never an empty document or page."""
        meta = response.meta
        url = response.request.url if response.request else response.url
        redirects = list(meta.get("redirect_urls", []))
        original = redirects[0] if redirects else url
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if response.status >= 400:
            kind = kind_from_url(response.url) or "html"
        else:
            kind = sniff_kind(b"", response.url, content_type)
            kind = "other" if kind == "empty" else kind
        length = response.headers.get(b"Content-Length", b"").decode("latin-1").strip()
        return ResourceItem(url=original, final_url=response.url, redirects=redirects, status=response.status,
                            error=None, error_detail=None, depth=meta.get("depth", 0),
                            external=not self.is_internal(original), kind=kind, content_type=content_type,
                            size=int(length) if length.isdigit() else None, last_modified=_last_modified(response),
                            body=None, doc=None, qr=[], retry_after=meta.get("oit_retry_after"))

    async def parse_home(self, response: Response) -> AsyncIterator[Any]:
        """The homepage and the pages in its frames: ``parse``, then the pictures their stylesheets name
        (added to the page's ``images``, source "css").

        The page's record waits for its stylesheets, but its links are followed meanwhile."""
        page: PageItem | None = None
        async for output in self.parse(response):
            if isinstance(output, PageItem):
                page = output
            else:
                yield output
        if page is None:
            return
        if not page.get("external") and self.is_internal(response.url):
            pictures, records = await self._stylesheet_pictures(page.get("stylesheets") or [],
                                                                response.meta.get("depth", 0) + 1,
                                                                page_names(getattr(response, "text", "")))
            for record in records:
                yield record
            page["images"] = [*page.get("images", []), *pictures]
            for request in self._image_requests(pictures):
                yield request
        yield page  # its inline SVGs are decoded by DocumentPipeline, in the extraction workers

    async def _stylesheet_pictures(self, urls: list[str], depth: int,
                                   names: set[str]) -> tuple[list[dict[str, Any]], list[ResourceItem]]:
        """The pictures named by these stylesheets (and by those they @import), within the ``stylesheets``
        and ``stylesheet_images`` quotas; with a record of each stylesheet fetch.

        A theme's stylesheet names pictures for every page of the site: those whose rule uses a class or
        id of this page (``names``) come first, then those whose name hints at a survey banner."""
        pictures: list[dict[str, Any]] = []
        named_urls: set[str] = set()
        records: list[ResourceItem] = []
        queue = urls
        for _ in range(2):  # the page's stylesheets, then those they import
            batch = []
            for url in queue:
                if self._take(url, self.stylesheets):
                    batch.append(url)
            if not batch:
                break
            results = await asyncio.gather(*(self._fetch_stylesheet(url, depth) for url in batch))
            queue = []
            for record, named, imports in results:
                records.append(record)
                for picture in named:
                    if picture["url"] not in named_urls:
                        named_urls.add(picture["url"])
                        pictures.append(picture)
                queue.extend(imports)
        pictures.sort(key=lambda p: (not selector_used(p["selector"], names), not _BANNER_HINT.search(p["url"])))
        taken = self.stylesheet_images.take(len(pictures))
        return pictures[:taken], records

    async def _fetch_stylesheet(self, url: str, depth: int) -> tuple[ResourceItem, list[dict[str, Any]], list[str]]:
        """One stylesheet, fetched inline through the downloader (its middlewares apply: robots.txt, private
        addresses, size cap): (its record, the pictures it names, the stylesheets it imports)."""
        request = self._request(url, "stylesheet", depth=depth)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded like a failed link
            code, detail = classify_failure(Failure(exc))
            return ResourceItem(url=url, final_url=url, redirects=[], status=None, error=code, error_detail=detail,
                                depth=depth, external=not self.is_internal(url), kind="css", content_type=None,
                                size=None, last_modified=None, body=None, doc=None, qr=[]), [], []
        redirects = list(response.meta.get("redirect_urls", [])) if response.request else []
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        record = ResourceItem(url=url, final_url=response.url, redirects=redirects, status=response.status,
                              error=None, error_detail=None, depth=depth, external=not self.is_internal(url),
                              kind="css", content_type=content_type, size=len(response.body),
                              last_modified=_last_modified(response), body=None, doc=None, qr=[])
        if response.status >= 400 or "html" in content_type.lower():
            return record, [], []
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        named, imports = css_pictures(text, response.url)
        pictures = [{"url": u, "alt": "", "chrome": False, "context": "", "source": "css", "stylesheet": url,
                     "selector": selector} for u, selector in named]
        return record, pictures, imports

    def on_error(self, failure: Failure) -> Iterator[ResourceItem]:
        request = failure.request  # type: ignore[attr-defined]
        code, detail = classify_failure(failure)
        redirects = list(request.meta.get("redirect_urls", []))
        original = redirects[0] if redirects else request.url
        yield ResourceItem(
            url=original, final_url=request.url, redirects=redirects, status=None, error=code,
            error_detail=detail, depth=request.meta.get("depth", 0),
            external=not self.is_internal(original) and not request.meta.get("oit_homepage"),
            kind=kind_from_url(request.url) or "html", content_type=None, size=None, last_modified=None,
            body=None, doc=None, qr=[],
        )


def classify_failure(failure: Failure) -> tuple[str, str]:
    """A short error code and a one-line detail for a failed request."""
    detail = str(failure.value).splitlines()[0][:300] if str(failure.value) else type(failure.value).__name__
    if failure.check(PrivateAddressRefused):
        return "private_address", detail
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns", detail
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout", detail
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "refused", detail
    text = detail.lower()
    if failure.check(DownloadCancelledError) and "max size" in text:
        return "too_large", detail
    if failure.check(ConnectionLost, ConnectError, DownloadFailedError, ResponseDataLossError):
        return "tls" if "ssl" in text or "certificate" in text else "connection", detail
    if "max redirections" in text:
        return "redirect_loop", detail
    if "robots.txt" in text:
        return "robots", detail
    if "larger than download max size" in text or "maxsize" in text:
        return "too_large", detail
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "tls", detail
    if "timed out" in text or "timeout" in text:
        return "timeout", detail
    return "error", detail


def _last_modified(response: Response) -> str | None:
    """The ``Last-Modified`` header, unless it is just the time the page was generated."""
    value = response.headers.get(b"Last-Modified", b"").decode("latin-1") or None
    served = response.headers.get(b"Date", b"").decode("latin-1") or None
    return None if is_dynamic_last_modified(value, served) else value


def is_dynamic_last_modified(last_modified: str | None, served: str | None) -> bool:
    """A ``Last-Modified`` equal to the response's own ``Date`` is a page built on request: no information."""
    if not last_modified or not served:
        return False
    try:
        gap = parsedate_to_datetime(served) - parsedate_to_datetime(last_modified)
    except (TypeError, ValueError, IndexError):
        return False
    return abs(gap.total_seconds()) < 120
