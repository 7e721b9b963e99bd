"""The crawl's defaults live in ``oitcheck/settings.py`` alone: the command line, ``CrawlOptions`` and the
spider all take them from there, so changing one value there changes it everywhere."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler

from oitcheck import settings as defaults
from oitcheck.cli import build_parser, crawl_options
from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.spiders.site import SiteSpider


def test_command_line_defaults_are_the_crawl_options_defaults():
    for command in (["audit", "http://agency.example/"], ["audit-many", "agencies.csv"]):
        args = build_parser().parse_args([*command, "--no-progress"])
        assert crawl_options(args) == CrawlOptions()


def test_crawl_options_defaults_are_the_settings():
    built = build_settings(CrawlOptions())
    for key in ("OITCHECK_MAX_PAGES", "DEPTH_LIMIT", "OITCHECK_ALLOW_PRIVATE", "OITCHECK_PROGRESS", "ROBOTSTXT_OBEY",
                "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "OITCHECK_OCR", "OITCHECK_CACHE_DIR",
                "OITCHECK_LINK_CACHE_DAYS", "OITCHECK_INSECURE_TLS", "OITCHECK_RENDER"):
        assert built[key] == getattr(defaults, key), key


def test_help_text_names_the_settings_values(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # as one line, however argparse wrapped it
    assert f"--max-pages MAX_PAGES page cap (default {defaults.OITCHECK_MAX_PAGES})" in text
    assert f"--max-depth MAX_DEPTH click-depth cap (default {defaults.DEPTH_LIMIT})" in text
    assert f"many days (default {defaults.OITCHECK_LINK_CACHE_DAYS:g}; 0: every run)" in text


def test_the_spider_takes_its_caps_and_quotas_from_the_settings():
    settings = build_settings(CrawlOptions(cache_dir=""))
    settings.setdict({"OITCHECK_PARSE_IN_WORKER": False, "OITCHECK_MAX_PAGES": 7, "OITCHECK_MAX_DOCUMENTS": 6,
                      "OITCHECK_MAX_CHECKS": 5, "OITCHECK_PAGE_MAXSIZE": 4096, "OITCHECK_HOMEPAGE_IMAGES": 4,
                      "OITCHECK_HOMEPAGE_STYLESHEETS": 3, "OITCHECK_STYLESHEET_IMAGES": 2,
                      "OITCHECK_HOMEPAGE_ASSETS": 1, "OITCHECK_MAX_FRAME_LEVELS": 0, "OITCHECK_MAX_PROBES": 9},
                     priority="cmdline")
    spider = SiteSpider.from_crawler(Crawler(SiteSpider, settings), start_url="http://agency.example/")
    assert (spider.max_pages, spider.max_documents, spider.max_checks, spider.page_maxsize) == (7, 6, 5, 4096)
    quotas = (spider.homepage_images, spider.stylesheets, spider.stylesheet_images, spider.assets)
    assert [(quota.limit, quota.used) for quota in quotas] == [(4, 0), (3, 0), (2, 0), (1, 0)]
    assert (spider.max_frame_levels, spider.prober.max_hosts, spider.prober.per_host) == (0, 9, 8)
    assert spider.link_cache is None and spider.page_workers is None
    assert [p.pattern for p in spider.never_fetch] == defaults.OITCHECK_NEVER_FETCH


def test_each_spider_counts_against_quotas_of_its_own():
    settings = build_settings(CrawlOptions(cache_dir=""))
    settings.set("OITCHECK_PARSE_IN_WORKER", False, priority="cmdline")
    first, second = (SiteSpider.from_crawler(Crawler(SiteSpider, settings), start_url="http://agency.example/")
                     for _ in range(2))
    first.homepage_images.take(3)
    assert second.homepage_images.used == 0
    assert second.homepage_images.limit == defaults.OITCHECK_HOMEPAGE_IMAGES
