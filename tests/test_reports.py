"""The three report formats: the JSON contract (validated by the shipped schema), Excel-friendly CSV,
and the Thai HTML report with draft measures."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from oitcheck.checks.checklist import load
from oitcheck.report.schema import report_schema, validate_report
from oitcheck.report.writers import safe_href


def test_report_json_validates_and_holds_every_item(audited):
    _, report, _ = audited("index_table")
    validate_report(report)
    assert report["schema"] == "oitcheck.report/1"
    assert [i["id"] for i in report["items"]] == [f"o{n}" for n in range(1, 29)]
    assert report["as_of"] == "2025-03-15" and report["year"] == 2568
    for item in report["items"]:
        assert item["score"] == {"pass": 100, "partial": 50, "fail": 0, "unknown": None}[item["status"]]
        if item["status"] in ("fail", "partial"):
            assert item["recommendation"]
    assert set(report["scores"]) >= {"9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2", "9", "10", "oit"}


def test_scores_are_means_of_items(audited):
    _, report, _ = audited("index_table")
    scores = [i["score"] for i in report["items"] if i["score"] is not None]
    assert report["scores"]["oit"] == pytest.approx(sum(scores) / len(scores), abs=0.01)
    sub = [i["score"] for i in report["items"] if i["sub"] == "9.1" and i["score"] is not None]
    assert report["scores"]["9.1"] == pytest.approx(sum(sub) / len(sub), abs=0.01)


def test_schema_rejects_a_broken_report(audited):
    _, report, _ = audited("index_table")
    broken = json.loads(json.dumps(report))
    broken["items"][0]["status"] = "great"
    with pytest.raises(jsonschema.ValidationError):
        validate_report(broken)
    broken = json.loads(json.dumps(report))
    broken["items"][0]["score"] = 75
    with pytest.raises(jsonschema.ValidationError):
        validate_report(broken)
    assert report_schema()["properties"]["schema"]["const"] == "oitcheck.report/1"


def test_csv_opens_in_excel(audited):
    _, report, out = audited("index_table")
    raw = (out / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Thai correctly
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 28
    o15 = next(r for r in rows if r["ข้อ"] == "O15")
    assert o15["สถานะ"] == "ไม่ผ่าน" and "broken_link" in o15["รหัสข้อสังเกต"]


def test_measures_use_the_seed_columns_for_the_next_fiscal_year(audited):
    _, report, out = audited("index_table")
    failing = {i["id"] for i in report["items"] if i["status"] in ("fail", "partial")}
    assert {m["item"] for m in report["measures"]} == failing
    measure = report["measures"][0]
    assert measure["measure"] and measure["steps"] and measure["owner"]
    assert measure["period"] == "1 ต.ค. 2568 - 30 ก.ย. 2569"
    html = (out / "report.html").read_text(encoding="utf-8")
    for column in ("มาตรการ/โครงการ/กิจกรรม", "ขั้นตอน/วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"):
        assert column in html


def test_html_report_is_thai_and_says_what_to_fix(audited):
    _, report, out = audited("index_table")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="th">' in html
    assert "ค่ามาตรฐาน 85 คะแนน" in html
    assert "สิ่งที่ต้องแก้ไข" in html
    assert "missing-hr-2567.pdf" in html  # the broken link, where it is, and its anchor text
    assert "เปิดข้อมูล" in html


def test_only_http_links_become_hrefs():
    assert safe_href("https://agency.example.org/a") == "https://agency.example.org/a"
    assert safe_href("javascript:alert(1)") == "#"
    assert safe_href("data:text/html,<script>") == "#"
    assert safe_href(None) == "#"


def test_csv_cells_never_start_a_formula():
    from oitcheck.report.writers import render_csv

    report = {"items": [{"id": "o1", "sub": "9.1", "title": "=HYPERLINK(\"http://evil\")", "status": "fail",
                         "score": 0, "evidence": [{"url": "@SUM(1)", "via": "+x", "depth": 1}],
                         "findings": [], "recommendation": "-1"}]}
    row = list(csv.reader(io.StringIO(render_csv(report, load("ita-2568").messages).lstrip("\ufeff"))))[1]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)
