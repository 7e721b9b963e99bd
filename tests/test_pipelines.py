"""Item pipelines, the Scrapy way: built from a crawler's settings, fed hand-made records (no crawl)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import segno
from scrapy.utils.misc import build_from_crawler

from oitcheck.crawl import CrawlOptions
from oitcheck.linkcache import LinkCache
from oitcheck.pipelines import DocumentPipeline, LinkCachePipeline
from oitcheck.records import DocumentFacts, Link, PageRecord, ProbeRecord, QrCode, Quality, ResourceRecord
from tests.support.crawler import make_crawler

EIT = "https://itas.nacc.go.th/go/eit/abc123"
URL = "http://127.0.0.1:1/"


def qr_png(data: str) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def read(*items: object) -> list[object]:
    """Each item through a DocumentPipeline built from the crawl's settings, as one spider run would."""
    pipeline = build_from_crawler(DocumentPipeline, make_crawler(CrawlOptions(ocr=False, cache_dir="")))

    async def run() -> list[object]:
        pipeline.open_spider()
        try:
            return [await pipeline.process_item(item) for item in items]
        finally:
            pipeline.close_spider()

    return asyncio.run(run())


def test_a_documents_bytes_become_its_facts_and_are_dropped():
    table = "เลขที่,รายการ\n1,จ้างเหมา\n".encode()
    csv = ResourceRecord(url=URL + "o12.csv", status=200, kind="csv", body=table)
    [read_back] = read(csv)
    assert read_back.body is None and read_back.doc is not None
    assert read_back.doc.tables == 1 and "จ้างเหมา" in read_back.doc.text
    assert csv.body is not None  # records are immutable: the pipeline returns a new one


def test_an_empty_answer_for_a_report_is_unreadable_not_fine():
    [empty] = read(ResourceRecord(url=URL + "o7.pdf", status=200, kind="pdf", body=b""))
    assert empty.doc is not None and empty.doc.quality == Quality.UNREADABLE and "0 bytes" in empty.doc.error


def test_pictures_are_read_for_qr_codes():
    [image] = read(ResourceRecord(url=URL + "eit.png", status=200, kind="png", body=qr_png(EIT)))
    assert image.qr == (QrCode(URL + "eit.png", EIT),) and image.body is None and image.doc is None


def test_a_pages_inline_svgs_become_its_qr_codes_and_the_markup_is_dropped():
    svg = segno.make(EIT, error="m").svg_inline(scale=4)
    [page] = read(PageRecord(url=URL, title="หน้าแรก", svgs=(svg,)))
    assert page.qr == (QrCode("inline-svg", EIT),) and page.svgs == ()


def test_records_without_bytes_and_probes_pass_untouched():
    failed = ResourceRecord(url=URL + "gone.pdf", error="dns", kind="pdf")
    probe = ProbeRecord(host="127.0.0.1:1", url=URL + "probe")
    assert read(failed, probe) == [failed, probe]


def cache_pipeline(tmp_path: Path) -> LinkCachePipeline:
    return build_from_crawler(LinkCachePipeline, make_crawler(CrawlOptions(cache_dir=tmp_path)))


def test_link_cache_keeps_other_hosts_links_that_worked_and_forgets_failures(tmp_path):
    pipeline = cache_pipeline(tmp_path)
    worked = PageRecord(url="http://127.0.0.2:1/plan", status=200, external=True, title="แผน",
                        links=(Link(url="http://127.0.0.2:1/more"),), main_text="แผน" * 20000)
    own = PageRecord(url=URL + "own", status=200, title="ของเว็บไซต์เอง")
    for record in (worked, own):
        pipeline.process_item(record)
    pipeline.close_spider()
    cache = LinkCache(tmp_path / "links.sqlite")
    kept = cache.fresh(worked.url)
    assert isinstance(kept, PageRecord) and kept.cached and kept.title == "แผน"
    assert kept.links == () and len(kept.main_text) == 20000  # another host's links are never followed
    assert cache.fresh(own.url) is None  # the site's own pages are always crawled
    cache.remember(ResourceRecord(url=worked.url, status=404, external=True))
    assert cache.fresh(worked.url) is None  # a failure is checked again next run
    cache.close()


def test_link_cache_round_trips_document_facts(tmp_path):
    cache = LinkCache(tmp_path / "links.sqlite")
    pdf = ResourceRecord(url="http://127.0.0.2:1/o25.pdf", status=200, external=True, kind="pdf",
                         doc=DocumentFacts(text="แผนปฏิบัติการ", title="แผน 2568", years=(2568,)))
    cache.remember(pdf)
    kept = cache.fresh(pdf.url)
    assert isinstance(kept, ResourceRecord) and kept.doc == pdf.doc and kept.cached
    assert LinkCache(tmp_path / "links.sqlite", max_age_days=0).fresh(pdf.url) is None  # 0: check every run
    cache.close()


def test_no_cache_setting_means_no_link_cache(tmp_path):
    pipeline = build_from_crawler(LinkCachePipeline, make_crawler(CrawlOptions(cache_dir="")))
    record = PageRecord(url="http://127.0.0.2:1/", status=200, external=True)
    assert pipeline.cache is None and pipeline.process_item(record) is record
