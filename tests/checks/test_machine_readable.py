"""MachineReadableCheck: o12's procurement data must exist as XLSX, CSV or an HTML table, not only PDF."""

from __future__ import annotations

from oitcheck.checks.results import ComponentResult, ComponentState
from oitcheck.records import Record
from tests.checks.records import at, broken, codes, document, link, page, pdf, run_check, site

ITA = at("ita-2568/")
LIST_PDF = at("files/o12-2568.pdf")
LIST_XLSX = at("files/o12-2568.xlsx")
LIST_TEXT = "สรุปผลการจัดซื้อจัดจ้างรายเดือน ประจำปีงบประมาณ 2568"


def o12(*evidence: tuple[str, str], records: tuple[Record, ...] = ()) -> ComponentResult:
    section = page(ITA, "ITA ประจำปี 2568", [link(url, text) for url, text in evidence])
    return run_check(site(section, *records), "o12", "machine_readable")


def test_an_xlsx_beside_the_pdf_is_ok() -> None:
    result = o12((LIST_PDF, f"O12 {LIST_TEXT} (PDF)"), (LIST_XLSX, f"O12 {LIST_TEXT} (Excel)"),
                 records=(pdf(LIST_PDF, LIST_TEXT), document(LIST_XLSX, LIST_TEXT, kind="xlsx")))
    assert result.state == ComponentState.OK
    assert [c.url for c in result.evidence] == [LIST_XLSX]
    assert codes(result) == []


def test_a_csv_is_ok() -> None:
    csv = at("files/o12-2568.csv")
    result = o12((csv, f"O12 {LIST_TEXT}"), records=(document(csv, LIST_TEXT, kind="csv"),))
    assert result.state == ComponentState.OK


def test_an_html_page_with_a_data_table_is_ok() -> None:
    table = at("procurement/2568/")
    result = o12((table, f"O12 {LIST_TEXT}"), records=(page(table, LIST_TEXT, tables=1),))
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == table


def test_the_list_only_as_pdf_is_not_machine_readable() -> None:
    result = o12((LIST_PDF, f"O12 {LIST_TEXT}"), records=(pdf(LIST_PDF, LIST_TEXT),))
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["not_machine_readable"]
    assert result.findings[0].url == LIST_PDF


def test_tables_inside_a_pdf_do_not_make_it_machine_readable() -> None:
    result = o12((LIST_PDF, f"O12 {LIST_TEXT}"), records=(document(LIST_PDF, LIST_TEXT, tables=3),))
    assert codes(result) == ["not_machine_readable"]


def test_a_docx_with_tables_is_machine_readable() -> None:
    docx = at("files/o12-2568.docx")
    result = o12((docx, f"O12 {LIST_TEXT}"), records=(document(docx, LIST_TEXT, kind="docx", tables=1),))
    assert result.state == ComponentState.OK


def test_a_dead_xlsx_does_not_count() -> None:
    result = o12((LIST_PDF, f"O12 {LIST_TEXT} (PDF)"), (LIST_XLSX, f"O12 {LIST_TEXT} (Excel)"),
                 records=(pdf(LIST_PDF, LIST_TEXT), broken(LIST_XLSX, 404)))
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["not_machine_readable"]


def test_last_years_xlsx_does_not_count_for_this_years_list() -> None:
    old_xlsx = at("files/o12-2567.xlsx")
    old_text = "สรุปผลการจัดซื้อจัดจ้างรายเดือน ประจำปีงบประมาณ 2567"
    result = o12((LIST_PDF, f"O12 {LIST_TEXT}"), (old_xlsx, f"O12 {old_text} (Excel)"),
                 records=(pdf(LIST_PDF, LIST_TEXT), document(old_xlsx, old_text, kind="xlsx")))
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["not_machine_readable"]


def test_no_procurement_list_at_all_is_missing() -> None:
    result = o12()
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["missing"]
