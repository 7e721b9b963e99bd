"""ElementsCheck, ``site_wide`` components (o3): with no page named for the contact details, the text every
page carries (its header and footer) is judged instead, and the report says there is no contact page."""

from __future__ import annotations

import dataclasses

from oitcheck.checks.results import ComponentState, Severity
from oitcheck.records import PageRecord
from tests.checks.records import HOME, at, codes, home, link, page, real_page, run_check, site

TREE = at("page/tree.php")
CONTACT = at("contact/")


def db_error_home() -> PageRecord:
    """A homepage cut short by a database error: no footer on it."""
    return page(HOME, "", main_text="Error: Access denied for user 'sa'@'localhost'", depth=0)


def test_the_footer_every_page_carries_stands_for_a_missing_contact_page() -> None:
    result = run_check(site(db_error_home(), real_page("nysso_footer.html", TREE, depth=1)), "o3")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == TREE and result.evidence[0].via == "site-wide text"
    assert codes(result)[0] == "site_wide"
    assert result.findings[0].severity == Severity.INFO
    assert [f.extra["elements"] for f in result.findings if f.code == "missing_element"] == [["map", "two_way"]]


def test_a_footer_without_email_is_partial() -> None:
    footer = "ที่อยู่ 57 ถ.ทดสอบ ต.ป่าตอง อ.กะทู้ จ.ภูเก็ต 83150 โทร 076-342-633"
    result = run_check(site(_with_footer(home(main_text="ยินดีต้อนรับ"), footer)), "o3")
    assert result.state == ComponentState.PARTIAL
    missing = next(f.extra["elements"] for f in result.findings
                   if f.code == "missing_element" and f.severity == Severity.FAIL)
    assert missing == ["email"]


def test_a_phone_alone_in_the_header_is_not_the_contact_details() -> None:
    result = run_check(site(_with_footer(home(), "โทร 076-342-633")), "o3")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["missing"]


def test_a_named_contact_page_is_judged_on_its_own_even_when_the_footer_has_more() -> None:
    footer = "ที่อยู่ 57 ถ.ทดสอบ ต.ป่าตอง อ.กะทู้ จ.ภูเก็ต 83150 โทร 076-342-633 อีเมล info@hospital.go.th"
    crawl = site(_with_footer(home([link(CONTACT, "ติดต่อเรา")]), footer),
                 page(CONTACT, "ติดต่อเรา", main_text="โทร 076-342-633"))
    result = run_check(crawl, "o3")
    assert result.evidence[0].url == CONTACT
    assert "site_wide" not in codes(result)


def _with_footer(record: PageRecord, footer: str) -> PageRecord:
    """``record`` whose whole text (not its main text) ends with a footer."""
    return dataclasses.replace(record, text=f"{record.text} {footer}")
