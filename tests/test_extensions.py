"""The progress line (oitcheck.extensions): what it counts from the crawl's typed records."""

from __future__ import annotations

from oitcheck.extensions import ProgressLine
from oitcheck.records import PageRecord, ProbeRecord, ResourceRecord


def test_progress_line_counts_pages_documents_and_errors():
    line = ProgressLine(interval=3600)
    line.item_scraped(PageRecord(url="http://agency.example/"))
    line.item_scraped(ResourceRecord(url="http://agency.example/a.pdf", status=200, kind="pdf"))
    line.item_scraped(ResourceRecord(url="http://agency.example/gone.pdf", status=404, kind="pdf"))
    line.item_scraped(ProbeRecord(host="agency.example", url="http://agency.example/probe"))
    assert (line.pages, line.documents, line.errors) == (1, 1, 1)
