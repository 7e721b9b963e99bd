"""Nightly re-audits end to end (issue 18): the demo site audited again with the same --cache-dir, through the real
CLI, by a server that honours validators (Python's own: Last-Modified, If-Modified-Since -> 304) and by one that
ignores them. The second audit asks "has it changed?", gets 304s, reuses what was extracted and reaches the same
verdicts; a document changed between runs is read again, its verdict changes, and the re-audit then equals a fresh
``--no-cache`` audit. The honouring server keeps connections open, as agencies' Apache and nginx do, and the crawl
asks over few of them. One set of audits for the module."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_SITE, audit
from tests.support.documents import render_pdf
from tests.support.server import SiteServer

FILES = "files/ita2568"
CHANGED = f"{FILES}/o21-no-gift-2568.pdf"  # the demo's o21 is partial: no No Gift activity in it
# the agency publishes the activity in the same file: o21 passes
ACTIVITY = (["ประกาศนโยบายไม่รับของขวัญ No Gift Policy", "ปีงบประมาณ พ.ศ. 2568"],
            ["ประกาศเจตนารมณ์ No Gift Policy", ("h", "กิจกรรมสร้างวัฒนธรรม No Gift Policy"),
             "จัดกิจกรรมสร้างวัฒนธรรม No Gift Policy วันที่ 15 มกราคม 2568"])


def verdicts(report: dict[str, Any]) -> dict[str, Any]:
    return {"items": {item["id"]: (item["status"], item["score"]) for item in report["items"]},
            "broken": sorted(link["url"] for link in report["links"]["broken"])}


def conditional_hits(server: SiteServer, since: int) -> list[str]:
    """The conditional headers of the requests the server received after its first ``since`` requests."""
    hits = sorted((hit for hits in server.hits.values() for hit in hits), key=lambda hit: hit.at)
    return [hit.conditional for hit in hits[since:] if hit.conditional]


def _audits(tmp: Path, host: str, validators: str | None, change: bool) -> dict[str, Any]:
    site = tmp / "site"
    shutil.copytree(DEMO_SITE, site)
    if validators:
        (site / "_site.json").write_text(json.dumps({"validators": validators}), encoding="utf-8")
    else:
        (site / "_site.json").write_text(json.dumps({"keep_alive": True}), encoding="utf-8")
    cache = str(tmp / "cache")
    found: dict[str, Any] = {}
    saved = os.environ.pop("OITCHECK_HTTP_CACHE", None)  # conftest turns conditional requests off for other tests
    try:
        with SiteServer(site, host=host) as server:
            for run in ("first", "second"):
                asked, connected = server.requests, server.connections
                result, found[run] = audit(server.url, tmp / run, "--cache-dir", cache, "--no-history")
                assert result.returncode == 0, result.stderr
                found[f"{run}_traffic"] = (server.requests - asked, server.connections - connected)
                found[f"{run}_conditional"] = conditional_hits(server, asked)
                found[f"{run}_html"] = (tmp / run / "report.html").read_text(encoding="utf-8")
            if change:  # new bytes and a later modification time, as an agency's upload gives
                target = site / CHANGED
                stamp = target.stat().st_mtime + 3600
                target.write_bytes(render_pdf(*ACTIVITY))
                os.utime(target, (stamp, stamp))
                result, found["changed"] = audit(server.url, tmp / "changed", "--cache-dir", cache, "--no-history")
                assert result.returncode == 0, result.stderr
                result, found["fresh"] = audit(server.url, tmp / "fresh", "--no-cache", "--no-history")
                assert result.returncode == 0, result.stderr
    finally:
        if saved is not None:
            os.environ["OITCHECK_HTTP_CACHE"] = saved
    return found


@pytest.fixture(scope="module")
def honoured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _audits(tmp_path_factory.mktemp("honoured"), "127.0.0.1", None, change=True)


@pytest.fixture(scope="module")
def ignored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _audits(tmp_path_factory.mktemp("ignored"), "127.0.0.2", "none", change=False)


def test_the_second_audit_asks_has_it_changed_and_reuses_what_was_read(honoured):
    first, second = honoured["first"]["crawl"], honoured["second"]["crawl"]
    assert honoured["first_conditional"] == [] and first["revalidated"] == 0
    assert first["downloaded"] == first["requests"] and first["http_cache_bytes"] > 0
    # every page and document the server dated was asked for with the date it had: all answered 304
    assert len(honoured["second_conditional"]) == second["revalidated"]
    assert second["revalidated"] >= first["pages"] + first["documents"] - 5
    assert second["reused"] >= second["pages"] + second["documents"]
    assert second["bytes_received"] < first["bytes_received"] / 10
    assert verdicts(honoured["second"]) == verdicts(honoured["first"])


def test_a_server_that_keeps_connections_open_is_asked_over_few_of_them(honoured, ignored):
    requests, connections = honoured["second_traffic"]
    assert connections * 2 < requests  # one connection per slot, reused: the conditional requests cost no handshakes
    requests, connections = ignored["second_traffic"]
    assert connections >= requests  # HTTP/1.0 answers close their connection: a new one per request


def test_a_document_changed_between_runs_is_read_again_and_its_verdict_changes(honoured):
    before, after, fresh = honoured["second"], honoured["changed"], honoured["fresh"]
    assert verdicts(before)["items"]["o21"] == ("partial", 50) and verdicts(after)["items"]["o21"] == ("pass", 100)
    assert after["crawl"]["revalidated"] == before["crawl"]["revalidated"] - 1  # only that one was sent again
    assert verdicts(after) == verdicts(fresh)
    assert fresh["crawl"]["revalidated"] == fresh["crawl"]["reused"] == 0 and fresh["crawl"]["http_cache_bytes"] is None


def test_a_server_without_validators_is_downloaded_again_but_not_read_again(ignored):
    first, second = ignored["first"]["crawl"], ignored["second"]["crawl"]
    assert ignored["second_conditional"] == [] and second["revalidated"] == 0
    assert second["downloaded"] == second["requests"] and second["bytes_received"] >= first["bytes_received"] * 0.9
    assert second["reused"] >= second["pages"] + second["documents"]  # the same bytes: their extraction reused
    assert verdicts(ignored["second"]) == verdicts(ignored["first"])


def test_the_report_says_it_in_thai(honoured):
    crawl = honoured["second"]["crawl"]
    assert f"ไม่เปลี่ยนแปลงจากครั้งก่อน (304) {crawl['revalidated']}" in honoured["second_html"]
    assert f"ใช้ผลการอ่านเดิม {crawl['reused']} รายการ" in honoured["second_html"]
