"""Evidence candidates: every place in the crawl that names a checklist item.

Sources, in the four layouts real sites use: links (by link text, table row, file name, or the
heading above a generic "คลิก" link), pages (title and headings), and documents (their own title
and opening text). Each candidate keeps where it was found, its click depth and the texts around it,
so the component checks can read years and keywords, and the report can say where the tool looked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from oitcheck.checks.matching import Match, Matcher
from oitcheck.checks.sitechrome import SiteChrome, heading_tiers, site_chrome
from oitcheck.checks.vocabulary import pattern
from oitcheck.extract.dates import find_years
from oitcheck.extract.thai import clean_space
from oitcheck.net import canonical as key
from oitcheck.records import CrawlResult, Heading, Link, PageRecord

PINNED_VIA = "pinned"  # the candidate is an item's pinned URL, the evidence the agency submits (checks.pinned)
ITA_SECTION = pattern("ita_section")
MAX_TIER_HEADINGS = 12  # headings of one rank read for what a page is about
SUBJECT = pattern("document_subject")
SUBJECT_END = pattern("document_subject_end")
SUBJECT_REACH = 200  # a memo's "เรื่อง" line comes after its heading, agency, number and date
SUBJECT_CHARS = 200


def opening_titles(opening: str) -> tuple[str, ...]:
    """What names a document in its opening text: for an official letter (memo, order, announcement),
    its heading and its subject line ("เรื่อง ... เรียน"), not the letter's body, which mentions other
    subjects ("...เสนอผู้บริหารเพื่อทราบ"); for any other document, the whole opening."""
    marker = SUBJECT.search(opening, 0, SUBJECT_REACH)
    if marker is None:
        return (opening,)
    rest = opening[marker.end():marker.end() + SUBJECT_CHARS]
    end = SUBJECT_END.search(rest)
    return (rest[:end.start()] if end else rest).strip(" :"), opening[:marker.start()]


@dataclass
class Candidate:
    """One place that names an item, and the evidence URL it points to."""

    item_id: str
    url: str
    via: str
    text: str
    score: int
    depth: int | None
    found_on: str | None = None
    found_on_key: str | None = None  # canonical form of found_on, computed once
    link_texts: list[str] = field(default_factory=list)  # link text, row, heading, file name
    chrome: bool = False
    other_section: int | None = None  # the ITA year of the section it was found in, when not AY

    @property
    def opened(self) -> bool:
        """Opened by a link, or directly as the URL the agency submits (``oitcheck pin``): not a page the crawl
        met on its own, so a target that is the homepage or an index of other items shows nothing of the item."""
        return self.found_on is not None or self.via == PINNED_VIA

    @property
    def rank(self) -> tuple[int, int, int]:
        return (0 if self.other_section is None else 1, -self.score, self.depth if self.depth is not None else 99)


@functools.lru_cache(maxsize=65536)
def file_name(url: str) -> str:
    """The decoded last path segment, with separators turned into spaces for matching (cached: a menu's links
    repeat on every page)."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    name = re.sub(r"\.[a-z0-9]{2,5}$", "", name, flags=re.I)
    return re.sub(r"[_+.]+|(?<!\d)-|-(?!\d)", " ", name).strip()


def section_year(page: PageRecord, ay: int) -> int | None:
    """The ITA year of an ITA section page when it is not ``ay`` (None: current or not a section)."""
    headings = " ".join(h.text for h in page.headings[:6])
    path = unquote(urlsplit(page.where).path)
    label = f"{page.title} {headings} {path}"
    if not ITA_SECTION.search(label):
        return None
    years = find_years(f"{page.title} {headings}") | find_years(path.replace("/", " "))
    if not years or ay in years:
        return None
    return max(years)


def collect(crawl: CrawlResult, matcher: Matcher, ay: int) -> dict[str, list[Candidate]]:
    """All candidates per item id, best first, one per evidence URL."""
    best: dict[tuple[str, str], Candidate] = {}

    def offer(candidate: Candidate) -> None:
        """Keep one candidate per (item, URL): the best-placed link, with the best score and depth seen."""
        slot = (candidate.item_id, key(candidate.url))
        current = best.get(slot)
        if current is None:
            best[slot] = candidate
            return
        keep, other = (candidate, current) if _placement_rank(candidate) < _placement_rank(current) else (
            current, candidate)
        keep.score = max(keep.score, other.score)
        depths = [d for d in (keep.depth, other.depth) if d is not None]
        keep.depth = min(depths) if depths else None
        best[slot] = keep

    linked_from: dict[str, set[int | None]] = {}  # URL -> the ITA sections of the pages that link it
    chrome = site_chrome(crawl.pages)
    for page in crawl.pages:
        if page.external:
            continue
        section = section_year(page, ay)
        depth = (page.depth or 0) + 1
        page_key = key(page.url)
        for link in page.links:
            linked_from.setdefault(key(link.url), set()).add(section)
            in_chrome = chrome.link(link)
            found = identify_link(link, matcher, in_chrome)
            if found is not None:
                offer(link_candidate(link, page.url, page_key, depth, found, in_chrome, section))
    for page in crawl.pages:
        found = _page_item(page, matcher, chrome)
        if found:
            match, via, text = found
            offer(Candidate(item_id=match.item.id, url=page.url, via=via, text=text, score=match.score,
                            depth=page.depth, other_section=_only_other(linked_from, page.url)))
    for resource in crawl.resources:
        if resource.doc is None:
            continue
        title = resource.doc.title
        opening = clean_space(resource.doc.text[:300])
        for text in (title, *opening_titles(opening)):
            match = matcher.identify(text, allow_weak=False) if text else None
            if match:
                offer(Candidate(item_id=match.item.id, url=resource.url, via="document title", text=text[:200],
                                score=match.score, depth=resource.depth,
                                other_section=_only_other(linked_from, resource.url)))
                break
    per_item: dict[str, list[Candidate]] = {}
    for candidate in best.values():
        per_item.setdefault(candidate.item_id, []).append(candidate)
    for candidates in per_item.values():
        candidates.sort(key=lambda c: c.rank)
    return per_item


