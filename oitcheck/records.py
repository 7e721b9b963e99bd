"""The crawl's record: typed, immutable facts about every URL fetched, the only input of the checks.

The spider turns each response into one record (``PageRecord`` for a parsed HTML page,
``ResourceRecord`` for anything else, including every failure; ``ProbeRecord`` for a host's answer to
a URL that cannot exist). Later stages read them and never change them: a pipeline that adds facts
(document text, QR codes) returns a new record with ``dataclasses.replace``.

Records are kept between runs (the link cache) as plain JSON: ``to_dict`` writes the shape the dicts
they replaced had, and ``from_dict`` reads it (and the facts the parse and document workers return).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from oitcheck.net import canonical, site_of
from oitcheck.pageparts import (  # noqa: F401 - re-exported: the record's parts
    CAPTION_LEVEL,
    DroppedLink,
    DropReason,
    Heading,
    Image,
    Link,
    QrCode,
    UnlinkedRow,
)
from oitcheck.shapes import probe_key, url_shape

T = TypeVar("T")


class Role(StrEnum):
    """Why the spider fetches a URL: it decides the method, the size cap and what is done with the answer."""

    PAGE = "page"  # an internal page: parsed and followed
    DOCUMENT = "document"  # a linked file (PDF, DOCX, XLSX, CSV, picture): read for its facts
    EXTERNAL = "external"  # another host's link: fetched once, never followed
    CHECK = "check"  # an internal page past the page cap: status only
    IMAGE = "image"  # a homepage picture (the EIT QR code may be one)
    STYLESHEET = "stylesheet"  # a homepage stylesheet (its background pictures)
    ASSET = "asset"  # a homepage script: status only
    PROBE = "probe"  # a URL that cannot exist: the host's soft-404 yardstick


class LinkState(StrEnum):
    """Whether a URL works, as visitors (and assessors) would find it."""

    OK = "ok"
    BROKEN = "broken"
    SOFT_404 = "soft_404"  # answers 200 but is a "not found" page
    UNKNOWN = "unknown"  # could not be judged (robots.txt, a private address, 429, maintenance)
    EMPTY = "empty"  # a working page that holds nothing yet ("อยู่ระหว่างปรับปรุง"): evidence only

    @property
    def dead(self) -> bool:
        return self in (LinkState.BROKEN, LinkState.SOFT_404)


class Budget(StrEnum):
    """A limit that ended a crawl early or left links unchecked (report: ``crawl.truncated_by``), named so a
    short audit never passes for a complete one."""

    MAX_PAGES = "max_pages"  # --max-pages: later pages only checked, or not fetched at all
    TIME_LIMIT = "time_limit"  # --time-limit: the crawl stopped before it had read everything
    HOST_REQUESTS = "host_requests"  # links to one other host past its request quota: not checked
    HOST_BYTES = "host_bytes"  # one other host sent its byte quota: its further links not checked
    SLOW_HOST = "slow_host"  # another host that stopped answering: its further links not waited for


class Quality(StrEnum):
    """How well a document's text could be read."""

    OK = "ok"
    OCR = "ocr"  # read by OCR
    GARBLED = "garbled"
    EMPTY = "empty"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class OcrRun:
    """What OCR did for a document that needed it."""

    status: str  # ok, no_tesseract, no_thai, disabled, timeout...
    pages: int = 0
    seconds: float = 0.0
    needed: int = 0


@dataclass(frozen=True)
class DocumentFacts:
    """What was read from one document (``oitcheck.extract.documents.extract_document``)."""

    text: str = ""
    title: str = ""
    pages: int | None = None
    tables: int = 0
    quality: Quality = Quality.OK
    error: str | None = None
    cause: str | None = None  # timeout, crash, memory, pool, error, stopped: why a worker gave up
    modified: str | None = None  # the file's own last-saved date (PDF ModDate, DOCX/XLSX properties)
    ocr: OcrRun | None = None
    years: tuple[int, ...] = ()
    dates: tuple[str, ...] = ()
    sheets: tuple[Mapping[str, Any], ...] = ()  # table shapes of a spreadsheet, DOCX or CSV

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentFacts:
        ocr = data.get("ocr")
        return cls(text=data.get("text") or "", title=data.get("title") or "", pages=data.get("pages"),
                   tables=data.get("tables") or 0, quality=Quality(data.get("quality") or "ok"),
                   error=data.get("error"), cause=data.get("cause"), modified=data.get("modified"),
                   ocr=OcrRun(**ocr) if ocr else None, years=tuple(data.get("years") or ()),
                   dates=tuple(data.get("dates") or ()), sheets=tuple(data.get("sheets") or ()))


