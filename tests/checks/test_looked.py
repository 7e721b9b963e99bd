"""Where oitcheck looked: every candidate turned down is recorded with why (``Rejection``), and an item that did
not pass carries the index rows naming it, those candidates and the words it accepts, into report.json and the
HTML report, escaped."""

from __future__ import annotations

from datetime import datetime

import pytest

from oitcheck.checks.engine import evaluate
from oitcheck.checks.looked import closest
from oitcheck.checks.rejections import CANDIDATES_KEPT, Rejected, Rejection, RowLink
from oitcheck.checks.results import ComponentResult
from oitcheck.extract.html import parse_page
from oitcheck.records import PageRecord
from oitcheck.report.model import build_report
from oitcheck.report.schema import validate_report
from oitcheck.report.writers import render_html
from tests.checks.records import AS_OF, HOME, YEAR, at, broken, checklist, home, link, page, pdf, run_check, site

STATISTICS = "ข้อมูลสถิติการให้บริการ ประจำปี 2568"


def reasons(result: ComponentResult) -> dict[str, tuple[Rejection, str]]:
    return {r.url: (r.reason, r.detail) for r in result.rejected}


def test_a_dead_candidate_is_rejected_as_broken_with_its_status():
    url = at("files/o11-2568.pdf")
    result = run_check(site(home([link(url, STATISTICS)]), broken(url)), "o11")
    assert reasons(result)[url] == (Rejection.BROKEN, "404")
    assert result.rejected[0].found_on == HOME and result.rejected[0].text == STATISTICS


def test_a_placeholder_page_is_rejected():
    url = at("stats.html")
    empty = page(url, "ข้อมูลสถิติการให้บริการ", main_text="อยู่ระหว่างปรับปรุงข้อมูล")
    result = run_check(site(home([link(url, STATISTICS)]), empty), "o11")
    assert reasons(result)[url] == (Rejection.PLACEHOLDER, "placeholder")


def test_another_years_ita_section_is_rejected_with_its_year():
    old = at("ita/2567/index.html")
    url = at("files/o11-2567.pdf")
    section = page(old, "ITA ประจำปี 2567", [link(url, "ข้อมูลสถิติการให้บริการ")])
    crawl = site(home([link(old, "ITA 2567")]), section, pdf(url, "สถิติการให้บริการ ประจำปี 2568 รวม 1,204 ราย"))
    result = run_check(crawl, "o11")
    assert reasons(result)[url] == (Rejection.OTHER_SECTION, "2567")


def test_the_wrong_fiscal_year_is_rejected_with_the_years_named():
    url = at("files/annual-report-2565.pdf")
    crawl = site(home([link(url, "รายงานผลการดำเนินงานประจำปี 2565")]), pdf(url, "รายงานผลการดำเนินงาน ปี 2565"))
    result = run_check(crawl, "o7")
    assert reasons(result)[url] == (Rejection.WRONG_YEAR, "2565")


def test_a_link_leading_home_is_rejected():
    ita = at("ita.html")
    crawl = site(home([link(ita, "ITA")]), page(ita, "ITA", [link(HOME, STATISTICS)]))
    result = run_check(crawl, "o11")
    assert reasons(result)[HOME] == (Rejection.LEADS_HOME, HOME)


INDEX = """<html><head><title>ITA 2568</title></head><body><table>
<tr><td>O1</td><td>โครงสร้างและอำนาจหน้าที่</td><td><a href="/about/structure.html">แผนผังโครงสร้าง</a></td></tr>
<tr><td>O2</td><td>ข้อมูลผู้บริหาร</td><td><a href="/about/executives.html">คลิก</a></td></tr>
<tr><td>O3</td><td>ข้อมูลการติดต่อ</td><td><a href="/contact.html">เปิดข้อมูล</a></td></tr>
<tr><td>O9</td><td>คู่มือหรือแนวทางการขอรับบริการ</td><td><a href="#">ดาวน์โหลด</a></td></tr>
<tr><td>O11</td><td>{name}</td><td>อยู่ระหว่างจัดทำ</td></tr>
</table></body></html>"""


