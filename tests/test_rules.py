"""Item rules on hand-built crawl records (no network): evidence choice between years and sections."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from oitcheck.checks.checklist import load
from oitcheck.checks.engine import evaluate
from oitcheck.checks.links import soft_404
from oitcheck.records import (
    CrawlResult,
    DocumentFacts,
    Heading,
    Link,
    PageRecord,
    ProbeRecord,
    Quality,
    ResourceRecord,
)

HOME = "http://127.0.0.1:1/"


def page(url: str, title: str, links: list[tuple[str, str, str]], depth: int = 1, headings=()) -> PageRecord:
    return PageRecord(url=url, final_url=url, status=200, depth=depth, title=title,
                      headings=tuple(Heading(1, h) for h in headings), text=title, main_text=title,
                      links=tuple(Link(url=u, text=t, row=r) for u, t, r in links), tables=1)


def resource(url: str, status: int | None, error: str | None = None, text: str = "") -> ResourceRecord:
    return ResourceRecord(url=url, final_url=url, status=status, error=error, depth=2, kind="pdf",
                          doc=DocumentFacts(text=text) if text else None)


def run(pages: list[PageRecord], resources: list[ResourceRecord]):
    crawl = CrawlResult(start_url=HOME)
    for record in [page(HOME, "หน้าแรก", [], depth=0), *pages, *resources]:
        crawl.add(record)
    outcome = evaluate(crawl, load("ita-2568"), 2568, date(2025, 3, 15), guard=False)  # a record fragment
    return {r.item.id: r for r in outcome.items}


def test_dead_link_in_last_years_section_is_missing_not_broken():
    old = page("http://127.0.0.1:1/ita-2567/", "ITA ประจำปี 2567",
               [("http://127.0.0.1:1/old/o15.pdf", "คลิก", "O15 | รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี")])
    found = run([old], [resource("http://127.0.0.1:1/old/o15.pdf", 404)])
    codes = {f.code for f in found["o15"].findings}
    assert found["o15"].status == "fail" and "missing" in codes and "broken_link" not in codes


def test_working_evidence_only_in_last_years_section_is_missing_this_year():
    old = page("http://127.0.0.1:1/ita-2567/", "ITA ประจำปี 2567",
               [("http://127.0.0.1:1/old/o23.pdf", "คลิก", "O23 | การประเมินความเสี่ยงการทุจริต")])
    found = run([old], [resource("http://127.0.0.1:1/old/o23.pdf", 200, text="การประเมินความเสี่ยงการทุจริต")])
    assert found["o23"].status == "fail"
    assert [f.code for f in found["o23"].findings] == ["missing"]
    assert "2567" in found["o23"].findings[0].message


def test_this_years_dead_link_beats_last_years_working_one():
    new = page("http://127.0.0.1:1/ita-2568/", "ITA ประจำปี 2568",
               [("http://127.0.0.1:1/new/o23.pdf", "คลิก", "O23 | การประเมินความเสี่ยงการทุจริต 2568")])
    old = page("http://127.0.0.1:1/ita-2567/", "ITA ประจำปี 2567",
               [("http://127.0.0.1:1/old/o23.pdf", "คลิก", "O23 | การประเมินความเสี่ยงการทุจริต 2567")])
    found = run([new, old], [resource("http://127.0.0.1:1/new/o23.pdf", 500),
                             resource("http://127.0.0.1:1/old/o23.pdf", 200, text="การประเมินความเสี่ยง 2567")])
    assert found["o23"].status == "fail"
    broken = next(f for f in found["o23"].findings if f.code == "broken_link")
    assert broken.url == "http://127.0.0.1:1/new/o23.pdf"


def test_a_working_alternate_rescues_a_broken_best_link():
    new = page("http://127.0.0.1:1/ita-2568/", "ITA ประจำปี 2568",
               [("http://127.0.0.1:1/a.pdf", "O25 แผนปฏิบัติการป้องกันการทุจริต 2568", ""),
                ("http://127.0.0.1:1/b.pdf", "แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2568", "")])
    found = run([new], [resource("http://127.0.0.1:1/a.pdf", 404), resource("http://127.0.0.1:1/b.pdf", 200)])
    assert found["o25"].status == "pass"
    assert found["o25"].evidence[0].url == "http://127.0.0.1:1/b.pdf"
    assert {(f.code, f.severity) for f in found["o25"].findings} == {("broken_link", "info")}


def test_timeouts_and_dns_errors_are_broken_but_robots_is_unknown():
    new = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/a.pdf", "O25 แผนปฏิบัติการป้องกันการทุจริต 2568", ""),
                ("http://127.0.0.2:1/b.pdf", "O8 คู่มือการปฏิบัติงาน", "")])
    found = run([new], [resource("http://127.0.0.1:1/a.pdf", None, "timeout"),
                        resource("http://127.0.0.2:1/b.pdf", None, "robots")])
    assert found["o25"].status == "fail" and found["o25"].findings[0].code == "broken_link"
    assert found["o8"].status == "unknown" and found["o8"].score is None


def test_soft_404_pages_do_not_count_as_evidence():
    gone = page("http://127.0.0.1:1/o14/", "ไม่พบหน้าที่คุณต้องการ", [])
    assert soft_404(gone, HOME) == "the page says it was not found"
    home_again = replace(page(HOME, "หน้าแรก", []), url="http://127.0.0.1:1/old.pdf", redirects=("x",))
    assert soft_404(home_again, HOME) == "redirected to the homepage"
    no_complaints = page("http://127.0.0.1:1/o19/", "สถิติเรื่องร้องเรียน ปี 2568: ไม่พบเรื่องร้องเรียนการทุจริต", [])
    assert soft_404(no_complaints, HOME) == ""
    new = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/o14/", "O14 แผนการบริหารและพัฒนาทรัพยากรบุคคล 2568", "")])
    found = run([new, gone], [])
    assert found["o14"].status == "fail" and [f.code for f in found["o14"].findings] == ["soft_404"]


def test_citizen_manual_web_page_must_show_every_field():
    ita = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/manual/", "O9 คู่มือสำหรับประชาชน", ""),
                ("http://127.0.0.1:1/manual.pdf", "O9 คู่มือสำหรับประชาชน งานทะเบียนพาณิชย์", "")])
    manual = replace(page("http://127.0.0.1:1/manual/", "คู่มือสำหรับประชาชน: การขออนุญาตก่อสร้างอาคาร", []),
                     main_text="คู่มือสำหรับประชาชน การขออนุญาตก่อสร้างอาคาร ขั้นตอนการให้บริการ 1. ยื่นคำขอ 2. ตรวจสอบ "
                           "ระยะเวลา 45 วัน สถานที่ให้บริการ กองช่าง")
    found = run([ita, manual], [])
    assert found["o9"].status == "partial"
    element = next(f for f in found["o9"].findings if f.code == "missing_element")
    assert element.extra["elements"] == ["fee", "documents"]
    only_pdf = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
                    [("http://127.0.0.1:1/manual.pdf", "O9 คู่มือสำหรับประชาชน งานทะเบียนพาณิชย์", "")])
    found = run([only_pdf], [resource("http://127.0.0.1:1/manual.pdf", 200, text="คู่มือสำหรับประชาชน ทะเบียนพาณิชย์")])
    assert found["o9"].status == "pass"


def test_old_evidence_without_a_year_rule_is_flagged_stale_but_passes():
    ita = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/o8.pdf", "O8 คู่มือการปฏิบัติงาน ฉบับปี 2560", "")])
    found = run([ita], [resource("http://127.0.0.1:1/o8.pdf", 200, text="คู่มือการปฏิบัติงาน")])
    assert found["o8"].status == "pass"
    stale = next(f for f in found["o8"].findings if f.code == "stale")
    assert stale.severity == "info" and stale.extra["years"] == [2560]


def test_unreadable_evidence_is_said_so():
    ita = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/o8.pdf", "O8 คู่มือการปฏิบัติงาน", ""),
                ("http://127.0.0.1:1/o26.pdf", "O26 รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567", "")])
    scan = replace(resource("http://127.0.0.1:1/o8.pdf", 200), doc=DocumentFacts(quality=Quality.EMPTY))
    huge = resource("http://127.0.0.1:1/o26.pdf", None, "too_large")
    found = run([ita], [scan, huge])
    for item_id in ("o8", "o26"):
        assert found[item_id].status == "pass"
        assert [(f.code, f.severity) for f in found[item_id].findings] == [("unreadable_document", "info")]


def test_a_document_whose_text_names_only_old_years_is_stale_but_cited_laws_are_not():
    ita = page("http://127.0.0.1:1/ita-2568/", "ITA 2568",
               [("http://127.0.0.1:1/o8.pdf", "O8 คู่มือการปฏิบัติงาน", ""),
                ("http://127.0.0.1:1/o9.pdf", "O9 คู่มือสำหรับประชาชน", "")])
    old = resource("http://127.0.0.1:1/o8.pdf", 200, text="คู่มือการปฏิบัติงาน จัดทำเมื่อ 1 มีนาคม 2561")
    cited = resource("http://127.0.0.1:1/o9.pdf", 200,
                     text="คู่มือสำหรับประชาชน ตามพระราชบัญญัติการอำนวยความสะดวก พ.ศ. 2558")
    found = run([ita], [old, cited])
    stale = next(f for f in found["o8"].findings if f.code == "stale")
    assert stale.extra == {"years": [2561], "source": "text"} and found["o8"].status == "pass"
    assert not any(f.code == "stale" for f in found["o9"].findings)


def news_site(news_text: str, meta: dict | None = None, last_modified: str | None = None):
    home = page(HOME, "หน้าแรก", [("http://127.0.0.1:1/news/", "ข่าวประชาสัมพันธ์", "")], depth=0)
    news = replace(page("http://127.0.0.1:1/news/", "ข่าวประชาสัมพันธ์", []), main_text=news_text, meta=meta or {},
                   last_modified=last_modified)
    crawl = CrawlResult(start_url=HOME)
    crawl.add(home)
    crawl.add(news)
    outcome = evaluate(crawl, load("ita-2568"), 2568, date(2025, 3, 15), guard=False)
    o4 = next(r for r in outcome.items if r.item.id == "o4")
    return next(c for c in o4.components if c.component.id == "news")


def test_news_currency_reads_the_posts_dates_and_skips_periods_and_future_events():
    assert news_site("ข่าวประชาสัมพันธ์ ประชุมสภา (10 มี.ค. 68) รับสมัครงาน 1 - 30 มี.ค. 2568").state == "ok"
    stale = news_site("ข่าวประชาสัมพันธ์ ประชุมสภา (10 ธ.ค. 67) งานลอยกระทง 15 พ.ย. 2568")
    assert stale.state == "fail" and stale.findings[0].extra["newest"] == "2024-12-10"


def test_news_metadata_is_only_a_fallback():
    fresh_meta = {"article:modified_time": "2025-03-14T10:00:00+07:00"}
    # a dated post shown on the page wins over a newer modified time (CMSs touch it on every change)
    shown = news_site("ข่าวประชาสัมพันธ์ ประชุมสภา 10 ธ.ค. 2567", meta=fresh_meta)
    assert shown.state == "fail" and shown.findings[0].extra["date_source"] == "text"
    # with no date shown, the metadata decides, and says so
    assert news_site("ข่าวประชาสัมพันธ์ ประชุมสภา", meta=fresh_meta).state == "ok"
    old = news_site("ข่าวประชาสัมพันธ์ ประชุมสภา", last_modified="Tue, 10 Sep 2024 02:00:00 GMT")
    assert old.state == "fail" and old.findings[0].extra == {"newest": "2024-09-10", "date_source": "metadata"}


def test_probe_similarity_spares_the_homepages_own_aliases():
    home = replace(page(HOME, "เทศบาลตำบลทดสอบ", [], depth=0),
                   main_text="ยินดีต้อนรับ ข่าวประชาสัมพันธ์ ประกาศ จัดซื้อจัดจ้าง 10 มี.ค. 2568")
    probe = ProbeRecord(host="127.0.0.1:1", url=HOME + "probe", status=200, title="เทศบาลตำบลทดสอบ",
                        words=("ยินดีต้อนรับ", "ข่าวประชาสัมพันธ์", "ประกาศ", "จัดซื้อจัดจ้าง", "มี", "ค"))
    alias = replace(home, url=HOME + "index.php", final_url=HOME + "index.php")
    missing = replace(home, url=HOME + "files/o23.pdf", final_url=HOME + "files/o23.pdf")
    other = replace(missing, main_text="แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2568 โครงการ 12 โครงการ")
    assert soft_404(alias, HOME, probe) == ""
    assert soft_404(missing, HOME, probe) == "the same page the site shows for any unknown address"
    assert soft_404(other, HOME, probe) == ""
    assert soft_404(missing, HOME, replace(probe, status=404)) == ""
