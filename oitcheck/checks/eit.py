"""o4 (b): the agency's EIT survey link or QR code on the homepage.

Judged by its target (``https://itas.nacc.go.th/go/eit/<code>``), never fetched: the survey is open
only during the assessment window. Most agencies show it only as a QR image, so decoded QR codes
from homepage pictures (``<img>``, lazy-loaded, CSS backgrounds, stylesheet backgrounds, SVG files and
inline SVG) and from the pages in the homepage's frames count as much as links and plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from oitcheck.checks.base import ComponentCheck
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.results import ComponentResult, ComponentState, EitSearch, EitSighting, Finding
from oitcheck.checks.vocabulary import pattern
from oitcheck.records import PageRecord, ResourceRecord

EIT_URL = re.compile(r"https?://itas\.nacc\.go\.th/go/eit/[A-Za-z0-9]{4,12}/?(?![\w/])", re.I)
ITAS_URL = re.compile(r"https?://itas\.nacc\.go\.th/[^\s\"'<>]*", re.I)
EIT_HINT = pattern("eit_hint")


FRAME_TAGS = ("frame", "iframe")
EMBED_TAGS = (*FRAME_TAGS, "embed", "object")  # an <iframe src="qr.png"> or <object data="qr.svg"> shows a picture
MAX_FRAME_LEVELS = 2


def find_eit(ctx: AuditContext) -> EitSearch:
    """The EIT survey link on the homepage, and the survey addresses seen that lead elsewhere.

    The homepage here is what a visitor sees: the page and the site's pages shown in its frames. A link
    counts first, then a QR code (in a picture of any kind, an inline SVG, an embedded picture), then the
    address written in the text."""
    homepage = ctx.page(ctx.crawl.start_url)
    if homepage is None:
        return EitSearch()
    wrong: list[EitSighting] = []
    views = homepage_views(ctx, homepage)
    for view in views:
        for link in view.links:
            if EIT_URL.fullmatch(link.url.rstrip("/")) or EIT_URL.match(link.url):
                return EitSearch(EitSighting(link.url, "link"), tuple(wrong))
            if ITAS_URL.match(link.url):
                wrong.append(EitSighting(link.url, "link"))
    for view in views:
        for image, data, hint in _qr_codes(ctx, view):
            if EIT_URL.match(data):
                return EitSearch(EitSighting(data, "qr", image), tuple(wrong))
            if ITAS_URL.match(data) or EIT_HINT.search(hint):
                wrong.append(EitSighting(data, "qr", image))
    for view in views:
        text_match = EIT_URL.search(view.text)
        if text_match:
            return EitSearch(EitSighting(text_match.group(0), "text"), tuple(wrong))
    return EitSearch(None, tuple(wrong))


def homepage_views(ctx: AuditContext, homepage: PageRecord) -> list[PageRecord]:
    """The homepage's record and those of the site's pages shown in its frames (a frameset's frames, an
    iframe), two levels deep: together they are what a visitor sees on the homepage."""
    views, seen = [homepage], {id(homepage)}
    level = [homepage]
    for _ in range(MAX_FRAME_LEVELS):
        inner = []
        for page in level:
            for link in page.links:
                if link.tag not in FRAME_TAGS:
                    continue
                record = ctx.page(link.url)
                if record and not record.external and id(record) not in seen:
                    seen.add(id(record))
                    views.append(record)
                    inner.append(record)
        level = inner
    return views


def _qr_codes(ctx: AuditContext, page: PageRecord) -> Iterator[tuple[str, str, str]]:
    """(picture, payload, words around the picture) for every QR code decoded on one page."""
    for qr in page.qr:  # inline SVG codes, decoded with the page
        yield qr.image or "inline-svg", qr.data.strip(), ""
    for image in page.images:
        record = ctx.record(image.url)
        for qr in record.qr if isinstance(record, ResourceRecord) else ():
            yield image.url, qr.data.strip(), f"{image.alt} {image.context} {image.url}"
    for link in page.links:
        if link.tag in EMBED_TAGS:
            record = ctx.record(link.url)
            if not isinstance(record, ResourceRecord):  # a page in a frame: its pictures are a view of the homepage
                continue
            for qr in record.qr:
                yield link.url, qr.data.strip(), f"{link.text} {link.url}"


class EitCheck(ComponentCheck):
    """The EIT QR or link must be on the homepage and point to the agency's EIT survey."""

    name = "eit"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        eit = ctx.eit
        home = ctx.crawl.start_url
        if eit.found:
            found = Candidate(item.id, eit.found.url, eit.found.via, eit.found.url, 0, 0)
            return ComponentResult(component, ComponentState.OK, [found])
        result = ComponentResult(component, ComponentState.FAIL)
        if eit.wrong:
            wrong = eit.wrong[0]
            picture = wrong.image or ""
            where = picture if picture.startswith(("http://", "https://")) else home  # not "inline-svg"
            result.findings.append(Finding("qr_wrong_target", ctx.message("qr_wrong_target", url=wrong.url),
                                           url=where, extra={"target": wrong.url}))
        else:
            result.findings.append(Finding("qr_missing", ctx.message("qr_missing"), url=home))
        return result
