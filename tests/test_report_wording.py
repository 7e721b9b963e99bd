"""Wording of the item table in report.html: where the evidence was found, whether a date is a web page's or a
document's, whose metadata it came from, and a space before Latin words such as "QR Code"."""

from __future__ import annotations

import copy
from typing import Any

from oitcheck.report.writers import render_html
from tests.checks.records import checklist
from tests.test_report_decisions import report


def with_evidence(**fields: Any) -> str:
    built = copy.deepcopy(report())
    item = built["items"][0]
    item["evidence"] = [{"url": "https://agency.example.org/ita/o1.pdf", "depth": 2, "via": "link text",
                         "text": "โครงสร้าง", "found_on": None, "newest_date": "2025-03-10", **fields}]
    return render_html(built, checklist().messages)


def test_the_evidence_column_heading_reads_naturally():
    text = with_evidence(date_source="text", date_of="document")
    assert "เครื่องมือดูจากที่ใด" not in text and "หลักฐานที่พบ และพบจากส่วนใดของเว็บไซต์" in text


def test_a_web_page_date_is_not_called_a_document_date():
    page = with_evidence(date_source="metadata", date_of="page")
    assert "วันที่ล่าสุดบนหน้าเว็บ 10 มี.ค. 2568 (จากข้อมูลกำกับหน้าเว็บ)" in page
    assert "วันที่ล่าสุดในเอกสาร" not in page


def test_a_documents_own_saved_date_is_its_metadata_not_the_pages():
    document = with_evidence(date_source="metadata", date_of="document")
    assert "วันที่ล่าสุดในเอกสาร 10 มี.ค. 2568 (จากข้อมูลกำกับเอกสาร)" in document
    assert "(จากข้อมูลกำกับหน้าเว็บ)" not in document.split("ข่าวหรือวันที่ล่าสุดบนหน้าแรก")[0]
    shown = with_evidence(date_source="text", date_of="document")
    assert "วันที่ล่าสุดในเอกสาร 10 มี.ค. 2568" in shown and "จากข้อมูลกำกับเอกสาร" not in shown


def test_latin_words_are_spaced_from_thai():
    text = with_evidence(via="qr", date_source="text", date_of="page")
    assert "พบจาก QR Code" in text and "พบจากQR Code" not in text
    assert "พบจากข้อความลิงก์" in with_evidence(date_source="text", date_of="page")
