"""Whether a parsed page is (almost) empty: the sign of a page its scripts build in the browser.

One rule for two stages: the crawl renders such a page with a headless browser (``oitcheck.render``), and the
coverage guard (``oitcheck.checks.coverage``) reports a crawl whose pages are mostly empty, so neither judges a
site by the shell its server sends before any script ran.
"""

from __future__ import annotations

from collections.abc import Iterable

from oitcheck import settings

FRAME_TAGS = ("frame", "iframe")  # a frameset is empty itself, its frames hold the page: never "empty"


def is_empty_page(text: str, link_tags: Iterable[str], *, max_chars: int = settings.OITCHECK_EMPTY_PAGE_CHARS,
                  max_links: int = settings.OITCHECK_EMPTY_PAGE_LINKS) -> bool:
    """True when the page shows fewer than ``max_chars`` characters of text and fewer than ``max_links``
    links (``link_tags``: the tag of each link), and no frame: nothing a visitor could read or follow."""
    tags = list(link_tags)
    if any(tag in FRAME_TAGS for tag in tags):
        return False
    return len(" ".join(text.split())) < max_chars and len(tags) < max_links
