"""Pinned evidence: an item the agency pinned (the URL it submits in ITAS) is judged on that URL alone, with the
item's full rules, and says loudly when it no longer holds."""

from __future__ import annotations

from datetime import date

from oitcheck.checks.checklist import load
from oitcheck.checks.decisions import Decisions, Pin
from oitcheck.checks.engine import evaluate
from oitcheck.checks.results import ItemResult, ItemStatus, Severity
from oitcheck.records import CrawlResult
from tests.checks.records import AS_OF, YEAR, at, broken, checklist, document, home, link, page, pdf, site

REPORT_2567 = "รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. 2567 ขององค์การบริหารส่วนตำบลทดสอบ ผลการดำเนินงานตามแผน "
SITE_REPORT = pdf(at("files/report-2567.pdf"), REPORT_2567 * 3)  # linked from the homepage: the crawl finds it
SUBMITTED = pdf(at("itas/o7.pdf"), REPORT_2567.replace("ทดสอบ", "ทดสอบ (ฉบับที่ส่งในระบบ ITAS)") * 3)
OLD = pdf(at("itas/o7-2565.pdf"), REPORT_2567.replace("2567", "2565") * 3)
GONE = broken(at("itas/o7-gone.pdf"))


def crawl(*records) -> CrawlResult:
    return site(home([link(SITE_REPORT.url, "รายงานผลการดำเนินงานประจำปี 2567")]), SITE_REPORT, SUBMITTED, OLD,
                GONE, *records)


def judged(found: CrawlResult, item: str, *pins: Pin, layout: str = "ita-2568", year: int = YEAR,
           as_of: date = AS_OF) -> ItemResult:
    outcome = evaluate(found, load(layout), year, as_of, guard=False, decisions=Decisions(pins=pins))
    return next(result for result in outcome.items if result.item.id == item)


def codes(result: ItemResult) -> list[str]:
    return [f.code for f in result.findings]


def test_a_pin_that_holds_is_the_evidence():
    result = judged(crawl(), "o7", Pin("o7", SUBMITTED.url, key="annual_report"))
    assert result.status == ItemStatus.PASS and result.score == 100
    assert result.pinned == SUBMITTED.url
    assert [c.url for c in result.evidence] == [SUBMITTED.url]  # judged on the pin alone, not the site's copy
    assert result.evidence[0].via == "pinned"
    assert "pinned_evidence_failed" not in codes(result)


def test_without_a_pin_the_crawl_chooses():
    result = judged(crawl(), "o7")
    assert result.pinned is None and result.evidence[0].url == SITE_REPORT.url


def test_a_pin_naming_the_wrong_year_fails_and_names_a_better_url():
    result = judged(crawl(), "o7", Pin("o7", OLD.url))
    assert result.status == ItemStatus.FAIL and result.score == 0
    assert codes(result)[:2] == ["wrong_year", "pinned_evidence_failed"]
    failed = next(f for f in result.findings if f.code == "pinned_evidence_failed")
    assert failed.severity == Severity.FAIL and failed.url == OLD.url
    assert failed.message.startswith(f"ลิงก์ที่ตรึงไว้เป็นหลักฐานของข้อนี้ ({OLD.url}) ใช้ไม่ได้: เป็นของปี 2565")
    assert "ปีงบประมาณ พ.ศ. 2567" in failed.message
    # the crawl found the right report on the site: a better URL to submit (info: it does not score)
    better = next(f for f in result.findings if f.code == "better_evidence")
    assert better.url == SITE_REPORT.url and better.severity == Severity.INFO


def test_a_dead_pin_fails_its_item_whatever_the_site_shows():
    result = judged(crawl(), "o7", Pin("o7", GONE.url))
    assert result.status == ItemStatus.FAIL
    assert "broken_link" in codes(result) and "pinned_evidence_failed" in codes(result)
    failed = next(f for f in result.findings if f.code == "pinned_evidence_failed")
    assert "ใช้ไม่ได้: ไม่พบหน้าหรือไฟล์ (404)" in failed.message
    assert result.evidence[0].url == GONE.url


