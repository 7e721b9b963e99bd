"""Pinned evidence through a real crawl: the URLs an agency submits in ITAS are fetched and read every run though
the site links none of them, on its own host and on another (127.0.0.2), and a pin that starts answering 404
fails its item with ``pinned_evidence_failed``.

The audit runs in a child process (Twisted's reactor starts once per process) through ``audit()`` with a
``Prepared`` whose ``decisions`` the test sets, as the history store does."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from oitcheck.audit import AuditRequest, prepare
from oitcheck.checks.decisions import Decisions, Pin
from oitcheck.crawl import CrawlOptions, build_settings
from tests.conftest import codes, items

DRIVER = """
import json, sys
from pathlib import Path
from oitcheck.audit import AuditRequest, audit, prepare
from oitcheck.checks.decisions import Decisions, Pin
request = AuditRequest.from_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
prepared = prepare(request)
prepared.decisions = Decisions(pins=tuple(Pin(**pin) for pin in json.loads(sys.argv[2])))
audit(request, prepared)
"""
ORG = "องค์การบริหารส่วนตำบลทดสอบ"


def write_site(site: Any, files: Any) -> None:
    """An agency homepage that links none of the pinned URLs; the pinned files on it and on another host."""
    site.text("index.html", f"<html><head><meta charset='utf-8'><title>{ORG}</title></head><body>"
                            f"<h1>{ORG}</h1><p>ยินดีต้อนรับ</p><a href='/about.html'>เกี่ยวกับเรา</a></body></html>")
    site.text("about.html", "<html><head><meta charset='utf-8'><title>เกี่ยวกับเรา</title></head><body>"
                            "<p>ประวัติความเป็นมาของหน่วยงาน</p><a href='/'>หน้าแรก</a></body></html>")
    site.pdf("ita/o7-2567.pdf", ["รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. 2567", ORG],
             ["ผลการดำเนินงานตามแผนพัฒนาท้องถิ่น ประจำปีงบประมาณ พ.ศ. 2567 ครบทุกยุทธศาสตร์"])
    files.pdf("drive/o8.pdf", ["คู่มือการปฏิบัติงานของเจ้าหน้าที่", ORG],
              ["ขั้นตอนการปฏิบัติงานด้านธุรการ การเงิน และพัสดุ ของเจ้าหน้าที่"])
    # an index page on the other host listing the item's documents: read with them, one level deep
    files.text("o12/index.html", "<html><head><meta charset='utf-8'><title>O12 รายการและความก้าวหน้าการจัดซื้อจัดจ้าง"
                                 " ประจำปีงบประมาณ พ.ศ. 2568</title></head><body><h1>สรุปผลการจัดซื้อจัดจ้าง 2568</h1>"
                                 "<ul><li><a href='2568-01.pdf'>มกราคม 2568</a></li>"
                                 "<li><a href='2568-01.xlsx'>มกราคม 2568 (Excel)</a></li></ul></body></html>")
    files.pdf("o12/2568-01.pdf", ["สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือนมกราคม 2568", ORG],
              [("table", [60, 60, 60], [["งานที่จัดซื้อ", "วงเงิน", "วิธีซื้อ"], ["วัสดุสำนักงาน", "5,000", "เฉพาะเจาะจง"]])])
    files.xlsx("o12/2568-01.xlsx", [["สรุปผลการดำเนินการจัดซื้อจัดจ้าง เดือนมกราคม 2568"],
                                    ["งานที่จัดซื้อ", "วงเงิน", "วิธีซื้อ"], ["วัสดุสำนักงาน", 5000, "เฉพาะเจาะจง"]])
    files.text("o12/other.html", "<html><title>ไม่เกี่ยวข้อง</title></html>")  # not linked: never fetched
    site.finish()
    files.finish()


def run(url: str, out: Path, pins: list[dict[str, str]], **options: Any) -> dict[str, Any]:
    crawl = CrawlOptions(**{"allow_private": True, "ocr": False, "cache_dir": "", "render": False, **options})
    request = AuditRequest(url=url, out=out, as_of=date(2025, 3, 15), crawl=crawl)
    out.parent.mkdir(parents=True, exist_ok=True)
    (out.parent / "request.json").write_text(request.to_json(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", DRIVER, str(out.parent / "request.json"), json.dumps(pins)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_pins_are_fetched_and_judged_linked_or_not(hosts, tmp_path: Path):
    (site, server), (files, other) = hosts(2)
    write_site(site, files)
    pins = [{"item": "o7", "url": site.link("ita/o7-2567.pdf"), "key": "annual_report"},
            {"item": "o8", "url": files.link("drive/o8.pdf")},
            {"item": "o12", "url": files.link("o12/index.html")}]
    report = run(server.url, tmp_path / "first" / "out", pins)
    found = items(report)
    for pin in pins:
        item = found[pin["item"]]
        assert item["pinned"] == pin["url"] and item["evidence"][0]["url"] == pin["url"], item
        assert "pinned_evidence_failed" not in codes(item), item["findings"]
    assert found["o7"]["status"] == "pass" and found["o8"]["status"] == "pass"
    assert found["o12"]["status"] == "pass"  # the Excel file listed on the pinned page: machine-readable
    assert {e["url"] for e in found["o12"]["evidence"]} >= {files.link("o12/2568-01.xlsx")}
    assert "/o12/2568-01.xlsx" in other.hits and "/o12/other.html" not in other.hits
    assert [hit.method for hit in server.hits["/ita/o7-2567.pdf"]] == ["GET"]  # read, not only checked
    assert all(item["pinned"] is None for item in report["items"] if item["id"] not in ("o7", "o8", "o12"))

    # the next night the pinned report is gone: the item fails, loudly
    site.route("/ita/o7-2567.pdf", status=404, body="not found")
    site.finish()
    report = run(server.url, tmp_path / "second" / "out", pins)
    o7 = items(report)["o7"]
    assert o7["status"] == "fail" and o7["score"] == 0
    assert {"broken_link", "pinned_evidence_failed"} <= codes(o7, "fail")
    failed = next(f for f in o7["findings"] if f["code"] == "pinned_evidence_failed")
    assert failed["url"] == pins[0]["url"] and "(404)" in failed["message"]
    assert items(report)["o8"]["status"] == "pass"

    # a pin is fetched under the address policy like any link: another private network is refused, not read
    asked = len(other.hits["/drive/o8.pdf"])
    report = run(server.url, tmp_path / "third" / "out", pins, allow_private=False, allowed_networks=["127.0.0.1/32"])
    o8 = items(report)["o8"]
    assert o8["status"] == "unknown" and o8["pinned"] == pins[1]["url"]
    assert len(other.hits["/drive/o8.pdf"]) == asked


def test_the_pins_reach_the_crawl_settings(tmp_path: Path):
    given = "https://drive.example.org/file/d/abc/view"
    request = AuditRequest(url="http://127.0.0.1:8080/", out=tmp_path / "out",
                           crawl=CrawlOptions(allow_private=True, pinned=[given]))
    assert AuditRequest.from_json(request.to_json()) == request
    prepared = prepare(request)
    assert prepared.decisions == Decisions() and prepared.crawl_options() == request.crawl
    prepared.decisions = Decisions(pins=(Pin("o7", "http://127.0.0.1:8080/ita/o7.pdf"), Pin("o8", given),
                                         Pin("o9", "http://127.0.0.1:8080/ita/o7.pdf")))
    pinned = prepared.crawl_options().pinned
    assert pinned == [given, "http://127.0.0.1:8080/ita/o7.pdf"]
    assert build_settings(prepared.crawl_options()).getlist("OITCHECK_PINNED") == pinned
    assert build_settings(CrawlOptions()).getlist("OITCHECK_PINNED") == []
