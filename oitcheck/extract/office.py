"""DOCX, XLSX and CSV text with their table structure: procurement data (o12) is judged machine-readable
by its tables, and manuals (o9) keep their fields in DOCX tables that python-docx's paragraphs skip."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any

from oitcheck.extract.thai import clean_space

MAX_ROWS = 5000
MAX_CELLS = 200_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
STREAM_ABOVE = 1024 * 1024


class ZipBomb(ValueError):
    """An Office file (a ZIP) that would expand far beyond any real document."""


def check_zip(body: bytes) -> None:
    """Refuse archives whose declared expansion is absurd, before any XML parser touches them."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED or total > MAX_ZIP_RATIO * max(len(body), 1):
        raise ZipBomb(f"archive expands to {total} bytes from {len(body)}: refused as a possible zip bomb")


def read_docx(body: bytes) -> dict[str, Any]:
    """Paragraphs and table rows in document order (a table's position matters: its caption is above it)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_zip(body)
    document = docx.Document(io.BytesIO(body))
    parts: list[str] = []
    tables: list[dict[str, Any]] = []
    heading = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            parts.append(paragraph.text)
            if not heading and paragraph.text.strip() and (paragraph.style.name or "").lower().startswith(
                    ("heading", "title")):
                heading = paragraph.text
        elif tag == "tbl":
            table = Table(child, document)
            rows = [[clean_space(cell.text) for cell in row.cells] for row in table.rows[:MAX_ROWS]]
            parts.extend(" | ".join(row) for row in rows)
            tables.append(_table_facts("", rows))
    first_line = next((p for p in parts if p.strip()), "")
    title = document.core_properties.title or heading or first_line
    return {"text": "\n".join(parts), "pages": None, "tables": len(tables), "sheets": tables,
            "title": clean_space(title)[:300], "modified": _iso(document.core_properties.modified)}


def read_xlsx(body: bytes) -> dict[str, Any]:
    """Every sheet, each row as ``a | b | c``; a sheet of 2+ rows x 2+ columns is a table."""
    import openpyxl

    check_zip(body)
    # Streaming (read-only) mode keeps memory flat on big files but is half as fast on the small monthly
    # summaries most agencies publish (bench/documents.py).
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=len(body) > STREAM_ABOVE, data_only=True)
    parts: list[str] = []
    sheets: list[dict[str, Any]] = []
    cells = 0
    modified = _iso(book.properties.modified if book.properties else None)
    title = ""  # the first cell of the first sheet: offices put the report's name there
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            # max_row past the sheet's end would make openpyxl invent empty rows up to it
            last = min(sheet.max_row or MAX_ROWS, MAX_ROWS)
            for row in sheet.iter_rows(values_only=True, max_row=last):
                values = [clean_space(str(v)) if v is not None else "" for v in row]
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
    return {"text": "\n".join(parts), "pages": None, "tables": sum(1 for s in sheets if s["table"]),
            "sheets": sheets, "title": title[:300], "modified": modified}


def _iso(value: Any) -> str:
    """A DOCX/XLSX "last saved" time (docProps/core.xml) as ISO text, '' when absent or not a date: like a
    PDF's ModDate, it dates a document whose text names no date."""
    return value.isoformat() if isinstance(value, datetime) else ""


def read_csv(body: bytes) -> dict[str, Any]:
    text = decode_text(body)
    rows = list(csv.reader(io.StringIO(text[:5_000_000])))[:MAX_ROWS]
    facts = _table_facts("", [[clean_space(c) for c in row] for row in rows])
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
