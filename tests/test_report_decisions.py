"""The reports show staff decisions and what changed: "what changed since the last run" first in report.html,
accepted findings under their own heading and out of the fix list, the pinned evidence; the schema takes them."""

from __future__ import annotations

import copy
import html
from datetime import date, datetime
from typing import Any

import jsonschema
import pytest

from oitcheck.checks.decisions import Acceptance, Decisions, Pin
from oitcheck.checks.engine import evaluate
from oitcheck.fiscal import BANGKOK
from oitcheck.report.model import build_report
from oitcheck.report.schema import validate_report
from oitcheck.report.writers import LINKS_SHOWN, render_html
from tests.checks.records import AS_OF, HOME, YEAR, at, broken, checklist, home, link, page, pdf, site

GONE = broken(at("files/annual-report-2567.pdf"))
PINNED = pdf(at("itas/o8-manual.pdf"), "คู่มือการปฏิบัติงานของเจ้าหน้าที่ งานธุรการ " * 5)
REASON = "ย้ายเซิร์ฟเวอร์ไฟล์ <ชั่วคราว>"
CHANGES = {
    "since": "2025-03-14T02:00:11+07:00", "previous_oit": 82.14, "oit_delta": 1.79,
    "fixed": [{"id": "o2", "from": "fail", "to": "pass"}],
    "regressed": [{"id": "o7", "from": "pass", "to": "fail", "codes": ["broken_link"]}],
    "changed": [{"id": "o12", "from": "fail", "to": "partial"}],
    "new_broken_links": [GONE.url, *(at(f"files/gone-{n}.pdf") for n in range(14))],
    "fixed_broken_links": ["http://127.0.0.1:1/old.pdf?<b>x</b>"],
}


