"""Date currency: newest dates of pages and evidence, metadata as a fallback, stale years."""

from __future__ import annotations

from datetime import date

from oitcheck.checks.currency import metadata_date, newest_date, older_than_previous_year, record_date
from oitcheck.records import DocumentFacts, PageRecord, ResourceRecord
from oitcheck.spiders.responses import is_dynamic_last_modified

AS_OF = date(2025, 3, 15)
URL = "http://127.0.0.1:1/page"


def document(**facts: str) -> ResourceRecord:
    return ResourceRecord(url=URL + ".pdf", kind="pdf", doc=DocumentFacts(**facts))


def test_newest_date_skips_period_ends_and_the_future():
    text = "ประชุม 10 มี.ค. 68 | รับสมัคร 1 ก.พ. - 31 มี.ค. 2568 | งานวันเด็ก 10 ม.ค. 2569"
    assert newest_date(text, AS_OF) == date(2025, 3, 10)
    assert newest_date("โพสต์เมื่อ 16 มี.ค. 2568", AS_OF) == date(2025, 3, 16)  # a day's slack for time zones
    assert newest_date("ไม่มีวันที่", AS_OF) is None


def test_metadata_dates_from_meta_tags_and_last_modified():
    record = PageRecord(url=URL, meta={"article:published_time": "2025-01-02T08:00:00+07:00",
                                       "article:modified_time": "2025-02-20T08:00:00+07:00"},
                        last_modified="Mon, 10 Feb 2025 02:00:00 GMT")
    assert metadata_date(record, AS_OF) == date(2025, 2, 20)
    assert metadata_date(PageRecord(url=URL, last_modified="not a date"), AS_OF) is None
    assert metadata_date(PageRecord(url=URL, meta={"date": "2030-01-01"}), AS_OF) is None  # a clock gone wrong
    assert metadata_date(document(modified="D:20250105093000+07'00'"), AS_OF) == date(2025, 1, 5)
    assert metadata_date(document(modified="2025-02-03T04:05:06"), AS_OF) == date(2025, 2, 3)  # DOCX/XLSX
    assert metadata_date(document(modified="garbage"), AS_OF) is None


def test_record_date_prefers_what_people_see():
    page = PageRecord(url=URL, main_text="ข่าว 3 มี.ค. 2568", meta={"article:modified_time": "2025-03-14"})
    assert record_date(page, AS_OF) == (date(2025, 3, 3), "text")
    assert record_date(PageRecord(url=URL, main_text="ข่าว", meta={"article:modified_time": "2025-03-14"}),
                       AS_OF) == (date(2025, 3, 14), "metadata")
    assert record_date(document(text="รายงาน ณ วันที่ 30 กันยายน 2567"), AS_OF) == (date(2024, 9, 30), "text")
    assert record_date(None, AS_OF) == (None, "")


def test_a_last_modified_equal_to_the_response_date_is_a_generated_page():
    served = "Sat, 15 Mar 2025 03:00:00 GMT"
    assert is_dynamic_last_modified("Sat, 15 Mar 2025 03:00:00 GMT", served)
    assert is_dynamic_last_modified("Sat, 15 Mar 2025 02:59:30 GMT", served)
    assert not is_dynamic_last_modified("Mon, 10 Mar 2025 02:00:00 GMT", served)
    assert not is_dynamic_last_modified("garbage", served)
    assert not is_dynamic_last_modified(None, served)


def test_stale_years():
    assert older_than_previous_year({2560, 2566}, 2568)
    assert not older_than_previous_year({2567}, 2568)
    assert not older_than_previous_year(set(), 2568)


def test_report_gives_each_evidence_its_newest_date(audited):
    _, report, out = audited("index_table")
    assert report["homepage"]["newest_date_source"] in ("text", "metadata", None)
    dated = [e for item in report["items"] for e in item["evidence"] if e["newest_date"]]
    assert dated, "no evidence carried a date"
    for evidence in dated:
        assert evidence["date_source"] in ("text", "metadata")
        assert date.fromisoformat(evidence["newest_date"]) <= date(2025, 3, 16)
        documents = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".csv")
        assert evidence["date_of"] == ("document" if evidence["url"].lower().endswith(documents) else "page")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert any(f"วันที่ล่าสุด{where}" in html for where in ("ในเอกสาร", "บนหน้าเว็บ"))
