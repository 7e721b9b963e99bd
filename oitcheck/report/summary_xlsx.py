"""summary.xlsx (the province summary for Excel: ranking, the agency x item matrix with the page's colours and
symbols, the items that fail most, changes since the last run) and summary.csv (one row per agency with every
item's status, for scripts). Formatting only: every number is summary.json's. CSV names and URLs are hostile:
every text cell is guarded against formulas and stripped of characters XLSX cannot hold."""

from __future__ import annotations

import csv
import io
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from oitcheck.report.tables import guard_cell
from oitcheck.report.vocabulary import CELL_STYLES, Cell, status_words

SHEETS = {"ranking": "อันดับ", "matrix": "ตารางรายข้อ", "items": "รายข้อ", "changes": "เปลี่ยนแปลง"}
RANKING = ("อันดับ", "หน่วยงาน", "จังหวัด", "ประเภท", "เกณฑ์", "คะแนน OIT", "ระดับ", "ผ่าน", "ผ่านบางส่วน",
           "ไม่ผ่าน", "ตรวจสอบไม่ได้", "ลิงก์เสีย", "เว็บไซต์", "หมายเหตุ")
MATRIX_HEAD = ("หน่วยงาน", "จังหวัด", "ประเภท", "คะแนน OIT")
ITEMS = ("ข้อ", "เกณฑ์", "ชื่อข้อมูล", "ผ่าน", "ผ่านบางส่วน", "ไม่ผ่าน", "ตรวจสอบไม่ได้", "ไม่ได้ตรวจ",
         "ข้อสังเกตหลัก", "ตัวอย่างหน่วยงาน")
CHANGES = ("หน่วยงาน", "ตรวจครั้งก่อน", "คะแนนเปลี่ยน", "แก้ไขแล้ว", "ถดถอย", "เปลี่ยนสถานะ", "ลิงก์เสียใหม่")
CSV_HEAD = ("folder", "name", "url", "province", "type", "checklist", "status", "rank", "oit", "band")


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return guard_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def matrix_columns(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(layout, item id, header) of every matrix column: the main layout's items, then the others'."""
    mixed = len(summary["columns"]) > 1
    return [(layout, item["id"], f"{item['id'].upper()} ({layout})" if mixed and layout != summary["checklist"]
             else item["id"].upper()) for layout, items in summary["columns"].items() for item in items]


def _sheet(book: Workbook, title: str, header: tuple[str, ...] | list[str], widths: dict[int, int]) -> Any:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "B2"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    return sheet


def _cell_styles(sheet: Any) -> dict[Cell, Any]:
    """Each cell state's fill, ink and alignment, registered once in the workbook. A matrix cell takes a copy of
    its state's style array: setting fill, font and alignment on each of thousands of cells hashes every style
    object again (1.5 s for 300 agencies; copying: 0.05 s)."""
    styles = {}
    for state, style in CELL_STYLES.items():
        scratch = OpenpyxlCell(sheet)
        scratch.fill = PatternFill("solid", fgColor=style.fill.lstrip("#").upper())
        scratch.font = Font(color=style.ink.lstrip("#").upper(), bold=True)
        scratch.alignment = Alignment(horizontal="center")
        styles[state] = scratch._style
    return styles


def render_summary_xlsx(summary: dict[str, Any]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    status_th = status_words()
    reasons = {n["folder"]: n["reason"] for n in summary["not_audited"]}
    ranking = _sheet(book, SHEETS["ranking"], RANKING, {2: 44, 3: 14, 4: 16, 13: 40, 14: 50})
    for a in summary["agencies"]:
        counts = a.get("counts") or {}
        note = "" if a["status"] == "done" else f"{reasons.get(a['folder'], a['status'])}: {a.get('error') or ''}"
        ranking.append([_text(v) for v in (a.get("rank"), a["name"], a.get("province", ""), a.get("type", ""),
                                            a.get("checklist", ""), a.get("oit"), a.get("band_th") or "",
                                            counts.get("pass"), counts.get("partial"), counts.get("fail"),
                                            counts.get("unknown"), a.get("broken_links"), a["url"], note)])
    columns = matrix_columns(summary)
    matrix = _sheet(book, SHEETS["matrix"], [*MATRIX_HEAD, *(head for _, _, head in columns)], {1: 44, 2: 14, 3: 16})
    styles = _cell_styles(matrix)
    by_folder = {a["folder"]: a for a in summary["agencies"]}
    for number, row in enumerate(summary["matrix"], start=2):
        agency = by_folder[row["agency"]]
        values: list[Any] = [_text(agency["name"]), _text(agency.get("province", "")), _text(agency.get("type", "")),
                             agency.get("oit")]
        states = [Cell(row["items"][item]) if layout == row["checklist"] and item in row["items"] else None
                  for layout, item, _ in columns]
        matrix.append(values + [CELL_STYLES[s].symbol if s else "" for s in states])
        if agency["status"] == "done":  # the agency's own report, beside summary.xlsx
            matrix.cell(row=number, column=1).hyperlink = f"{agency['folder']}/report.html"
        for offset, state in enumerate(states, start=len(MATRIX_HEAD) + 1):
            if state is not None:
                matrix.cell(row=number, column=offset)._style = copy(styles[state])
    matrix.append([])
    for number, (state, style) in enumerate(CELL_STYLES.items(), start=len(summary["matrix"]) + 3):
        matrix.append([status_th.get(state, state), None, None, None, style.symbol])  # the legend
        matrix.cell(row=number, column=len(MATRIX_HEAD) + 1)._style = copy(styles[state])
    items = _sheet(book, SHEETS["items"], ITEMS, {3: 44, 9: 50, 10: 60})
    for item in summary["items"]:
        items.append([_text(v) for v in (item["id"].upper(), item["checklist"], item["title"], item["pass"],
                                          item["partial"], item["fail"], item["unknown"], item["not_audited"],
                                          ", ".join(f"{c['text']} ({c['agencies']})" for c in item["top_codes_th"]),
                                          ", ".join(item["examples"]))])
    changes = _sheet(book, SHEETS["changes"], CHANGES, {1: 44, 2: 24, 4: 30, 5: 30, 6: 30})
    for change in summary["changes"]:
        changes.append([_text(v) for v in (by_folder[change["agency"]]["name"], change.get("since"),
                                            change.get("oit_delta"), ", ".join(change.get("fixed") or ()).upper(),
                                            ", ".join(change.get("regressed") or ()).upper(),
                                            ", ".join(change.get("changed") or ()).upper(),
                                            change.get("new_broken_links"))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_summary_csv(summary: dict[str, Any]) -> str:
    """One row per agency (CSV order): who it is, its rank and score, then each item's status code (pass,
    partial, fail, unknown, not_audited; empty for an item of another layout). UTF-8 with a BOM for Excel."""
    columns = matrix_columns(summary)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*CSV_HEAD, *(head for _, _, head in columns)])
    by_folder = {a["folder"]: a for a in summary["agencies"]}
    for row in summary["matrix"]:
        a = by_folder[row["agency"]]
        cells = [row["items"].get(item, "") if layout == row["checklist"] else "" for layout, item, _ in columns]
        values = [a["folder"], a["name"], a["url"], a.get("province", ""), a.get("type", ""), row["checklist"],
                  a["status"], a.get("rank"), a.get("oit"), a.get("band") or "", *cells]
        writer.writerow([guard_cell("" if v is None else v) for v in values])
    return "\ufeff" + out.getvalue()
