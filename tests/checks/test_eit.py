"""EitCheck and find_eit: the agency's EIT survey link or QR code on the homepage, judged by its target."""

from __future__ import annotations

from dataclasses import replace

from oitcheck.checks.eit import find_eit
from oitcheck.checks.results import ComponentState, EitSearch, EitSighting
from oitcheck.records import Image, QrCode
from tests.checks.records import HOME, at, codes, context, home, link, page, picture, run_check, site

# Never fetched: the check reads the target written in the link or decoded from the QR code.
EIT = "https://itas.nacc.go.th/go/eit/abc123"
IIT = "https://itas.nacc.go.th/go/iit/abc123"
QR_PICTURE = at("images/eit-qr.png")


def test_a_homepage_link_to_the_eit_survey_is_ok() -> None:
    result = run_check(site(home([link(EIT, "แบบวัด EIT")])), "o4", "eit")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == EIT and result.evidence[0].via == "link"
    assert codes(result) == []


def test_a_qr_code_in_a_homepage_picture_is_ok() -> None:
    crawl = site(home(images=[Image(url=QR_PICTURE, alt="QR Code")]), picture(QR_PICTURE, EIT))
    result = run_check(crawl, "o4", "eit")
    assert result.state == ComponentState.OK
    assert find_eit(context(crawl)) == EitSearch(found=EitSighting(EIT, "qr", QR_PICTURE))


def test_an_inline_svg_qr_code_is_ok() -> None:
    crawl = site(replace(home(), qr=(QrCode(image="inline-svg", data=f" {EIT} "),)))
    assert find_eit(context(crawl)).found.via == "qr"
    assert run_check(crawl, "o4", "eit").state == ComponentState.OK


def test_the_survey_address_written_on_the_homepage_is_ok() -> None:
    crawl = site(home(main_text=f"ร่วมตอบแบบวัด EIT ได้ที่ {EIT} ขอบคุณครับ"))
    assert find_eit(context(crawl)).found.via == "text"
    assert run_check(crawl, "o4", "eit").state == ComponentState.OK


def test_a_link_to_another_itas_survey_is_the_wrong_target() -> None:
    result = run_check(site(home([link(IIT, "แบบวัด IIT")])), "o4", "eit")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["qr_wrong_target"]
    assert result.findings[0].url == HOME and result.findings[0].extra == {"target": IIT}


def test_a_qr_code_decoding_to_another_survey_is_the_wrong_target_at_its_picture() -> None:
    crawl = site(home(images=[Image(url=QR_PICTURE)]), picture(QR_PICTURE, IIT))
    result = run_check(crawl, "o4", "eit")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["qr_wrong_target"]
    assert result.findings[0].url == QR_PICTURE and result.findings[0].extra == {"target": IIT}


def test_a_qr_code_captioned_eit_but_leading_elsewhere_is_the_wrong_target() -> None:
    elsewhere = at("survey/")
    crawl = site(home(images=[Image(url=QR_PICTURE, alt="แบบวัด EIT")]), picture(QR_PICTURE, elsewhere))
    result = run_check(crawl, "o4", "eit")
    assert codes(result) == ["qr_wrong_target"] and result.findings[0].extra == {"target": elsewhere}


def test_an_unrelated_qr_code_is_not_a_wrong_target() -> None:
    line_qr = at("images/line-qr.png")  # not named eit: its file name is a hint too
    crawl = site(home(images=[Image(url=line_qr, alt="Line")]), picture(line_qr, at("line/")))
    assert codes(run_check(crawl, "o4", "eit")) == ["qr_missing"]


def test_a_homepage_without_link_or_qr_code_is_qr_missing() -> None:
    result = run_check(site(), "o4", "eit")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["qr_missing"]
    assert result.findings[0].url == HOME


def test_the_survey_link_on_an_inner_page_does_not_count() -> None:
    inner = at("about/")
    crawl = site(home([link(inner, "เกี่ยวกับเรา")]), page(inner, "เกี่ยวกับเรา", [link(EIT, "แบบวัด EIT")]))
    assert codes(run_check(crawl, "o4", "eit")) == ["qr_missing"]


def test_a_page_shown_in_a_homepage_frame_is_part_of_the_homepage() -> None:
    frame = at("frame/")
    crawl = site(home([link(frame, tag="iframe")]), page(frame, "แบนเนอร์", [link(EIT, "แบบวัด EIT")]))
    assert run_check(crawl, "o4", "eit").state == ComponentState.OK


def test_the_report_s_eit_section_and_o4_tell_the_same_story_of_a_wrong_qr_code() -> None:
    """The WordPress test bed's banner QR leads to the IIT survey: o4 said so (qr_wrong_target) while the report's
    EIT section, from a second search that kept only ``found``, said no QR code was there at all."""
    from datetime import datetime

    from oitcheck.checks.engine import evaluate
    from oitcheck.report.model import build_report
    from oitcheck.report.schema import validate_report
    from oitcheck.report.writers import render_html
    from tests.checks.records import AS_OF, YEAR, checklist

    crawl = site(home(images=[Image(url=QR_PICTURE, alt="แบบวัด EIT")]), picture(QR_PICTURE, IIT))
    outcome = evaluate(crawl, checklist(), YEAR, AS_OF, guard=False)
    now = datetime(2025, 3, 15, 9, 0)
    report = build_report(outcome, name="ทดสอบ", url=HOME, started_at=now, finished_at=now)
    validate_report(report)
    o4 = next(item for item in report["items"] if item["id"] == "o4")
    wrong = next(f for f in o4["findings"] if f["code"] == "qr_wrong_target")
    eit = report["homepage"]["eit"]
    assert eit["found"] is False and eit["wrong"] == [{"url": IIT, "via": "qr", "image": QR_PICTURE}]
    assert (wrong["target"], wrong["url"]) == (eit["wrong"][0]["url"], eit["wrong"][0]["image"])
    html = render_html(report, checklist().messages)
    section = html[html.index("<h2>QR Code แบบวัด EIT บนหน้าแรก</h2>"):]
    section = section[:section.index("<h2>", 4)]
    assert "ไม่พบ QR Code" not in section and "พบ QR Code บนหน้าแรก แต่ชี้ไปที่" in section and IIT in section


def test_a_homepage_without_any_code_keeps_the_contract_s_plain_not_found() -> None:
    assert context(site()).eit.to_json() == {"found": False, "url": None, "via": None}