def link_candidate(link: Link, page_url: str, page_key: str, depth: int | None, found: tuple[Match, str, str],
                   chrome: bool = False, section: int | None = None) -> Candidate:
    """The candidate a link on page ``page_url`` makes for the item ``identify_link`` found it names."""
    match, via, text = found
    return Candidate(item_id=match.item.id, url=link.url, via=via, text=text, score=match.score, depth=depth,
                     found_on=page_url, found_on_key=page_key, chrome=chrome, other_section=section,
                     link_texts=[link.text, "" if chrome else link.row, file_name(link.url),
                                 text if via == "caption" else ""])


def _only_other(linked_from: dict[str, set[int | None]], url: str) -> int | None:
    """The other year's ITA section a page or document belongs to, when every link to it is from one."""
    sections = linked_from.get(key(url), {None})
    return None if None in sections else max(s for s in sections if s is not None)


def _placement_rank(candidate: Candidate) -> tuple[int, int, int]:
    """Which of two sightings of the same evidence to keep: a link (it carries link text, row, page and
    the ITA section it sits in), then this year's section, then the higher score. A document that is
    linked only from another year's ITA section stays in that section whatever its own title says."""
    return (0 if candidate.found_on else 1, 0 if candidate.other_section is None else 1, -candidate.score)


# Link texts that say nothing about their target; the item is named by the row, caption or heading.
GENERIC_LINK = pattern("generic_link", r"[\W\d_]")
MAX_CAPTION_CHARS = 120


def is_generic(text: str) -> bool:
    """True for link texts like "คลิกลิงค์ข้อมูล", "(คลิก)", "รายละเอียด 1", "Link url", or none at all."""
    return len(GENERIC_LINK.sub("", text)) <= 2


def identify_link(link: Link, matcher: Matcher, chrome: bool) -> tuple[Match, str, str] | None:
    """The item a link names, with how it was named; chrome links count only by their own text."""
    text = link.text
    by_text = matcher.identify(text) if text else None
    if chrome:
        return (by_text, "link text", text) if by_text else None
    row = link.row
    by_row = matcher.identify(row) if row and row != text else None
    if by_row and by_row.labelled and (by_text is None or by_text.item is not by_row.item):
        return by_row, "table row", row
    if by_text:
        return by_text, "link text", text
    if by_row:
        return by_row, "table row", row
    name = file_name(link.url)
    by_name = matcher.identify(name) if name else None
    if by_name:
        return by_name, "file name", name
    if not is_generic(text):  # "กลับหน้ารวมข่าว" is about its own target, not the caption above it
        return None
    caption = link.label
    if caption and len(caption) <= MAX_CAPTION_CHARS:
        by_caption = matcher.identify(caption)
        if by_caption:
            return by_caption, "caption", caption
    heading = link.heading
    if heading:
        by_heading = matcher.identify(heading)
        if by_heading:
            return by_heading, "heading", heading
    return None


def _page_item(page: PageRecord, matcher: Matcher, chrome: SiteChrome) -> tuple[Match, str, str] | None:
    """The item a page is about, by its title or its top content headings. A page whose headings of one
    rank name several items is an index of them (a category listing, an ITA table page), not the evidence
    of one. Lower headings (h3-h6, bold captions) speak only when the title and the h1/h2 say nothing: the
    top-most heading that names an item wins."""
    tiers = heading_tiers(page.headings, chrome)
    top = tiers[0] if tiers and tiers[0][0].level <= 2 else []
    named = _named(top, matcher)
    title = page.title
    by_title = matcher.identify(title) if title else None
    if by_title and (not named or named[0][0].item is by_title.item):
        return by_title, "page title", title
    if named and not by_title:
        return named[0][0], "page heading", named[0][1]
    if by_title or named is None or named:
        return None
    for tier in tiers[1:] if top else tiers:
        lower = _named(tier, matcher)
        if lower is None:
            return None
        if lower:
            return lower[0][0], "page heading", lower[0][1]
    return None


def _named(headings: list[Heading], matcher: Matcher) -> list[tuple[Match, str]] | None:
    """The items the first ``MAX_TIER_HEADINGS`` headings name, in order; None when they name several."""
    named = [(m, h.text) for h in headings[:MAX_TIER_HEADINGS] if (m := matcher.identify(h.text))]
    return None if len({m.item.id for m, _ in named}) > 1 else named
