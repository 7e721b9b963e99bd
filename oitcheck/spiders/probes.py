"""Soft-404 probes: one URL that cannot exist per host, and per path shape the agency's site uses.

A host that answers an impossible URL with 200 serves soft 404s, and pages like its answer are not evidence
(GSA Site Scanning's 404 probe). The answer depends on the URL's shape (``oitcheck.shapes``): PHP's
built-in server answers any unknown folder with the homepage but an unknown ``.php`` file with a 404. So
the audited site's own pages are probed lazily, once per shape their links use (folder, each extension,
each script with its parameter names), at most ``OITCHECK_PROBES_PER_HOST`` a host; other hosts get one
probe each, at most ``OITCHECK_MAX_PROBES`` hosts.

A page that is its shape's not-found answer, or the homepage served at another folder, is recorded but its
links are not followed: they are the homepage's links resolved against a wrong base (``/medical/medical/``),
ghost paths without end.
"""

from __future__ import annotations

import contextlib
import secrets
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from oitcheck.extract.html import page_words, parse_page
from oitcheck.net import canonical, site_of
from oitcheck.records import PageRecord, ProbeRecord, Role
from oitcheck.shapes import DEFAULT_SHAPE, probe_key, probe_url, same_page, url_shape


class Prober:
    """Which probes were sent, and the answers the crawl compares its pages with."""

    def __init__(self, max_hosts: int, per_host: int, page_maxsize: int) -> None:
        self.max_hosts, self.per_host, self.page_maxsize = max_hosts, per_host, page_maxsize
        self.shapes: dict[str, set[str]] = {}  # host -> shapes probed (DEFAULT_SHAPE for the first probe)
        self.answers: dict[str, tuple[str, tuple[str, ...]]] = {}  # probe key -> (title, words) of a 200 answer
        self.home: tuple[str, str, tuple[str, ...]] | None = None  # (url, title, words) of the homepage

    @property
    def hosts(self) -> set[str]:
        return set(self.shapes)

    def first(self, url: str, callback: object, errback: object) -> scrapy.Request | None:
        """The host's first probe (``DEFAULT_SHAPE``), unless it was probed or the host budget is spent."""
        host = site_of(url)
        if host in self.shapes or len(self.shapes) >= self.max_hosts:
            return None
        self.shapes[host] = {DEFAULT_SHAPE}
        return self._request(url, "", callback, errback)

    def for_link(self, url: str, callback: object, errback: object) -> scrapy.Request | None:
        """A probe of ``url``'s shape on its (already probed) host, when that shape is new and the host's
        budget allows."""
        host = site_of(url)
        shapes = self.shapes.get(host)
        shape = url_shape(url)
        if shapes is None:
            return self.first(url, callback, errback)
        if shape in shapes or len(shapes) >= self.per_host:
            return None
        shapes.add(shape)
        return self._request(url, shape, callback, errback)

    def _request(self, url: str, shape: str, callback: object, errback: object) -> scrapy.Request:
        token = secrets.token_hex(8)
        target = probe_url(url, shape or DEFAULT_SHAPE, token)
        # Before the pages of their depth: a page is compared with its shape's answer to decide whether its
        # links are followed.
        return scrapy.Request(target, callback=callback, errback=errback, dont_filter=True, priority=2,  # type: ignore[arg-type]
                              meta={"oit_role": Role.PROBE, "oit_shape": shape, "download_maxsize": self.page_maxsize})

    def record(self, response: Response) -> ProbeRecord:
        """The host's answer to an impossible URL: its status, and the title and words of its page."""
        title, words = "", ()
        if isinstance(response, TextResponse) and response.status < 400:
            with contextlib.suppress(Exception):  # hostile markup: no yardstick, no harm
                page = PageRecord.from_dict({"url": response.url, **parse_page(response.text, response.url)})
                title, words = page.title, tuple(page_words(page.main_text or page.text))
        url = response.request.url if response.request else response.url
        shape = response.meta.get("oit_shape", "") if response.request is not None else ""
        probe = ProbeRecord(host=site_of(url), url=url, status=response.status, final_url=response.url,
                            title=title, words=words, shape=shape)
        if probe.status is not None and probe.status < 400:
            self.answers[probe_key(probe.host, shape)] = (title, words)
        return probe

    def failed(self, failure: Failure) -> ProbeRecord:
        request = failure.request  # type: ignore[attr-defined]
        return ProbeRecord(host=site_of(request.url), url=request.url, shape=request.meta.get("oit_shape", ""))

    def remember_home(self, page: PageRecord) -> None:
        if self.home is None:
            self.home = (page.where, page.title, tuple(page_words(page.main_text or page.text)))

    def dead_end(self, page: PageRecord) -> bool:
        """Whether ``page`` is its shape's not-found answer, or the homepage served at another folder: its
        links are not followed (the probes answered so far are the yardstick)."""
        url = page.where
        if urlsplit(url).query or (self.home is not None and canonical(url) == canonical(self.home[0])):
            return False  # a query string's links resolve as its script's: no ghost paths
        host = site_of(url)
        answer = self.answers.get(probe_key(host, url_shape(url))) or self.answers.get(host)
        # its words only when a title matches (same_page compares titles first): most pages match neither
        if answer is not None and page.title == answer[0] and same_page(
                page.title, page_words(page.main_text or page.text), *answer):
            return True
        if self.home is None or page.title != self.home[1] or not same_page(
                page.title, page_words(page.main_text or page.text), self.home[1], self.home[2]):
            return False
        return _folder(url) != _folder(self.home[0])  # at the homepage's own folder its links resolve alike


def _folder(url: str) -> str:
    """What relative links on a page at ``url`` resolve against: its address up to the last slash."""
    return canonical(url).split("?", 1)[0].rsplit("/", 1)[0]
