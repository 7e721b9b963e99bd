"""Hostile input costs only itself: the extraction workers survive any failure of a task (a replaced pool
when one breaks), and a crawl of a site full of document bombs ends with each one recorded unreadable and
the normal documents after them read."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from oitcheck.extract.workers import ExtractionWorkers, FailureCause, WorkerLimits
from tests.support import hostile
from tests.support.server import SiteServer


def _echo(value: Any) -> Any:
    return value


def _raise(message: str) -> None:
    raise ValueError(message)


def _hog_memory() -> bytes:
    return b"x" * (4 * 1024 * 1024 * 1024)  # past the worker's address-space limit


class _ExitOnArrival:
    """Unpickled by the worker as it receives its task: the worker dies before it acknowledges it, which
    pebble answers with "All workers expired" and a broken pool (as a worker out of memory after a bomb
    does on the next large file)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return os._exit, (3,)


def _workers(**limits: Any) -> ExtractionWorkers:
    return ExtractionWorkers(WorkerLimits(workers=1, **limits))


def test_a_worker_dying_as_it_receives_a_file_breaks_the_pool_once_and_only_that_file_fails():
    async def scenario() -> tuple[list[Any], dict[str, int]]:
        workers = _workers(seconds=20)
        workers.start()
        try:
            first = await workers._run(_echo, ("before",), 20, "")
            results = await asyncio.gather(workers._run(_echo, (_ExitOnArrival(),), 20, ""),
                                           *(workers._run(_echo, (f"queued {n}",), 20, "") for n in range(3)))
            after = await workers._run(_echo, ("after",), 20, "")
            return [first, *results, after], dict(workers.stats)
        finally:
            workers.close()

    results, stats = asyncio.run(scenario())
    first, killer, *queued, after = results
    assert first == "before" and after == "after"
    assert killer["quality"] == "unreadable" and killer["cause"] == FailureCause.POOL
    assert "BrokenProcessPool" in killer["error"] or "pool" in killer["error"]
    assert queued == ["queued 0", "queued 1", "queued 2"]  # run again on the new pool
    assert stats["restarts"] == 1 and stats["crashes"] == 1


def test_a_stopped_pool_is_replaced_and_the_next_task_runs():
    async def scenario() -> tuple[Any, dict[str, int]]:
        workers = _workers()
        workers.start()
        try:
            assert workers.pool is not None
            workers.pool.stop()  # what pebble's "the pool is not running" comes from
            return await workers._run(_echo, ("fine",), 20, ""), dict(workers.stats)
        finally:
            workers.close()

    result, stats = asyncio.run(scenario())
    assert result == "fine" and stats["restarts"] == 1


def test_an_exception_or_memory_error_is_the_tasks_failure_not_the_crawls():
    async def scenario() -> tuple[Any, Any, Any, dict[str, int]]:
        workers = _workers(memory_mb=1024)
        workers.start()
        try:
            raised = await workers._run(_raise, ("bad file",), 20, "")
            hog = await workers._run(_hog_memory, (), 20, "")
            fine = await workers._run(_echo, ("fine",), 20, "")
            return raised, hog, fine, dict(workers.stats)
        finally:
            workers.close()

    raised, hog, fine, stats = asyncio.run(scenario())
    assert raised["cause"] == FailureCause.ERROR and raised["error"] == "ValueError: bad file"
    assert hog["cause"] == FailureCause.MEMORY and "1024 MB" in hog["error"]
    assert fine == "fine"
    assert (stats["errors"], stats["memory"], stats["restarts"]) == (1, 1, 0)


def test_the_stylesheet_reader_runs_in_the_worker():
    async def scenario() -> tuple[Any, Any]:
        workers = _workers()
        workers.start()
        try:
            found = await workers.stylesheet(".qr{background:url(eit.png)}", "http://127.0.0.1/css/a.css", 1024)
            cut = await workers.stylesheet(".a{background:url(a.png)} .b{background:url(b.png)}",
                                           "http://127.0.0.1/", 30)
            return found, cut
        finally:
            workers.close()

    found, cut = asyncio.run(scenario())
    assert found == ([("http://127.0.0.1/css/eit.png", ".qr")], [])
    assert cut == ([("http://127.0.0.1/a.png", ".a")], [])


