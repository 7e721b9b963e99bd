"""A plain breadth-first crawl: the yardstick for how much of a site the audit read.

requests + lxml, same host:port only, HTML pages only (links of ``a``, ``area``, ``frame``, ``iframe``),
URLs without their fragment, at most ``cap`` fetches. Pages whose bodies are byte-identical (sha256) count
once: ghost paths that all answer the homepage are one page. Every other link target on the pages (images,
scripts, style sheets) is kept too, for the broken-link truth (truth_links.py).
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.html
import requests

CAP = 3000
MAX_BODY = 5 * 1024 * 1024
TIMEOUT = 30
FOLLOW = {"a": "href", "area": "href", "frame": "src", "iframe": "src"}
RESOURCES = {"img": "src", "script": "src", "link": "href", "source": "src", "embed": "src", "object": "data"}
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")


def site_key(url: str) -> str:
    """``/path?query`` of a URL, percent-decoded, no fragment: how pages, logs and labels are compared."""
    parts = urlsplit(url)
    return unquote(parts.path or "/") + (f"?{unquote(parts.query)}" if parts.query else "")


@dataclass
class Fetch:
    """One URL the crawl requested."""

    url: str
    status: int | None  # None: no answer
    final: str = ""  # where redirects ended
    html: bool = False
    digest: str = ""  # sha256 of the body of an HTML page


@dataclass
class BfsResult:
    start: str
    fetches: dict[str, Fetch] = field(default_factory=dict)  # by absolute URL
    links: dict[str, set[str]] = field(default_factory=dict)  # same-host target URL -> pages it is on
    truncated: bool = False

    def pages(self) -> dict[str, set[str]]:
        """Distinct pages: body digest -> the site keys (asked and landed on) that answered with it."""
        groups: dict[str, set[str]] = {}
        for fetch in self.fetches.values():
            if fetch.html and fetch.status is not None and fetch.status < 400:
                groups.setdefault(fetch.digest, set()).update({site_key(fetch.url), site_key(fetch.final)})
        return groups


def same_site(url: str, start: str) -> bool:
    return urlsplit(url).netloc == urlsplit(start).netloc and urlsplit(url).scheme in ("http", "https")


def _targets(base: str, body: bytes) -> tuple[list[str], list[str]]:
    """(pages to follow, other resources) linked from one HTML page, absolute, fragments removed."""
    try:
        tree = lxml.html.fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return [], []
    base_href = tree.xpath("string(//base/@href)").strip()
    base = urljoin(base, base_href) if base_href else base
    found: tuple[list[str], list[str]] = ([], [])
    for kind, tags in enumerate((FOLLOW, RESOURCES)):
        for tag, attribute in tags.items():
            for value in tree.xpath(f"//{tag}/@{attribute}"):
                value = value.strip().replace("\\", "/")  # as browsers read http(s) URLs
                if value and not value.lower().startswith(SKIP_SCHEMES):
                    found[kind].append(urldefrag(urljoin(base, value))[0])
    return found


def _fetch(session: requests.Session, url: str) -> tuple[Fetch, bytes]:
    try:
        with session.get(url, timeout=TIMEOUT, stream=True) as response:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            html = kind in ("text/html", "application/xhtml+xml") or (not kind and url.endswith((".php", "/")))
            body = response.raw.read(MAX_BODY, decode_content=True) if html else b""
            fetch = Fetch(url, response.status_code, response.url, html, hashlib.sha256(body).hexdigest())
            return fetch, body
    except requests.RequestException:
        return Fetch(url, None, url), b""


def crawl(start: str, cap: int = CAP, session: requests.Session | None = None) -> BfsResult:
    """Breadth-first from ``start`` over same-host HTML pages, at most ``cap`` fetches."""
    session = session or requests.Session()
    result = BfsResult(start)
    queue, seen = deque([start]), {start}
    while queue:
        if len(result.fetches) >= cap:
            result.truncated = True
            break
        url = queue.popleft()
        fetch, body = _fetch(session, url)
        result.fetches[url] = fetch
        if not fetch.html or fetch.status is None or fetch.status >= 400:
            continue
        pages, resources = _targets(fetch.final or url, body)
        for target in pages + resources:
            if same_site(target, start):
                result.links.setdefault(target, set()).add(url)
        for target in pages:
            if same_site(target, start) and target not in seen:
                seen.add(target)
                queue.append(target)
    return result


def coverage(result: BfsResult, fetched: set[str]) -> tuple[int, int]:
    """(distinct BFS pages, how many of them the audit fetched at least one URL of); ``fetched`` holds site keys."""
    groups = result.pages()
    return len(groups), sum(1 for keys in groups.values() if keys & fetched)
