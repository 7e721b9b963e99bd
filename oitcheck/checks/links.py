"""Whether a linked URL works, as visitors and assessors find it, and the site's links summary.

A URL is broken when it answers an error or nothing, and a soft 404 when it answers 200 with a
"not found" page: an unknown URL sent to the homepage, a page that says so, or the same page the
host shows for any address that cannot exist (its ``ProbeRecord``, as GSA Site Scanning probes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from oitcheck.checks.messages import Messages
from oitcheck.checks.results import LinkEntry, LinkGroup, LinksSummary
from oitcheck.checks.sitechrome import main_heading
from oitcheck.checks.vocabulary import pattern
from oitcheck.extract.html import page_words
from oitcheck.net import canonical, site_of
from oitcheck.records import Budget, CrawlResult, LinkState, PageRecord, ProbeRecord, Record, ResourceRecord
from oitcheck.shapes import same_page, url_shape

LinkStates = Callable[[str], tuple[LinkState, str]]

BROKEN_ERRORS = {"dns", "timeout", "refused", "connection", "tls", "redirect_loop", "error", "unparseable",
                 "too_many_redirects", "unsupported_scheme"}
UNDECIDED_ERRORS = {"robots", "private_address", "url_too_long", *(str(budget) for budget in Budget)}  # not fetched
NOT_FOUND = pattern("not_found")
HOMEPAGE_ALIAS = re.compile(r"^/(index|default|home|main)(\.\w+)?$", re.I)  # /index.html is the homepage
MAX_FOUND_ON = 20
EMPTIER = 0.7  # a query's not-found answer shows less than this share of its shape's median page
GROUP_EXAMPLES = 5  # example links and linking pages shown per soft-404 cause
REDIRECTS_SHOWN = 12  # a redirect loop repeats itself: the first hops tell the story
LINK_TAGS = {"a", "area", "iframe", "frame", "embed", "object", "video", "audio", "source", "track", "form", "input",
             "meta"}
# What a link with no words of its own is called in the links report.
_TAG_NAMES = {"img": "(รูปภาพ)", "video": "(วิดีโอ)", "audio": "(เสียง)", "source": "(สื่อ)", "track": "(คำบรรยาย)",
              "form": "(แบบฟอร์ม)", "input": "(ปุ่มรูปภาพ)", "meta": "(meta refresh)", "embed": "(embed)",
              "object": "(object)"}


def link_state(record: Record | None, crawl: CrawlResult,
               trusted: Callable[[ProbeRecord], bool] | None = None) -> tuple[LinkState, str]:
    """(state, detail) of one fetched URL: ``detail`` is the error code, status or soft-404 reason.
    ``trusted``: whether a probe is a yardstick (default ``probe_varies``; the audit passes a cached one)."""
    if record is None:
        return LinkState.UNKNOWN, "not fetched"
    probe = crawl.probe(record.where)
    if probe is not None and not (trusted(probe) if trusted else probe_varies(crawl, probe)):
        probe = None
    soft = soft_404(record, crawl.start_url, probe)
    if soft:
        return LinkState.SOFT_404, soft
    error = getattr(record, "error", None)
    if error in BROKEN_ERRORS:
        return LinkState.BROKEN, error
    if error in UNDECIDED_ERRORS:
        return LinkState.UNKNOWN, error
    status = record.status
    if status is None and error:
        return LinkState.OK, error  # e.g. too_large: the file is there, only too big to read
    if status == 429:
        return LinkState.UNKNOWN, "429"
    retry_after = getattr(record, "retry_after", None)
    if status == 503 and retry_after:  # "down for maintenance, back in N s": not gone
        return LinkState.UNKNOWN, f"503 (Retry-After {retry_after} s)"
    if status is not None and status >= 400:
        return LinkState.BROKEN, str(status)
    return LinkState.OK, str(status)


def soft_404(record: Record, homepage: str, probe: ProbeRecord | None = None) -> str:
    """Why a 200 answer is really "not found" ('' when it is not): an unknown URL sent to the homepage,
    a page whose title, main heading or (short) text says the page does not exist, or a page that is the
    same as the host's answer to a URL that cannot exist (``probe``)."""
    if (record.status or 0) >= 400 or getattr(record, "error", None):
        return ""
    final, original = record.where, record.url
    if record.redirects and canonical(final) == canonical(homepage) and canonical(original) != canonical(
            homepage) and urlsplit(original).path not in ("", "/"):
        return "redirected to the homepage"
    if not isinstance(record, PageRecord):
        return ""
    heading = main_heading(record.headings)
    main = record.main_text
    for text in (record.title, heading, main if len(main) < 400 else ""):
        if text and NOT_FOUND.search(text):
            return "the page says it was not found"
    if probe and _same_as_probe(record, probe) and canonical(final) != canonical(homepage) \
            and not HOMEPAGE_ALIAS.match(urlsplit(final).path):
        return "the same page the site shows for any unknown address"
    return ""


def _same_as_probe(record: PageRecord, probe: ProbeRecord) -> bool:
    """The host answers impossible URLs (of this page's shape) with 200, and this page is that answer."""
    if probe.status is None or probe.status >= 400:
        return False
    return same_page(record.title, page_words(record.main_text or record.text), probe.title, probe.words)


