"""HTML page parsing: the facts the item rules need from one page.

The item an evidence link belongs to is rarely in the link text itself ("คลิก", "ดาวน์โหลด"):
it is in the same table row, list item or the heading above. So every link is recorded with its
row text (table rows resolved through rowspan) and its nearest heading, and flagged when it sits
in page chrome (the navigation, banner, footer and sidebar landmarks: ``oitcheck.extract.chrome``), whose
years are not evidence of anything. Headings of every level and bold caption lines are the page's headings
(``oitcheck.extract.headings``); a response made of several html/body blocks is read whole
(``oitcheck.extract.blocks``), and ``<noscript>`` fallbacks' links are the page's.

Pictures are recorded from every place agencies put them, because the homepage's EIT QR code is one:
``<img>`` (and its lazy-load attributes), CSS backgrounds (style attributes and ``<style>`` blocks),
``<image>`` inside inline SVG, and inline SVG that is itself a QR code (kept as markup to decode).
The page's stylesheets are listed too, for the spider to fetch their background images.

Links of every kind a browser follows, spelled as it sends them, and the dead ones with why, come from
``oitcheck.extract.links``.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from oitcheck.extract.blocks import merge_blocks
from oitcheck.extract.chrome import chrome_roots, is_landmark
from oitcheck.extract.css import BACKGROUND_ATTRS, background_hrefs, css_urls, picture_url

# Also importable from here, where they were before css.py: css_pictures, page_names, selector_used.
from oitcheck.extract.css import css_pictures as css_pictures
from oitcheck.extract.css import page_names as page_names
from oitcheck.extract.css import selector_used as selector_used
from oitcheck.extract.headings import caption_text, heading_level, is_context_heading
from oitcheck.extract.links import LINK_ELEMENTS, NO_CONTEXT, PageLinks, link_targets, page_links, srcset_urls
from oitcheck.extract.rows import MAX_ROW_CHARS, bare_rows, row_text, table_row_texts
from oitcheck.extract.thai import clean_space
from oitcheck.extract.urls import absolute_url
from oitcheck.records import CAPTION_LEVEL

MAX_TEXT_CHARS = 200_000
_HEADING_REACH = 60  # elements after a heading that still count as under it
_LINK_TAGS = {"a", "area", "iframe", "frame", "embed", "object"}
_LABEL_TAGS = {"p", "strong", "b", "dt", "label", "font", "span"}
_LABEL_REACH = 8  # elements after a caption line that still count as captioned by it
MAX_LABEL_CHARS = 200
MAX_SCRIPTS = 50
MAX_CAPTIONS = 50  # bold caption lines recorded as headings per page
_DROP_TAGS = ("script", "style", "noscript", "template", "svg")
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-echo")
_SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
_BACKGROUND_SET = frozenset(BACKGROUND_ATTRS)
_BACKGROUND_TAGS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})  # background="..." (and body)
MAX_CSS_IMAGES = 100  # per page, from <style> blocks and style attributes
PICTURE_SOURCES = frozenset({"img", "lazy"})  # what a visitor sees as a picture (not a CSS background)
# Inline SVG: a QR code is drawn as many rects or as long straight-line paths; icons are a few curves.
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg\s*>", re.I | re.S)
_SVG_PATH_D = re.compile(r"""\sd\s*=\s*["']([^"']*)["']""", re.I)
_SVG_STRAIGHT = re.compile(r"[MmHhVvLlZz]")
_SVG_CURVE = re.compile(r"[CcSsQqTtAa]")
MAX_SVGS = 10
MAX_SVG_CHARS = 500_000
_META_KEYS = ("description", "article:modified_time", "article:published_time", "og:updated_time",
              "dc.date", "date", "last-modified", "og:title")


def parse_page(html: str, base_url: str, encoding: str | None = None) -> dict[str, Any]:
    """Parse one HTML document into title, headings, text, links, images, meta, forms and tables.

    ``encoding``: the page's (the response's), in which a browser sends its links' query strings.
    One pass over the elements in document order collects links, images and headings, carrying the
    last heading seen, so the cost stays linear in the page size (bench/: thousands of pages).
    """
    soup = BeautifulSoup(html, "lxml")
    merge_blocks(soup)
    found = page_links(soup, base_url, encoding)
    base = found.base
    meta, stylesheets = _head_links(soup, base, encoding)
    images: list[dict[str, Any]] = []
    css_seen: set[str] = set()
    scripts: list[str] = []
    fallbacks: list[Tag] = []  # <noscript> blocks of the body
    for tag in soup(_DROP_TAGS):
        if tag.decomposed:  # inside one already dropped (a <style> in a <template>)
            continue
        if tag.name == "script":
            src = tag.get("src")
            url = absolute_url(base, src, encoding) if isinstance(src, str) else None
            if url and url not in scripts and len(scripts) < MAX_SCRIPTS:
                scripts.append(url)
        elif tag.name == "style":
            _style_block(tag.get_text(), base, images, stylesheets, css_seen)
        elif tag.name == "svg":
            _svg_pictures(tag, base, images, css_seen)
        elif tag.name == "noscript" and tag.find_parent("body") is not None:
            fallbacks.append(tag)  # links and frames for visitors without JavaScript: read with the page
            continue
        else:  # a pop-up's <template>, a <noscript> fallback in the head (a tracking pixel, a link)
            for img in tag.find_all("img"):
                _img_pictures(img, base, images, False)
            for element in tag.find_all(LINK_ELEMENTS) if tag.name == "noscript" else ():
                for href, link_text in link_targets(element):
                    found.add(href, link_text, element.name, NO_CONTEXT)
        tag.decompose()
    title = clean_space(soup.title.get_text(" ")) if soup.title else ""
    if soup.head is not None:
        soup.head.decompose()
    body = soup.body or soup
    rows = table_row_texts(body)
    landmarks = chrome_roots(body)
    in_chrome = {id(d) for root in landmarks for d in root.descendants} | {id(r) for r in landmarks}
    linkless = bare_rows(body, rows, in_chrome)
    if isinstance(background := body.get("background"), str):  # <body background="bg.gif">
        _attr_background(background, base, images, css_seen)
    headings: list[dict[str, Any]] = []
    heading, since_heading = "", 0
    label, since_label = "", 0  # the last short text block (a caption line before "ดาวน์โหลด" links)
    forms = tables = captions = 0
    for element in body.descendants:
        if not isinstance(element, Tag):
            continue
        since_heading += 1
        since_label += 1
        name = element.name
        if name in _LABEL_TAGS and element.find(_LINK_TAGS) is None:
            text = clean_space(element.get_text(" "))
            if 2 <= len(text) <= MAX_LABEL_CHARS:
                label, since_label = text, 0
        if (level := heading_level(element)) is not None:
            captions = _page_heading(element, level, id(element) in in_chrome, headings, captions)
        if is_context_heading(element):
            text = clean_space(element.get_text(" "))
            if text:
                heading, since_heading = text[:MAX_ROW_CHARS], 0
        if name in LINK_ELEMENTS and (targets := link_targets(element)):
            context = {"row": row_text(element, rows),
                       "heading": heading if since_heading <= _HEADING_REACH else "",
                       "label": label if since_label <= _LABEL_REACH else "",
                       "chrome": id(element) in in_chrome}
            for href, link_text in targets:
                found.add(href, link_text, name, context)
        if name == "img" or (name == "source" and element.parent is not None and element.parent.name == "picture"):
            _img_pictures(element, base, images, id(element) in in_chrome, found)
        elif name == "form" and element.find(["input", "textarea", "select"]):
            forms += 1
        elif name == "table" and _is_data_table(element):
            tables += 1
        attrs = element.attrs
        if name in _BACKGROUND_TAGS and isinstance(background := attrs.get("background"), str):
            _attr_background(background, base, images, css_seen)
        if attrs and (("url(" in str(attrs.get("style") or "")) or not _BACKGROUND_SET.isdisjoint(attrs)):
            _background_pictures(element, base, images, id(element) in in_chrome, css_seen)
    for fallback in fallbacks:  # its links are the page's; its words ("please enable JavaScript") are not
        if not fallback.decomposed:
            fallback.decompose()
    text = clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]
    for root in landmarks:
        if not root.decomposed:
            root.decompose()
    main_text = clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]
    return {
        "title": title,
        "headings": headings,
        "text": text,
        "main_text": main_text,
        "links": found.links,
        "dropped": found.dropped,
        "unlinked": found.unlinked,
        "bare_rows": linkless,
        "images": images,
        "meta": meta,
        "forms": forms,
        "tables": tables,
        "stylesheets": stylesheets,
        "scripts": scripts,
        "svgs": qr_like_svgs(html),
    }


def _page_heading(element: Tag, level: int, chrome: bool, headings: list[dict[str, Any]], captions: int) -> int:
    """Record a heading (h1-h6, an ARIA heading) or, while fewer than ``MAX_CAPTIONS``, a bold caption line;
    returns the number of captions recorded."""
    if level < CAPTION_LEVEL:
        text = clean_space(element.get_text(" "))
    elif captions >= MAX_CAPTIONS:
        return captions
    else:
        text = caption_text(element)
        if headings and headings[-1]["text"] == text:  # <font size=4><b>...</b></font>: one line
            return captions
    if text:
        headings.append({"level": level, "text": text, "chrome": chrome})
        captions += level == CAPTION_LEVEL
    return captions


def _head_links(soup: BeautifulSoup, base: str, encoding: str | None) -> tuple[dict[str, str], list[str]]:
    """Selected <meta> values and the stylesheet URLs (a <link> may also sit in the body)."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):  # one name per find_all: bs4's fast path, 4x a list of names
        key = (tag.get("property") or tag.get("name") or tag.get("http-equiv") or "")
        if isinstance(key, str) and key.lower() in _META_KEYS and isinstance(tag.get("content"), str):
            found.setdefault(key.lower(), clean_space(tag["content"])[:500])
    stylesheets: list[str] = []
    for tag in soup.find_all("link"):
        rel = tag.get("rel") or []
        rels = {r.lower() for r in (rel if isinstance(rel, list) else rel.split())}
        href = tag.get("href")
        if isinstance(href, str) and ("stylesheet" in rels or ("preload" in rels and tag.get("as") == "style")):
            url = absolute_url(base, href, encoding)
            if url and url not in stylesheets:
                stylesheets.append(url)
    return found, stylesheets


