"""NewsCheck: the news list (or the homepage) must show a post dated in the assessment year and recent."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oitcheck.checks.results import ComponentResult, ComponentState
from tests.checks.records import HOME, at, codes, home, link, page, run_check, site

NEWS = at("news/")


def news(list_text: str, homepage_text: str = "ยินดีต้อนรับสู่เว็บไซต์หน่วยงานทดสอบ") -> ComponentResult:
    crawl = site(home([link(NEWS, "ข่าวประชาสัมพันธ์")], main_text=homepage_text),
                 page(NEWS, "ข่าวประชาสัมพันธ์", main_text=f"ข่าวประชาสัมพันธ์ {list_text}"))
    return run_check(crawl, "o4", "news")


def test_a_recent_post_in_the_assessment_year_is_ok() -> None:
    result = news("ประชุมสภาสมัยสามัญ 10 มี.ค. 2568 ประชาสัมพันธ์การชำระภาษี 2 ก.พ. 2568")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == NEWS
    assert codes(result) == []


LAST_YEAR = "ประชุมสภาสมัยสามัญ 15 ส.ค. 2567 ประชาสัมพันธ์การชำระภาษี 2 ก.ค. 2567"


def test_news_dated_only_last_year_fails() -> None:
    assert news(LAST_YEAR).state == ComponentState.FAIL


@pytest.mark.xfail(strict=True, reason="o4's year rule (current) is applied at presence, before the news rule: "
                   "a news list dated only in the last fiscal year gets wrong_year, not stale")
def test_news_dated_only_last_year_is_stale() -> None:
    result = news(LAST_YEAR)
    assert codes(result) == ["stale"]
    assert result.findings[0].extra["newest"] == "2024-08-15"


def test_news_dated_only_last_year_on_the_homepage_too_is_stale() -> None:
    result = news(LAST_YEAR, homepage_text="ข่าวล่าสุด ประชุมสภาสมัยสามัญ 15 ส.ค. 2567")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["stale"]
    assert result.findings[0].extra == {"newest": "2024-08-15", "date_source": "text"}


def test_news_of_this_fiscal_year_older_than_the_allowed_age_is_stale() -> None:
    result = news("ประชุมสภาสมัยสามัญ 10 ธ.ค. 2567")  # fiscal 2568, but 95 days before 15 March 2025
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["stale"]
    assert result.findings[0].extra == {"newest": "2024-12-10", "date_source": "text"}


def test_an_undated_news_list_is_stale() -> None:
    result = news("ประชุมสภาสมัยสามัญ และกิจกรรมวันเด็กแห่งชาติ")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["stale"] and result.findings[0].extra == {"newest": None}


def test_page_metadata_dates_an_undated_news_list() -> None:
    crawl = site(home([link(NEWS, "ข่าวประชาสัมพันธ์")]),
                 replace(page(NEWS, "ข่าวประชาสัมพันธ์", main_text="ข่าวประชาสัมพันธ์ ประชุมสภาสมัยสามัญ"),
                         meta={"article:modified_time": "2025-03-01T09:00:00+07:00"}))
    assert run_check(crawl, "o4", "news").state == ComponentState.OK


def test_future_event_dates_do_not_make_news_current() -> None:
    result = news("ประชุมสภาสมัยสามัญ 10 ธ.ค. 2567 งานลอยกระทง 15 พ.ย. 2568")
    assert result.state == ComponentState.FAIL and result.findings[0].extra["newest"] == "2024-12-10"


def test_a_dated_homepage_rescues_a_missing_news_page() -> None:
    crawl = site(home(main_text="ข่าวล่าสุด ประชุมสภาสมัยสามัญ 10 มี.ค. 2568"))
    result = run_check(crawl, "o4", "news")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == HOME


def test_a_dated_homepage_keeps_an_old_news_list_current() -> None:
    result = news("ประชุมสภาสมัยสามัญ 15 ส.ค. 2567", homepage_text="ข่าวล่าสุด ประชุมสภา 10 มี.ค. 2568")
    assert result.state == ComponentState.OK


def test_no_news_page_and_an_undated_homepage_is_missing() -> None:
    result = run_check(site(), "o4", "news")
    assert result.state == ComponentState.FAIL
    assert codes(result) == ["missing"]
