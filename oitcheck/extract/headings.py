"""Headings a reader sees: every level, ARIA headings, and the bold caption lines old sites use instead.

A page names its subject in whatever heading its template has: an ``<h3>`` under a site-name ``<h1>``, a
``role="heading"`` box, or, on sites built in table layouts, a short ``<b>``/``<strong>``/``<font size=4>``
line alone in its block. Each is recorded with its level (captions rank below every heading level,
``CAPTION_LEVEL``) so the checks can prefer the page's main heading, the top-most one.

``is_context_heading`` is wider: it also takes class-named boxes ("card-header", "accordion-header") as the
heading above the links that follow them, which is where an evidence link's item name often is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import NavigableString, PageElement, Tag

from oitcheck.extract.thai import clean_space
from oitcheck.records import CAPTION_LEVEL

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_LIKE = frozenset({"summary", "dt", "caption", "legend"})
_HEADING_CLASS = re.compile(r"(title|heading|header|accordion|panel-head|card-head|topic)", re.I)
MAX_CONTEXT_HEADING_CHARS = 200
_CAPTION_TAGS = frozenset({"b", "strong", "font"})
_INLINE = frozenset({"b", "strong", "font", "span", "u", "i", "em", "big", "center", "a"})
MIN_CAPTION_CHARS = 3
MAX_CAPTION_CHARS = 120
ARIA_DEFAULT_LEVEL = 2  # WAI-ARIA: a role=heading without aria-level is a level-2 heading
_LINKS = ("a", "area", "iframe", "frame")


def is_context_heading(tag: Tag) -> bool:
    """A heading, heading-like element or class-named heading box: what the links after it are under."""
    if tag.name in HEADING_TAGS or tag.name in _HEADING_LIKE or _role_heading(tag):
        return True
    classes = " ".join(tag.get("class") or [])
    return bool(classes) and bool(_HEADING_CLASS.search(classes)) and len(
        tag.get_text(strip=True)) < MAX_CONTEXT_HEADING_CHARS


def heading_level(tag: Tag) -> int | None:
    """The level of a page heading: 1-6 for h1-h6 and ARIA headings, ``CAPTION_LEVEL`` for a bold caption
    line, None for anything else. Whether a bold element is a caption line is ``caption_text``'s to say."""
    name = tag.name
    if name in HEADING_TAGS:
        return int(name[1])
    if _role_heading(tag):
        try:
            return max(1, min(6, int(str(tag.get("aria-level") or ARIA_DEFAULT_LEVEL).strip())))
        except ValueError:
            return ARIA_DEFAULT_LEVEL
    if name in _CAPTION_TAGS and (name != "font" or _large_font(tag)):
        return CAPTION_LEVEL
    return None


def caption_text(tag: Tag) -> str:
    """The text of a bold line alone in its block (no other words on its line, no link in or around it),
    or '' when ``tag`` is not one. Reads at most ``MAX_CAPTION_CHARS`` of it: an unclosed ``<b>`` may hold
    the rest of the page."""
    text = short_text(tag, MAX_CAPTION_CHARS)
    if text is None or len(text) < MIN_CAPTION_CHARS or tag.find(_LINKS) is not None:
        return ""
    top = tag
    while (parent := top.parent) is not None and parent.name in _INLINE:
        if parent.name == "a":
            return ""
        if any(_has_words(child) for child in parent.children if child is not top):
            break  # other words share this inline element: the line is decided by top's siblings
        top = parent
    if top.parent is None or top.parent.name in HEADING_TAGS or top.parent.name == "a":
        return ""
    return text if _alone(top.previous_siblings) and _alone(top.next_siblings) else ""


def short_text(tag: Tag, limit: int) -> str | None:
    """``tag``'s words, spaces tidied, or None when they are longer than ``limit`` (read no further)."""
    parts: list[str] = []
    letters = 0
    for string in tag.strings:
        if type(string) is not NavigableString:
            continue
        parts.append(string)
        letters += sum(len(word) for word in string.split())
        if letters > limit:
            return None
    text = clean_space(" ".join(parts))
    return text if len(text) <= limit else None


def _has_words(node: PageElement) -> bool:
    if isinstance(node, NavigableString):
        return type(node) is NavigableString and bool(node.strip())
    return isinstance(node, Tag) and any(s.strip() for s in node.strings)


_BREAKS = frozenset({"br", "hr", "p", "div", "table", "ul", "ol", "li", "tr", "td", *HEADING_TAGS})


def _alone(siblings: Iterator[PageElement]) -> bool:
    """No words between the caption and the line break or block edge on this side."""
    for sibling in siblings:
        if isinstance(sibling, Tag) and sibling.name in _BREAKS:
            return True
        if _has_words(sibling):
            return False
    return True


def _role_heading(tag: Tag) -> bool:
    role = tag.get("role")
    return isinstance(role, str) and role.strip().lower() == "heading"


def _large_font(tag: Tag) -> bool:
    """``<font size>`` larger than the default 3 ("4", "+1"): a heading in a table-layout page."""
    size = str(tag.get("size") or "").strip()
    if size.startswith("+"):
        return size[1:].isdigit() and int(size[1:]) >= 1
    return size.isdigit() and int(size) >= 4
