"""KeywordsCheck: working, current evidence naming the component is enough; nothing more is asked."""

from __future__ import annotations

from oitcheck.checks.results import ComponentState, Severity
from oitcheck.records import Record
from tests.checks.records import at, broken, codes, link, page, pdf, run_check, site

ITA = at("ita-2568/")
RISK = at("files/o23.pdf")


def ita_section(*links: tuple[str, str]) -> Record:
    return page(ITA, "ITA ประจำปี 2568", [link(url, text) for url, text in links])


def test_this_years_working_evidence_is_ok() -> None:
    crawl = site(ita_section((RISK, "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568")),
                 pdf(RISK, "การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ 2568"))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == RISK
    assert not [f for f in result.findings if f.severity == Severity.FAIL]


def test_no_evidence_at_all_is_missing() -> None:
    result = run_check(site(), "o23")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["missing"]


def test_evidence_for_another_fiscal_year_is_wrong_year() -> None:
    crawl = site(ita_section((RISK, "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2566")),
                 pdf(RISK, "การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ 2566"))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["wrong_year"]
    assert result.findings[0].extra["years"] == [2566]


def test_dead_evidence_is_a_broken_link() -> None:
    crawl = site(ita_section((RISK, "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568")), broken(RISK, 404))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["broken_link"]
    assert result.findings[0].url == RISK and result.findings[0].extra["status"] == "404"


def test_a_timeout_is_broken_too() -> None:
    crawl = site(ita_section((RISK, "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568")),
                 broken(RISK, None, "timeout"))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.FAIL and codes(result) == ["broken_link"]


def test_a_working_alternate_outweighs_a_dead_link() -> None:
    other = at("files/o23-2568.pdf")
    crawl = site(ita_section((RISK, "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568"),
                             (other, "การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ 2568")),
                 broken(RISK, 404), pdf(other, "การประเมินความเสี่ยงการทุจริต 2568"))
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == other


def test_evidence_must_name_the_component_not_just_the_item() -> None:
    chart = at("files/o1.pdf")
    crawl = site(ita_section((chart, "O1 แผนผังโครงสร้างองค์กร")), pdf(chart, "แผนผังโครงสร้างองค์กร"))
    assert run_check(crawl, "o1", "structure").state == ComponentState.OK
    duties = run_check(crawl, "o1", "duties")
    assert duties.state == ComponentState.FAIL and codes(duties) == ["missing"]
