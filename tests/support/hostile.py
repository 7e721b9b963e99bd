"""Hostile documents, built small: files of a few KB that ask a naive reader for gigabytes or forever
(issue 20). Each builder returns the file's bytes; ``BOMBS`` must be recorded unreadable with a reason,
``TRAPS`` are real documents with a trap inside that are still read for what they have."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable

from docx import Document
from fpdf import FPDF
from openpyxl import Workbook

# The text each trap (and each normal document) still yields when read.
TRAP_TEXT = "สรุปผลการจัดซื้อจัดจ้าง ปีงบประมาณ 2568"


def xlsx(cells: dict[str, str]) -> bytes:
    """An XLSX whose first sheet holds these cells (``{"A1": "x"}``)."""
    book = Workbook()
    sheet = book.active
    for ref, value in cells.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(body: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The archive with one member's bytes changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def far_cell_xlsx(ref: str = "XFD1048576") -> bytes:
    """One cell, far away: a naive reader builds the whole grid up to it (a million rows x 16,384 columns)."""
    return xlsx({ref: "ไกล"})


def huge_dimension_xlsx() -> bytes:
    """Real rows, but the sheet declares ``A1:XFD1048576``: the declared size must not be believed."""
    body = xlsx({"A1": TRAP_TEXT, "A2": "ลำดับ", "B2": "รายการ", "A3": "1", "B3": "จ้างซ่อมถนน"})
    return rewrite(body, "xl/worksheets/sheet1.xml",
                   lambda xml: xml.replace(b'<dimension ref="A1:B3"/>', b'<dimension ref="A1:XFD1048576"/>'))


def _docx(build: Callable[[object], None]) -> bytes:
    document = Document()
    document.add_paragraph(TRAP_TEXT)
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def grid_span_docx(span: int = 10_000_000) -> bytes:
    """A table cell that spans ten million grid columns (python-docx's ``row.cells`` repeats it for each)."""
    def build(document: object) -> None:
        table = document.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
        table.cell(0, 0).text, table.cell(0, 1).text = "ลำดับ", "รายการ"
        table.cell(1, 0).text = "1"
        table.cell(1, 1)._tc.get_or_add_tcPr()._add_gridSpan().val = span
    return _docx(build)


def vertical_merge_docx(rows: int = 3000) -> bytes:
    """A column merged down thousands of rows (python-docx walks each merged cell up to the first again)."""
    def build(document: object) -> None:
        table = document.add_table(rows=rows, cols=2)  # type: ignore[attr-defined]
        table.cell(0, 0).text = "หมวด"
        for tr in table._tbl.tr_lst[1:]:
            tr.tc_lst[0].vMerge = "continue"
    return _docx(build)


def zip_bomb(kind: str, inflated: int = 16 * 1024 * 1024) -> bytes:
    """A DOCX or XLSX skeleton whose main part inflates a thousand-fold (zeros compress to almost nothing)."""
    part = "word/document.xml" if kind == "docx" else "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open(part, "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(inflated // len(block)):
                member.write(block)
    return out.getvalue()


def many_members_docx(count: int = 12_000) -> bytes:
    """An archive of twelve thousand empty members: its directory alone is megabytes of records to parse."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(count):
            archive.writestr(f"word/media/m{n}.bin", b"")
    return out.getvalue()


def garbage(head: bytes, size: int = 4000, seed: int = 20) -> bytes:
    """``head`` then noise: a file that claims a kind and is nothing."""
    return head + random.Random(seed).randbytes(size)


def png_bomb(side: int = 20_000) -> bytes:
    """A 1-bit PNG of ``side`` x ``side`` pixels (400 million) of zeros: ~50 KB that decodes to 50 MB+, and
    to 400 MB once made grayscale."""
    row = b"\x00" + bytes((side + 7) // 8)
    data = zlib.compress(row * side, 9)

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def long_line_csv(size: int = 6 * 1024 * 1024) -> bytes:
    """Two real rows, then one line of megabytes."""
    return f"ลำดับ,รายการ\n1,{TRAP_TEXT}\n".encode() + b"x," * (size // 2) + b"\n"


def unclosed_quote_csv(size: int = 2 * 1024 * 1024) -> bytes:
    """Two real rows, then a quote that never closes (past the csv module's field limit)."""
    return f"ลำดับ,รายการ\n1,{TRAP_TEXT}\n2,\"".encode() + b"y" * size


def pdf(text: str, width: float = 210, height: float = 297) -> bytes:
    document = FPDF(format=(width, height))
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def encrypted_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="secret report 2568")
    document.set_encryption(owner_password="o", user_password="u")
    return bytes(document.output())


def bombs() -> dict[str, bytes]:
    """name -> bytes of files to be recorded unreadable (with a reason) and to cost only themselves."""
    truncated = pdf("report 2568")
    return {
        "far-cell.xlsx": far_cell_xlsx(),
        "far-row.xlsx": far_cell_xlsx("A1048576"),
        "far-column.xlsx": far_cell_xlsx("XFD1"),
        "bomb.docx": zip_bomb("docx"),
        "bomb.xlsx": zip_bomb("xlsx"),
        "members.docx": many_members_docx(),
        "garbage.pdf": garbage(b"%PDF-1.7\n"),
        "truncated.pdf": truncated[:len(truncated) // 3],
        "garbage.docx": garbage(b"PK\x03\x04"),
        "garbage.xlsx": garbage(b"PK\x03\x04", seed=21),
        "empty.pdf": b"",
        "far-row-undeclared.xlsx": rewrite(far_cell_xlsx("B1048576"), "xl/worksheets/sheet1.xml",
                                           lambda xml: xml.replace(b'<dimension ref="B1048576:B1048576"/>', b"")),
        "encrypted.pdf": encrypted_pdf(),
    }


def traps() -> dict[str, bytes]:
    """name -> bytes of real documents with a trap inside: read for what they have."""
    return {
        "dimension.xlsx": huge_dimension_xlsx(),
        "span.docx": grid_span_docx(),
        "merged.docx": vertical_merge_docx(),
        "long-line.csv": long_line_csv(),
        "unclosed.csv": unclosed_quote_csv(),
        "poster.pdf": pdf("Poster: annual procurement plan, fiscal year 2568", width=5000, height=5000),
    }