def report(decisions: Decisions | None = None, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    crawl = site(home([link(GONE.url, "รายงานผลการดำเนินงานประจำปี 2567"),
                       link(at("exec.html"), "ข้อมูลผู้บริหาร")]),
                 page(at("exec.html"), "ข้อมูลผู้บริหาร", main_text="นายก อบต."), GONE, PINNED)
    outcome = evaluate(crawl, checklist(), YEAR, AS_OF, guard=False, decisions=decisions or Decisions())
    now = datetime(2025, 3, 15, 2, 0, tzinfo=BANGKOK)
    built = build_report(outcome, name="อบต.ทดสอบ", url=HOME, started_at=now, finished_at=now)
    built["changes"] = changes
    validate_report(built)
    return built


def rendered(built: dict[str, Any]) -> str:
    return render_html(built, checklist().messages)


def fix_list(text: str) -> str:
    start = text.index("สิ่งที่ต้องแก้ไขก่อนการประเมิน")
    return text[start:text.index("</ol>", start)]


def test_the_changes_come_first_in_thai():
    text = rendered(report(changes=CHANGES))
    block = text.index("สิ่งที่เปลี่ยนไปตั้งแต่การตรวจครั้งก่อน")
    assert block < text.index("<h2>สรุปผล</h2>") and block < text.index("สิ่งที่ต้องแก้ไขก่อนการประเมิน")
    changes = text[block:text.index("</section>", block)]
    assert "14 มี.ค. 2568 02:00 น." in changes
    assert "จาก 82.14 เป็น " in changes and "(+1.79)" in changes
    # items by their titles, the regression's codes in Thai words
    assert "แย่ลง 1 ข้อ" in changes and "รายงานผลการดำเนินงานประจำปี" in changes and "ลิงก์เสีย" in changes
    assert "แก้ไขแล้ว 1 ข้อ" in changes and "ข้อมูลผู้บริหาร" in changes
    assert "ผลเปลี่ยน 1 ข้อ" in changes and "ผ่านบางส่วน" in changes
    # new broken links capped with a count; every URL escaped
    assert f"ลิงก์เสียใหม่ {len(CHANGES['new_broken_links'])} ลิงก์" in changes
    assert f"และอีก {len(CHANGES['new_broken_links']) - LINKS_SHOWN} ลิงก์" in changes
    assert changes.count("gone-") == LINKS_SHOWN - 1
    assert "<b>x</b>" not in changes and html.escape("old.pdf?<b>x</b>") in changes


def test_a_fall_in_the_score_is_signed():
    text = rendered(report(changes={**CHANGES, "oit_delta": -2.5, "fixed": [], "changed": []}))
    assert "(-2.50)" in text and "แก้ไขแล้ว 1 ข้อ" not in text


def test_no_earlier_audit_says_nothing():
    for changes in (None, ...):
        built = report()
        if changes is ...:
            del built["changes"]  # a report of an older release
        assert "สิ่งที่เปลี่ยนไป" not in rendered(built)


def test_nothing_changed_says_so():
    same = {**CHANGES, "oit_delta": 0.0, "fixed": [], "regressed": [], "changed": [], "new_broken_links": [],
            "fixed_broken_links": []}
    text = rendered(report(changes=same))
    assert "(+0.00)" in text and "ผลรายข้อและลิงก์เสียเหมือนการตรวจครั้งก่อน" in text


def test_accepted_findings_are_listed_apart_and_out_of_the_fix_list():
    decisions = Decisions(accepted=(Acceptance("o7", REASON, code="broken_link", until=date(2025, 3, 31)),))
    before, after = rendered(report()), rendered(report(decisions))
    assert "O7 รายงานผลการดำเนินงานประจำปี" in fix_list(before)
    assert "O7" not in fix_list(after)
    heading = after.index("ข้อค้นพบที่หน่วยงานยอมรับไว้ (1 รายการ)")
    table = after[heading:after.index("</table>", heading)]
    assert html.escape(REASON) in table and "31 มี.ค. 2568" in table and "ลิงก์เสีย" in table
    assert "ข้อค้นพบที่หน่วยงานยอมรับไว้" not in before
    assert "ยอมรับแล้ว" in after  # marked in the item table too
    assert "มาตรการปรับปรุง" in after  # the other items' measures stay


def test_an_expired_acceptance_is_back_in_the_fix_list_with_a_note():
    decisions = Decisions(accepted=(Acceptance("o7", REASON, code="broken_link", until=date(2025, 3, 1)),))
    text = rendered(report(decisions))
    assert "O7 รายงานผลการดำเนินงานประจำปี" in fix_list(text)
    assert "หมดอายุเมื่อ 1 มี.ค. 2568" in fix_list(text)
    assert "ข้อค้นพบที่หน่วยงานยอมรับไว้" not in text


def test_the_pinned_evidence_is_shown():
    built = report(Decisions(pins=(Pin("o8", PINNED.url),)))
    o8 = next(i for i in built["items"] if i["id"] == "o8")
    assert o8["pinned"] == PINNED.url
    assert o8["evidence"][0]["url"] == PINNED.url and o8["evidence"][0]["via"] == "pinned"
    assert all(i["pinned"] is None for i in built["items"] if i["id"] != "o8")
    text = rendered(built)
    assert "หลักฐานที่ตรึงไว้ (ส่งในระบบ ITAS)" in text and "ลิงก์ที่หน่วยงานตรึงไว้" in text


def test_the_schema_takes_the_additions_and_refuses_bad_ones():
    built = report(Decisions(accepted=(Acceptance("o7", REASON),)), changes=CHANGES)
    for path, value in ((("changes", "fixed", 0, "to"), "great"), (("changes", "since"), None),
                        (("items", 6, "findings", 0, "accepted"), {"reason": REASON}),
                        (("items", 6, "pinned"), 12)):
        broken_report = copy.deepcopy(built)
        target = broken_report
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(jsonschema.ValidationError):
            validate_report(broken_report)
    old = copy.deepcopy(built)  # a report without the additions (an older release) is still valid
    del old["changes"]
    for item in old["items"]:
        del item["pinned"], item["all_accepted"]
        for finding in item["findings"]:
            finding.pop("accepted", None)
    validate_report(old)
