"""The row a link sits in: its table row (rowspan cells carried down) or list item, other links' words left out.

Index tables often put the item name in one cell spanning several link rows, so a generic "คลิก" link is
named by its row.
"""

from __future__ import annotations

from bs4 import Tag

from oitcheck.extract.thai import clean_space

MAX_ROW_CHARS = 400
MAX_BARE_ROWS = 60  # rows without a link kept per page
_ROW_TAGS = ("tr", "li", "dd", "p")
_LINK_TAGS = ("a", "area", "iframe", "frame", "embed", "object")


def table_row_texts(body: Tag) -> dict[int, str]:
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


def row_text(element: Tag, row_texts: dict[int, str]) -> str:
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


def bare_rows(body: Tag, row_texts: dict[int, str], chrome: set[int]) -> list[str]:
    """The texts of table rows with no link at all, of two cells or more, in tables that do link somewhere: an
    ITA index row whose button was never made ("O11 | ข้อมูลสถิติการให้บริการ | อยู่ระหว่างจัดทำ"). ``chrome``:
    the ids of elements in page chrome, left out. At most ``MAX_BARE_ROWS``; a data table without links gives
    none."""
    found: list[str] = []
    for table in body.find_all("table"):
        if id(table) in chrome or table.find("a") is None:
            continue
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table or tr.find(_LINK_TAGS) is not None:
                continue
            text = row_texts.get(id(tr), "")
            if " | " in text:
                found.append(text)
                if len(found) >= MAX_BARE_ROWS:
                    return found
    return found
