"""The province summary (issue 17): its numbers against the agencies' own report.json files, groups by province
and type, province measures only for shared gaps, summary.xlsx/csv, hostile names, and the page in a real
headless Chromium. One generated run (report.json files, no crawl) serves the whole module."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from oitcheck import settings as defaults
from oitcheck.agencies import Agency, AgencyStatus
from oitcheck.audit import AuditRequest
from oitcheck.many import _changed, read_digests, summarise, write_summary
from oitcheck.report.schema import summary_schema, validate_summary
from oitcheck.report.summary import TrendPoint
from oitcheck.report.summary_xlsx import SHEETS, matrix_columns
from oitcheck.report.vocabulary import CELL_STYLES, Band, Cell
from oitcheck.store import open_store
from tests.support.reports import make_report, write_agency

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/","x")'
HOSTILE_URL = 'https://evil.go.th/?q="><svg onload=alert(2)>'
# name, url, province, type, statuses (every other item passes); None: not audited
AGENCIES: list[tuple[str, str, str, str, dict[str, str] | None]] = [
    ("เทศบาลตำบลก", "https://a.go.th/", "ลำพูน", "เทศบาล", {"o1": "fail", "o2": "fail", "o5": "partial"}),
    (f"โรงเรียนข {SCRIPT}", "https://b.go.th/", "ลำพูน", "โรงเรียน", {"o2": "fail", "o9": "unknown", "o5": "partial"}),
    (FORMULA, HOSTILE_URL, "ลำพูน", "โรงพยาบาล", {"o3": "fail", "o12": "partial"}),
    ("เทศบาลตำบลง", "https://d.go.th/", "เชียงใหม่", "เทศบาล", {"o3": "fail", "o12": "fail", "o20": "fail"}),
    ("โรงเรียนจ", "https://e.go.th/", "เชียงใหม่", "โรงเรียน", {}),
    ("เทศบาลปิดปรับปรุง", "https://f.go.th/", "ลำพูน", "เทศบาล", None),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("summary")
    results = []
    for row, (name, url, province, kind, statuses) in enumerate(AGENCIES, start=1):
        agency = Agency(row, name, url, province, kind)
        if statuses is None:
            results.append({**agency.entry(), "status": "unreachable", "exit": 3, "oit": None,
                            "error": "connection refused (exit 3)"})
            continue
        report = make_report(name, url, statuses, codes={"o2": ["missing"], "o5": ["wrong_year", "stale"]},
                             token=f"token-{row}")
        results.append(write_agency(out, agency, report))
    summary = summarise(results, AuditRequest(url="", out=out, as_of=date(2025, 3, 15)), read_digests(results, out))
    write_summary(summary, out)
    return out, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _reports(out: Path) -> dict[str, dict[str, Any]]:
    return {path.parent.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*/report.json")}


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2)


def test_summary_numbers_are_those_of_the_agencies_own_reports(run):
    out, summary = run
    reports = _reports(out)
    assert len(reports) == 5 and summary["audited"] == 5
    assert (summary["as_of"], summary["year"], summary["checklist"]) == ("2025-03-15", 2568, "ita-2568")
    assert summary["province"] == "ลำพูน, เชียงใหม่" and summary["provinces"] == ["ลำพูน", "เชียงใหม่"]
    oits = {folder: r["scores"]["oit"] for folder, r in reports.items()}
    assert summary["mean_oit"] == _mean(list(oits.values()))
    assert summary["passed"] == sum(1 for v in oits.values() if v >= 85)
    assert summary["excellent"] == sum(1 for v in oits.values() if v >= 95)
    for key in ("9", "9.1", "9.5", "10", "10.2", "oit"):
        assert summary["indicators"][key] == _mean([r["scores"][key] for r in reports.values()]), key
    assert list(summary["indicators"])[:2] == ["9", "9.1"] and list(summary["indicators"])[-1] == "oit"
    ranked = [a["folder"] for a in summary["agencies"]]
    assert ranked[:5] == sorted(oits, key=lambda f: (-oits[f], f)) and ranked[5] == "006-f.go.th"
    assert [a["rank"] for a in summary["agencies"]] == [1, 2, 3, 4, 5, None]
    for row in summary["matrix"]:
        if row["agency"] in reports:
            assert row["items"] == {i["id"]: i["status"] for i in reports[row["agency"]]["items"]}
        else:
            assert set(row["items"].values()) == {"not_audited"} and len(row["items"]) == 28
    for item in summary["items"]:
        counts = Counter(next(i["status"] for i in r["items"] if i["id"] == item["id"]) for r in reports.values())
        assert {s: item[s] for s in ("pass", "partial", "fail", "unknown")} == {s: counts[s] for s in
                                                                                ("pass", "partial", "fail", "unknown")}
        assert item["not_audited"] == 1
    o5 = next(i for i in summary["items"] if i["id"] == "o5")
    assert o5["top_codes"] == ["stale", "wrong_year"] and o5["top_codes_th"][0]["text"] == "ข้อมูลไม่เป็นปัจจุบัน"
    assert summary["items"][0]["id"] in ("o2", "o3", "o5", "o12")  # the most failed first (2 agencies each)
    assert summary["not_audited"] == [{"folder": "006-f.go.th", "name": "เทศบาลปิดปรับปรุง", "url": "https://f.go.th/",
                                       "status": "unreachable", "reason": "เข้าเว็บไซต์ไม่ได้",
                                       "error": "connection refused (exit 3)"}]


def test_summary_json_keeps_to_its_shipped_schema_and_a_broken_one_is_not_written(run, tmp_path):
    out, summary = run
    validate_summary(summary)  # summary.json as written
    changes = _changed({"since": "2025-03-14T02:00:11+07:00", "previous_oit": 82.14, "oit_delta": 1.79,
                        "fixed": [{"id": "o7", "from": "fail", "to": "pass"}],
                        "regressed": [{"id": "o15", "from": "pass", "to": "fail", "codes": ["broken_link"]}],
                        "changed": [], "new_broken_links": ["https://a.go.th/x.pdf"], "fixed_broken_links": []})
    validate_summary({**summary, "changes": [{"agency": "001-a.go.th", **changes}]})
    schema = summary_schema()
    defs, cells = schema["$defs"], schema["properties"]["matrix"]["items"]["properties"]["items"]
    assert set(cells["additionalProperties"]["enum"]) == set(Cell) and set(defs["band"]["enum"]) == {*Band, None}
    assert set(defs["agency_status"]["enum"]) == set(AgencyStatus)
    no_matrix = {key: value for key, value in summary.items() if key != "matrix"}
    with pytest.raises(jsonschema.ValidationError, match="'matrix' is a required property"):
        write_summary(no_matrix, tmp_path)
    assert list(tmp_path.iterdir()) == []
    no_status = {**summary, "agencies": [{k: v for k, v in summary["agencies"][0].items() if k != "status"},
                                         *summary["agencies"][1:]]}
    with pytest.raises(jsonschema.ValidationError, match="'status' is a required property"):
        validate_summary(no_status)


def test_groups_by_province_and_by_agency_type(run):
    out, summary = run
    oit = {a["name"]: a["oit"] for a in summary["agencies"]}
    provinces = {g["name"]: g for g in summary["groups"]["province"]}
    assert list(provinces) == ["ลำพูน", "เชียงใหม่"]
    lamphun = provinces["ลำพูน"]
    assert (lamphun["agencies"], lamphun["audited"]) == (4, 3)
    assert lamphun["mean_oit"] == _mean([oit["เทศบาลตำบลก"], oit[f"โรงเรียนข {SCRIPT}"], oit[FORMULA]])
    assert [r["name"] for r in provinces["เชียงใหม่"]["ranking"]] == ["โรงเรียนจ", "เทศบาลตำบลง"]
    types = {g["name"]: g for g in summary["groups"]["type"]}
    assert list(types) == ["เทศบาล", "โรงเรียน", "โรงพยาบาล"]
    assert (types["เทศบาล"]["agencies"], types["เทศบาล"]["audited"]) == (3, 2)
    assert types["เทศบาล"]["mean_oit"] == _mean([oit["เทศบาลตำบลก"], oit["เทศบาลตำบลง"]])
    assert types["โรงเรียน"]["indicators"]["oit"] == types["โรงเรียน"]["mean_oit"]
    assert types["โรงเรียน"]["passed"] == sum(1 for n in ("โรงเรียนจ", f"โรงเรียนข {SCRIPT}") if oit[n] >= 85)


def test_province_measures_only_for_gaps_two_agencies_of_one_province_share(run):
    _, summary = run
    measures = {g["item"]: g for g in summary["common_gaps"]}
    # o1: one agency; o3 and o12: two agencies but of two provinces; o20: one agency
    assert list(measures) == ["o2", "o5"]
    o2 = measures["o2"]
    assert o2["names"] == ["เทศบาลตำบลก", f"โรงเรียนข {SCRIPT}"] and o2["agencies"] == 2 and o2["province"] == "ลำพูน"
    assert "จำนวน 2 หน่วยงาน" in o2["steps"][0] and "มาตรการ" in o2["steps"][0]
    assert o2["owner_lines"][1] == ("สำนักงานเขตพื้นที่การศึกษาและสำนักงานศึกษาธิการจังหวัดลำพูน กำกับติดตาม: "
                                    "โรงเรียน (1 หน่วยงาน)")
    assert o2["owner"].startswith("สำนักงานจังหวัดลำพูน")
    assert "สำนักปลัด" not in o2["owner"]  # the agency-level owner is not the province's
    owners = {o["type"]: o for o in o2["owners"]}
    assert owners["เทศบาล"]["supervisor"] == "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำพูน"
    assert owners["โรงเรียน"]["supervisor"].startswith("สำนักงานเขตพื้นที่การศึกษา")
    assert owners["โรงเรียน"]["names"] == [f"โรงเรียนข {SCRIPT}"]
    assert o2["period"] == "ตลอดปีงบประมาณ พ.ศ. 2569 (ตุลาคม 2568 - กันยายน 2569)"
    assert o2["agency_measure"]["owner"] and o2["measure"] != o2["agency_measure"]["name"]


def test_summary_xlsx_holds_the_matrix_with_the_page_colours_and_the_csv_round_trips(run):
    out, summary = run
    book = load_workbook(out / "summary.xlsx")
    assert book.sheetnames == list(SHEETS.values())
    matrix = book[SHEETS["matrix"]]
    header = [c.value for c in matrix[1]]
    assert header[4:] == [f"O{n}" for n in range(1, 29)]
    fills = {cell: style.fill.lstrip("#").upper() for cell, style in CELL_STYLES.items()}
    for number, row in enumerate(summary["matrix"], start=2):
        for column, item in enumerate(header[4:], start=5):
            cell = matrix.cell(row=number, column=column)
            state = Cell(row["items"][item.lower()])
            assert cell.value == CELL_STYLES[state].symbol
            assert cell.fill.fgColor.rgb[-6:] == fills[state], (row["agency"], item)
    ranking = book[SHEETS["ranking"]]
    assert [ranking.cell(row=n, column=2).value for n in range(2, 8)] == [a["name"] if a["name"] != FORMULA
                                                                         else "'" + FORMULA
                                                                         for a in summary["agencies"]]
    assert ranking.cell(row=2, column=6).value == summary["agencies"][0]["oit"]
    text = (out / "summary.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    columns = matrix_columns(summary)
    assert [r["folder"] for r in rows] == [m["agency"] for m in summary["matrix"]]
    for row, expected in zip(rows, summary["matrix"], strict=True):
        assert {item: row[head] for _, item, head in columns} == expected["items"]
    hostile = next(r for r in rows if r["url"] == HOSTILE_URL)
    assert hostile["name"] == "'" + FORMULA  # guarded: Excel shows it as text


def test_hostile_names_and_urls_are_escaped_in_html_and_svg(run):
    out, _ = run
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 2  # ranking and indicators; no trend without history
    assert any("โรงเรียนข &lt;script&gt;" in svg for svg in svgs)


def test_the_trend_comes_from_the_history_store(tmp_path):
    """Two audit-many runs and a single audit: the trend shows the two runs' means and each agency's line."""
    store = open_store(str(tmp_path / "history.sqlite"))
    keys = {}
    for night, scores in enumerate(([{"o1": "fail"}, {}], [{}, {}]), start=1):
        run_id = store.start_run("audit-many")
        for row, statuses in enumerate(scores, start=1):
            url = f"https://agency{row}.go.th/"
            store.record_audit(make_report(f"a{row}", url, statuses, finished_at=f"2025-03-1{night}T02:00:00+07:00"),
                               run_id)
            keys[url] = f"agency{row}.go.th"
    store.record_audit(make_report("a1", "https://agency1.go.th/", {"o2": "fail", "o3": "fail"},
                                   finished_at="2025-03-13T02:00:00+07:00"), store.start_run("audit"))
    rows = store.oit_trend(list(keys.values()), "audit-many", 12)
    store.close()
    folders = {"agency1.go.th": "001-agency1.go.th", "agency2.go.th": "002-agency2.go.th"}
    points = [TrendPoint(run, finished, folders[key], oit) for run, finished, key, oit in rows]
    out = tmp_path / "out"
    results = [write_agency(out, Agency(n, f"a{n}", f"https://agency{n}.go.th/"), make_report(f"a{n}", "u", {},
                                                                                              token=f"t{n}"))
               for n in (1, 2)]
    summary = summarise(results, AuditRequest(url="", out=out, as_of=date(2025, 3, 15)), read_digests(results, out),
                        points)
    runs = summary["trend"]["runs"]
    one_fail = make_report("x", "u", {"o1": "fail"})["scores"]["oit"]
    assert [r["mean_oit"] for r in runs] == [_mean([one_fail, 100.0]), 100.0]  # the single audit is no run
    assert summary["trend"]["agencies"]["001-agency1.go.th"] == [{"run": runs[0]["run"], "oit": one_fail},
                                                                 {"run": runs[1]["run"], "oit": 100.0}]
    write_summary(summary, out)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "แนวโน้มคะแนน OIT" in html and len(re.findall(r"<svg ", html)) == 3


CHROMIUM = Path(defaults.OITCHECK_BROWSER)
FONTS = Path(__file__).parent.parent / "oitcheck" / "report" / "fonts"


@contextmanager
def _page(out: Path) -> Iterator[tuple[Any, list[str]]]:
    """summary.html open in Debian's headless Chromium, and the console errors and page errors it gives."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((out / "summary.html").as_uri())
            yield page, errors
        finally:
            browser.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at OITCHECK_BROWSER")
