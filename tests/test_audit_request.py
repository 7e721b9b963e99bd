"""``AuditRequest`` as JSON: what ``audit-many`` hands each child (``oitcheck.audit_child``), and how the child
fails: like ``oitcheck audit``, one line on stderr and the contract's exit status."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from oitcheck.audit import REQUEST_VERSION, AuditRequest
from oitcheck.crawl import CrawlOptions
from oitcheck.errors import BadInput
from oitcheck.many import Agency, agency_request

FULL = AuditRequest(url="https://www.example.go.th/", out=Path("reports/ลำพูน/001-example"), name="อบต.ตัวอย่าง",
                    checklist="ita-2569", kind="moph", year=2568, as_of=date(2025, 3, 15),
                    crawl=CrawlOptions(max_pages=50, max_depth=3, allow_private=True, progress=True, obey_robots=False,
                                       timeout=5.5, max_document_bytes=1024, verbose=True, ocr=False,
                                       cache_dir=Path("/var/cache/oitcheck"), link_cache_days=0.5, insecure_tls=True),
                    db="postgresql://oitcheck@127.0.0.1:5433/history", run_id=12)


@pytest.mark.parametrize("request_", [
    FULL,
    AuditRequest(url="http://127.0.0.1:8080/", out=Path("out")),  # every default
    replace(FULL, crawl=replace(FULL.crawl, cache_dir="")),  # --no-cache
    replace(FULL, name=None, year=None, as_of=None, checklist=None, db=None, run_id=None),  # chosen by kind and year
], ids=["every-field", "defaults", "no-cache", "nulls"])
def test_a_request_survives_the_round_trip(request_):
    assert AuditRequest.from_json(request_.to_json()) == request_


def test_the_json_is_plain_and_versioned():
    data = json.loads(FULL.to_json())
    assert data["version"] == REQUEST_VERSION
    assert data["as_of"] == "2025-03-15" and data["out"] == "reports/ลำพูน/001-example"
    assert data["crawl"]["cache_dir"] == "/var/cache/oitcheck" and data["crawl"]["max_pages"] == 50


def _changed(**changes: object) -> str:
    data = json.loads(FULL.to_json())
    for key, value in changes.items():
        if key.startswith("crawl_"):
            data["crawl"][key.removeprefix("crawl_")] = value
        elif value is ...:
            del data[key]
        else:
            data[key] = value
    return json.dumps(data)


@pytest.mark.parametrize("text, words", [
    ("not json", "unusable audit request"),
    ("[]", "version"),
    (_changed(version=REQUEST_VERSION + 1), "version"),
    (_changed(url=...), "no 'url' field"),
    (_changed(as_of="15/03/2025"), "unusable audit request"),
    (_changed(year="2568"), "year"),
    (_changed(run_id="12"), "run_id"),
    (_changed(crawl_max_pagez=10), "unknown crawl options max_pagez"),
])
def test_a_broken_request_is_bad_input(text, words):
    with pytest.raises(BadInput, match=words):
        AuditRequest.from_json(text)


def test_each_agency_gets_the_shared_options_with_its_own_url_name_and_folder():
    agency = Agency(7, "เทศบาลตำบลต้นแบบ", "http://agency.example:8080/ita")
    request = agency_request(FULL, agency, Path("reports/many"))
    assert (request.url, request.name) == (agency.url, agency.name)
    assert request.out == Path("reports/many/007-agency.example")
    assert (request.checklist, request.year, request.as_of) == (FULL.checklist, FULL.year, FULL.as_of)
    # Children are quiet: their stderr's last line is the agency's error in the summary.
    assert request.crawl == replace(FULL.crawl, progress=False, verbose=False)


def _child(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oitcheck.audit_child", *args], input=text, capture_output=True,
                          text=True, timeout=120)


def test_the_child_exits_2_on_a_bad_request_or_option(tmp_path):
    done = _child("{}", "-")
    assert done.returncode == 2 and done.stderr.startswith("oitcheck: error: unusable audit request")
    bad_year = replace(FULL, out=tmp_path / "out", year=1999)
    done = _child(bad_year.to_json(), "-")
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "--year 1999" in done.stderr
    done = _child("", str(tmp_path / "missing.json"))
    assert done.returncode == 2 and "cannot read the audit request" in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_child_reads_a_request_file_and_exits_3_when_the_site_is_down(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AuditRequest(url=f"http://127.0.0.1:{port}/", out=tmp_path / "out",
                           crawl=CrawlOptions(allow_private=True, ocr=False, cache_dir=""))
    path = tmp_path / "request.json"
    path.write_text(request.to_json(), encoding="utf-8")
    done = _child("", str(path))
    assert done.returncode == 3 and "connection refused" in done.stderr
    assert not (tmp_path / "out" / "report.json").exists()


def test_an_agencys_checklist_column_overrides_the_runs_layout():
    hospital = Agency(row=2, name="โรงพยาบาลตัวอย่าง", url="https://hospital.example.go.th/", checklist="moit-2569")
    town = Agency(row=3, name="เทศบาลตัวอย่าง", url="https://town.example.go.th/")
    shared = replace(FULL, checklist=None, kind="general")
    assert agency_request(shared, hospital, Path("out")).checklist == "moit-2569"
    assert agency_request(shared, town, Path("out")).checklist is None  # chosen by kind and year in the child
