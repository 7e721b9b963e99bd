"""Budgets: what one audit may cost (oitcheck.budgets, --time-limit, --host-requests).

Each end-to-end test is bounded by the budget it tests, set small, and asserts on the report: which budget
was reached, what was left unchecked, and that nothing left unread is called broken or failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from twisted.internet.error import TimeoutError

from oitcheck.budgets import BudgetRefused, HostBudgetMiddleware, HostQuota, skips_from
from oitcheck.net import site_of
from oitcheck.records import Budget, CrawlResult, Skip
from tests.conftest import audit, codes, items
from tests.support.crawler import make_crawler

SITE = "http://agency.example/"


class AgencySpider(Spider):
    """The one thing the budget middleware asks a spider: which URLs are the agency's own."""

    name = "agency"

    def is_internal(self, url: str) -> bool:
        return site_of(url) == site_of(SITE)


def middleware(**settings: Any) -> tuple[HostBudgetMiddleware, Any]:
    crawler = make_crawler(**settings)
    crawler.spider = AgencySpider()
    crawler.stats.open_spider()
    return build_from_crawler(HostBudgetMiddleware, crawler), crawler


def test_a_host_that_sent_its_byte_budget_is_not_asked_again():
    mw, crawler = middleware(OITCHECK_HOST_MAX_BYTES=1000)
    first = Request("http://other.example/a.pdf")
    assert mw.process_request(first) is None
    mw.process_response(first, Response(first.url, body=b"x" * 1000, request=first))
    with pytest.raises(BudgetRefused) as refused:
        mw.process_request(Request("http://other.example/b.pdf"))
    assert refused.value.budget == Budget.HOST_BYTES
    assert mw.process_request(Request("http://third.example/c.pdf")) is None  # per host
    assert mw.process_request(Request(SITE + "big.pdf")) is None  # never the agency's own site
    assert skips_from(crawler.stats) == (Skip("other.example", Budget.HOST_BYTES, 1),)


def test_a_host_whose_requests_time_out_in_a_row_is_not_waited_for_again():
    mw, crawler = middleware(OITCHECK_SLOW_HOST_TIMEOUTS=2)
    for n in range(2):
        request = Request(f"http://slow.example/{n}")
        assert mw.process_request(request) is None
        mw.process_exception(request, TimeoutError())
    with pytest.raises(BudgetRefused) as refused:
        mw.process_request(Request("http://slow.example/2"))
    assert refused.value.budget == Budget.SLOW_HOST
    own = Request(SITE + "slow")
    for _ in range(3):
        mw.process_exception(own, TimeoutError())
    assert mw.process_request(Request(SITE + "next")) is None  # the agency's own host: --time-limit bounds it


def test_an_answer_resets_the_timeouts_in_a_row():
    mw, _ = middleware(OITCHECK_SLOW_HOST_TIMEOUTS=2)
    request = Request("http://flaky.example/a")
    mw.process_exception(request, TimeoutError())
    mw.process_response(request, Response(request.url, request=request))
    mw.process_exception(request, TimeoutError())
    assert mw.process_request(Request("http://flaky.example/b")) is None


def test_host_quota_counts_per_host_and_notes_the_rest():
    crawler = make_crawler()
    crawler.stats.open_spider()
    quota = HostQuota(2, crawler)
    taken = [quota.take(f"http://www.other.example/{n}") for n in range(5)]
    assert taken == [True, True, False, False, False]
    assert quota.take("http://third.example/") is True
    assert skips_from(crawler.stats) == (Skip("other.example", Budget.HOST_REQUESTS, 3),)


def test_budgets_hit_and_cut_short():
    crawl = CrawlResult(start_url=SITE, finish_reason="closespider_timeout", not_fetched=2,
                        skipped=(Skip("x.example", Budget.SLOW_HOST, 4),))
    assert crawl.budgets_hit == (Budget.MAX_PAGES, Budget.TIME_LIMIT, Budget.SLOW_HOST)
    assert crawl.cut_short
    assert not CrawlResult(start_url=SITE, finish_reason="finished", beyond_cap=3).cut_short


