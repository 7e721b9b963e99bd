"""Pinned evidence (``oitcheck pin``): the URLs an agency submits in ITAS for its items, fetched and read on every
run whether or not the site links them.

The assessors open only the submitted URLs, so each is read like one of the site's own pages or documents (its
text, dates and links), on the agency's host or another (Google Drive, another agency's server), under the
crawl's usual rules: the address policy, robots.txt and the size caps apply in the middlewares, another host's
request quota here. A pinned page whose links the crawl would not follow (on another host, or a "document" that
answers with a page) has them fetched one level, so an index page listing the item's documents is judged with
them. Pins are never answered from the link cache: the nightly question is whether they still hold today.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scrapy import Request

from oitcheck.extract.documents import DOCUMENT_KINDS, IMAGE_KINDS, kind_from_url
from oitcheck.net import canonical
from oitcheck.records import ResourceRecord, Role
from oitcheck.spiders.links import too_long

if TYPE_CHECKING:
    from oitcheck.spiders.site import SiteSpider

PINNED = "oit_pinned"  # request meta: the request fetches a pinned URL
PINNED_DEPTH = 1  # a pin is as near as a link on the homepage: the assessors open it directly


def pinned_requests(spider: SiteSpider) -> Iterator[Request | ResourceRecord]:
    """The requests for the run's pinned URLs (setting ``OITCHECK_PINNED``), each once.

    They count towards the page and document caps but are fetched even past them (a handful, and the most
    wanted URLs of the audit); another host's request quota applies as to any link to it."""
    for url in dict.fromkeys(spider.crawler.settings.getlist("OITCHECK_PINNED")):
        canon = canonical(url)
        if not url.startswith(("http://", "https://")) or canon in spider.seen:
            continue
        if any(p.search(url) for p in spider.never_fetch):
            continue  # judged by its target, like every link to it (the EIT survey)
        internal = spider.is_internal(url)
        if not internal and not spider.host_requests.take(url):
            continue  # past the other host's quota: counted as skipped, reported
        spider.seen.add(canon)
        kind = kind_from_url(url)
        if kind in DOCUMENT_KINDS or kind in IMAGE_KINDS:
            role = Role.DOCUMENT  # read whole (a picture too: GET, not a status-only HEAD)
            spider.documents_scheduled += 1
        elif internal:
            role = Role.PAGE
            spider.pages_scheduled += 1
        else:
            role = Role.EXTERNAL  # parsed when it is a page, read when it is a document
        record = too_long(url, spider.max_url_length, not internal, depth=PINNED_DEPTH)
        if record is not None:
            yield record
            continue
        request = spider._request(url, role, depth=PINNED_DEPTH)
        request.meta[PINNED] = True
        yield request
