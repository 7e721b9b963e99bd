"""The layout an audit uses: chosen by kind of agency and assessment year, said on the console and in every
report; listed by ``oitcheck checklists``; per agency in ``audit-many``'s CSV."""

from __future__ import annotations

import json

import yaml

from tests.conftest import AS_OF, SITES, audit, run_cli


def test_an_audit_for_a_year_without_a_layout_uses_the_newest_and_says_so(serve, tmp_path):
    server = serve(SITES / "per_item")
    result, report = audit(server.url, tmp_path, "--as-of", "2026-12-02")
    assert result.returncode == 0 and report is not None, result.stderr
    assert (report["checklist"], report["year"]) == ("ita-2569", 2570) and len(report["items"]) == 26
    choice = report["checklist_choice"]
    assert (choice["reason"], choice["layout_year"], choice["family"]) == ("newest_earlier", 2569, "general")
    assert ("checklist: ita-2569 (no general layout is published for 2570: the newest earlier one (2569))"
            in result.stderr)
    assert "ยังไม่มีเกณฑ์ OIT ที่ประกาศสำหรับปีงบประมาณ พ.ศ. 2570" in choice["notes"][0]
    assert choice["scoring"] and choice["sources"]  # what is not known of the 2569 scoring is said too
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert choice["notes"][0] in html and "ข้อจำกัดของเกณฑ์" in html
    assert {i["key"] for i in report["items"]} >= {"procurement_monthly", "ita_improvement"}


def test_the_layout_of_the_assessment_year_and_a_given_layout_are_said_too(serve, tmp_path):
    server = serve(SITES / "per_item")
    result, report = audit(server.url, tmp_path / "a")  # as of AS_OF, fiscal year 2568
    assert report["checklist"] == "ita-2568" and report["checklist_choice"]["reason"] == "year"
    assert "checklist: ita-2568 (the general layout for 2568)" in result.stderr
    result, report = audit(server.url, tmp_path / "b", "--checklist", "ita-2569")
    assert (report["checklist"], report["checklist_choice"]["reason"]) == ("ita-2569", "given")
    assert "checklist: ita-2569 (as given)" in result.stderr


def test_a_kind_without_layouts_or_an_unknown_checklist_is_one_line_exit_2(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--kind", "police", "--out", str(tmp_path))
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--checklist", "ita-2400", "--out",
                     str(tmp_path))
    assert result.returncode == 2 and "unknown checklist 'ita-2400'" in result.stderr


def test_checklists_lists_every_layout():
    result = run_cli("checklists")
    assert result.returncode == 0, result.stderr
    assert "ita-2568" in result.stdout and "ita-2569" in result.stdout
    layouts = {row["id"]: row for row in json.loads(run_cli("checklists", "--json").stdout)}
    assert (layouts["ita-2569"]["items"], layouts["ita-2569"]["year"], layouts["ita-2569"]["extends"]) == (
        26, 2569, "ita-2568")
    assert layouts["ita-2568"]["family"] == "general" and layouts["ita-2568"]["kind"]


def test_audit_many_takes_each_agencys_layout_from_its_checklist_column(serve, tmp_path):
    """One agency on the run's layout, one on a layout file of the province's own (named by its path)."""
    site, other = serve(SITES / "per_item"), serve(SITES / "per_item", host="127.0.0.2")  # two agencies: two URLs
    mine = tmp_path / "lamphun.yaml"
    mine.write_text(yaml.safe_dump({"id": "ita-2569-lamphun", "title": "ITA 2569 (จังหวัด)", "extends": "ita-2569",
                                    "year": 2569, "items": [{"id": f"o{n}", "from": f"o{n}"} for n in range(1, 27)]}),
                    encoding="utf-8")
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,url,checklist\n"
                        f"เทศบาลตำบลต้นแบบ,{site.url},\n"
                        f"เทศบาลตำบลปีหน้า,{other.url},{mine}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("audit-many", str(agencies), "--out", str(out), "--jobs", "1", "--allow-private",
                     "--as-of", AS_OF, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    used = {a["name"]: a["checklist"] for a in summary["agencies"]}
    assert used == {"เทศบาลตำบลต้นแบบ": "ita-2568", "เทศบาลตำบลปีหน้า": "ita-2569-lamphun"}
    assert summary["checklists"] == {"ita-2568": 1, "ita-2569-lamphun": 1}
    assert {i["checklist"] for i in summary["items"]} == {"ita-2568", "ita-2569-lamphun"}  # each on its own items
    assert summary["common_gaps"] == []  # a gap is shared within one layout, and each has one agency here
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "ita-2568 (1 หน่วยงาน), ita-2569-lamphun (1 หน่วยงาน)" in html and "เกณฑ์ ita-2569-lamphun" in html


def test_audit_many_refuses_an_unknown_layout_in_the_csv_before_any_audit(tmp_path):
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,url,checklist\nก,http://127.0.0.1:9/,\nข,http://127.0.0.1:9/,moit-2400\n",
                        encoding="utf-8")
    result = run_cli("audit-many", str(agencies), "--out", str(tmp_path / "out"), "--allow-private")
    assert result.returncode == 2 and "row 2" in result.stderr and "moit-2400" in result.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_reader_that_stops_early_is_no_internal_error():
    """``oitcheck checklists | head -1``: the pipe closes before everything is written."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-m", "oitcheck", "checklists"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    child.stdout.close()  # the reader is gone before the first line
    stderr = child.stderr.read().decode()
    assert child.wait() == 0 and "internal error" not in stderr, stderr
