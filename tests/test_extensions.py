"""The crawl's progress (oitcheck.extensions): what it counts from the crawl's typed records, and how it shows
them on a terminal (a live display) and in a log (a plain line)."""

from __future__ import annotations

import io

from rich.console import Console
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from oitcheck.extensions import Counts, ProgressLine
from oitcheck.records import PageRecord, ProbeRecord, ResourceRecord


def _feed(line: ProgressLine) -> None:
    line.item_scraped(PageRecord(url="http://agency.example/"))
    line.item_scraped(ResourceRecord(url="http://agency.example/a.pdf", status=200, kind="pdf"))
    line.item_scraped(ResourceRecord(url="http://agency.example/gone.pdf", status=404, kind="pdf"))
    line.item_scraped(ProbeRecord(host="agency.example", url="http://agency.example/probe"))


def test_progress_line_counts_pages_documents_and_errors():
    line = ProgressLine(interval=3600)
    _feed(line)
    assert (line.pages, line.documents, line.errors) == (1, 1, 1)


def test_the_expected_pages_are_those_read_and_queued_within_the_cap():
    assert Counts(pages=10, queued=30).expected_pages(2000) == 40
    assert Counts(pages=10, queued=30).expected_pages(25) == 25
    assert Counts(pages=30, queued=0).expected_pages(25) == 30


def test_a_log_gets_plain_lines_with_the_queue(capsys):
    crawler = get_crawler(settings_dict={"OITCHECK_PROGRESS": True, "OITCHECK_MAX_PAGES": 50})
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.stats.set_value("scheduler/enqueued", 12)
    crawler.stats.set_value("scheduler/dequeued", 5)
    line = ProgressLine.from_crawler(crawler)
    line.console = Console(file=io.StringIO(), force_terminal=False)
    line.tty, line.interval = False, 0.0
    _feed(line)
    line.spider_closed(None, "finished")
    err = capsys.readouterr().err
    assert "crawling: 1 pages, 7 queued, 1 files, 1 errors" in err


def test_a_terminal_gets_a_live_display_that_ends_with_a_summary_line():
    screen = io.StringIO()
    line = ProgressLine(interval=0.0, cap=50, console=Console(file=screen, force_terminal=True, width=160))
    line.spider_opened()
    _feed(line)
    assert line.live is not None
    line.spider_closed(None, "finished")
    assert line.live is None and "crawled: 1 pages" in screen.getvalue()
