"""DOCX, XLSX and CSV text with their table structure: procurement data (o12) is judged machine-readable
by its tables, and manuals (o9) keep their fields in DOCX tables that python-docx's paragraphs skip.

Every read is bounded, because a 5 KB file can ask for gigabytes: a sheet with one cell at XFD1048576 (or a
``<dimension ref="A1:XFD1048576">``) makes a naive reader build a million-row grid; a ZIP member can inflate
a thousand-fold; a table cell can span a million grid columns; a CSV line can be 30 MB. Sheets are read
streaming, up to ``MAX_ROWS`` x ``MAX_COLUMNS`` and ``MAX_CELLS``; a sheet whose content lies wholly beyond
the caps is unreadable with that reason. Archives are refused before any XML parser touches them when their
declared sizes (``ZipInfo.file_size``, which Python's zipfile also stops inflating at) pass the caps.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from oitcheck.extract.thai import clean_space

MAX_ROWS = 5000  # rows read per sheet or table: a month's procurement list is a few hundred
MAX_COLUMNS = 256  # columns read per row: real sheets use tens; XFD (16384) is a trap
MAX_CELLS = 200_000  # non-empty cells read per file
MAX_TEXT_CHARS = 1_000_000  # text kept from one file (documents.py keeps 300,000 of it)
MAX_UNZIPPED = 200 * 1024 * 1024  # declared size of all members together
MAX_ZIP_RATIO = 200  # declared size / file size: real Office files inflate 5-50x
MAX_MEMBERS = 10_000  # a DOCX or XLSX has tens of parts
MAX_DOCX_PART = 64 * 1024 * 1024  # word/document.xml: python-docx builds a tree ~10x its size in memory
MAX_CSV_BYTES = 5 * 1024 * 1024  # of a CSV, decoded and read
MAX_CSV_LINE = 100_000  # characters of one CSV line (longer ones are cut)


class ZipBomb(ValueError):
    """An Office file (a ZIP) that would expand far beyond any real document."""


def check_zip(body: bytes) -> int:
    """Refuse archives whose declared expansion is absurd, before any XML parser touches them; the
    declared total size."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ZipBomb(f"archive has {len(infos)} members: refused as a possible zip bomb")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED or total > MAX_ZIP_RATIO * max(len(body), 1):
        raise ZipBomb(f"archive expands to {total} bytes from {len(body)}: refused as a possible zip bomb")
    largest = max(infos, key=lambda info: info.file_size, default=None)
    if largest is not None and largest.filename.startswith("word/") and largest.file_size > MAX_DOCX_PART:
        raise ZipBomb(f"{largest.filename} expands to {largest.file_size} bytes: refused as too large to read")
    return total


class BeyondCaps(ValueError):
    """A sheet whose every cell lies past the rows and columns read."""


def read_docx(body: bytes) -> dict[str, Any]:
    """Paragraphs and table rows in document order (a table's position matters: its caption is above it)."""
    import docx
    from docx.text.paragraph import Paragraph

    check_zip(body)
    document = docx.Document(io.BytesIO(body))
    parts: list[str] = []
    tables: list[dict[str, Any]] = []
    heading = ""
    chars = 0
    for child in document.element.body.iterchildren():
        if chars > MAX_TEXT_CHARS:
            break
        before = len(parts)
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            parts.append(paragraph.text)
            if not heading and paragraph.text.strip() and (paragraph.style.name or "").lower().startswith(
                    ("heading", "title")):
                heading = paragraph.text
        elif tag == "tbl":
            rows = list(_docx_rows(child, document))
            parts.extend(" | ".join(row) for row in rows)
            tables.append(_table_facts("", rows))
        chars += sum(len(part) for part in parts[before:])
    first_line = next((p for p in parts if p.strip()), "")
    title = document.core_properties.title or heading or first_line
    return {"text": "\n".join(parts), "pages": None, "tables": len(tables), "sheets": tables,
            "title": clean_space(title)[:300], "modified": _iso(document.core_properties.modified)}


