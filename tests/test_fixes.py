"""The fix list: each fail or partial item with the OIT score after fixing it alone, ranked by what the fix
gains, then by effort; in report.json and at the top of the HTML report, linked to the item's row."""

from __future__ import annotations

import re
from datetime import date

from oitcheck.checks.decisions import Acceptance
from oitcheck.checks.fixes import Effort, effort_of, plan_fixes
from oitcheck.checks.results import Finding, ItemResult, ItemStatus
from oitcheck.report.writers import render_html
from tests.checks.records import checklist
from tests.test_report_decisions import report

SCORES = {ItemStatus.PASS: 100, ItemStatus.PARTIAL: 50, ItemStatus.FAIL: 0, ItemStatus.UNKNOWN: None}


def results(statuses: dict[str, tuple[ItemStatus, tuple[str, ...]]]) -> list[ItemResult]:
    """Every item of the checklist passing but those named: (status, finding codes)."""
    out = []
    for item in checklist().items:
        status, codes = statuses.get(item.id, (ItemStatus.PASS, ()))
        out.append(ItemResult(item=item, status=status, score=SCORES[status], components=[],
                              findings=[Finding(code, "x") for code in codes]))
    return out


def test_effort_comes_from_the_largest_finding():
    one = results({"o1": (ItemStatus.FAIL, ("broken_link",)), "o2": (ItemStatus.FAIL, ("wrong_year", "soft_404")),
                   "o3": (ItemStatus.FAIL, ("missing", "broken_link")), "o4": (ItemStatus.FAIL, ()),
                   "o5": (ItemStatus.PARTIAL, ("not_machine_readable",)), "o6": (ItemStatus.PARTIAL, ("stale",))})
    efforts = {r.item.id: effort_of(r) for r in one if r.status.needs_work}
    assert efforts == {"o1": Effort.QUICK, "o2": Effort.MEDIUM, "o3": Effort.LARGE, "o4": Effort.LARGE,
                       "o5": Effort.QUICK, "o6": Effort.MEDIUM}


def test_ranked_by_gain_then_effort_and_unknown_items_stay_out_of_the_mean():
    now = results({"o1": (ItemStatus.PARTIAL, ("broken_link",)), "o2": (ItemStatus.FAIL, ("missing",)),
                   "o3": (ItemStatus.FAIL, ("broken_link",)), "o4": (ItemStatus.UNKNOWN, ("unknown",)),
                   "o5": (ItemStatus.PARTIAL, ("missing",))})
    fixes = plan_fixes(now, 85)
    assert [f.item_id for f in fixes] == ["o3", "o2", "o1", "o5"]  # fails gain more; a dead link before a document
    known = 27  # o4 is unknown: out of the mean
    before = round((100 * 23 + 50 * 2) / known, 2)
    o3 = fixes[0]
    assert o3.oit_after == round((100 * 24 + 50 * 2) / known, 2) and o3.gain == round(o3.oit_after - before, 2)
    assert o3.effort == Effort.QUICK and o3.passes == (o3.oit_after >= 85)
    assert fixes[2].oit_after == round((100 * 24 + 50) / known, 2)


def test_a_wholly_accepted_item_is_not_in_the_list():
    now = results({"o1": (ItemStatus.FAIL, ("broken_link",)), "o2": (ItemStatus.FAIL, ("missing",))})
    now[0].findings[0].accepted = Acceptance("o1", "ย้ายเซิร์ฟเวอร์", code="broken_link", until=date(2025, 3, 31))
    assert [f.item_id for f in plan_fixes(now, 85)] == ["o2"]


def test_the_report_carries_the_fix_list_and_the_html_links_each_entry_to_its_row():
    built = report()
    fixes = built["fixes"]
    needing = {i["id"] for i in built["items"] if i["status"] in ("fail", "partial")}
    assert {f["item"] for f in fixes} == needing and fixes
    gains = [f["gain"] for f in fixes]
    assert gains == sorted(gains, reverse=True)
    for fix in fixes:
        assert fix["passes"] == (fix["oit_after"] >= built["pass_mark"])
        assert fix["effort"] in ("quick", "medium", "large") and fix["effort_th"]
    o7 = next(f for f in fixes if f["item"] == "o7")  # its annual report is a dead link: a quick fix
    assert o7["effort"] == "quick" and "แก้ไขได้เร็ว" in o7["effort_th"]
    text = render_html(built, checklist().messages)
    block = text[text.index('<h2 id="fixes">'):text.index("</ol>", text.index('<h2 id="fixes">'))]
    assert text.index("<h2>สรุปผล</h2>") < text.index('<h2 id="fixes">') < text.index("ผลการตรวจรายข้อ")
    linked = re.findall(r'<a href="#item-(o\d+)">', block)
    assert linked == [f["item"] for f in fixes]
    for item_id in linked:
        assert f'<tr id="item-{item_id}" class="item ' in text
    first = fixes[0]
    verdict = "ผ่านเกณฑ์" if first["passes"] else "ยังไม่ผ่านเกณฑ์"
    assert f"คะแนนหลังแก้ {first['oit_after']:.2f} ({verdict})" in block


def test_the_demo_passes_after_fixing_any_one_item(audited):
    _, built, out = audited("demo")
    assert built["scores"]["oit"] == 83.93
    assert built["fixes"] and all(f["oit_after"] >= 85.71 and f["passes"] for f in built["fixes"])
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "คะแนนหลังแก้ 85.71 (ผ่านเกณฑ์)" in text or "คะแนนหลังแก้ 87.50 (ผ่านเกณฑ์)" in text
