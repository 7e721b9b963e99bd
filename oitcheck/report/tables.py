"""report.csv (one row per item, in Thai) and pages.csv (the pages read), for Excel: UTF-8 with a BOM, every
cell guarded against formula injection (crawled titles and URLs are hostile)."""

from __future__ import annotations

import csv
import io
from typing import Any

from oitcheck.checks.messages import Messages

REPORT_COLUMNS = ("หน่วยงาน", "เว็บไซต์", "ข้อมูล ณ วันที่", "แบบตรวจ", "ข้อ", "ตัวชี้วัดย่อย", "ชื่อข้อมูล", "สถานะ",
                  "คะแนน", "URL หลักฐาน", "พบลิงก์จากหน้า", "ความลึก (คลิกจากหน้าแรก)", "ข้อสังเกต",
                  "รหัสข้อสังเกต", "ข้อเสนอแนะ")
PAGES_COLUMNS = ("URL", "รหัสสถานะ HTTP", "ความลึก (คลิกจากหน้าแรก)", "ชื่อหน้า (title)")


def guard_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: crawled text starting with = + - @ must not run in Excel."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([guard_cell("" if value is None else value) for value in row])
    return "\ufeff" + out.getvalue()


def _lines(values: list[Any]) -> str:
    """Several values in one cell, one a line (each line guarded too: Excel shows them, scripts split them)."""
    return "\n".join(str(guard_cell("" if v is None else str(v))) for v in values)


def render_csv(report: dict[str, Any], labels: Messages) -> str:
    """report.csv: one row per item with the agency, its URL, the as-of date and the checklist on every row (rows
    of many audits can be pasted together); every evidence URL and the page each was linked from, one a line."""
    status_th = labels.section("status")
    agency = report.get("agency") or {}
    rows = []
    for item in report["items"]:
        evidence = item.get("evidence") or []
        findings = item.get("findings") or []
        rows.append([
            agency.get("name", ""), agency.get("url", ""), report.get("as_of", ""), report.get("checklist", ""),
            item["id"].upper(), item.get("sub", ""), item["title"], status_th.get(item["status"], item["status"]),
            "" if item.get("score") is None else item["score"],
            _lines([e.get("url") for e in evidence]), _lines([e.get("found_on") or "" for e in evidence]),
            _lines(["" if e.get("depth") is None else e["depth"] for e in evidence]),
            _lines([f.get("message") or "" for f in findings]), " ".join(f["code"] for f in findings),
            item.get("recommendation") or "",
        ])
    return _csv(REPORT_COLUMNS, rows)


def render_pages_csv(report: dict[str, Any]) -> str:
    """pages.csv: the pages the crawl read (report.json ``crawl.inventory``: capped, see there)."""
    inventory = (report.get("crawl") or {}).get("inventory") or []
    return _csv(PAGES_COLUMNS, [[p["url"], p.get("status"), p.get("depth"), p.get("title", "")] for p in inventory])