def test_a_soft_404_pin_fails():
    home_again = page(at("itas/o7.html"), "หน่วยงานทดสอบ", main_text="ยินดีต้อนรับสู่เว็บไซต์หน่วยงานทดสอบ")
    found = crawl(home_again)
    found.pages[0] = home([link(SITE_REPORT.url, "รายงานผลการดำเนินงานประจำปี 2567")])
    # the pinned page shows the homepage's text: the server answers a missing page with its homepage
    result = judged(found, "o7", Pin("o7", home_again.url))
    assert result.status == ItemStatus.FAIL and "pinned_evidence_failed" in codes(result)


def test_an_index_page_pinned_is_judged_with_the_documents_it_lists():
    monthly = [pdf(at(f"itas/o12/{n}.pdf"), f"แบบ สขร.1 สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือน{m} 2568 " * 3)
               for n, m in (("jan", "มกราคม"), ("feb", "กุมภาพันธ์"))]
    sheet = document(at("itas/o12/feb.xlsx"), "สรุปผลการจัดซื้อจัดจ้าง กุมภาพันธ์ 2568", kind="xlsx", tables=1)
    index = page(at("itas/o12.html"), "O12 รายการและความก้าวหน้าการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2568",
                 links=[link(monthly[0].url, "มกราคม 2568"), link(monthly[1].url, "กุมภาพันธ์ 2568"),
                        link(sheet.url, "กุมภาพันธ์ 2568 (Excel)")],
                 main_text="รายการและความก้าวหน้าการจัดซื้อจัดจ้าง ปีงบประมาณ พ.ศ. 2568 มกราคม 2568 กุมภาพันธ์ 2568")
    result = judged(crawl(index, *monthly, sheet), "o12", Pin("o12", index.url))
    assert result.evidence[0].url == index.url
    assert {c.url for c in result.evidence} >= {monthly[0].url, monthly[1].url}
    assert result.status == ItemStatus.PASS and "pinned_evidence_failed" not in codes(result)
    # the same index page whose every document is gone shows the assessors nothing
    dead = [broken(m.url) for m in monthly] + [broken(sheet.url)]
    result = judged(crawl(index, *dead), "o12", Pin("o12", index.url))
    assert result.status == ItemStatus.FAIL and "pinned_evidence_failed" in codes(result)


def test_a_pin_by_key_applies_to_a_renumbered_layout():
    """2568's O12 (procurement_monthly) is 2569's O11: a pin made on 2568 follows the item, not the number."""
    monthly = pdf(at("itas/procurement.pdf"),
                  "สรุปผลการจัดซื้อจัดจ้างรายเดือน ประจำปีงบประมาณ พ.ศ. 2569 เดือนตุลาคม 2568 " * 3)
    found = site(home(), monthly)
    pin = Pin("o12", monthly.url, key="procurement_monthly")
    o11 = judged(found, "o11", pin, layout="ita-2569", year=2569, as_of=date(2025, 11, 15))
    o12 = judged(found, "o12", pin, layout="ita-2569", year=2569, as_of=date(2025, 11, 15))
    assert o11.pinned == monthly.url and o11.evidence[0].url == monthly.url
    assert o12.pinned is None
    # on the layout it was made on, the same pin is O12's
    assert judged(found, "o12", pin).pinned == monthly.url and judged(found, "o11", pin).pinned is None


def test_a_pin_without_a_key_names_the_item_by_id():
    pin = Pin("o7", SUBMITTED.url)
    assert judged(crawl(), "o7", pin).pinned == SUBMITTED.url
    assert judged(crawl(), "o7", Pin("o8", SUBMITTED.url)).pinned is None


def test_other_items_are_judged_as_before():
    plain = evaluate(crawl(), checklist(), YEAR, AS_OF, guard=False)
    pinned = evaluate(crawl(), checklist(), YEAR, AS_OF, guard=False,
                      decisions=Decisions(pins=(Pin("o7", GONE.url),)))
    assert [(r.item.id, r.status) for r in plain.items if r.item.id != "o7"] == [
        (r.item.id, r.status) for r in pinned.items if r.item.id != "o7"]