def test_thousands_of_links_to_another_host_cost_only_its_quota(hosts, tmp_path: Path):
    (site, server), (other, other_server) = hosts(2)
    links = "".join(f"<a href='{other.link(f'p{n}.html')}'>{n}</a>" for n in range(3000))
    site.text("index.html", f"<html><head><meta charset='utf-8'><title>หน้าแรก</title></head><body>{links}</body>")
    other.text("p0.html", "<html><title>p0</title></html>")
    result, report = audit(server.url, tmp_path / "out", "--host-requests", "5")
    assert result.returncode == 0, result.stderr
    assert sum(len(h) for h in other_server.hits.values()) <= 5 + 2  # 5 links, robots.txt, the soft-404 probe
    crawl = report["crawl"]
    assert crawl["truncated"] and crawl["truncated_by"] == ["host_requests"]
    assert crawl["skipped"] == [{"host": site_of(other_server.url), "budget": "host_requests", "links": 2995}]
    assert len(report["links"]["broken"]) == 4  # the 4 of the 5 checked that do not exist; none of the 2,995
    assert "--host-requests" in result.stderr


def test_a_crawl_stopped_by_the_time_limit_says_so_and_leaves_unfound_items_unknown(hosts, tmp_path: Path):
    (site, server), = hosts(1)
    # The homepage's only way on is a page the server takes 5 s to send: the 1 s limit ends the crawl first.
    site.text("index.html", "<html><head><meta charset='utf-8'><title>หน้าแรก</title></head><body>"
                            "<a href='/slow.html'>ข้อมูลสาธารณะ ITA</a></body></html>")
    site.text("slow.html", "<html><head><meta charset='utf-8'><title>ITA</title></head><body>"
                           "<a href='/o1.html'>โครงสร้าง</a></body></html>")
    site.route("/slow.html", delay=5)
    site.finish()
    result, report = audit(server.url, tmp_path / "out", "--time-limit", "1")
    assert result.returncode == 0, result.stderr
    assert report["crawl"]["truncated_by"] == ["time_limit"]
    assert "/o1.html" not in server.hits  # the crawl did not go on past its limit
    found = items(report)
    assert found["o1"]["status"] == "unknown"
    assert {f["code"] for f in found["o1"]["findings"]} == {"unknown"}
    assert "--time-limit" in found["o1"]["findings"][0]["message"]
    assert not [i for i in found.values() if i["status"] == "fail" and codes(i) == {"missing"}]
    assert "time limit reached" in result.stderr



def test_audit_many_child_crawls_stop_before_the_agency_hard_limit():
    from oitcheck.many import crawl_budget

    assert crawl_budget(7200, 10800) == 7200
    assert crawl_budget(7200, 600) == 480  # ends with a truncated report, not killed with none
    assert crawl_budget(0, 600) == 480  # "no crawl limit" still stops before the hard limit


def test_the_report_lists_what_the_crawl_could_not_read():
    """Budgets reached, pages read in part and documents not read at all are in report.json (schema-valid)."""
    from datetime import date, datetime

    from oitcheck.checks.checklist import load
    from oitcheck.checks.engine import evaluate
    from oitcheck.fiscal import BANGKOK
    from oitcheck.records import DocumentFacts, PageRecord, Quality, ResourceRecord
    from oitcheck.report.model import build_report
    from oitcheck.report.schema import validate_report

    crawl = CrawlResult(start_url=SITE, finish_reason="closespider_timeout",
                        skipped=(Skip("cdn.example", Budget.HOST_BYTES, 7),))
    crawl.add(PageRecord(url=SITE, status=200, title="หน้าแรก", truncated="more than the 5242880-byte cap"))
    crawl.add(ResourceRecord(url=SITE + "o12.xlsx", status=200, kind="xlsx",
                             doc=DocumentFacts(quality=Quality.UNREADABLE, error="zip bomb", cause="error")))
    outcome = evaluate(crawl, load("ita-2568"), 2568, date(2025, 3, 15))
    now = datetime.now(BANGKOK)
    report = build_report(outcome, name="อบต.ทดสอบ", url=SITE, started_at=now, finished_at=now)
    validate_report(report)
    shown = report["crawl"]
    assert shown["truncated"] and shown["truncated_by"] == ["time_limit", "host_bytes"]
    assert shown["skipped"] == [{"host": "cdn.example", "budget": "host_bytes", "links": 7}]
    assert shown["partial_pages"] == [{"url": SITE, "reason": "more than the 5242880-byte cap"}]
    assert shown["unreadable_documents"] == [{"url": SITE + "o12.xlsx", "reason": "zip bomb"}]
    assert {i["status"] for i in report["items"]} <= {"unknown", "fail"}  # nothing found: undecided, not failed
    assert any(i["status"] == "unknown" for i in report["items"])
