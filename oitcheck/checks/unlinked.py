"""Rows without a link: an ITA/OIT index names an item but its link goes nowhere (``href="#"``, nothing).

Assessors open the index and find the item's button dead: the item is reported on (finding
``unlinked_row``, "พบหัวข้อในหน้ารวม ITA แต่ไม่มีลิงก์"). It is a finding only: the item's state is what its
evidence elsewhere says, so a pass stays a pass.
"""

from __future__ import annotations

from oitcheck.checks.evidence import section_year
from oitcheck.checks.matching import Match, Matcher
from oitcheck.checks.messages import Messages
from oitcheck.checks.results import Finding, Severity
from oitcheck.extract.thai import normalise
from oitcheck.records import CrawlResult, PageRecord, UnlinkedRow

INDEX_ITEMS = 3  # a page whose links and dead links name this many items is an index of them
MAX_PER_ITEM = 5  # findings per item (an index repeated on several pages names the same row again)


def unlinked_rows(crawl: CrawlResult, matcher: Matcher, ay: int, messages: Messages) -> dict[str, list[Finding]]:
    """Findings per item id for the index rows that name the item but link to nothing (``section``: the year of
    another year's ITA index); pages that are not indexes of items (a menu's "#" entries) are left out."""
    found: dict[str, list[Finding]] = {}
    seen: set[tuple[str, str]] = set()
    for page in crawl.pages:
        if page.external or not page.unlinked:
            continue
        section = section_year(page, ay)  # another year's index: said so, the row is still dead
        named = [(row, match) for row in page.unlinked if (match := _identify(row, matcher))]
        if not named or not lists_items(page, matcher, {m.item.id for _, m in named}):
            continue
        for row, match in named:
            item = match.item.id
            name = _words(row, match)
            if (item, name) in seen or len(found.get(item, ())) >= MAX_PER_ITEM:
                continue
            seen.add((item, name))
            found.setdefault(item, []).append(Finding(
                "unlinked_row", messages.finding("unlinked_row", text=name, url=page.url,
                                                 component=match.item.title),
                url=page.url, severity=Severity.INFO,
                extra={"text": name, "href": row.href, **({"section": section} if section else {})}))
    return found


def _identify(row: UnlinkedRow, matcher: Matcher) -> Match | None:
    """The item a dead link names: by its own words, its table row or list item, its heading, its caption."""
    for text in (row.text, row.row, row.heading, row.label):
        match = matcher.identify(text) if text else None
        if match:
            return match
    return None


def _words(row: UnlinkedRow, match: Match) -> str:
    """The words that named the item, as the page shows them."""
    for text in (row.text, row.row, row.heading, row.label):
        if text and match.keyword in normalise(text).replace(" ", ""):
            return text[:200]
    return row.text[:200]


def lists_items(page: PageRecord, matcher: Matcher, dead: set[str]) -> bool:
    """Whether the page lists items: its working and dead links together name ``INDEX_ITEMS`` or more."""
    items = set(dead)
    for link in page.links:
        if len(items) >= INDEX_ITEMS:
            break
        if link.chrome:
            continue
        for text in (link.text, link.row):
            match = matcher.identify(text) if text else None
            if match:
                items.add(match.item.id)
                break
    return len(items) >= INDEX_ITEMS
