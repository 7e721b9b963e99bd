"""The agency-site spider: a breadth-first crawl of one agency's main website.

It records every page it parses and every other URL it fetches (documents, homepage images, external links,
failures), so the item rules and the broken-link report work from one record. Links to other hosts are fetched
once for their status and content but never followed. What every page shows (pictures, stylesheets, scripts) is
checked for status once (``oitcheck.spiders.links``); pinned evidence is fetched linked or not (``.pinned``).

The homepage is read more closely than other pages, for the EIT QR code (item o4): its pictures of every kind
are fetched (``<img>``, lazy-load attributes, CSS backgrounds, the background pictures its stylesheets name) and
its inline SVG codes decoded; pages shown in its ``<frame>``/``<iframe>`` count as part of it (framesets).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure

from oitcheck.budgets import HostQuota
from oitcheck.extract.css import css_pictures, page_names, selector_used
from oitcheck.extract.documents import DOCUMENT_KINDS, IMAGE_KINDS, kind_from_url, sniff_kind
from oitcheck.extract.html import parse_page
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from oitcheck.httpcache import close_page_workers, page_cache
from oitcheck.linkcache import LinkCache, link_cache_from
from oitcheck.middlewares import is_status_only
from oitcheck.net import canonical, site_of
from oitcheck.records import Image, Link, PageRecord, ProbeRecord, ResourceRecord, Role
from oitcheck.sizecap import READ_CAP
from oitcheck.spiders.links import Quota, shown_with, too_long
from oitcheck.spiders.pinned import PINNED, pinned_requests
from oitcheck.spiders.probes import Prober
from oitcheck.spiders.responses import failure_record, fetch_fields, linked_url, status_record

HTML_TYPES = ("text/html", "application/xhtml+xml")
FRAME_TAGS = ("frame", "iframe")
# Stylesheet pictures whose name hints at a survey banner are fetched first when there are too many.
_BANNER_HINT = re.compile(r"qr|eit|ita|banner|popup|modal|survey|ประเมิน", re.I)


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
        self.checks_scheduled = 0
        self.not_fetched = 0
        self.prober: Prober  # soft-404 probes per host and URL shape (oitcheck.spiders.probes)
        self.link_cache: LinkCache | None = None
        self.page_workers: ExtractionWorkers | None = None
        # Caps and quotas: from the OITCHECK_* settings (oitcheck/settings.py), set by from_crawler.
        self.max_pages: int
        self.max_documents: int
        self.max_checks: int
        self.page_maxsize: int
        self.never_fetch: list[re.Pattern[str]]
        # The homepage's (and its frames') pictures, stylesheets, the pictures those name, and scripts.
        self.homepage_images: Quota
        self.stylesheets: Quota
        self.stylesheet_images: Quota
        self.assets: Quota
        self.page_assets: Quota  # every other page's pictures, stylesheets and scripts (status only)
        self.max_url_length: int
        self.max_frame_levels: int  # a frameset's frame may itself be a frameset
        self.follow_links: bool
        self.host_requests: HostQuota  # links checked per other host (oitcheck.budgets)
        self.stylesheet_maxsize: int  # bytes of a stylesheet read for the pictures it names

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("OITCHECK_MAX_PAGES")
        spider.max_documents = settings.getint("OITCHECK_MAX_DOCUMENTS")
        spider.max_checks = settings.getint("OITCHECK_MAX_CHECKS")
        spider.page_maxsize = settings.getint("OITCHECK_PAGE_MAXSIZE")
        spider.never_fetch = [re.compile(p, re.I) for p in settings.getlist("OITCHECK_NEVER_FETCH")]
        spider.homepage_images = Quota(settings.getint("OITCHECK_HOMEPAGE_IMAGES"))
        spider.stylesheets = Quota(settings.getint("OITCHECK_HOMEPAGE_STYLESHEETS"))
        spider.stylesheet_images = Quota(settings.getint("OITCHECK_STYLESHEET_IMAGES"))
        spider.assets = Quota(settings.getint("OITCHECK_HOMEPAGE_ASSETS"))
        spider.page_assets = Quota(settings.getint("OITCHECK_PAGE_ASSETS"))
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT")
        spider.max_frame_levels = settings.getint("OITCHECK_MAX_FRAME_LEVELS")
        spider.prober = Prober(settings.getint("OITCHECK_MAX_PROBES"), settings.getint("OITCHECK_PROBES_PER_HOST"),
                               spider.page_maxsize)
        spider.follow_links = settings.getbool("OITCHECK_FOLLOW_LINKS")
        spider.link_cache = link_cache_from(settings)
        spider.stylesheet_maxsize = settings.getint("OITCHECK_STYLESHEET_MAXSIZE")
        spider.host_requests = HostQuota(settings.getint("OITCHECK_HOST_MAX_REQUESTS"), crawler)
        if settings.getbool("OITCHECK_PARSE_IN_WORKER"):  # a page seen before, byte for byte, is not parsed again
            spider.page_workers = ExtractionWorkers(WorkerLimits(
                workers=1, seconds=settings.getfloat("OITCHECK_PAGE_SECONDS"),
                memory_mb=settings.getint("OITCHECK_WORKER_MEMORY_MB"), max_tasks=5000), page_cache(settings))
            crawler.signals.connect(spider._opened, signal=signals.spider_opened)
            crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.seen.add(canonical(self.start_url))
        self.pages_scheduled = 1
        yield self._request(self.start_url, Role.PAGE, depth=0, homepage=True)
        if self.follow_links and (probe := self.prober.first(self.start_url, self.parse_probe, self.probe_failed)):
            yield probe
        for pinned in pinned_requests(self):  # the evidence the agency submits, linked or not (oitcheck pin)
            yield pinned

    def parse_probe(self, response: Response) -> Iterator[ProbeRecord]:
        yield self.prober.record(response)

    def probe_failed(self, failure: Failure) -> Iterator[ProbeRecord]:
        yield self.prober.failed(failure)

    # -- requests -------------------------------------------------------------------------------

    def _request(self, url: str, role: Role, depth: int | None = None, homepage: bool = False,
                 frame: int = 0) -> scrapy.Request:
        """``frame``: how many frames deep inside the homepage this page is shown (0: not in a frame)."""
        meta: dict[str, Any] = {"oit_role": role, "oit_homepage": homepage}
        if frame:
            meta["oit_frame"] = frame
        if depth is not None:
            meta["depth"] = depth
        if role in (Role.PAGE, Role.EXTERNAL):  # read as far as the cap, whatever size it declares (oitcheck.sizecap)
            meta.update({READ_CAP: self.page_maxsize, "download_maxsize": 0})
        elif role in (Role.CHECK, Role.STYLESHEET, Role.ASSET):
            meta["download_maxsize"] = self.page_maxsize
        # Documents first within a depth level: they are the evidence, pages only lead to it.
        priority = 1 if role == Role.DOCUMENT else 0
        # The spider's ``seen`` set dedupes: Scrapy's dupefilter would hide redirect loops (a redirect back to a URL).
        callback = self.parse_home if homepage or frame else self.parse
        # Links whose body is never read are checked with HEAD (HeadFallbackMiddleware retries with GET).
        method = "HEAD" if is_status_only(role, url) else "GET"
        return scrapy.Request(url, method=method, callback=callback, errback=self.on_error, meta=meta,
                              priority=priority, dont_filter=True)

    def _cached(self, url: str) -> PageRecord | ResourceRecord | None:
        """The cached record of a link to another host, as the item its fetch would have made."""
        if self.link_cache is None or self.is_internal(url):
            return None
        return self.link_cache.fresh(url)

    def is_internal(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and site_of(url) in self.sites

    def follow(self, links: tuple[Link, ...], images: tuple[Image, ...],
               homepage: bool, frame: int = 0) -> Iterator[scrapy.Request]:
        """Requests for the links of an internal page, within the page and document caps.

        For the homepage and the pages in its frames (``frame`` levels deep), also their pictures, and
        their frames' pages marked as frames, so those are read as closely as the homepage."""
        as_homepage = homepage or frame > 0
        frames = {canonical(link.url) for link in links if link.tag in FRAME_TAGS} if (
            as_homepage and frame < self.max_frame_levels) else set()
        for link in links:
            url = link.url
            if not url.startswith(("http://", "https://")):
                continue
            canon = canonical(url)
            if canon in self.seen or (not self.follow_links and canon not in frames):
                continue
            if any(p.search(url) for p in self.never_fetch):
                continue
            internal = self.is_internal(url)
            if not internal and not self.host_requests.take(url):
                continue  # past the other host's quota: counted as skipped, reported
            kind = kind_from_url(url)
            if kind in DOCUMENT_KINDS or kind in IMAGE_KINDS:
                if self.documents_scheduled >= self.max_documents:
                    continue
                self.documents_scheduled += 1
                role = Role.DOCUMENT
            elif internal:
                if self.pages_scheduled < self.max_pages:
                    self.pages_scheduled += 1
                    role = Role.PAGE
                elif self.checks_scheduled < self.max_checks:
                    self.checks_scheduled += 1  # past the cap: its status still counts for broken links
                    role = Role.CHECK
                else:
                    self.not_fetched += 1
                    continue
            else:
                role = Role.EXTERNAL
            self.seen.add(canon)
            if role in (Role.PAGE, Role.CHECK) and self.follow_links and (probe := self.prober.for_link(
                    url, self.parse_probe, self.probe_failed)):
                yield probe  # the first link of a new shape: how the site answers that shape when it is wrong
            # Pages are always fetched; another link may come from the link cache (OITCHECK_LINK_CACHE_DAYS).
            yield self._request(url, role, frame=frame + 1 if canon in frames else 0) if role == Role.PAGE else (
                self._fetch(url, role))
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

    def _fetch(self, url: str, role: Role) -> scrapy.Request | PageRecord | ResourceRecord:
        """The request for a URL that is not a page to read, or its record when it is cached or too long to send
        (page links over the limit never get here: extraction lists them as dropped)."""
        external = not self.is_internal(url)
        return self._cached(url) or too_long(url, self.max_url_length, external) or self._request(url, role)

    def _image_requests(self, images: tuple[Image, ...] | list[Image]) -> Iterator[Any]:
        """Requests for homepage pictures not fetched yet, up to the ``homepage_images`` quota in all."""
        for image in images:
            if self._take(image.url, self.homepage_images):
                yield self._fetch(image.url, Role.IMAGE)

    # -- callbacks ------------------------------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        homepage = meta.get("oit_homepage", False)
        original = linked_url(response.request) if response.request is not None else response.url
        external = not self.is_internal(original) and not homepage
        if response.request is not None and response.request.method == "HEAD":
            yield status_record(response, external)  # a status-only check: no body, nothing to sniff or parse
            return
        role = meta.get("oit_role", Role.PAGE)
        frame = meta.get("oit_frame", 0)
        if homepage:
            self.sites.add(site_of(response.url))
        fields = fetch_fields(response, external)
        declared = fields["content_type"].split(";")[0].strip().lower()
        is_html = isinstance(response, TextResponse) and declared in HTML_TYPES
        if not is_html and sniff_kind(response.body[:512], response.url) == "html":
            # no type, or an HTML page mislabelled as a document (a CMS's "file not found" served as PDF)
            response = response.replace(cls=HtmlResponse)
            is_html = True
        # A "document" link that answers with an HTML page is parsed too: it may be a download page,
        # or a CMS's "file not found" page (a soft 404) that must not pass for the document.
        cut = fields["truncated"]  # past the size cap: a page is read as far as it came, anything else not at all
        if is_html and role in (Role.PAGE, Role.EXTERNAL, Role.DOCUMENT) and response.status < 400 and (
                response.body or not cut):
            facts = await self._parse_page(response.text, response.url, response.encoding)
            if "error" in facts:  # hostile markup (a parser error or a page that hangs it) must not end the crawl
                self.logger.warning("cannot parse %s: %s", response.url, facts["error"])
                yield ResourceRecord(**fields, error="unparseable", error_detail=facts["error"][:300], kind="html",
                                     size=len(response.body))
                return
            if not (homepage or frame):
                facts["svgs"] = []  # only the homepage's are decoded (parse_home); kept, they would bloat the record
            fields["truncated"] = fields["truncated"] or facts.pop("partial", None)  # read as far as it could be
            page = PageRecord.from_dict({**facts, **fields, "encoding": response.encoding})
            yield page
            if external and (probe := self.prober.first(response.url, self.parse_probe, self.probe_failed)):
                yield probe  # an external page is evidence too: its host's soft 404s
            if homepage:
                self.prober.remember_home(page)
            if role == Role.PAGE and not external and self.is_internal(response.url):
                # A not-found answer (the homepage at a wrong folder): its links and pictures resolve against
                # the wrong base, so they are that one soft 404's echoes, not the site's links.
                dead = not homepage and self.prober.dead_end(page)
                for request in self.follow(() if dead else page.links, () if dead else page.images, homepage, frame):
                    yield request
                # What the page shows (pictures, stylesheets, scripts): a broken one is broken for visitors.
                quota = self.assets if homepage or frame else self.page_assets
                for url in shown_with(page, bool(homepage or frame)) if self.follow_links and not dead else ():
                    if self._take(url, quota):
                        yield self._fetch(url, Role.ASSET)
            elif meta.get(PINNED):  # a pinned page the crawl would not follow: its links one level deep
                for request in self.follow(page.links, (), False):
                    yield request
            return
        body = response.body
        kind = (kind_from_url(response.url) or "html") if response.status >= 400 else sniff_kind(
            body, response.url, fields["content_type"])
        kind = "other" if kind == "empty" and cut else kind  # cut before its body: known by its type and name
        keep = response.status < 400 and (kind in DOCUMENT_KINDS or kind in IMAGE_KINDS) and not cut
        too_large = bool(cut) and response.status < 400  # works, too large to read (an error answer stays one)
        yield ResourceRecord(**fields, kind=kind, size=len(body), body=body if keep else None,
                             retry_after=meta.get("oit_retry_after"), error="too_large" if too_large else None,
                             error_detail=cut if too_large else None)

    async def _parse_page(self, html: str, url: str, encoding: str | None = None) -> dict[str, Any]:
        """``parse_page`` in the page worker process when there is one: parsing is most of the crawl's
        CPU, and there it runs on the other core, under a time limit (``{"error": ...}`` on failure)."""
        if self.page_workers is None:
            try:
                return parse_page(html, url, encoding)
            except Exception as exc:  # noqa: BLE001 - hostile markup must not end the crawl
                return {"error": f"{type(exc).__name__}: {exc}"}
        facts = await self.page_workers.page(html, url, encoding)
        return {"error": facts.get("error") or "unparseable"} if facts.get("quality") == "unreadable" else facts

    def _opened(self, spider: Any = None) -> None:
        """Start the page worker now (connected only when there is one): its imports then overlap robots.txt and
        the homepage's download."""
        self.page_workers.start_early()  # type: ignore[union-attr]

    def _closed(self, spider: Any = None) -> None:
        close_page_workers(self.page_workers, self.crawler)  # type: ignore[arg-type]

    async def parse_home(self, response: Response) -> AsyncIterator[Any]:
        """The homepage and the pages in its frames: ``parse``, then the pictures their stylesheets name
        (added to the page's ``images``, source "css").

        The page's record waits for its stylesheets, but its links are followed meanwhile."""
        page: PageRecord | None = None
        async for output in self.parse(response):
            if isinstance(output, PageRecord):
                page = output
            else:
                yield output
        if page is None:
            return
        if not page.external and self.is_internal(response.url):
            pictures, records = await self._stylesheet_pictures(list(page.stylesheets),
                                                                response.meta.get("depth", 0) + 1,
                                                                page_names(getattr(response, "text", "")))
            for record in records:
                yield record
            page = dataclasses.replace(page, images=(*page.images, *pictures))
            for request in self._image_requests(pictures):
                yield request
        yield page  # its inline SVGs are decoded by DocumentPipeline, in the extraction workers

    async def _stylesheet_pictures(self, urls: list[str], depth: int,
                                   names: set[str]) -> tuple[list[Image], list[ResourceRecord]]:
        """The pictures named by these stylesheets (and by those they @import), within the ``stylesheets``
        and ``stylesheet_images`` quotas; with a record of each stylesheet fetch.

        A theme's stylesheet names pictures for every page of the site: those whose rule uses a class or
        id of this page (``names``) come first, then those whose name hints at a survey banner."""
        pictures: list[Image] = []
        named_urls: set[str] = set()
        records: list[ResourceRecord] = []
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
                    if picture.url not in named_urls:
                        named_urls.add(picture.url)
                        pictures.append(picture)
                queue.extend(imports)
        pictures.sort(key=lambda p: (not selector_used(p.selector or "", names), not _BANNER_HINT.search(p.url)))
        taken = self.stylesheet_images.take(len(pictures))
        return pictures[:taken], records

    async def _fetch_stylesheet(self, url: str, depth: int) -> tuple[ResourceRecord, list[Image], list[str]]:
        """One stylesheet, fetched inline through the downloader (its middlewares apply: robots.txt, private
        addresses, size cap): (its record, the pictures it names, the stylesheets it imports)."""
        request = self._request(url, Role.STYLESHEET, depth=depth)
        external = not self.is_internal(url)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded like a failed link
            return failure_record(request, Failure(exc), external, kind="css"), [], []
        fields = {**fetch_fields(response, external), "url": url, "depth": depth}
        if response.request is None:
            fields["redirects"] = ()
        record = ResourceRecord(**fields, kind="css", size=len(response.body))
        if response.status >= 400 or "html" in fields["content_type"].lower():
            return record, [], []
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        # Tokenizing a hostile megabyte of CSS takes seconds: in the page worker, under its time limit.
        cap = self.stylesheet_maxsize
        named, imports = (await self.page_workers.stylesheet(text, response.url, cap)
                          if self.page_workers is not None else css_pictures(text, response.url, cap))
        pictures = [Image(url=u, source="css", stylesheet=url, selector=selector) for u, selector in named]
        return record, pictures, imports

    def on_error(self, failure: Failure) -> Iterator[ResourceRecord]:
        request = failure.request  # type: ignore[attr-defined]
        external = not self.is_internal(linked_url(request)) and not request.meta.get("oit_homepage")
        yield failure_record(request, failure, external)
