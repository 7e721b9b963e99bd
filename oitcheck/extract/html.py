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
_HEADING_CLASS = re.compile(r"(title|heading|header|accordion|panel-head|card-head|topic)", re.I)
_ROW_TAGS = ("tr", "li", "dd", "p")
_SKIP_SCHEMES = ("javascript:", "data:", "about:", "#")
_DROP_TAGS = ("script", "style", "noscript", "template", "svg")
_META_KEYS = ("description", "article:modified_time", "article:published_time", "og:updated_time",
              "dc.date", "date", "last-modified", "og:title")


def parse_page(html: str, base_url: str) -> dict[str, Any]:
    """Parse one HTML document into title, headings, text, links, images, meta, forms and tables."""
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
    links: list[dict[str, Any]] = []
    for element in body.find_all(["a", "area", "iframe", "frame", "embed", "object"]):
        href = element.get("href") or element.get("src") or element.get("data")
        if not isinstance(href, str):
            continue
        url = absolute_url(base, href)
        if url is None:
            continue
        text = _link_text(element)
        links.append({
            "url": url,
            "text": text,
            "row": _row_text(element, row_text),
            "heading": _heading_before(element),
            "chrome": _in_chrome(element),
            "tag": element.name,
        })
    images = []
    for img in body.find_all("img"):
        src = img.get("src") or img.get("data-src")
        url = absolute_url(base, src) if isinstance(src, str) else None
        if url:
            images.append({"url": url, "alt": clean_space(img.get("alt") or ""), "chrome": _in_chrome(img)})
    headings = [{"level": int(h.name[1]), "text": clean_space(h.get_text(" "))}
                for h in body.find_all(list(_HEADING_TAGS))]
    headings = [h for h in headings if h["text"]]
    text = clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]
    forms = sum(1 for f in body.find_all("form") if f.find(["input", "textarea", "select"]))
    tables = sum(1 for t in body.find_all("table") if _is_data_table(t))
    main_text = _main_text(body)
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


def _in_chrome(element: Tag) -> bool:
    for parent in element.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
            break
        if parent.name in _CHROME_TAGS:
            return True
        marks = " ".join([*(parent.get("class") or []), parent.get("id") or "", parent.get("role") or ""])
        if marks and _CHROME_WORDS.search(marks):
            return True
    return False


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


def _heading_before(element: Tag, limit: int = 60) -> str:
    """The nearest heading-like element before ``element`` in document order (bounded search)."""
    for count, previous in enumerate(element.find_all_previous(True)):
        if count >= limit:
            break
        if isinstance(previous, Tag) and _is_heading(previous):
            text = clean_space(previous.get_text(" "))
            if text:
                return text[:MAX_ROW_CHARS]
    return ""


def _main_text(body: Tag) -> str:
    """Visible text without chrome. Destructive: call last, after links were read."""
    for tag in body.find_all(True):
        if tag.decomposed:
            continue
        marks = " ".join([*(tag.get("class") or []), tag.get("id") or "", tag.get("role") or ""])
        if tag.name in _CHROME_TAGS or (marks and _CHROME_WORDS.search(marks)):
            tag.decompose()
    return clean_space(body.get_text(" "))[:MAX_TEXT_CHARS]


def _is_data_table(table: Tag) -> bool:
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if len(rows) < 2:
        return False
    return max(len(tr.find_all(["td", "th"], recursive=False)) for tr in rows) >= 2
