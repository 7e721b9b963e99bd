"""robots.txt is read only up to its first 500 KiB (Google's limit): a 29 MB one is cut, the rules in its
first part still apply, those past the cut do not, and its download stops there instead of failing (which
Scrapy would read as "allow everything")."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.misc import build_from_crawler

from oitcheck import settings
from oitcheck.robots import BoundedRobotParser, BoundedRobotsTxtMiddleware, is_robots_request
from tests.support.crawler import make_crawler
from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter

AGENT = settings.USER_AGENT


def huge_robots(size: int) -> bytes:
    """A CMS's robots.txt with a rule per page: the real rules first, filler rules, one rule at the end."""
    head = b"User-agent: *\nDisallow: /private/\nAllow: /private/open.html\n"
    line = b"Disallow: /generated/page-0000000000.html\n"
    filler = line * ((size - len(head)) // len(line))
    return head + filler + b"Disallow: /late/\n"


def test_a_29_mb_robots_txt_is_cut_at_500_kib_and_its_first_rules_apply():
    body = huge_robots(29 * 1024 * 1024)
    assert len(body) > 29 * 1024 * 1024
    crawler = make_crawler()
    parser = build_from_crawler(BoundedRobotParser, crawler, body)
    assert parser.truncated and parser.size == len(body)
    assert not parser.allowed("http://agency.example.org/private/x.html", AGENT)
    assert parser.allowed("http://agency.example.org/private/open.html", AGENT)
    assert not parser.allowed("http://agency.example.org/generated/page-0000000000.html", AGENT)
    assert parser.allowed("http://agency.example.org/late/x.html", AGENT)  # past the cut: ignored
    assert parser.allowed("http://agency.example.org/news.html", AGENT)
    assert crawler.stats.get_value("oitcheck/robotstxt_truncated") == 1


def test_the_cut_falls_at_a_lines_end_and_a_small_file_is_whole():
    # "Disallow: /" half-read from "Disallow: /archive" would forbid the whole site
    body = b"User-agent: *\nDisallow: /archive-2560/\n"
    parser = BoundedRobotParser(body, None, maxsize=len(b"User-agent: *\nDisallow: /"))
    assert parser.truncated and parser.allowed("http://a.example.org/news.html", AGENT)
    whole = BoundedRobotParser(body, None)
    assert not whole.truncated and not whole.allowed("http://a.example.org/archive-2560/x", AGENT)


def test_the_robots_request_has_no_size_failure_and_stops_past_the_limit():
    crawler = make_crawler(OITCHECK_ROBOTSTXT_MAXSIZE=1000)
    middleware = build_from_crawler(BoundedRobotsTxtMiddleware, crawler)
    assert isinstance(middleware, RobotsTxtMiddleware)
    robots = Request("http://agency.example.org/robots.txt", meta={"dont_obey_robotstxt": True},
                     callback=NO_CALLBACK)
    page = Request("http://agency.example.org/robots.txt", meta={"download_maxsize": 5})  # a link to it
    assert is_robots_request(robots) and not is_robots_request(page)
    assert asyncio.run(middleware.process_request(robots)) is None
    assert robots.meta["download_maxsize"] == 0
    middleware._bytes_received(b"x" * 600, robots)
    with pytest.raises(StopDownload) as stopped:
        middleware._bytes_received(b"x" * 600, robots)
    assert stopped.value.fail is False  # the response keeps what arrived
    middleware._bytes_received(b"x" * 5000, page)  # other requests are not counted
    assert page.meta["download_maxsize"] == 5


def test_settings_enable_the_bounded_parser_and_middleware():
    crawler = make_crawler()
    assert crawler.settings["ROBOTSTXT_PARSER"] == "oitcheck.robots.BoundedRobotParser"
    mws = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert mws["oitcheck.robots.BoundedRobotsTxtMiddleware"] == 100
    assert mws["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


_CRAWL = """
import json, sys
from oitcheck.crawl import CrawlOptions, run_crawl

result = run_crawl(sys.argv[1], CrawlOptions(**json.loads(sys.argv[2])))
print(json.dumps(sorted(r.url for r in [*result.pages, *result.resources])))
"""


def test_a_site_with_a_robots_txt_larger_than_the_download_cap_is_crawled_by_its_first_rules(tmp_path: Path):
    with SiteServer(tmp_path) as server:
        site = SiteWriter(tmp_path, server.url)
        site.path("robots.txt").write_bytes(huge_robots(3 * 1024 * 1024))
        for name in ("news.html", "private/x.html", "late/y.html"):
            site.text(name, f"<html><head><meta charset='utf-8'><title>{name}</title></head><body>หน้า</body></html>")
        site.text("index.html", "<html><head><meta charset='utf-8'><title>หน้าแรก</title></head><body>"
                  "<a href='/news.html'>ข่าว</a> <a href='/private/x.html'>ภายใน</a> <a href='/late/y.html'>ท้าย</a>"
                  "</body></html>")
        # Documents larger than 1 MB fail by size: the 3 MB robots.txt must not (that would allow everything).
        options = {"allow_private": True, "ocr": False, "cache_dir": "", "max_document_bytes": 1024 * 1024}
        done = subprocess.run([sys.executable, "-c", _CRAWL, server.url, json.dumps(options)], capture_output=True,
                              text=True, timeout=180, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr[-3000:]
        hits = server.hits
    assert "/news.html" in hits and "/late/y.html" in hits  # the rule at the end is past the cut
    assert "/private/x.html" not in hits  # the first rules apply
    assert len(hits["/robots.txt"]) == 1
    assert any(url.endswith("/news.html") for url in json.loads(done.stdout))