def test_a_page_too_big_to_parse_in_time_is_read_as_far_as_it_can_be():
    # 300,000 links to another host: parsing all of them takes far longer than the 2 s limit (about 0.1 ms a
    # link), the first 3,000 characters far less, whatever the machine.
    links = "".join(f"<a href='http://other.example/{n}'>{n}</a>" for n in range(300_000))
    html = f"<html><head><title>ลิงก์ทั้งหมด</title></head><body>{links}</body></html>"

    async def scenario() -> dict[str, Any]:
        workers = _workers(seconds=2, page_head_chars=3000)
        try:
            return await workers.page(html, "http://127.0.0.1/links.html")
        finally:
            workers.close()

    facts = asyncio.run(scenario())
    assert facts["title"] == "ลิงก์ทั้งหมด" and 50 < len(facts["links"]) < 100
    assert facts["partial"].startswith("read only its first 3,000 characters of ")


# -- a crawl of a site full of them ----------------------------------------------------------------
# Crawls with the real spider, pipelines and workers (small limits) and prints what each file became.
_CRAWL = """
import json, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.records import ResourceRecord
from oitcheck.spiders.site import SiteSpider

settings = build_settings(CrawlOptions(allow_private=True, ocr=False, cache_dir=""))
settings.setdict({"OITCHECK_DOCUMENT_SECONDS": 20.0, "OITCHECK_WORKER_MEMORY_MB": 1024}, priority="cmdline")
records = {}

def scraped(item, response=None, spider=None):
    if isinstance(item, ResourceRecord):
        doc = item.doc
        records[item.url.rsplit("/", 1)[-1]] = {
            "kind": item.kind, "status": item.status, "qr": [code.data for code in item.qr],
            "quality": doc and doc.quality, "error": doc and doc.error, "cause": doc and doc.cause,
            "text": doc.text[:300] if doc else "", "years": list(doc.years) if doc else []}

process = CrawlerProcess(settings)
crawler = process.create_crawler(SiteSpider)
crawler.signals.connect(scraped, signal=signals.item_scraped)
process.crawl(crawler, start_url=sys.argv[1])
process.start()
stats = {k.rsplit("/", 1)[-1]: v for k, v in crawler.stats.get_stats().items() if k.startswith("oitcheck/extraction/")}
print(json.dumps({"records": records, "stats": stats}))
"""


def test_a_site_of_hostile_documents_is_crawled_and_the_documents_after_them_are_read(tmp_path: Path):
    bombs, traps = hostile.bombs(), hostile.traps()
    normal = {"normal.pdf": hostile.pdf("Procurement report, fiscal year 2568, month of March"),
              "normal.xlsx": hostile.xlsx({"A1": hostile.TRAP_TEXT, "A2": "ลำดับ", "B2": "รายการ"})}
    files = {**bombs, **traps, "bomb.png": hostile.png_bomb(), **normal}
    assert len(bombs) + len(traps) + 1 >= 19
    for name, body in files.items():
        (tmp_path / "files").mkdir(exist_ok=True)
        (tmp_path / "files" / name).write_bytes(body)
    links = "".join(f"<li><a href='/files/{name}'>เอกสาร {n}</a></li>" for n, name in enumerate(files))
    (tmp_path / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>อบต.ทดสอบ</title></head><body><h1>เอกสารเผยแพร่</h1>"
        f"<img src='/files/bomb.png' alt='ป้าย'><ul>{links}</ul></body></html>", encoding="utf-8")
    with SiteServer(tmp_path) as server:
        done = subprocess.run([sys.executable, "-c", _CRAWL, server.url], capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    records = result["records"]
    assert set(files) <= set(records)
    for name in bombs:
        assert records[name]["quality"] == "unreadable" and records[name]["error"], (name, records[name])
    for name in traps:  # read for what they have
        assert records[name]["quality"] in ("ok", "empty") and records[name]["error"] is None, (name, records[name])
        assert "2568" in records[name]["text"], (name, records[name])
    assert records["bomb.png"]["kind"] == "png" and records["bomb.png"]["qr"] == []
    for name in normal:
        assert records[name]["quality"] == "ok" and 2568 in records[name]["years"], (name, records[name])
    assert result["stats"]["documents"] >= len(bombs) + len(traps) + len(normal) - 1  # the empty one is not sent
