"""Every URL in a page's markup that a visitor's browser loads or goes to, and the dead ones, with why.

A broken video, subtitle track, form target or image map area is as broken for a visitor as a broken
``<a>``, so each element and attribute a browser follows is read: ``<a>``/``<area>`` href, frames,
``<embed src>``, ``<object data>``, ``<video>``/``<audio>`` src and poster, ``<source>`` src and every
srcset candidate, ``<track src>``, the action of a GET ``<form>`` (a POST form sends data, it is not a
link), ``<input type=image src>``, and meta refresh targets whatever their delay. Each is resolved as the
browser would send it (``oitcheck.extract.urls.resolve``); a link no one can follow is kept in
``dropped`` with its reason instead of being lost.

lxml parses a few void elements (``<embed>``, ``<source>``, ``<track>``) as containers, so the rest of a
page would become an ``<embed>``'s text; ``unnest_void`` puts what follows them back in place.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from oitcheck.extract.thai import clean_space
from oitcheck.extract.urls import resolve
from oitcheck.records import DropReason

MAX_TEXT_CHARS = 400
MAX_DROPPED = 100  # dead links kept per page
MAX_DROPPED_URL_CHARS = 500  # of a dead link as written (a too-long one is kilobytes)
MAX_SRCSET = 20  # candidates read from one srcset
MAX_SRCSET_CHARS = 20_000
# Elements whose attributes name a link (the picture-only ones, <img> and <picture><source>, are pictures).
LINK_ELEMENTS = frozenset({"a", "area", "iframe", "frame", "embed", "object", "video", "audio", "source", "track",
                           "form", "input"})
_VOID_CONTAINERS = ("embed", "source", "track", "wbr", "keygen")
_MEDIA = ("video", "audio")
NO_CONTEXT = {"row": "", "heading": "", "label": "", "chrome": False}
# A link that goes nowhere: empty, "#", "#!", or a script that does nothing (javascript:void(0), javascript:;).
_PLACEHOLDER_HREF = re.compile(r"^\s*(?:#!?|javascript:\s*(?:void\s*\(\s*0?\s*\)|;|false|null)?\s*;?)?\s*$", re.I)
_SCRIPTED = frozenset({"onclick", "data-toggle", "data-bs-toggle", "data-target", "data-bs-target", "aria-haspopup",
                       "aria-controls", "aria-expanded", "ng-click", "@click", "v-on:click"})
MAX_UNLINKED = 200  # links to nothing kept per page
_REFRESH = re.compile(r"^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)


def page_links(soup: BeautifulSoup, url: str, encoding: str | None) -> PageLinks:
    """The links of a page at ``url`` in ``encoding``, with its meta refresh targets: the others are added
    element by element (``link_targets``). Void elements parsed as containers are put right first."""
    unnest_void(soup)
    found = PageLinks(base_href(soup, url), encoding)
    for href in refresh_targets(soup):
        found.add(href, "", "meta", NO_CONTEXT)
    return found


def unnest_void(soup: BeautifulSoup) -> None:
    """Move what the parser put inside a void element (``<embed>``, ``<source>``...) to just after it."""
    for tag in soup.find_all(_VOID_CONTAINERS):
        if tag.contents:
            tag.insert_after(*list(tag.contents))


def base_href(soup: BeautifulSoup, fallback: str) -> str:
    """What the page's relative links are relative to: its ``<base href>``, else its own URL."""
    base = soup.find("base", href=True)
    if isinstance(base, Tag) and isinstance(base["href"], str):
        return urljoin(fallback, base["href"].strip())
    return fallback


def link_targets(element: Tag) -> list[tuple[str, str]]:
    """(href as written, link text) of each link an element makes; [] when it makes none."""
    name = element.name
    attrs = element.attrs
    if name in ("a", "area"):
        href = attrs.get("href")
        if name == "a" and (href is None or _PLACEHOLDER_HREF.match(str(href))):
            # A link never filled in, unless it is an anchor to jump to (a name or id) or a script's button.
            scripted = not _SCRIPTED.isdisjoint(attrs) or (href is None and (attrs.get("name") or attrs.get("id")))
            return [] if scripted else [(href or "", link_text(element))]
        return [(href, area_text(element) if name == "area" else link_text(element))] if isinstance(href, str) else []
    if name in ("iframe", "frame", "embed"):
        return _named(element, "src")
    if name == "object":
        return _named(element, "data")
    if name in _MEDIA:
        return _named(element, "src", "poster")
    if name == "source":
        if element.parent is not None and element.parent.name == "picture":
            return []  # a picture: see the page's images
        found = _named(element, "src")
        text = found[0][1] if found else _own_text(element)
        return found + [(url, text) for url in srcset_urls(attrs.get("srcset"))]
    if name == "track":
        return _named(element, "src")
    if name == "form":
        method = str(attrs.get("method") or "get").strip().lower()
        action = attrs.get("action")
        if method != "get" or not isinstance(action, str) or not action.strip():
            return []  # a POST form sends data; no action: it is sent to the page itself
        return [(action, _form_text(element))]
    if name == "input" and str(attrs.get("type") or "").strip().lower() == "image":
        return _named(element, "src")
    return []


