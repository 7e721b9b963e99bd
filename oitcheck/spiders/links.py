"""The link check's side of the crawl: quotas, what a page shows that a browser fetches with it, and the
records of links that are not fetched but must not vanish (too long to send).

Kept out of ``oitcheck.spiders.site`` (what to fetch next, and the homepage's close reading) so both stay
small.
"""

from __future__ import annotations

from oitcheck.extract.documents import kind_from_url
from oitcheck.records import PageRecord, ResourceRecord


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


def shown_with(page: PageRecord, read_closely: bool) -> list[str]:
    """The URLs a browser fetches to show ``page``: its pictures, stylesheets and scripts, each checked once
    for status (a broken one is broken on every page that uses it). The homepage's (``read_closely``)
    pictures and stylesheets are fetched whole elsewhere (the EIT QR code), so only its scripts are here."""
    if read_closely:
        return list(page.scripts)
    return [*(image.url for image in page.images), *page.stylesheets, *page.scripts]


def too_long(url: str, limit: int, external: bool, depth: int | None = None) -> ResourceRecord | None:
    """The record of a linked URL longer than ``limit`` characters (``URLLENGTH_LIMIT``): not sent (no server
    takes it) but listed, instead of silently dropped as Scrapy's UrlLengthMiddleware would."""
    if len(url) <= limit:
        return None
    return ResourceRecord(url=url, error="url_too_long", error_detail=f"{len(url)} characters (limit {limit})",
                          depth=depth, external=external, kind=kind_from_url(url[:2000]) or "html")

