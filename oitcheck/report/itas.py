"""itas.xlsx and itas.csv: per item, the URL(s) staff enter in the ITAS system, whether the item is ready to
submit and, when not, why (the findings' Thai messages). Formatting only: every URL and verdict comes from
report.json."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from oitcheck.checks.messages import Messages
from oitcheck.report.tables import guard_cell as _cell

COLUMNS = ("ข้อ", "ชื่อข้อมูล", "สถานะ", "URL ที่ควรกรอกใน ITAS", "พร้อมส่ง", "เหตุผลเมื่อยังไม่พร้อม")
WIDTHS = (8, 50, 16, 60, 10, 70)
YES, NO = "ใช่", "ไม่ใช่"
# Status cell fills: green pass, amber partial, red fail, grey unknown.
FILLS = {"pass": "C6EFCE", "partial": "FFEB9C", "fail": "FFC7CE", "unknown": "D9D9D9"}


def submit_urls(item: dict[str, Any]) -> list[str]:
    """The URL(s) to enter: the pinned one; else the components' evidence when different components are met by
    different URLs; else the best evidence URL."""
    if item.get("pinned"):
        return [item["pinned"]]
    by_component: list[str] = []
    for component in item.get("components") or []:
        url = component.get("evidence")
        if url and url not in by_component:
            by_component.append(url)
    if by_component:
        return by_component
    evidence = item.get("evidence") or []
    return [evidence[0]["url"]] if evidence else []


def rows(report: dict[str, Any], labels: Messages) -> list[dict[str, Any]]:
    """One row per item: the columns of COLUMNS plus ``urls`` (a list) and ``status`` (the code)."""
    status_th = labels.section("status")
    out = []
    for item in report["items"]:
        ready = item["status"] == "pass" or bool(item.get("all_accepted"))
        reasons = [] if item["status"] == "pass" else [f.get("message") or f.get("code", "")
                                                     for f in item.get("findings") or []]
        out.append({"id": item["id"].upper(), "title": item["title"], "status": item["status"],
                    "status_th": status_th.get(item["status"], item["status"]), "urls": submit_urls(item),
                    "ready": YES if ready else NO, "reasons": "\n".join(r for r in reasons if r)})
    return out


def _values(row: dict[str, Any]) -> list[Any]:
    return [row["id"], row["title"], row["status_th"], "\n".join(row["urls"]), row["ready"], row["reasons"]]


def render_itas_csv(report: dict[str, Any], labels: Messages) -> str:
    """The ITAS list for Excel: UTF-8 with a BOM, every cell guarded against formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(report, labels):
        writer.writerow([_cell(value) for value in _values(row)])
    return "\ufeff" + out.getvalue()


def render_itas_xlsx(report: dict[str, Any], labels: Messages) -> bytes:
    """The ITAS list as a workbook: bold frozen header, set widths, URLs as links, status cells coloured.

    Every value is written as a string (openpyxl makes a string starting with "=" a formula, so _cell guards
    it); only http(s) URLs become hyperlinks."""
    book = Workbook()
    sheet = book.active
    sheet.title = "ITAS"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in rows(report, labels):
        sheet.append([_cell(ILLEGAL_CHARACTERS_RE.sub("", value)) for value in _values(row)])
        number = sheet.max_row
        for cell in sheet[number]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        status = sheet.cell(row=number, column=3)
        status.fill = PatternFill("solid", fgColor=FILLS.get(row["status"], FILLS["unknown"]))
        links = [url for url in row["urls"] if urlsplit(url).scheme in ("http", "https")]
        if links:  # a cell holds one hyperlink: the first URL (all of them are in its text)
            url_cell = sheet.cell(row=number, column=4)
            url_cell.hyperlink = links[0]
            url_cell.font = Font(color="0563C1", underline="single")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