def index_site(name: str = "ข้อมูลสถิติการให้บริการ"):
    url = at("ita/2568/index.html")
    facts = parse_page(INDEX.format(name=name), url)
    index = PageRecord.from_dict({**facts, "url": url, "final_url": url, "status": 200, "depth": 1})
    return site(home([link(url, "ITA 2568")]), index), url


def test_index_rows_without_a_link_are_where_the_tool_looked():
    crawl, index = index_site()
    results = {r.item.id: r for r in evaluate(crawl, checklist(), YEAR, AS_OF, guard=False).items}
    o11 = results["o11"].looked
    assert o11 is not None and results["o11"].status == "fail"
    assert [(r.page, r.link, r.state) for r in o11.rows] == [(index, None, RowLink.NONE)]
    assert "อยู่ระหว่างจัดทำ" in o11.rows[0].text
    assert "สถิติการให้บริการ" in o11.words["o11"]
    o9 = results["o9"].looked  # its button links to "#": the unlinked row, with its href
    assert o9 is not None and [(r.link, r.state, r.detail) for r in o9.rows] == [(None, RowLink.NONE, "#")]
    o3 = results["o3"].looked  # a linked row: its link and what it answered (never fetched here)
    assert o3 is not None and o3.rows[0].link == at("contact.html") and o3.rows[0].state == RowLink.UNKNOWN


def test_a_passing_item_carries_no_looked_block():
    url = at("stats.html")
    stats = page(url, STATISTICS, main_text="สถิติการให้บริการประชาชน ปีงบประมาณ 2568 " * 20, tables=1)
    outcome = evaluate(site(home([link(url, STATISTICS)]), stats), checklist(), YEAR, AS_OF, guard=False)
    results = {r.item.id: r for r in outcome.items}
    assert results["o11"].status == "pass" and results["o11"].looked is None


def test_the_closest_candidates_are_capped_and_shared_between_components():
    def rejected(url: str, component: str) -> Rejected:
        return Rejected(url=url, text="", found_on=None, reason=Rejection.BROKEN, component=component)

    plan = [rejected(at(f"plan{n}.pdf"), "plan") for n in range(6)]
    progress = [rejected(at("plan0.pdf"), "progress"), rejected(at("progress.pdf"), "progress")]
    kept = closest([plan, progress])
    assert len(kept) == CANDIDATES_KEPT and len({r.url for r in kept}) == CANDIDATES_KEPT
    assert [r.url for r in kept[:3]] == [at("plan0.pdf"), at("progress.pdf"), at("plan1.pdf")]
    old = Rejected(url=at("2567.pdf"), text="", found_on=None, reason=Rejection.OTHER_SECTION, component="plan")
    assert [r.url for r in closest([[old, plan[0]]])] == [at("plan0.pdf"), at("2567.pdf")]  # this year's first


@pytest.fixture(scope="module")
def hostile():
    crawl, _ = index_site("&lt;script&gt;alert(1)&lt;/script&gt;ข้อมูลสถิติการให้บริการ")  # text: <script>...
    outcome = evaluate(crawl, checklist(), YEAR, AS_OF, guard=False)
    now = datetime(2025, 3, 15, 9, 0)
    report = build_report(outcome, name="ทดสอบ", url=HOME, started_at=now, finished_at=now)
    return report, render_html(report, checklist().messages)


def test_looked_is_in_report_json_and_its_schema(hostile):
    report, _ = hostile
    validate_report(report)
    o11 = next(item for item in report["items"] if item["id"] == "o11")
    assert "<script>alert(1)</script>" in o11["looked"]["rows"][0]["text"]
    assert o11["looked"]["rows"][0]["state"] == "none" and o11["looked"]["rows"][0]["message"] == "ไม่มีลิงก์"
    assert all("looked" not in item for item in report["items"] if item["status"] == "pass")


def test_hostile_row_text_is_escaped_in_the_html(hostile):
    _, html = hostile
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;ข้อมูลสถิติการให้บริการ" in html
    assert "oitcheck ค้นหาข้อนี้จากที่ใดบ้าง" in html
