"""Resolving the URLs a page or a stylesheet names.

Its own module because both ``html`` and ``css`` resolve URLs, and ``html`` imports ``css``.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

_SKIP_SCHEMES = ("javascript:", "data:", "about:", "#")


def absolute_url(base: str, href: str) -> str | None:
    """Resolve ``href`` against ``base``; None for non-navigational links (javascript:, #, data:)."""
    href = href.strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return urldefrag(url)[0]
