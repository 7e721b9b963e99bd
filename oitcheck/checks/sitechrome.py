"""Site chrome: what the site's template repeats on most of its pages, and the heading a page is about.

One page cannot tell its template from its content when the template marks no landmarks (a ``<div
class="span3">`` sidebar of a table-layout site): the crawl can. A link (same target, same words) or a heading
(same words) on at least ``REPEAT_SHARE`` of the site's pages, once it has ``REPEAT_MIN_PAGES`` of them, is
the template's: a menu entry counts by its own words only, and a sidebar's "ผู้บริหาร" box does not make
every page the executives page. A page-specific list, even in a sidebar, stays the page's content.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from oitcheck.net import canonical
from oitcheck.records import CAPTION_LEVEL, Heading, Link, PageRecord

REPEAT_SHARE = 0.6  # of the site's pages a block must be on to be the template's
REPEAT_MIN_PAGES = 4  # fewer pages tell nothing about what repeats


@dataclass(frozen=True)
class SiteChrome:
    """The links and headings the site's template repeats (canonical URL and words; heading words)."""

    links: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    headings: frozenset[str] = field(default_factory=frozenset)

    def link(self, link: Link) -> bool:
        """In a landmark of its page, or repeated across the site."""
        return link.chrome or (canonical(link.url), link.text) in self.links

    def heading(self, heading: Heading) -> bool:
        return heading.chrome or heading.text in self.headings


def site_chrome(pages: Iterable[PageRecord]) -> SiteChrome:
    """What repeats on at least ``REPEAT_SHARE`` of the site's own working HTML pages (none below
    ``REPEAT_MIN_PAGES`` pages). Each page counts once, however often it repeats a link."""
    own = [page for page in pages if not page.external and (page.status or 200) < 400]
    if len(own) < REPEAT_MIN_PAGES:
        return SiteChrome()
    links: Counter[tuple[str, str]] = Counter()
    headings: Counter[str] = Counter()
    for page in own:
        links.update({(canonical(link.url), link.text) for link in page.links})
        headings.update({heading.text for heading in page.headings})
    least = max(REPEAT_MIN_PAGES, math.ceil(REPEAT_SHARE * len(own)))
    return SiteChrome(links=frozenset(k for k, n in links.items() if n >= least),
                      headings=frozenset(k for k, n in headings.items() if n >= least))


def heading_tiers(headings: Sequence[Heading], chrome: SiteChrome | None = None) -> list[list[Heading]]:
    """A page's content headings by rank, top first: h1 and h2 together (the page's title headings), then
    each lower level, then bold captions; document order within a tier. Chrome headings are left out."""
    content = [h for h in headings if not (chrome.heading(h) if chrome else h.chrome)]
    tiers: dict[int, list[Heading]] = {}
    for heading in content:
        tiers.setdefault(max(2, min(heading.level, CAPTION_LEVEL)), []).append(heading)
    return [tiers[level] for level in sorted(tiers)]


def main_heading(headings: Sequence[Heading]) -> str:
    """The page's main heading: the first of its top-ranked content headings, h1-h6 ('' when it has none)."""
    tiers = heading_tiers([h for h in headings if h.level < CAPTION_LEVEL])
    return tiers[0][0].text if tiers else ""