def refresh_targets(soup: BeautifulSoup) -> list[str]:
    """The URLs of ``<meta http-equiv="refresh">`` tags, whatever their delay (Scrapy follows only short
    ones; a page that moves its visitors on after a minute still sends them there)."""
    found: list[str] = []
    for tag in soup.find_all("meta", attrs={"http-equiv": True}):
        if str(tag.get("http-equiv")).strip().lower() != "refresh" or not isinstance(tag.get("content"), str):
            continue
        match = _REFRESH.match(tag["content"])
        target = match.group(1).strip().strip("'\"").strip() if match else ""
        if target:
            found.append(target)
    return found


def srcset_urls(value: Any) -> list[str]:
    """Every candidate URL of a srcset (``a.jpg 1x, b.jpg 2x``), in order, at most ``MAX_SRCSET``: parsed as
    the HTML standard does (a URL may hold commas; descriptors end at a comma outside parentheses)."""
    if not isinstance(value, str):
        return []
    value, urls, pos = value[:MAX_SRCSET_CHARS], [], 0
    while pos < len(value) and len(urls) < MAX_SRCSET:
        while pos < len(value) and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < len(value) and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors ("2x", "480w") up to the next comma outside parentheses
            depth = 0
            while pos < len(value) and (value[pos] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[pos], 0)
                pos += 1
        if url and url not in urls:
            urls.append(url)
    return urls


class PageLinks:
    """The links of one page as a browser sends them, and the dead ones kept with their reason."""

    def __init__(self, base: str, encoding: str | None) -> None:
        self.base, self.encoding = base, encoding
        self.links: list[dict[str, Any]] = []
        self.dropped: list[dict[str, Any]] = []
        self.unlinked: list[dict[str, Any]] = []  # links to nothing ("#"): an index row never filled in
        self._dropped_seen: set[tuple[str, str]] = set()

    def add(self, href: str, text: str, tag: str, context: dict[str, Any]) -> None:
        """``href`` as written on the page, ``context`` the texts around it (row, heading, label, chrome)."""
        target = resolve(self.base, href, self.encoding)
        if isinstance(target, DropReason):
            self.drop(href, target, text, tag)
        elif target is not None:
            self.links.append({"url": target, "text": text, **context, "tag": tag})
        elif tag == "a" and text and not context.get("chrome") and _PLACEHOLDER_HREF.match(href) \
                and len(self.unlinked) < MAX_UNLINKED:
            self.unlinked.append({"text": text, "href": href.strip()[:MAX_DROPPED_URL_CHARS], "row": context["row"],
                                  "heading": context["heading"], "label": context["label"]})

    def add_dead(self, href: str, text: str, tag: str) -> None:
        """Keep ``href`` only if no visitor can load it (a picture's src: the page lists its pictures itself)."""
        if isinstance(target := resolve(self.base, href, self.encoding), DropReason):
            self.drop(href, target, text, tag)

    def drop(self, href: str, reason: DropReason, text: str, tag: str) -> None:
        written = href.strip()
        if len(written) > MAX_DROPPED_URL_CHARS:
            written = written[:MAX_DROPPED_URL_CHARS] + "…"
        if (written, str(reason)) in self._dropped_seen or len(self.dropped) >= MAX_DROPPED:
            return
        self._dropped_seen.add((written, str(reason)))
        self.dropped.append({"url": written, "reason": str(reason), "text": text[:MAX_TEXT_CHARS], "tag": tag})


def link_text(element: Tag) -> str:
    """An anchor's or frame's words: its text, its pictures' alt, its title (a frame's name)."""
    parts = [element.get_text(" ")]
    for img in element.find_all("img"):
        parts.append(img.get("alt") or "")
    parts.append(element.get("title") or "")
    if element.name in ("iframe", "frame", "embed", "object"):
        parts.append(element.get("name") or "")
    return _joined(parts)


def area_text(element: Tag) -> str:
    """An image map area's words are its alt text (it has no content), and its title."""
    return _joined([element.get("alt") or "", element.get("title") or "", element.get("aria-label") or ""])


def _named(element: Tag, *attrs: str) -> list[tuple[str, str]]:
    text = link_text(element) if element.name in ("iframe", "frame", "embed", "object") else _own_text(element)
    return [(value, text) for attr in attrs if isinstance(value := element.get(attr), str)]


def _own_text(element: Tag) -> str:
    """The words a media element, track or image button gives itself (not its fallback content)."""
    return _joined([element.get(a) or "" for a in ("title", "aria-label", "alt", "label")])


def _form_text(form: Tag) -> str:
    """A form's words: its title, or its submit button's (ค้นหา)."""
    parts = [form.get("title") or "", form.get("aria-label") or ""]
    button = form.find(["button", "input"], attrs={"type": ["submit", "image"]}) or form.find("button")
    if isinstance(button, Tag):
        words = button.get_text(" ") if button.name == "button" else button.get("value") or button.get("alt")
        parts.append(words or "")
    return _joined(parts)


def _joined(parts: list[Any]) -> str:
    return clean_space(" ".join(p for p in parts if isinstance(p, str)))[:MAX_TEXT_CHARS]
