"""Documents: Thai text from each format the test bed writes, OCR of scans, hostile files, isolation, cache."""

from __future__ import annotations

import asyncio
import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from oitcheck.cache import DocumentCache
from oitcheck.extract.documents import extract_document, sniff_kind, text_quality
from oitcheck.extract.ocr import OcrOptions, ocr_status
from oitcheck.extract.thai import normalise, repair_extracted
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from tests.testbed.kit import SiteWriter

OCR_READY = ocr_status() == "ok"
# CI installs Tesseract with Thai (.ci/run): there, a missing OCR is a failure, not a skip.
needs_ocr = pytest.mark.skipif(not OCR_READY and not os.environ.get("CI"), reason="tesseract-ocr-tha not installed")

TITLE = "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต"
LINES = ["ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "องค์การบริหารส่วนตำบลทดสอบ อำเภอเมือง จังหวัดลำพูน",
         "ผลการดำเนินงานรอบ 6 เดือน (1 ต.ค. 67 - 31 มี.ค. 68) ร้อยละ 85"]


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> SiteWriter:
    return SiteWriter(tmp_path_factory.mktemp("docs"), "http://127.0.0.1/")


def read(writer: SiteWriter, name: str, ocr: OcrOptions | None = None) -> dict:
    body = writer.path(name).read_bytes()
    return extract_document(body, sniff_kind(body, name), ocr)


def contains_all(text: str, expected: list[str]) -> bool:
    seen = normalise(text).replace(" ", "")
    return all(normalise(line).replace(" ", "") in seen for line in expected)


def test_pdf_thai_text_title_years_and_dates(writer):
    writer.pdf("report.pdf", [TITLE], LINES)
    facts = read(writer, "report.pdf")
    assert facts["quality"] == "ok" and facts["pages"] == 1 and facts["tables"] == 0
    assert contains_all(facts["text"], [TITLE, *LINES])
    assert facts["title"].startswith("รายงานผลการดำเนินงาน")
    assert 2568 in facts["years"] and {"2024-10-01", "2025-03-31"} <= set(facts["dates"])


def test_docx_paragraphs_and_tables_in_order(writer):
    table = [["ลำดับ", "ขั้นตอน", "ระยะเวลา"], ["1", "ยื่นคำขอ", "1 วัน"], ["2", "ตรวจสอบเอกสาร", "3 วัน"]]
    writer.docx("manual.docx", "คู่มือสำหรับประชาชน การขออนุญาตก่อสร้าง", LINES, table)
    facts = read(writer, "manual.docx")
    assert facts["quality"] == "ok" and facts["tables"] == 1
    assert facts["title"] == "คู่มือสำหรับประชาชน การขออนุญาตก่อสร้าง"
    assert contains_all(facts["text"], [*LINES, "ยื่นคำขอ | 1 วัน"])
    assert facts["sheets"][0]["header"] == ["ลำดับ", "ขั้นตอน", "ระยะเวลา"]
    assert facts["modified"] == "2025-01-01T00:00:00+00:00"  # "last saved": dates a document that names no date


def test_xlsx_every_sheet_with_its_table_shape(writer):
    rows = [["สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือนมีนาคม 2568"], ["ลำดับ", "งานที่จัดซื้อ", "วงเงิน (บาท)"],
            [1, "จ้างซ่อมถนน หมู่ 3", 250000], [2, "ซื้อวัสดุสำนักงาน", 12500.5]]
    writer.xlsx("procure.xlsx", rows, sheet="มีนาคม 2568")
    facts = read(writer, "procure.xlsx")
    assert facts["quality"] == "ok" and facts["tables"] == 1
    assert facts["title"] == "สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือนมีนาคม 2568"
    assert contains_all(facts["text"], ["จ้างซ่อมถนน หมู่ 3 | 250000", "[มีนาคม 2568]"])
    sheet = facts["sheets"][0]
    assert (sheet["name"], sheet["rows"], sheet["columns"]) == ("มีนาคม 2568", 4, 3)
    assert facts["years"] == [2568]
    assert facts["modified"] == "2025-01-01T00:00:00"  # Excel stamps its save time (no zone)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp874", "utf-16"])
def test_csv_in_the_encodings_offices_save(writer, encoding):
    text = "ลำดับ,งานที่จัดซื้อ,วงเงิน\n1,จ้างซ่อมถนน หมู่ 3,250000\n2,ซื้อวัสดุสำนักงาน,12500\n"
    writer.path(f"procure-{encoding}.csv").write_bytes(text.encode(encoding))
    facts = read(writer, f"procure-{encoding}.csv")
    assert facts["tables"] == 1 and contains_all(facts["text"], ["จ้างซ่อมถนน หมู่ 3 | 250000"])