def _docx_rows(table: Any, parent: Any) -> Iterator[list[str]]:
    """A DOCX table's rows as cell texts, a spanned cell repeated over the grid columns it covers and a
    vertically merged one taking the text above, as python-docx's ``row.cells`` reads them, but in linear
    work and bounded: ``MAX_ROWS`` rows, ``MAX_COLUMNS`` grid columns (a ``gridSpan`` of a million is a trap,
    and ``row.cells`` walks every merged cell up to its first row again)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    above: list[str] = []
    for tr in itertools.islice(table.iterchildren(qn("w:tr")), MAX_ROWS):
        row: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            if len(row) >= MAX_COLUMNS:
                break
            span = min(max(tc.grid_span, 1), MAX_COLUMNS - len(row))
            if tc.vMerge == "continue":
                text = above[len(row)] if len(row) < len(above) else ""
            else:
                text = clean_space("\n".join(Paragraph(p, parent).text for p in tc.iterchildren(qn("w:p"))))
            row.extend([text] * span)
        above = row
        yield row


def read_xlsx(body: bytes) -> dict[str, Any]:
    """Every sheet, each row as ``a | b | c``; a sheet of 2+ rows x 2+ columns is a table."""
    import openpyxl

    check_zip(body)
    # Streaming (read-only) mode always: memory stays flat whatever the sheet declares, and it reads the
    # usual small monthly summaries as fast as the full mode does once rows and columns are capped.
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    parts: list[str] = []
    sheets: list[dict[str, Any]] = []
    cells = 0
    beyond: list[str] = []  # sheets with cells past the caps
    modified = _iso(book.properties.modified if book.properties else None)
    title = ""  # the first cell of the first sheet: offices put the report's name there
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            if _beyond_caps(sheet):
                beyond.append(sheet.title)
            # max_row/max_col: the declared dimension may be XFD1048576; past the caps nothing is read
            # (one row more than read: a row past the cap tells a sheet without a dimension goes on)
            last_row = min(sheet.max_row or MAX_ROWS + 1, MAX_ROWS + 1)
            last_column = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
            for number, row in enumerate(sheet.iter_rows(values_only=True, max_row=last_row, max_col=last_column)):
                if number >= MAX_ROWS:
                    beyond.append(sheet.title)
                    break
                values = [clean_space(str(v)) if v is not None else "" for v in row[:MAX_COLUMNS]]
                while values and not values[-1]:
                    values.pop()
                if any(values):
                    rows.append(values)
                    cells += len(values)
                if cells > MAX_CELLS:
                    break
            if rows:
                title = title or next((v for v in rows[0] if v), "")
                parts.append(f"[{sheet.title}]")
                parts.extend(" | ".join(v for v in row if v) for row in rows)
            sheets.append(_table_facts(sheet.title, rows))
            if cells > MAX_CELLS:
                break
    finally:
        book.close()
    if beyond and not any(sheet["rows"] for sheet in sheets):
        raise BeyondCaps(f"the cells of sheet {beyond[0]!r} lie beyond the {MAX_ROWS} rows and {MAX_COLUMNS} "
                         "columns read (a sheet that declares a huge size)")
    return {"text": "\n".join(parts), "pages": None, "tables": sum(1 for s in sheets if s["table"]),
            "sheets": sheets, "title": title[:300], "modified": modified}


def _beyond_caps(sheet: Any) -> bool:
    """Whether a sheet declares cells past ``MAX_ROWS`` or ``MAX_COLUMNS`` (its ``<dimension>``)."""
    return (sheet.max_row or 0) > MAX_ROWS or (sheet.max_column or 0) > MAX_COLUMNS


def _iso(value: Any) -> str:
    """A DOCX/XLSX "last saved" time (docProps/core.xml) as ISO text, '' when absent or not a date: like a
    PDF's ModDate, it dates a document whose text names no date."""
    return value.isoformat() if isinstance(value, datetime) else ""


def read_csv(body: bytes) -> dict[str, Any]:
    """The first ``MAX_ROWS`` rows of the first ``MAX_CSV_BYTES``; a line longer than ``MAX_CSV_LINE`` is
    cut, and a quote that never closes ends the reading, keeping the rows before it."""
    if len(body) > MAX_CSV_BYTES:  # cut at a line's end, so a multi-byte character is not split
        cut = body[:MAX_CSV_BYTES]
        body = cut[:cut.rfind(b"\n") + 1] or cut
    text = decode_text(body)
    lines = (line[:MAX_CSV_LINE] for line in io.StringIO(text))
    rows: list[list[str]] = []
    reader = csv.reader(lines)
    while len(rows) < MAX_ROWS:
        try:
            row = next(reader)
        except (StopIteration, csv.Error):  # csv.Error: a field past the csv module's own size limit
            break
        rows.append([clean_space(c) for c in row[:MAX_COLUMNS]])
    facts = _table_facts("", rows)
    return {"text": "\n".join(" | ".join(r) for r in rows), "pages": None, "tables": 1 if facts["table"] else 0,
            "sheets": [facts], "title": next((r[0] for r in rows if r and r[0].strip()), "")[:300]}


def decode_text(body: bytes) -> str:
    """A text file's encoding as Thai offices save them: UTF-8 (with or without BOM), UTF-16 from Excel's
    'Unicode text', or TIS-620/cp874; charset-normalizer decides what the BOMs and strict decodes cannot."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return str(best) if best is not None else body.decode("latin-1")


def _table_facts(name: str, rows: list[list[str]]) -> dict[str, Any]:
    width = max((sum(1 for v in row if v) for row in rows), default=0)
    return {"name": name, "rows": len(rows), "columns": width, "table": len(rows) >= 2 and width >= 2,
            "header": [v for v in rows[0] if v][:30] if rows else []}