def qr_like_svgs(html: str) -> list[str]:
    """Inline ``<svg>`` markup (as written, case kept) that may draw a QR code: many rects, or paths made
    of many straight strokes and few curves. At most ``MAX_SVGS``, each under ``MAX_SVG_CHARS``."""
    if "<svg" not in html and "<SVG" not in html:
        return []
    found: list[str] = []
    for match in _SVG_BLOCK.finditer(html):
        markup = match.group(0)
        if len(markup) <= MAX_SVG_CHARS and _looks_like_qr(markup):
            found.append(markup)
            if len(found) >= MAX_SVGS:
                break
    return found


def _looks_like_qr(markup: str) -> bool:
    lowered = markup.lower()
    if lowered.count("<rect") >= 30:
        return True
    paths = _SVG_PATH_D.findall(markup)
    if len(paths) >= 30:
        return True
    strokes = "".join(paths)
    straight = len(_SVG_STRAIGHT.findall(strokes))
    return straight >= 40 and len(_SVG_CURVE.findall(strokes)) * 10 <= straight


def is_picture(source: str | None) -> bool:
    """An <img>-like picture a visitor sees as content (photos, charts), not a CSS background or SVG part;
    ``source`` is where the picture was named (records from before sources existed have none)."""
    return (source or "img") in PICTURE_SOURCES


