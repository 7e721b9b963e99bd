"""Page chrome by structure: the landmarks a page marks as its menus, banner, footer and sidebars.

Chrome is what HTML and ARIA call landmarks: ``<nav>`` and ``<aside>``, a ``<header>``/``<footer>`` that
belongs to the page (not to an article or section inside it), and the roles navigation, banner,
contentinfo and complementary (a menu is chrome when it is one of these). A CSS class is never chrome on
its own: Bootstrap's ``nav-link`` sits on content links and ``accordion-header`` on item headings (an ITA
page's every evidence link was lost to "chrome" that way); a class word may only confirm that a section's
own ``<header>``/``<footer>`` is the site's. Blocks that repeat on most pages of a site are chrome too, but
one page cannot tell: the checks decide that from the whole crawl (``oitcheck.checks.sitechrome``).

A landmark that holds the page's ``<main>`` or ``<article>`` (an unclosed ``<nav>`` that swallowed the
rest of the page) is not chrome: it is where the content is.
"""

from __future__ import annotations

import re

from bs4 import Tag

_LANDMARK_TAGS = frozenset({"nav", "aside"})
_SCOPED_TAGS = frozenset({"header", "footer"})  # landmarks only when they belong to the page
# A <header>/<footer> in these is the article's or section's own. (Not <main>: real pages wrap their
# whole layout, site footer included, in one.)
_SECTIONING = frozenset({"article", "aside", "nav", "section"})
_LANDMARK_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})
_CONTENT = ("main", "article")
_SITE_WORDS = re.compile(r"(^|[-_ ])(site|page|main|global|top)[-_ ]?(header|footer|nav|menu)s?($|[-_ ])", re.I)


def is_landmark(tag: Tag) -> bool:
    """True for a navigation, banner, footer or sidebar landmark (by element name or ARIA role)."""
    role = tag.get("role")
    if isinstance(role, str) and not _LANDMARK_ROLES.isdisjoint(role.lower().split()):
        return True
    name = tag.name
    if name in _LANDMARK_TAGS:
        return True
    if name in _SCOPED_TAGS:
        if not any(isinstance(p, Tag) and p.name in _SECTIONING for p in tag.parents):
            return True
        marks = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
        return bool(_SITE_WORDS.search(marks))  # <section><header class="site-header">: the site's after all
    return False


def chrome_roots(body: Tag) -> list[Tag]:
    """The outermost landmarks of a page, in document order, leaving out one that holds the page's content."""
    roots: list[Tag] = []
    inside: set[int] = set()
    for tag in body.find_all(True):
        if id(tag.parent) in inside:
            inside.add(id(tag))
            continue
        if is_landmark(tag) and tag.find(_CONTENT) is None and not _is_main(tag):
            roots.append(tag)
            inside.add(id(tag))
    return roots


def _is_main(tag: Tag) -> bool:
    return tag.find(attrs={"role": "main"}) is not None