@needs_ocr
def test_a_scanned_pdf_is_read_through_ocr(writer):
    # Arabic digits: Tesseract's Thai model reads Thai digits poorly (๖ for ๒), a known limit of OCR
    writer.scanned_pdf("scan.pdf", [TITLE, "ประจำปีงบประมาณ พ.ศ. 2568", LINES[1]])
    facts = read(writer, "scan.pdf", OcrOptions())
    assert facts["quality"] == "ocr", facts
    assert facts["ocr"]["status"] == "done" and facts["ocr"]["pages"] == 1
    assert contains_all(facts["text"], ["แผนปฏิบัติการป้องกันการทุจริต", "ปีงบประมาณ"])
    assert 2568 in facts["years"]


def test_a_scan_without_ocr_says_why_it_is_empty(writer):
    writer.scanned_pdf("scan-off.pdf", [TITLE])
    facts = read(writer, "scan-off.pdf", OcrOptions(enabled=False))
    assert facts["quality"] == "empty" and facts["ocr"]["status"] == "disabled" and facts["ocr"]["needed"] == 1
    assert facts["title"] == ""  # the page number the scan carries is not a title


def test_broken_thai_font_text_is_repaired():
    assert repair_extracted("ค ํ าน ํ า") == "คำนำ"
    assert repair_extracted("ก ารประชุม ผู\uf70b บริหาร") == "การประชุม ผู้ บริหาร"
    assert repair_extracted("เเผนปฏิบัติการ") == "แผนปฏิบัติการ"
    assert text_quality("\uf70a\uf70b\uf70c" * 10 + "ข้อความ") == "garbled"
    assert text_quality("(cid:12)(cid:13)(cid:14) " * 5 + "ข้อความภาษาไทยที่อ่านได้") == "garbled"
    assert text_quality("à¸ªà¸£à¸¸à¸›à¸œà¸¥à¸à¸²à¸£à¸”à¸³à¹€à¸™à¸´à¸™à¸‡à¸²à¸™") == "garbled"
    assert text_quality("สรุปผลการดำเนินงานประจำปี") == "ok" and text_quality("  ") == "empty"