def _picture(url: str, alt: str, chrome: bool, context: str, source: str) -> dict[str, Any]:
    return {"url": url, "alt": alt, "chrome": chrome, "context": "" if chrome else context, "source": source}


def _img_pictures(element: Tag, base: str, images: list[dict[str, Any]], chrome: bool,
                  dead: PageLinks | None = None) -> None:
    """An <img> (or <picture><source>): its src, and the lazy-load attributes that hold the real picture;
    a src no visitor can load (Word's pasted ``file:///C:/.../clip_image002.jpg``) goes to ``dead``."""
    found: list[tuple[str, str]] = []
    src = element.get("src")
    if isinstance(src, str) and (url := absolute_url(base, src)):
        found.append((url, "img"))
    elif isinstance(src, str) and dead is not None:
        dead.add_dead(src, clean_space(element.get("alt") or ""), element.name)
    for attr in _LAZY_ATTRS:
        value = element.get(attr)
        if isinstance(value, str) and (url := absolute_url(base, value)) and all(url != u for u, _ in found):
            found.append((url, "lazy"))
    for attr in _SRCSET_ATTRS:  # every candidate: which one a visitor gets depends on the screen
        for href in srcset_urls(element.get(attr)):
            if (url := absolute_url(base, href)) and all(url != u for u, _ in found):
                found.append((url, "lazy"))
    if not found:
        return
    alt = clean_space(element.get("alt") or "")
    context = "" if chrome else _image_context(element)
    for url, source in found:
        images.append(_picture(url, alt, chrome, context, source))


