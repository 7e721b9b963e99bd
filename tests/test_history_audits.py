"""Audits with a memory, end to end through the real CLI on a served site: the second audit after the site
changed reports exactly the changes planted in it (report.json, the console), and --no-history keeps none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from oitcheck.store import open_store
from tests.conftest import DEMO_SITE, audit, codes, items, run_cli

FILES = "files/ita2568"


def test_a_second_audit_reports_exactly_the_planted_changes(serve, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    server = serve(site)
    db = str(tmp_path / "history.sqlite")
    first, before = audit(server.url, tmp_path / "r1", "--db", db)
    assert first.returncode == 0, first.stderr
    assert before["changes"] is None and "since" not in first.stdout
    statuses = {i: item["status"] for i, item in items(before).items()}
    assert statuses["o15"] == "fail" and statuses["o23"] == "pass"  # the demo's o15 file is missing
    # Planted: o15's missing file is published (fixed, its broken link fixed); o23's file is removed (regressed,
    # a new broken link). Nothing else on the site changes.
    shutil.copy(site / FILES / "o26-anticorruption-report-2567.pdf", site / FILES / "o15-hr-report-2567.pdf")
    (site / FILES / "o23-risk-assessment-2568.pdf").unlink()
    second, after = audit(server.url, tmp_path / "r2", "--db", db)
    assert second.returncode == 0, second.stderr
    changes = after["changes"]
    assert changes["since"] == before["finished_at"] and changes["previous_oit"] == before["scores"]["oit"]
    assert changes["oit_delta"] == round(after["scores"]["oit"] - before["scores"]["oit"], 2)
    assert changes["fixed"] == [{"id": "o15", "from": "fail", "to": "pass"}]
    assert changes["regressed"] == [{"id": "o23", "from": "pass", "to": "fail", "codes": ["broken_link"]}]
    assert changes["changed"] == []
    assert changes["new_broken_links"] == [f"{server.url}{FILES}/o23-risk-assessment-2568.pdf"]
    assert changes["fixed_broken_links"] == [f"{server.url}{FILES}/o15-hr-report-2567.pdf"]
    assert "regressed: o23 pass -> fail (broken_link)" in second.stdout
    assert "fixed: o15 fail -> pass" in second.stdout
    history = open_store(db).history(server.url)
    assert [r["items"]["o23"] for r in history["runs"]] == ["fail", "pass"]
    assert history["runs"][0]["report"] == str(tmp_path / "r2" / "report.json")


def test_no_history_records_and_compares_nothing(audited, tmp_path: Path):
    _, report, out = audited("demo")
    result, again = audit(report["agency"]["url"], tmp_path / "again", "--no-history", "--db",
                          str(tmp_path / "h.sqlite"))
    assert result.returncode == 0, result.stderr
    assert again["changes"] is None and not (tmp_path / "h.sqlite").exists()


def _site(serve, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    return site, serve(site), str(tmp_path / "history.sqlite")


def test_a_pinned_url_that_starts_returning_404_fails_its_item(serve, tmp_path: Path):
    site, server, db = _site(serve, tmp_path)
    pinned = f"{server.url}{FILES}/o23-risk-assessment-2568.pdf"
    made = run_cli("pin", server.url, "o23", pinned, "--note", "ส่งใน ITAS", "--db", db, "--checklist", "ita-2568")
    assert made.returncode == 0, made.stderr
    first, before = audit(server.url, tmp_path / "r1", "--db", db)
    assert first.returncode == 0, first.stderr
    o23 = items(before)["o23"]
    assert o23["status"] == "pass" and o23["pinned"] == pinned and o23["evidence"][0]["url"] == pinned
    (site / FILES / "o23-risk-assessment-2568.pdf").unlink()
    second, after = audit(server.url, tmp_path / "r2", "--db", db)
    o23 = items(after)["o23"]
    assert o23["status"] == "fail" and "pinned_evidence_failed" in codes(o23, "fail")
    assert after["changes"]["regressed"][0]["id"] == "o23"
    assert "pinned_evidence_failed" in after["changes"]["regressed"][0]["codes"]


def test_an_accepted_finding_survives_the_next_run_and_expires_on_its_date(serve, tmp_path: Path):
    _, server, db = _site(serve, tmp_path)
    made = run_cli("accept", server.url, "o7", "wrong_year", "--reason", "รายงานปี 2567 อยู่ระหว่างจัดทำ",
                   "--until", "2025-03-20", "--db", db, "--checklist", "ita-2568")
    assert made.returncode == 0, made.stderr
    reports = {}
    for as_of in ("2025-03-15", "2025-03-20", "2025-03-21"):
        result, reports[as_of] = audit(server.url, tmp_path / as_of, "--db", db, "--as-of", as_of)
        assert result.returncode == 0, result.stderr
    for as_of in ("2025-03-15", "2025-03-20"):  # live through its last day, run after run
        o7 = items(reports[as_of])["o7"]
        wrong = [f for f in o7["findings"] if f["code"] == "wrong_year"]
        assert o7["status"] == "fail" and o7["score"] == 0  # the score is what the assessors see
        assert wrong and all(f["accepted"] == {"reason": "รายงานปี 2567 อยู่ระหว่างจัดทำ", "until": "2025-03-20"}
                             for f in wrong)
        assert "o7" not in {m["item"] for m in reports[as_of]["measures"]}
        assert reports[as_of]["scores"]["oit"] == reports["2025-03-21"]["scores"]["oit"]
    o7 = items(reports["2025-03-21"])["o7"]  # the day after: back on the fix list
    assert not any(f.get("accepted") for f in o7["findings"])
    assert "o7" in {m["item"] for m in reports["2025-03-21"]["measures"]}


def test_audit_many_twice_summarises_each_agencys_changes(serve, tmp_path: Path):
    site, server, _ = _site(serve, tmp_path)
    agencies = tmp_path / "agencies.csv"
    agencies.write_text(f"name,url\nอบต.ตัวอย่าง,{server.url}\n", encoding="utf-8")
    out = tmp_path / "many"
    options = ("--out", str(out), "--allow-private", "--as-of", "2025-03-15", "--no-progress")
    first = run_cli("audit-many", str(agencies), *options)
    assert first.returncode == 0, first.stderr
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["changes"] == []
    (site / FILES / "o23-risk-assessment-2568.pdf").unlink()
    second = run_cli("audit-many", str(agencies), *options)
    assert second.returncode == 0, second.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (entry,) = summary["changes"]
    assert entry["agency"] == "001-127.0.0.1" and entry["regressed"] == ["o23"] and entry["fixed"] == []
    assert entry["new_broken_links"] == 1 and entry["oit_delta"] < 0
    assert summary["agencies"][0]["changes"] == {k: v for k, v in entry.items() if k != "agency"}
    assert len(open_store(str(out / "history.sqlite")).history(server.url)["runs"]) == 2
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "เทียบกับการตรวจครั้งก่อน" in page and "ถดถอย: O23" in page and "ลิงก์เสียใหม่ 1 ลิงก์" in page