# --- hostile files: each is unreadable, with a reason, and never raises -------------------------------
def _pdf_bytes(text: str = "report 2568", **encryption: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    if encryption:
        pdf.set_encryption(**encryption)
    return bytes(pdf.output())


def _zip_bomb_xlsx() -> bytes:
    """A real XLSX skeleton whose sheet XML expands 300 MB from a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(300):
                sheet.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize("name, body, kind, reason", [
    ("truncated", _pdf_bytes()[:300], "pdf", "not a readable PDF"),
    ("encrypted", _pdf_bytes(owner_password="o", user_password="u"), "pdf", "password"),
    ("zip bomb", _zip_bomb_xlsx(), "xlsx", "zip bomb"),
    ("0 bytes", b"", "pdf", "0 bytes"),
    ("garbage docx", b"PK\x03\x04" + os.urandom(2000), "docx", ""),
])
def test_hostile_files_are_unreadable(name, body, kind, reason):
    facts = extract_document(body, kind)
    assert facts["quality"] == "unreadable" and reason in facts["error"], (name, facts)


def test_an_html_page_served_as_pdf_is_a_page():
    body = "<!DOCTYPE html><html><body>ไม่พบไฟล์</body></html>".encode()
    assert sniff_kind(body, "https://example.org/o12.pdf", "application/pdf") == "html"


def test_an_owner_password_alone_does_not_stop_reading():
    facts = extract_document(_pdf_bytes("protected from editing only, fiscal year 2568", owner_password="o"), "pdf")
    assert facts["quality"] == "ok" and facts["years"] == [2568]


# --- isolation and cache --------------------------------------------------------------------------
def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _die() -> None:
    os._exit(3)  # what a segfault in a C reader looks like from outside


def test_a_stuck_or_crashing_reader_costs_only_its_file():
    async def scenario() -> list:
        workers = ExtractionWorkers(WorkerLimits(workers=1, seconds=1))
        workers.start()
        try:
            stuck = await workers._run(_sleep, (30,), 1.0, "took too long")
            crashed = await workers._run(_die, (), 5.0, "")
            after = await workers.document(_pdf_bytes("still working 2568"), "pdf")
            return [stuck, crashed, after, dict(workers.stats)]
        finally:
            workers.close()

    stuck, crashed, after, stats = asyncio.run(scenario())
    assert stuck["quality"] == "unreadable" and stuck["cause"] == "timeout"
    assert crashed["quality"] == "unreadable" and crashed["cause"] == "crash"
    assert after["years"] == [2568]
    assert (stats["timeouts"], stats["crashes"]) == (1, 1)


@needs_ocr
def test_ocr_results_are_cached_by_file_hash(writer, tmp_path: Path):
    writer.scanned_pdf("cached.pdf", [TITLE])
    body = writer.path("cached.pdf").read_bytes()

    async def twice() -> tuple[dict, dict, dict]:
        workers = ExtractionWorkers(WorkerLimits(workers=1), DocumentCache(tmp_path))
        workers.start()
        try:
            first = await workers.document(body, "pdf")
            second = await workers.document(body, "pdf")
            return first, second, dict(workers.stats)
        finally:
            workers.close()

    first, second, stats = asyncio.run(twice())
    assert first == second and first["quality"] == "ocr"
    assert stats["cached"] == 1 and stats["ocr_pages"] == 1
    assert list((tmp_path / "documents").rglob("*.json"))


def test_pages_are_parsed_in_the_worker_and_a_page_that_overruns_is_only_that_page():
    page = "<html><head><title>ข่าวประชาสัมพันธ์</title></head><body><a href='/o1'>โครงสร้าง</a></body></html>"
    huge = "<html><body>" + "<div><a href='/x'>ลิงก์</a>" * 40000 + "</body></html>"

    async def scenario() -> tuple[dict, dict]:
        workers = ExtractionWorkers(WorkerLimits(workers=1, seconds=0.3))
        workers.start()
        try:
            slow = await workers.page(huge, "http://127.0.0.1/")
            fine = await workers.page(page, "http://127.0.0.1/")
            return slow, fine
        finally:
            workers.close()

    slow, fine = asyncio.run(scenario())
    assert slow["quality"] == "unreadable" and slow["cause"] == "timeout"
    assert fine["title"] == "ข่าวประชาสัมพันธ์" and fine["links"][0]["url"] == "http://127.0.0.1/o1"


def test_a_page_seen_before_byte_for_byte_at_its_url_is_not_parsed_again(tmp_path: Path):
    """The parse is kept by the page's text, its URL (its links resolve against it) and the parser's version; a
    re-audit's unchanged pages start no worker at all."""
    page = "<html><head><title>ข่าวประชาสัมพันธ์</title></head><body><a href='o1.html'>โครงสร้าง</a></body></html>"
    cache = DocumentCache(tmp_path, folder="pages")

    def read(url: str, html: str = page) -> tuple[dict, dict, bool]:
        return _one_night(cache, lambda workers: workers.page(html, url))

    first, stats, started = read("http://a.example/news/")
    assert started and stats["pages_reused"] == 0 and first["links"][0]["url"] == "http://a.example/news/o1.html"
    again, stats, started = read("http://a.example/news/")
    assert again == first and stats["pages_reused"] == 1 and not started
    elsewhere, stats, _ = read("http://a.example/about/")
    assert stats["pages_reused"] == 0 and elsewhere["links"][0]["url"] == "http://a.example/about/o1.html"
    changed, stats, _ = read("http://a.example/news/", page.replace("โครงสร้าง", "อำนาจหน้าที่"))
    assert stats["pages_reused"] == 0 and changed["links"][0]["text"] == "อำนาจหน้าที่"


def test_a_stylesheet_seen_before_is_not_read_again(tmp_path: Path):
    """A theme's stylesheet is the same every night: its pictures and imports are kept by its text, URL and size
    cap, so a re-audit of an unchanged site starts no worker for it."""
    css = "@import url('print.css');\n.eit-banner { background: url('img/eit-qr.png') }\n"
    cache = DocumentCache(tmp_path, folder="pages")

    def read(url: str, text: str = css) -> tuple[tuple, dict, bool]:
        return _one_night(cache, lambda workers: workers.stylesheet(text, url, 100_000))

    first, stats, started = read("http://a.example/theme/site.css")
    named, imports = first
    assert started and stats["pages_reused"] == 0
    assert named == [("http://a.example/theme/img/eit-qr.png", ".eit-banner")]
    assert imports == ["http://a.example/theme/print.css"]
    again, stats, started = read("http://a.example/theme/site.css")
    assert again == first and stats["pages_reused"] == 1 and not started
    changed, stats, _ = read("http://a.example/theme/site.css", css.replace("eit-qr", "eit-qr-2569"))
    assert stats["pages_reused"] == 0 and changed[0][0][0] == "http://a.example/theme/img/eit-qr-2569.png"


def _one_night(cache: DocumentCache, reading: Any) -> tuple[Any, dict, bool]:
    """``reading(workers)`` by a new set of workers over ``cache``, as one audit would: (what it read, the workers'
    stats, whether a worker process was started)."""
    async def run() -> tuple[Any, dict, bool]:
        workers = ExtractionWorkers(WorkerLimits(workers=1), cache)
        workers.start_early()
        try:
            return await reading(workers), dict(workers.stats), workers.pool is not None
        finally:
            workers.close()

    return asyncio.run(run())