def _background_pictures(element: Tag, base: str, images: list[dict[str, Any]], chrome: bool, seen: set[str]) -> None:
    """CSS backgrounds of one element: url(...) in its style attribute and lazy background attributes."""
    for href, source in background_hrefs(element.attrs):
        url = picture_url(base, href)
        if url and url not in seen and len(seen) < MAX_CSS_IMAGES:
            seen.add(url)
            context = "" if chrome else _image_context(element, own_text=True)
            images.append(_picture(url, "", chrome, context, source))


def _attr_background(href: str, base: str, images: list[dict[str, Any]], seen: set[str]) -> None:
    """An old page's ``background="bg.gif"`` attribute (body, table, cells): a background picture."""
    url = picture_url(base, href)
    if url and url not in seen and len(seen) < MAX_CSS_IMAGES:
        seen.add(url)
        images.append(_picture(url, "", False, "", "css"))


def _style_block(css: str, base: str, images: list[dict[str, Any]], stylesheets: list[str], seen: set[str]) -> None:
    """Pictures and @imports of a <style> block (resolved against the page; not tied to any element)."""
    if "url(" not in css and "@import" not in css:
        return
    pictures, imports = css_urls(css, base)
    stylesheets.extend(url for url in imports if url not in stylesheets)
    for url in pictures:
        if url not in seen and len(seen) < MAX_CSS_IMAGES:
            seen.add(url)
            images.append(_picture(url, "", False, "", "css"))


def _svg_pictures(svg: Tag, base: str, images: list[dict[str, Any]], seen: set[str]) -> None:
    """Raster pictures placed inside an inline SVG with <image href> (a QR pasted into an SVG banner)."""
    for image in svg.find_all("image"):
        href = image.get("href") or image.get("xlink:href")
        url = absolute_url(base, href) if isinstance(href, str) else None
        if url and url not in seen:
            seen.add(url)
            chrome = any(isinstance(p, Tag) and is_landmark(p) for p in svg.parents)
            images.append(_picture(url, clean_space(svg.get("aria-label") or ""), chrome,
                                   _image_context(svg), "svg"))


def _image_context(img: Tag, own_text: bool = False) -> str:
    """The caption block of a picture (an executive's card: name, position, phone), or ''.

    ``own_text``: the element is a box with a CSS background, whose own text is its caption."""
    for level, parent in enumerate([img, *img.parents] if own_text else img.parents):
        if level >= 4 or not isinstance(parent, Tag) or parent.name in ("body", "html", "table", "ul", "ol"):
            break
        text = clean_space(parent.get_text(" "))
        if len(text) > MAX_LABEL_CHARS * 2:
            break
        if len(text) >= 4:
            return text
    return ""


def _is_data_table(table: Tag) -> bool:
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if len(rows) < 2:
        return False
    return max(len(tr.find_all(["td", "th"], recursive=False)) for tr in rows) >= 2


_WORD = re.compile("[A-Za-z\u00c0-\u024f\u0e01-\u0e4e]+")  # Thai letters with their marks; no digits
PAGE_WORDS = 300


def page_words(text: str) -> list[str]:
    """The first words of a page's main text, lowercased, digits dropped (counters and dates change between two
    loads of one page): enough to tell whether two answers are the same page."""
    return [match.group() for match in itertools.islice(_WORD.finditer(text.lower()), PAGE_WORDS)]