def probe_varies(crawl: CrawlResult, probe: ProbeRecord) -> bool:
    """Whether a probe is a yardstick. A query-string probe is one only when its answer shows less than the other
    crawled pages of its shape: a script that ignores a parameter shows every value the same page, and one that
    falls back to a default (this month's calendar) shows as much for a wrong value as for a right one."""
    if not probe.shape.startswith("?"):
        return True
    others = sorted(_size(page_words(page.main_text or page.text)) for page in crawl.pages
                    if not page.external and site_of(page.url) == probe.host and url_shape(page.url) == probe.shape
                    and not _same_as_probe(page, probe))
    return bool(others) and _size(probe.words) < EMPTIER * others[len(others) // 2]


def _size(words: tuple[str, ...] | list[str]) -> int:
    return sum(len(word) for word in words)


def summarise_links(crawl: CrawlResult, state_of: LinkStates, messages: Messages) -> LinksSummary:
    """Every link on the site's own pages with its fate; the broken ones listed with where they are."""
    found_on: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for page in crawl.pages:
        if page.external:
            continue
        for url, text in page_links(page):
            if not url.startswith(("http://", "https://")):
                continue
            pages = found_on.setdefault(url, [])
            if page.url not in pages and len(pages) < MAX_FOUND_ON:
                pages.append(page.url)
            if not texts.get(url):
                texts[url] = text
    broken, soft, unknown = _dropped(crawl, messages), [], []
    checked, cached = len(broken), 0
    for url, pages in found_on.items():
        record = crawl.lookup(url)
        if record is None:
            continue
        checked += 1
        cached += record.cached
        state, detail = state_of(url)
        error = record.error if isinstance(record, ResourceRecord) else None
        redirected = bool(record.redirects)  # where the link was sent before it failed (a chain or a loop)
        entry = {"url": url, "status": record.status, "error": error, "found_on": tuple(pages),
                 "text": texts.get(url, "")[:200], "final_url": record.final_url if redirected else None,
                 "redirects": record.redirects[:REDIRECTS_SHOWN] if redirected else ()}
        if state == LinkState.BROKEN:
            broken.append(LinkEntry(**entry, reason=messages.link_reason(detail)))
        elif state == LinkState.SOFT_404:
            soft.append(LinkEntry(**entry, reason=detail))
        elif state == LinkState.UNKNOWN and detail != "not fetched":
            unknown.append(LinkEntry(**entry, reason=messages.link_reason(detail)))
    return LinksSummary(checked=checked, cached=cached, broken=_by_url(broken), soft_404=_by_url(soft),
                        soft_404_groups=soft_groups(crawl, soft), unknown=_by_url(unknown),
                        tls=tuple(sorted(crawl.tls_problems.items())))


def soft_groups(crawl: CrawlResult, soft: list[LinkEntry]) -> tuple[LinkGroup, ...]:
    """Soft-404 links grouped by cause: the reason and the page they answer (its title and a digest of its
    words), largest group first."""
    groups: dict[tuple[str, str, str], list[LinkEntry]] = {}
    for entry in _by_url(soft):
        record = crawl.lookup(entry.url)
        page = record if isinstance(record, PageRecord) else None
        words = " ".join(sorted(set(page_words(page.main_text or page.text)))) if page else (
            record.where if record else entry.url)
        key = (entry.reason or "", page.title if page else "", hashlib.sha1(words.encode()).hexdigest()[:12])
        groups.setdefault(key, []).append(entry)
    found = []
    for (reason, title, digest), entries in groups.items():
        pages = list(dict.fromkeys(p for e in entries for p in e.found_on))
        found.append(LinkGroup(reason=reason, title=title, digest=digest, count=len(entries),
                               examples=tuple(e.url for e in entries[:GROUP_EXAMPLES]),
                               found_on=tuple(pages[:GROUP_EXAMPLES])))
    return tuple(sorted(found, key=lambda g: (-g.count, g.examples)))


def ghost_pages(crawl: CrawlResult, state_of: LinkStates) -> int:
    """The site's own pages read (the homepage aside) that were soft 404s: when most pages read were, a
    page cap was spent on ghost paths, and raising it would only read more of them."""
    home = canonical(crawl.start_url)
    return sum(1 for page in crawl.pages if not page.external and canonical(page.url) != home
               and state_of(page.url)[0] == LinkState.SOFT_404)


def _dropped(crawl: CrawlResult, messages: Messages) -> list[LinkEntry]:
    """Links on the site's pages that no visitor can follow (``PageRecord.dropped``): broken without a fetch,
    ``error`` being the reason (local_file, malformed, no_host, unsupported_scheme, too_long)."""
    found: dict[tuple[str, str], tuple[list[str], str]] = {}
    for page in crawl.pages:
        if page.external:
            continue
        for link in page.dropped:
            text = link.text or _TAG_NAMES.get(link.tag, "")
            pages, _ = found.setdefault((link.url, str(link.reason)), ([], text))
            if page.url not in pages and len(pages) < MAX_FOUND_ON:
                pages.append(page.url)
    return [LinkEntry(url=url, status=None, error=reason, found_on=tuple(pages), text=text[:200],
                      reason=messages.link_reason(reason)) for (url, reason), (pages, text) in found.items()]


def _by_url(entries: list[LinkEntry]) -> tuple[LinkEntry, ...]:
    return tuple(sorted(entries, key=lambda e: e.url))


def page_links(page: PageRecord) -> list[tuple[str, str]]:
    """(URL, text) of what a page links to: anchors, frames, embeds, media, GET forms, meta refresh; and, where
    they were fetched (the homepage and its frames), its pictures, stylesheets and scripts."""
    found = [(link.url, link.text or _TAG_NAMES.get(link.tag, "")) for link in page.links if link.tag in LINK_TAGS]
    found += [(image.url, image.alt or "(รูปภาพ)") for image in page.images]
    found += [(url, "(stylesheet)") for url in page.stylesheets]
    found += [(url, "(script)") for url in page.scripts]
    return found
