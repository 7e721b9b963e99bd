"""A year only OCR read is weak evidence: Tesseract misreads Thai digits (๖ as ๒, ๔ as ๕), so such a year
alone never makes an item wrong-year (it is unknown, and says why) nor its evidence stale."""

from __future__ import annotations

from pathlib import Path

from oitcheck.checks.results import ComponentState
from oitcheck.records import DocumentFacts, OcrRun, PageRecord, Quality, ResourceRecord
from tests.checks.records import at, codes, link, page, run_check, site

FIXTURE = Path(__file__).parent.parent / "fixtures" / "real" / "phichai-moit-ocr.txt"
ITA = at("ita-2568/")
RISK = at("files/risk.pdf")
MANUAL = at("files/manual.pdf")


def memo() -> str:
    """The OCR reading of a 2567 memo that names only 2525 (and a law of 2550)."""
    return " ".join(line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))


def scanned(url: str, text: str, ocr: bool = True) -> ResourceRecord:
    """A PDF whose text OCR read (``ocr``), or one with a text layer."""
    run = OcrRun(status="done", pages=1, seconds=5.0, needed=1) if ocr else None
    doc = DocumentFacts(text=text, title=text[:40], quality=Quality.OCR if ocr else Quality.OK, ocr=run)
    return ResourceRecord(url=url, final_url=url, status=200, depth=2, kind="pdf", doc=doc)


def ita(url: str, text: str) -> PageRecord:
    return page(ITA, "ITA ประจำปี 2568", [link(url, text)])


def test_a_year_only_ocr_read_makes_the_item_unknown_not_wrong_year() -> None:
    crawl = site(ita(RISK, "O23 การประเมินความเสี่ยงการทุจริต"),
                 scanned(RISK, f"การประเมินความเสี่ยงการทุจริต {memo()}"))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.UNKNOWN
    assert codes(result) == ["ocr_year"]
    finding = result.findings[0]
    assert finding.extra["years"] == [2525, 2526] and "OCR" in finding.message and finding.url == RISK


def test_the_same_year_in_a_text_layer_is_still_wrong_year() -> None:
    crawl = site(ita(RISK, "O23 การประเมินความเสี่ยงการทุจริต"),
                 scanned(RISK, f"การประเมินความเสี่ยงการทุจริต {memo()}", ocr=False))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["wrong_year"]


def test_an_ocr_year_written_in_thai_and_arabic_digits_alike_is_trusted() -> None:
    text = "การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ (2566)"
    result = run_check(site(ita(RISK, "O23 การประเมินความเสี่ยงการทุจริต"), scanned(RISK, text)), "o23")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["wrong_year"]


def test_an_ocr_year_the_linking_page_names_too_is_trusted() -> None:
    section = page(ITA, "ITA ประจำปี 2568", [link(RISK, "O23 การประเมินความเสี่ยงการทุจริต")],
                   main_text="ITA ประจำปี 2568 การประเมินความเสี่ยงการทุจริต (ข้อมูลปี 2566)")
    text = "การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๖"
    result = run_check(site(section, scanned(RISK, text)), "o23")
    assert codes(result) == ["wrong_year"]


def test_an_ocr_year_never_calls_evidence_stale() -> None:
    """The real memo: OCR's 2525 made current evidence "stale"; now an info finding says the year is unsure."""
    crawl = site(ita(MANUAL, "คู่มือการปฏิบัติงาน"), scanned(MANUAL, f"คู่มือการปฏิบัติงาน {memo()}"))
    result = run_check(crawl, "o8")
    assert result.state == ComponentState.OK
    assert "stale" not in codes(result) and "ocr_year" in codes(result)
    crawl = site(ita(MANUAL, "คู่มือการปฏิบัติงาน"), scanned(MANUAL, f"คู่มือการปฏิบัติงาน {memo()}", ocr=False))
    assert "stale" in codes(run_check(crawl, "o8"))
