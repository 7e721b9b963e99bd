"""ElementsCheck: an evidence page must show every required element; a missing one makes it partial."""

from __future__ import annotations

from oitcheck.checks.results import ComponentResult, ComponentState, Severity
from oitcheck.records import CrawlResult, Image
from tests.checks.records import at, codes, home, link, page, run_check, site

EXECUTIVES = at("executives/")
CONTACT = at("contact/")
MAYOR = "นายสมชาย ใจดี นายกเทศมนตรี"
CLERK = "นางสาวสมศรี มีสุข ปลัดเทศบาล"
ADDRESS = "ที่อยู่ 99 หมู่ 1 ตำบลบ้านทดสอบ อำเภอเมือง จังหวัดทดสอบ 10100"


def photo(name: str, caption: str) -> Image:
    return Image(url=at(f"images/{name}.jpg"), alt=caption, context=caption)


def executives_site(main_text: str, *photos: Image) -> CrawlResult:
    return site(home([link(EXECUTIVES, "ข้อมูลผู้บริหาร")]),
                page(EXECUTIVES, "ทำเนียบผู้บริหาร", main_text=main_text, images=photos))


def contact_site(main_text: str) -> CrawlResult:
    return site(home([link(CONTACT, "ติดต่อเรา")]), page(CONTACT, "ติดต่อเรา", main_text=main_text))


def missing_elements(result: ComponentResult) -> list[str]:
    return next(f.extra["elements"] for f in result.findings
                if f.code == "missing_element" and f.severity == Severity.FAIL)


def test_executives_with_name_position_photo_and_contact_are_ok() -> None:
    result = run_check(executives_site(f"{MAYOR} โทร 081-234-5678", photo("mayor", MAYOR)), "o2")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == EXECUTIVES
    assert codes(result) == []


def test_executives_without_a_photo_are_partial() -> None:
    result = run_check(executives_site(f"{MAYOR} โทร 081-234-5678"), "o2")
    assert result.state == ComponentState.PARTIAL
    assert codes(result) == ["missing_element"]
    assert missing_elements(result) == ["photo"]


def test_executives_without_contact_are_partial() -> None:
    result = run_check(executives_site(MAYOR, photo("mayor", MAYOR)), "o2")
    assert result.state == ComponentState.PARTIAL
    assert missing_elements(result) == ["contact"]


def test_every_named_executive_needs_a_photo_of_their_own() -> None:
    result = run_check(executives_site(f"{MAYOR} {CLERK} โทร 081-234-5678", photo("mayor", MAYOR)), "o2")
    assert result.state == ComponentState.PARTIAL
    finding = next(f for f in result.findings if f.code == "missing_element")
    assert finding.extra["elements"] == ["photo"]
    assert finding.extra["without_photo"] == ["นางสาวสมศรี มีสุข"]


def test_a_logo_is_not_a_photo() -> None:
    logo = Image(url=at("images/logo.png"), alt="ตราสัญลักษณ์")
    result = run_check(executives_site(f"{MAYOR} โทร 081-234-5678", logo), "o2")
    assert result.state == ComponentState.PARTIAL and missing_elements(result) == ["photo"]


def test_contact_page_with_address_phone_email_map_and_two_way_channel_is_ok() -> None:
    text = f"{ADDRESS} โทร 02-123-4567 อีเมล saraban@test.local แผนที่ ถาม-ตอบ"
    result = run_check(contact_site(text), "o3")
    assert result.state == ComponentState.OK
    assert codes(result) == []


def test_contact_page_without_email_is_partial() -> None:
    result = run_check(contact_site(f"{ADDRESS} โทร 02-123-4567 แผนที่ ถาม-ตอบ"), "o3")
    assert result.state == ComponentState.PARTIAL
    assert missing_elements(result) == ["email"]


def test_missing_map_and_two_way_channel_are_only_info() -> None:
    result = run_check(contact_site(f"{ADDRESS} โทร 02-123-4567 อีเมล saraban@test.local"), "o3")
    assert result.state == ComponentState.OK
    [finding] = result.findings
    assert (finding.code, finding.severity) == ("missing_element", Severity.INFO)
    assert finding.extra["elements"] == ["map", "two_way"]


def test_no_executives_page_is_missing_not_partial() -> None:
    result = run_check(site(), "o2")
    assert result.state == ComponentState.FAIL and codes(result) == ["missing"]