@dataclass(frozen=True, kw_only=True)
class Fetch:
    """What every fetched URL has: where it was linked, where it ended and how it answered."""

    url: str  # as linked, before redirects
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    status: int | None = None  # None when no response came
    depth: int | None = 0  # clicks from the homepage
    external: bool = False  # on another host than the audited site
    content_type: str | None = None
    last_modified: str | None = None
    cached: bool = False  # another host's link taken from the link cache, not fetched this run
    # Why the body was cut at the size cap (the link works; a page was read in part, a document not at all)
    truncated: str | None = None

    @property
    def where(self) -> str:  # the URL it ended at
        return self.final_url or self.url

    def to_dict(self) -> dict[str, Any]:
        return _plain(dataclasses.asdict(self))


@dataclass(frozen=True, kw_only=True)
class PageRecord(Fetch):
    """An HTML page that was fetched and parsed."""

    encoding: str | None = None
    title: str = ""
    headings: tuple[Heading, ...] = ()
    text: str = ""  # visible text of the whole page
    main_text: str = ""  # without navigation, sidebars and footers
    links: tuple[Link, ...] = ()
    dropped: tuple[DroppedLink, ...] = ()  # links no visitor can follow (never fetched; reported broken)
    unlinked: tuple[UnlinkedRow, ...] = ()  # links to nothing ("#"), outside page chrome
    bare_rows: tuple[str, ...] = ()  # table rows with no link at all, in tables that link ("อยู่ระหว่างจัดทำ")
    images: tuple[Image, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)  # article:modified_time, description...
    forms: int = 0  # <form> elements with inputs
    tables: int = 0  # data tables (rows x columns >= 2 x 2)
    qr: tuple[QrCode, ...] = ()
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()  # checked for status like the page's pictures and stylesheets
    svgs: tuple[str, ...] = ()  # inline <svg> markup that may be a QR code (homepage only, until decoded)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageRecord:
        """From ``parse_page``'s facts plus the fetch fields, or from ``to_dict``'s output."""
        values = _known(cls, data)
        values["headings"] = tuple(_as(Heading, h) for h in data.get("headings") or ())
        values["links"] = tuple(_as(Link, link) for link in data.get("links") or ())
        values["dropped"] = tuple(DroppedLink.from_value(d) for d in data.get("dropped") or ())
        values["unlinked"] = tuple(_as(UnlinkedRow, row) for row in data.get("unlinked") or ())
        values["images"] = tuple(_as(Image, image) for image in data.get("images") or ())
        values["qr"] = tuple(_as(QrCode, code) for code in data.get("qr") or ())
        for name in ("redirects", "stylesheets", "scripts", "svgs", "bare_rows"):
            values[name] = tuple(data.get(name) or ())
        values["meta"] = dict(data.get("meta") or {})
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class ResourceRecord(Fetch):
    """Anything fetched that is not a parsed HTML page, including every failed fetch."""

    error: str | None = None  # dns, timeout, refused, private_address, too_large, url_too_long, ...
    error_detail: str | None = None
    kind: str | None = None  # pdf, docx, xlsx, csv, image, css, html, other
    size: int | None = None
    body: bytes | None = field(default=None, repr=False)  # a document's bytes until the pipeline reads them
    doc: DocumentFacts | None = None
    qr: tuple[QrCode, ...] = ()
    retry_after: float | None = None  # seconds a 429/503 asked for, when longer than oitcheck waits

    @property
    def failed(self) -> bool:
        return bool(self.error) or (self.status or 0) >= 400

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResourceRecord:
        values = _known(cls, data)
        values["redirects"] = tuple(data.get("redirects") or ())
        values["qr"] = tuple(_as(QrCode, code) for code in data.get("qr") or ())
        values["doc"] = DocumentFacts.from_dict(data["doc"]) if data.get("doc") else None
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.pop("body", None)
        return data


Record = PageRecord | ResourceRecord


def record_from_dict(data: Mapping[str, Any]) -> Record:
    """A page or resource record from its ``to_dict`` form (pages are the ones with links)."""
    return PageRecord.from_dict(data) if "links" in data else ResourceRecord.from_dict(data)


@dataclass(frozen=True, kw_only=True)
class ProbeRecord:
    """How a host answers a URL that cannot exist: the yardstick for soft 404s on that host."""

    host: str  # site_of() of the probed host
    url: str
    status: int | None = None  # None when the probe failed (the host is down: nothing to compare)
    final_url: str | None = None
    title: str = ""
    words: tuple[str, ...] = ()
    shape: str = ""  # the URL shape probed (oitcheck.shapes); '' for the host's first probe


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = _field_names(cls)
    return {k: v for k, v in data.items() if k in names}


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    """Once per class: a re-audit rebuilds 40,000 links from the extraction cache."""
    return frozenset(f.name for f in dataclasses.fields(cls))


