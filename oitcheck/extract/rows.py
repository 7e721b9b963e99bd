"""The row a link sits in: its table row (rowspan cells carried down) or list item, other links' words left out.

Index tables often put the item name in one cell spanning several link rows, so a generic "คลิก" link is
named by its row.
"""

from __future__ import annotations

from bs4 import Tag

from oitcheck.extract.thai import clean_space

MAX_ROW_CHARS = 400
_ROW_TAGS = ("tr", "li", "dd", "p")


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
