"""Benchmark document extraction: PDFs and XLSX files per second, and OCR seconds per page.

    python bench/documents.py              # 200 PDFs, 200 XLSX files, 5 scanned pages
    python bench/documents.py --count 50

Files are the test bed's own kinds (oitcheck's writer): Thai text PDFs of several pages, XLSX procurement
summaries of 60 rows on 3 sheets, and scanned (image-only) pages. Each is measured next to a peer in the
same run on the same files: pypdf for PDF text (the library oitcheck used before PDFium), openpyxl in its
default (not read-only) mode for XLSX. OCR has no peer here; it is reported in seconds per page.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from oitcheck.extract.documents import extract_document  # noqa: E402
from oitcheck.extract.ocr import OcrOptions, ocr_status  # noqa: E402
from tests.testbed.kit import SiteWriter  # noqa: E402

PARAGRAPH = ("รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568 "
             "ขององค์การบริหารส่วนตำบลทดสอบ ดำเนินโครงการส่งเสริมคุณธรรมและความโปร่งใส จำนวน 12 โครงการ "
             "ผลการดำเนินงานรอบ 6 เดือน (1 ต.ค. 67 - 31 มี.ค. 68) คิดเป็นร้อยละ 85 ของแผน")


def make_files(folder: Path, count: int) -> tuple[list[bytes], list[bytes], list[bytes]]:
    writer = SiteWriter(folder, "http://127.0.0.1/")
    pdfs, sheets = [], []
    for number in range(count):
        writer.pdf(f"r{number}.pdf", [f"รายงานผลการดำเนินงาน ฉบับที่ {number}"],
                   [("h", "ส่วนที่ 1 ผลการดำเนินงาน"), *[PARAGRAPH] * 12, ("h", "ส่วนที่ 2 ปัญหาและอุปสรรค"),
                    *[PARAGRAPH] * 12])
        pdfs.append(writer.path(f"r{number}.pdf").read_bytes())
        rows = [["สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือนมีนาคม 2568"], ["ลำดับ", "งานที่จัดซื้อ", "วงเงิน", "ผู้ชนะ"]]
        rows += [[i, f"จ้างซ่อมแซมถนนสายที่ {i} หมู่ {i % 12}", 10000 + i * 37, f"หจก.ทดสอบการช่าง {i}"]
                 for i in range(60)]
        writer.xlsx(f"p{number}.xlsx", rows)
        sheets.append(writer.path(f"p{number}.xlsx").read_bytes())
    scans = []
    for number in range(5):
        writer.scanned_pdf(f"s{number}.pdf", [f"คู่มือการปฏิบัติงาน ฉบับที่ {number}", "ประจำปีงบประมาณ พ.ศ. 2568",
                                              PARAGRAPH[:60], PARAGRAPH[60:120]])
        scans.append(writer.path(f"s{number}.pdf").read_bytes())
    return pdfs, sheets, scans


def per_second(function: Any, files: list[bytes], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for body in files:
            function(body)
        runs.append(time.perf_counter() - started)
    return len(files) / statistics.median(runs)


def pypdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def openpyxl_full(body: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
    return "\n".join(" | ".join(str(v) for v in row if v is not None)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def measure(count: int = 200) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="oitcheck-docs-") as folder:
        pdfs, sheets, scans = make_files(Path(folder), count)
        result: dict[str, Any] = {"files": count, "pdf_pages": extract_document(pdfs[0], "pdf")["pages"]}
        result["pdf_per_s"] = round(per_second(lambda b: extract_document(b, "pdf"), pdfs), 1)
        result["xlsx_per_s"] = round(per_second(lambda b: extract_document(b, "xlsx"), sheets), 1)
        try:
            result["peer_pdf_per_s"] = round(per_second(pypdf_text, pdfs), 1)
            result["pdf_ratio"] = round(result["pdf_per_s"] / result["peer_pdf_per_s"], 2)
        except ImportError:
            result["peer_pdf_per_s"] = None
        result["peer_xlsx_per_s"] = round(per_second(openpyxl_full, sheets), 1)
        result["xlsx_ratio"] = round(result["xlsx_per_s"] / result["peer_xlsx_per_s"], 2)
        result["ocr"] = ocr_status()
        if result["ocr"] == "ok":
            started = time.perf_counter()
            pages = sum(extract_document(b, "pdf", OcrOptions())["ocr"]["pages"] for b in scans)
            result["ocr_s_per_page"] = round((time.perf_counter() - started) / max(pages, 1), 2)
            result["ocr_pages"] = pages
    return result


def report(result: dict[str, Any]) -> str:
    lines = [f"documents ({result['files']} of each; PDFs of {result['pdf_pages']} pages, XLSX of 62 rows):"]
    peer = (f"pypdf {result['peer_pdf_per_s']}/s, {result['pdf_ratio']}x" if result.get("peer_pdf_per_s")
            else "pypdf not installed")
    lines.append(f"  PDF  text: oitcheck {result['pdf_per_s']} files/s ({peer})")
    lines.append(f"  XLSX text: oitcheck {result['xlsx_per_s']} files/s (openpyxl default mode "
                 f"{result['peer_xlsx_per_s']}/s, {result['xlsx_ratio']}x)")
    if result["ocr"] == "ok":
        lines.append(f"  OCR (Tesseract tha+eng, 200 dpi): {result['ocr_s_per_page']} s/page over "
                     f"{result['ocr_pages']} scanned pages")
    else:
        lines.append(f"  OCR: not measured ({result['ocr']}: install tesseract-ocr tesseract-ocr-tha)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark document extraction (PDF, XLSX, OCR).")
    parser.add_argument("--count", type=int, default=200, help="files of each kind (default 200)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = measure(args.count)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
