"""The files staff edit, sign and submit, opened with the libraries Word and Excel users' files are read with:
measures.docx (python-docx), itas.xlsx (openpyxl), itas.csv, the Thai report.csv and pages.csv."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from oitcheck.checks import engine
from oitcheck.checks.checklist import load
from oitcheck.records import CrawlResult, PageRecord
from oitcheck.report import writers
from oitcheck.report.itas import COLUMNS as ITAS_COLUMNS
from oitcheck.report.itas import render_itas_csv, render_itas_xlsx, submit_urls
from oitcheck.report.measures_docx import COLUMNS as MEASURE_COLUMNS
from oitcheck.report.measures_docx import FONT, NO_MEASURES, render_measures_docx
from oitcheck.report.schema import validate_report
from oitcheck.report.tables import PAGES_COLUMNS, REPORT_COLUMNS, render_csv, render_pages_csv
from oitcheck.report.writers import write_reports

LABELS = load("ita-2568").messages
EXPORTS = ("measures.docx", "itas.xlsx", "itas.csv", "pages.csv")


def _csv_rows(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Thai text correctly
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def hostile_report() -> dict[str, Any]:
    """A small report whose crawled text tries to run formulas in Excel."""
    item = {"id": "o1", "sub": "9.1", "title": "=cmd()", "status": "fail", "score": 0,
            "components": [{"id": "a", "title": "x", "status": "fail", "evidence": None}],
            "evidence": [{"url": "https://a.example/=x", "via": "+x", "depth": 1, "found_on": "@SUM(1)"}],
            "findings": [{"code": "missing", "message": "-1+1", "severity": "fail"}],
            "recommendation": "=HYPERLINK(\"http://evil\")", "pinned": None, "all_accepted": False}
    return {"agency": {"name": "=evil", "url": "https://a.example/"}, "as_of": "2025-03-15", "checklist": "ita-2568",
            "year": 2568, "items": [item], "measures": [],
            "crawl": {"inventory": [{"url": "https://a.example/", "status": 200, "depth": 0, "title": "=cmd()"}]}}


def test_every_export_is_written_beside_report_json(audited):
    _, report, out = audited("index_table")
    assert {p.name for p in out.iterdir()} >= {"report.json", *EXPORTS}
    validate_report(report)  # crawl.inventory is in the schema


def test_measures_docx_is_the_seeds_table_in_a_thai_font(audited):
    _, report, out = audited("index_table")
    doc = Document(str(out / "measures.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in text
    assert "ประจำปีงบประมาณ พ.ศ. 2569" in text  # the measures are for the next fiscal year
    assert report["agency"]["name"] in text and "ข้อมูล ณ วันที่ 15 มี.ค. 2568" in text  # dates as staff write them
    assert "ลงชื่อ" in text and "ผู้รับผิดชอบ" in text and "ผู้บริหาร" in text  # room to sign
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4 portrait
    table = doc.tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == MEASURE_COLUMNS
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None  # repeated on every page
    assert len(table.rows) == 1 + len(report["measures"]) > 1
    grid = [round(column.width.cm, 1) for column in table.columns]  # the grid LibreOffice and Word lay out by
    assert grid == [4.5, 7.0, 3.0, 3.5]
    first = report["measures"][0]
    row = [c.text for c in table.rows[1].cells]
    assert row[0].startswith(first["item"].upper()) and first["measure"] in row[0]
    assert first["steps"][0] in row[1] and row[2] == first["owner"] and row[3] == "1 ต.ค. 2568 - 30 ก.ย. 2569"
    runs = [run for p in doc.paragraphs for run in p.runs] + [
        run for r in table.rows for c in r.cells for p in c.paragraphs for run in p.runs]
    assert runs and all(run.font.name == FONT and run.font.size.pt == 16 for run in runs)
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:cs")) == FONT and fonts.get(qn("w:eastAsia")) == FONT  # Word's Thai font slot


def test_an_agency_without_measures_gets_a_docx_saying_so():
    doc = Document(io.BytesIO(render_measures_docx(hostile_report())))
    assert NO_MEASURES in "\n".join(p.text for p in doc.paragraphs) and not doc.tables


def test_docx_survives_characters_xml_cannot_hold():
    report = hostile_report()
    report["agency"]["name"] = "อบต.\x00\x0bตัวอย่าง"
    report["measures"] = [{"item": "o1", "measure": "ม\x01", "steps": ["a\x1f"], "owner": "x", "period": "p"}]
    doc = Document(io.BytesIO(render_measures_docx(report)))
    assert "อบต.ตัวอย่าง" in "\n".join(p.text for p in doc.paragraphs)


def test_itas_xlsx_one_row_per_item_with_links_and_colours(audited):
    _, report, out = audited("index_table")
    sheet = load_workbook(out / "itas.xlsx").active
    assert tuple(c.value for c in sheet[1]) == ITAS_COLUMNS
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= 40
    assert sheet.max_row == 1 + len(report["items"]) == 29
    by_id = {sheet.cell(row=n, column=1).value: n for n in range(2, sheet.max_row + 1)}
    items = {i["id"].upper(): i for i in report["items"]}
    passed = next(k for k, i in items.items() if i["status"] == "pass" and i["evidence"])
    row = by_id[passed]
    assert sheet.cell(row=row, column=3).value == "ผ่าน" and sheet.cell(row=row, column=5).value == "ใช่"
    url_cell = sheet.cell(row=row, column=4)
    assert url_cell.hyperlink is not None and url_cell.hyperlink.target == url_cell.value.split("\n")[0]
    assert url_cell.value.split("\n") == submit_urls(items[passed])
    o15 = by_id["O15"]
    assert sheet.cell(row=o15, column=3).value == "ไม่ผ่าน" and sheet.cell(row=o15, column=5).value == "ไม่ใช่"
    assert items["O15"]["findings"][0]["message"] in sheet.cell(row=o15, column=6).value
    fills = {sheet.cell(row=by_id[passed], column=3).fill.fgColor.rgb, sheet.cell(row=o15, column=3).fill.fgColor.rgb}
    assert len(fills) == 2  # pass and fail coloured differently


def test_itas_csv_matches_the_workbook(audited):
    _, report, out = audited("index_table")
    rows = _csv_rows((out / "itas.csv").read_bytes())
    assert tuple(rows[0]) == ITAS_COLUMNS and len(rows) == 29
    assert {r[2] for r in rows[1:]} <= {"ผ่าน", "ผ่านบางส่วน", "ไม่ผ่าน", "ตรวจสอบไม่ได้"}


def test_itas_urls_are_the_pin_or_each_components_evidence():
    item = {"pinned": None, "evidence": [{"url": "https://a/1"}, {"url": "https://a/2"}],
            "components": [{"evidence": "https://a/2"}, {"evidence": "https://a/3"}, {"evidence": None}]}
    assert submit_urls(item) == ["https://a/2", "https://a/3"]
    assert submit_urls({**item, "pinned": "https://a/pin"}) == ["https://a/pin"]
    assert submit_urls({**item, "components": []}) == ["https://a/1"]
    assert submit_urls({"evidence": [], "components": []}) == []


def test_report_csv_is_thai_with_the_agency_and_every_evidence_url(audited):
    _, report, out = audited("index_table")
    rows = list(csv.DictReader(io.StringIO((out / "report.csv").read_bytes().decode("utf-8-sig"))))
    assert tuple(rows[0]) == REPORT_COLUMNS and len(rows) == 28
    assert all(r["หน่วยงาน"] == report["agency"]["name"] and r["เว็บไซต์"] == report["agency"]["url"]
               and r["ข้อมูล ณ วันที่"] == "2025-03-15" and r["แบบตรวจ"] == report["checklist"] for r in rows)
    many = next(i for i in report["items"] if len(i["evidence"]) > 1)
    row = next(r for r in rows if r["ข้อ"] == many["id"].upper())
    assert row["URL หลักฐาน"].split("\n") == [e["url"] for e in many["evidence"]]
    assert row["พบลิงก์จากหน้า"].split("\n") == [e["found_on"] or "" for e in many["evidence"]]
    o15 = next(r for r in rows if r["ข้อ"] == "O15")
    assert o15["สถานะ"] == "ไม่ผ่าน" and "broken_link" in o15["รหัสข้อสังเกต"] and o15["ข้อเสนอแนะ"]
    o15_item = next(i for i in report["items"] if i["id"] == "o15")
    assert o15_item["findings"][0]["message"] in o15["ข้อสังเกต"]


def test_pages_csv_lists_the_pages_read(audited):
    _, report, out = audited("index_table")
    rows = _csv_rows((out / "pages.csv").read_bytes())
    assert tuple(rows[0]) == PAGES_COLUMNS
    assert len(rows) == 1 + report["crawl"]["pages"] == 1 + report["crawl"]["inventory_total"]
    assert rows[1][0] == report["crawl"]["inventory"][0]["url"] and rows[1][1] == "200" and rows[1][2] == "0"
    assert any(row[3] for row in rows[1:])  # titles
    depths = [int(row[2]) for row in rows[1:]]
    assert depths == sorted(depths)  # the homepage first, then by click depth (not the crawl's timing)


def test_the_inventory_is_capped_and_titles_cut(monkeypatch):
    crawl = CrawlResult(start_url="https://a.example/", pages=[
        PageRecord(url=f"https://a.example/{n}", status=200, depth=1, title="ก" * 500) for n in range(6, -1, -1)])
    monkeypatch.setattr(engine, "INVENTORY_CAP", 3)
    summary = engine.crawl_summary(crawl)
    assert summary.inventory_total == 7 and [p.url for p in summary.inventory] == [  # shallowest first, by URL
        f"https://a.example/{n}" for n in range(3)]
    assert all(len(p.title) == engine.TITLE_CHARS for p in summary.inventory)


def test_no_cell_starts_a_formula():
    report = hostile_report()
    for text in (render_csv(report, LABELS), render_pages_csv(report), render_itas_csv(report, LABELS)):
        for row in _csv_rows(text.encode("utf-8")):
            for cell in row:
                assert not any(line.startswith(("=", "+", "-", "@")) for line in cell.split("\n")), cell
    assert "'=cmd()" in render_pages_csv(report)  # the crawled title stays text
    sheet = load_workbook(io.BytesIO(render_itas_xlsx(report, LABELS))).active
    title = sheet.cell(row=2, column=2)
    assert title.value == "'=cmd()" and title.data_type == "s"  # text, not a formula
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)


def test_a_failing_export_leaves_the_old_files(audited, tmp_path):
    _, report, _ = audited("index_table")
    out = tmp_path / "out"
    write_reports(report, out, LABELS)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    changed = copy.deepcopy(report)
    changed["agency"]["name"] = "เปลี่ยนแล้ว"
    with mock.patch.object(writers, "render_itas_xlsx", side_effect=OSError(28, "No space left on device")), \
            pytest.raises(OSError):
        write_reports(changed, out, LABELS)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary file left either
    real_stage = writers._stage

    def full_at_docx(path: Path, text: str | bytes) -> str:
        if path.name == "measures.docx":
            raise OSError(28, "No space left on device")
        return real_stage(path, text)

    with mock.patch.object(writers, "_stage", full_at_docx), pytest.raises(OSError):
        write_reports(changed, out, LABELS)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    write_reports(changed, out, LABELS)
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["agency"]["name"] == "เปลี่ยนแล้ว"
    assert "เปลี่ยนแล้ว" in "\n".join(p.text for p in Document(str(out / "measures.docx")).paragraphs)