def test_the_page_in_chromium_links_every_cell_to_its_item_without_console_errors(run):
    out, summary = run
    with _page(out) as (page, errors):
        hrefs = page.eval_on_selector_all("table.matrix a", "links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) == 5 * 28  # every cell of an audited agency; none for the one not audited
        for href in set(hrefs):
            path, _, anchor = href.partition("#")
            assert f'id="{anchor}"' in (out / path).read_text(encoding="utf-8"), href
        page.locator("table.matrix a").nth(30).click()  # the second agency's O3
        page.wait_for_load_state()
        assert page.url.endswith("/002-b.go.th/report.html#item-o3")
        assert page.evaluate("document.getElementById(location.hash.slice(1)) !== null")
        assert errors == []


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at OITCHECK_BROWSER")
@pytest.mark.skipif(not (FONTS / "OFL.txt").exists(), reason="the Sarabun font is not bundled yet (branch pdf)")
def test_thai_text_is_drawn_with_the_bundled_font_not_a_fallback(run):
    """This machine has no Thai system font: every glyph of the Thai heading must come from the page's Sarabun."""
    out, _ = run
    with _page(out) as (page, errors):
        page.evaluate("document.fonts.ready")
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        heading = session.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
        assert fonts and all("Sarabun" in font["familyName"] for font in fonts), fonts
        assert errors == []