def _as(cls: type[T], value: T | Mapping[str, Any]) -> T:
    if isinstance(value, cls):
        return value
    if value.keys() <= _field_names(cls):  # as written by this version: no key to drop
        return cls(**value)
    return cls(**_known(cls, value))  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    """``asdict`` output as JSON-ready values: tuples as lists, enums as their strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return str(value)
    return value


# Scrapy's CloseSpider extension ends a crawl past CLOSESPIDER_TIMEOUT (our --time-limit) with this reason.
TIME_LIMIT_REASON = "closespider_timeout"


@dataclass(frozen=True, slots=True)
class Skip:
    """Links to one host that a budget left unchecked (never fetched, so neither working nor broken)."""

    host: str
    budget: Budget
    links: int


@dataclass
class Transfer:
    """What the crawl asked servers and what it cost them, and what was reused instead of read again
    (``oitcheck.httpcache``): a nightly re-audit of an unchanged site is mostly 304s and reuse."""

    requests: int = 0  # requests sent to servers
    revalidated: int = 0  # answered 304 Not Modified: the stored answer was used
    downloaded: int = 0  # answered in full (any status)
    bytes_received: int = 0  # headers and bodies received
    reused: int = 0  # pages, documents and pictures whose extraction was reused (the same bytes as before)
    http_cache_bytes: int | None = None  # the HTTP cache's size after the crawl (None: no cache, --no-cache)


@dataclass
class CrawlResult:
    """Everything the crawl saw: parsed pages and every other fetch, keyed by canonical URL."""

    start_url: str
    pages: list[PageRecord] = field(default_factory=list)
    resources: list[ResourceRecord] = field(default_factory=list)
    duration_s: float = 0.0
    finish_reason: str = ""
    beyond_cap: int = 0  # internal pages past --max-pages: status checked, not parsed or followed
    not_fetched: int = 0  # links past every cap: not even checked
    probes: dict[str, ProbeRecord] = field(default_factory=dict)  # probe_key(host, shape) -> its answer
    tls_problems: dict[str, str] = field(default_factory=dict)  # host -> why its certificate is bad (--insecure-tls)
    skipped: tuple[Skip, ...] = ()  # links budgets left unchecked, per host
    unfinished: int = 0  # requests still waiting when the time limit ended the crawl
    rendered: int = 0  # pages rendered in a headless browser because they were empty without it (oitcheck.render)
    render_error: str | None = None  # why pages that needed rendering were not rendered (no browser, a crash)
    interrupted_by: str | None = None  # "Ctrl-C" or the signal's name when a signal stopped the crawl
    transfer: Transfer = field(default_factory=Transfer)  # requests, 304s, bytes, reuse (oitcheck.httpcache)

    def __post_init__(self) -> None:
        self._index: dict[str, Record] | None = None

    def add(self, record: Record) -> None:
        if isinstance(record, PageRecord):
            self.pages.append(record)
        else:
            self.resources.append(record)
        self._index = None

    @property
    def index(self) -> dict[str, Record]:
        """Canonical URL (as linked, and after redirects) -> the record of its fetch."""
        if self._index is None:
            index: dict[str, Record] = {}
            for record in [*self.resources, *self.pages]:  # pages win over resources
                for url in (record.url, record.final_url):
                    if url:
                        index[canonical(url)] = record
            self._index = index
        return self._index

    def lookup(self, url: str) -> Record | None:
        return self.index.get(canonical(url))

    def page(self, url: str) -> PageRecord | None:
        """The parsed page at ``url``, if it was one."""
        record = self.lookup(url)
        return record if isinstance(record, PageRecord) else None

    def probe(self, url: str) -> ProbeRecord | None:
        """How ``url``'s host answered an impossible URL of its shape (else its first probe), if asked."""
        host = site_of(url)
        return self.probes.get(probe_key(host, url_shape(url))) or self.probes.get(host)

    @property
    def homepage(self) -> Record | None:
        return self.lookup(self.start_url)

    @property
    def budgets_hit(self) -> tuple[Budget, ...]:
        """The budgets this crawl reached, in the order of ``Budget``."""
        hit = {skip.budget for skip in self.skipped}
        if self.beyond_cap or self.not_fetched:
            hit.add(Budget.MAX_PAGES)
        if self.finish_reason == TIME_LIMIT_REASON:
            hit.add(Budget.TIME_LIMIT)
        return tuple(budget for budget in Budget if budget in hit)

    @property
    def cut_short(self) -> bool:
        """Whether the crawl stopped before it had followed every link it meant to: what it did not find may
        still be on the site."""
        return Budget.TIME_LIMIT in self.budgets_hit

    @property
    def errors(self) -> int:
        return sum(1 for r in self.resources if r.failed)


def body_text(record: Record | None) -> str:
    """What a page or document says: a page's main text (no menus), a document's extracted text."""
    if isinstance(record, ResourceRecord):
        return record.doc.text if record.doc else ""
    return record.main_text if record is not None else ""
