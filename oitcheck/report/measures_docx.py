"""measures.docx: the draft measures (report.json ``measures``) as the Word table agencies write, edit and sign
(seeds 000-004: มาตรการ/โครงการ/กิจกรรม, ขั้นตอน/วิธีการดำเนินการ, ผู้รับผิดชอบ, ระยะเวลาดำเนินการ).

Thai offices set TH Sarabun New 16 pt; Word picks a run's font for Thai from its complex-script (cs) slot, so the
font is set in every slot of every run, not only the ASCII one."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from oitcheck.extract.dates import format_thai_date

FONT = "TH Sarabun New"
SIZE = Pt(16)
COLUMNS = ("มาตรการ/โครงการ/กิจกรรม", "ขั้นตอน/วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ")
WIDTHS = (Cm(4.5), Cm(7.0), Cm(3.0), Cm(3.5))  # 18 cm: A4's 21 cm less 1.5 cm margins
NO_MEASURES = "ไม่มีข้อที่ต้องจัดทำมาตรการ: ทุกข้อผ่านหรือเจ้าหน้าที่ยอมรับข้อสังเกตแล้ว"
# Characters XML 1.0 cannot hold (crawled text may carry them): python-docx would raise on them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> str:
    return _NOT_XML.sub("", str(value or ""))


def thai_run(paragraph: Paragraph, text: Any, *, bold: bool = False) -> Run:
    """A run in the Thai font, in every font slot (ascii, hAnsi, eastAsia, cs) and at 16 pt for Thai too."""
    run = paragraph.add_run(_clean(text))
    run.bold = bold
    run.font.name = FONT
    run.font.size = SIZE
    props = run._element.get_or_add_rPr()
    fonts = props.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    size = OxmlElement("w:szCs")  # the complex-script size, right after w:sz as the schema orders them
    size.set(qn("w:val"), str(int(SIZE.pt * 2)))
    props.sz.addnext(size)
    if bold:
        props.get_or_add_bCs()
    return run


def _paragraph(doc: Any, text: str, *, bold: bool = False, center: bool = False) -> Paragraph:
    paragraph = doc.add_paragraph()
    thai_run(paragraph, text, bold=bold)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _repeat_header(row: Any) -> None:
    """Mark the table's first row as a header row Word repeats at the top of every page."""
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _cell_text(cell: Any, lines: list[str], *, bold: bool = False) -> None:
    for index, line in enumerate(lines or [""]):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        thai_run(paragraph, line, bold=bold)


def render_measures_docx(report: dict[str, Any]) -> bytes:
    """The Word file of the report's draft measures, A4 portrait, ready to edit and sign."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    agency = report.get("agency", {}).get("name") or ""
    year = report.get("year")
    next_year = year + 1 if isinstance(year, int) else ""
    _paragraph(doc, "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", bold=True, center=True)
    _paragraph(doc, f"ประจำปีงบประมาณ พ.ศ. {next_year}", bold=True, center=True)
    _paragraph(doc, agency, bold=True, center=True)
    _paragraph(doc, f"(ร่าง จากผลการตรวจเว็บไซต์ตามแบบตรวจ {report.get('checklist', '')} "
                    f"ปีงบประมาณ พ.ศ. {year} ข้อมูล ณ วันที่ {_thai_date(report.get('as_of', ''))})", center=True)
    measures = report.get("measures") or []
    if not measures:
        _paragraph(doc, NO_MEASURES)
    else:
        table = doc.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, WIDTHS, strict=True):  # the grid LibreOffice lays out by
            column.width = width
        _repeat_header(table.rows[0])
        for cell, title, width in zip(table.rows[0].cells, COLUMNS, WIDTHS, strict=True):
            _cell_text(cell, [title], bold=True)
            cell.width = width
        for measure in measures:
            cells = table.add_row().cells
            texts = [[f"{str(measure.get('item', '')).upper()} {measure.get('measure', '')}".strip()],
                     [f"{n}. {step}" for n, step in enumerate(measure.get("steps") or [], start=1)],
                     [measure.get("owner", "")], [measure.get("period", "")]]
            for cell, lines, width in zip(cells, texts, WIDTHS, strict=True):
                _cell_text(cell, lines)
                cell.width = width
    _paragraph(doc, "")
    for role in ("ผู้รับผิดชอบ", "ผู้บริหาร"):
        _paragraph(doc, "ลงชื่อ ......................................................... " + role)
        _paragraph(doc, "      (.........................................................)")
        _paragraph(doc, "ตำแหน่ง .........................................................")
        _paragraph(doc, "วันที่ ........ เดือน .............................. พ.ศ. ..........")
        _paragraph(doc, "")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _thai_date(iso: str) -> str:
    """The as-of date as Thai staff write it (15 มี.ค. 2568); anything unreadable as it is."""
    try:
        return format_thai_date(date.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso
