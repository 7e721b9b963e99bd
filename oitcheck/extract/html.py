"""HTML page parsing: the facts the item rules need from one page.

The item an evidence link belongs to is rarely in the link text itself ("คลิก", "ดาวน์โหลด"):
it is in the same table row, list item or the heading above. So every link is recorded with its
row text (table rows resolved through rowspan) and its nearest heading, and flagged when it sits
in page chrome (menus, sidebars, footers), whose years are not evidence of anything.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Tag

from oitcheck.extract.thai import clean_space

MAX_ROW_CHARS = 400
MAX_TEXT_CHARS = 200_000
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_CHROME_WORDS = re.compile(r"(^|[-_ ])(nav|navbar|menu|sidebar|footer|header|breadcrumb|topbar|widget)s?($|[-_ ])",
                           re.I)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HEADING_LIKE = {"summary", "dt", "caption", "legend"}
_HEADING_REACH = 60  # elements after a heading that still count as under it
_LINK_TAGS = {"a", "area", "iframe", "frame", "embed", "object"}
_LABEL_TAGS = {"p", "strong", "b", "dt", "label", "font", "span"}
_LABEL_REACH = 8  # elements after a caption line that still count as captioned by it
MAX_LABEL_CHARS = 200
_HEADING_CLASS = re.compile(r"(title|heading|header|accordion|panel-head|card-head|topic)", re.I)
_ROW_TAGS = ("tr", "li", "dd", "p")
_SKIP_SCHEMES = ("javascript:", "data:", "about:", "#")
_DROP_TAGS = ("script", "style", "noscript", "template", "svg")
_META_KEYS = ("description", "article:modified_time", "article:published_time", "og:updated_time",
              "dc.date", "date", "last-modified", "og:title")


def parse_page(html: str, base_url: str) -> dict[str, Any]:
    """Parse one HTML document into title, headings, text, links, images, meta, forms and tables.

    One pass over the elements in document order collects links, images and headings, carrying the
    last heading seen, so the cost stays linear in the page size (bench/: thousands of pages).
    """
    soup = BeautifulSoup(html, "lxml")
    base = _base_href(soup, base_url)
    meta = _meta(soup)
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    title = clean_space(soup.title.get_text(" ")) if soup.title else ""
    if soup.head is not None:
        soup.head.decompose()
    body = soup.body or soup
    row_text = _table_row_texts(body)
    chrome_roots = [t for t in body.find_all(True) if _is_chrome_root(t)]
    in_chrome = {id(d) for root in chrome_roots for d in root.descendants} | {id(r) for r in chrome_roots}
    links: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    headings: list[dict[str, Any]] = []
    heading, since_heading = "", 0
    label, since_label = "", 0  # the last short text block (a caption line before "ดาวน์โหลด" links)
    forms = tables = 0
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
        if _is_heading(element):
            text = clean_space(element.get_text(" "))
            if text:
                heading, since_heading = text[:MAX_ROW_CHARS], 0
                if name in _HEADING_TAGS:
                    headings.append({"level": int(name[1]), "text": text})
        if name in _LINK_TAGS:
            href = element.get("href") or element.get("src") or element.get("data")
            url = absolute_url(base, href) if isinstance(href, str) else None
            if url is not None:
                links.append({
                    "url": url,
                    "text": _link_text(element),
                    "row": _row_text(element, row_text),
                    "heading": heading if since_heading <= _HEADING_REACH else "",
                    "label": label if since_label <= _LABEL_REACH else "",
                    "chrome": id(element) in in_chrome,
                    "tag": name,
                })
        elif name == "img":
            src = element.get("src") or element.get("data-src")
            url = absolute_url(base, src) if isinstance(src, str) else None
            if url:
                chrome = id(element) in in_chrome
                images.append({"url": url, "alt": clean_space(element.get("alt") or ""), "chrome": chrome,
                               "context": "" if chrome else _image_context(element)})
        elif name == "form" and element.find(["input", "textarea", "select"]):
            forms += 1
        elif name == "table" and _is_data_table(element):
            tables += 1
    text = clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]
    for root in chrome_roots:
        if not root.decomposed:
            root.decompose()
    main_text = clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]
    return {
        "title": title,
        "headings": headings,
        "text": text,
        "main_text": main_text,
        "links": links,
        "images": images,
        "meta": meta,
        "forms": forms,
        "tables": tables,
    }


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


def _base_href(soup: BeautifulSoup, fallback: str) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag) and isinstance(base["href"], str):
        return urljoin(fallback, base["href"])
    return fallback


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("http-equiv") or "")
        if isinstance(key, str) and key.lower() in _META_KEYS and isinstance(tag.get("content"), str):
            found.setdefault(key.lower(), clean_space(tag["content"])[:500])
    return found


def _link_text(element: Tag) -> str:
    parts = [element.get_text(" ")]
    for img in element.find_all("img"):
        parts.append(img.get("alt") or "")
    parts.append(element.get("title") or "")
    if element.name in ("iframe", "frame", "embed", "object"):
        parts.append(element.get("name") or "")
    return clean_space(" ".join(p for p in parts if isinstance(p, str)))[:MAX_ROW_CHARS]


def _is_chrome_root(tag: Tag) -> bool:
    """Menus, sidebars, headers and footers: by element name, or by class/id/role words."""
    if tag.name in _CHROME_TAGS:
        return True
    marks = " ".join([*(tag.get("class") or []), tag.get("id") or "", tag.get("role") or ""])
    return bool(marks) and bool(_CHROME_WORDS.search(marks))


def _table_row_texts(body: Tag) -> dict[int, str]:
    """Text of every table row with rowspan cells carried down, keyed by the row's id().

    Index tables often put the item name in one cell spanning several link rows.
    """
    texts: dict[int, str] = {}
    for table in body.find_all("table"):
        carried: dict[int, tuple[int, str]] = {}  # column -> (rows left, text)
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells: list[str] = []
            column = 0
            own = tr.find_all(["td", "th"], recursive=False)
            queue = list(own)
            while queue or column in carried:
                if column in carried:
                    left, text = carried[column]
                    cells.append(text)
                    if left <= 1:
                        del carried[column]
                    else:
                        carried[column] = (left - 1, text)
                    column += 1
                    continue
                cell = queue.pop(0)
                text = clean_space(cell.get_text(" "))
                cells.append(text)
                span = _int_attr(cell, "rowspan")
                if span > 1:
                    carried[column] = (span - 1, text)
                column += max(1, min(_int_attr(cell, "colspan"), 50))
            texts[id(tr)] = " | ".join(c for c in cells if c)[:MAX_ROW_CHARS]
    return texts


def _int_attr(cell: Tag, name: str) -> int:
    try:
        return int(str(cell.get(name, "1")).strip() or 1)
    except ValueError:
        return 1


def _row_text(element: Tag, row_texts: dict[int, str]) -> str:
    """The text of the link's table row or list item, without the text of the row's other links
    (a menu row "หน้าแรก | ข้อมูลผู้บริหาร" must not lend one link's words to the other)."""
    for parent in element.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "table", "ul", "ol", "div", "section"):
            break
        if parent.name == "tr":
            row = row_texts.get(id(parent), "")
        elif parent.name in _ROW_TAGS:
            row = clean_space(parent.get_text(" "))[:MAX_ROW_CHARS]
        else:
            continue
        for other in parent.find_all("a"):
            if other is not element and (text := clean_space(other.get_text(" "))):
                row = row.replace(text, " ", 1)
        return clean_space(row)
    return ""


def _is_heading(tag: Tag) -> bool:
    if tag.name in _HEADING_TAGS or tag.name in _HEADING_LIKE:
        return True
    classes = " ".join(tag.get("class") or [])
    return bool(classes) and bool(_HEADING_CLASS.search(classes)) and len(tag.get_text(strip=True)) < 200


def _image_context(img: Tag) -> str:
    """The caption block of a picture (an executive's card: name, position, phone), or ''."""
    for level, parent in enumerate(img.parents):
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
