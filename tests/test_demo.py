"""``oitcheck demo``: the bundled sample site, audited end to end, matches its ground truth."""

from __future__ import annotations

import json

import pytest
import yaml

from oitcheck.demo import verify
from oitcheck.report.schema import validate_report
from tests.conftest import DEMO_SITE, audit, run_cli
from tests.support.demo_site import build
from tests.support.server import SiteServer


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result, json.loads((out / "report.json").read_text(encoding="utf-8")), out


def test_demo_writes_three_reports_with_all_items(demo):
    result, report, out = demo
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.html", "report.csv"}
    assert str(out / "report.html") in result.stdout
    validate_report(report)
    assert verify.layout_problems(report) == []


@pytest.mark.parametrize("item_id", verify.item_ids())
def test_demo_items_match_ground_truth(demo, item_id):
    _, report, _ = demo
    assert verify.item_problems(report, item_id) == []


def test_demo_eit_qr_and_broken_links(demo):
    _, report, _ = demo
    assert verify.homepage_problems(report) == []


def test_o11s_row_without_a_link_is_where_oitcheck_looked(demo):
    """The demo's ITA table names O11 with "อยู่ระหว่างจัดทำ" instead of a link: report.json and the HTML point at it."""
    _, report, out = demo
    o11 = next(item for item in report["items"] if item["id"] == "o11")
    rows = o11["looked"]["rows"]
    assert [(row["link"], row["state"]) for row in rows] == [(None, "none")]
    assert "อยู่ระหว่างจัดทำ" in rows[0]["text"] and rows[0]["page"].endswith("/ita/2568/index.html")
    assert "สถิติการให้บริการ" in o11["looked"]["words"]["o11"]
    o15 = next(item for item in report["items"] if item["id"] == "o15")  # its row links to a missing file
    assert [(c["reason"], c["detail"]) for c in o15["looked"]["candidates"]] == [("broken", "404")]
    assert all("looked" not in item for item in report["items"] if item["status"] == "pass")
    html = (out / "report.html").read_text(encoding="utf-8")
    row = html[html.index('id="item-o11"'):html.index('id="item-o12"')]
    assert "oitcheck ค้นหาข้อนี้จากที่ใดบ้าง" in row and "อยู่ระหว่างจัดทำ" in row and "ไม่มีลิงก์" in row


def test_the_ground_truth_check_names_what_differs(demo):
    """``make wheel-check`` relies on ``verify`` failing on a wrong report, not only passing a right one."""
    _, report, out = demo
    assert verify.main([str(out / "report.json")]) == 0
    wrong = json.loads(json.dumps(report))
    o7 = next(item for item in wrong["items"] if item["id"] == "o7")
    o7["status"], o7["findings"] = "pass", []
    wrong["links"]["broken"] = []
    assert verify.problems(wrong) == [
        f"broken links [], expected {sorted(verify.expected()['broken_links'])}",
        f"o7: pass, expected fail ({verify.expected()['items']['o7']['reason']})",
        f"o7: findings wrong_year missing ({verify.expected()['items']['o7']['reason']})",
    ]


def test_a_second_layout_and_a_draft_of_ones_own_need_no_code_change(tmp_path):
    draft = tmp_path / "ita-2570-mine.yaml"  # a user's draft for next year: 2569 with one item renamed
    items = [{"id": f"o{n}", "from": f"o{n}"} for n in range(1, 27)]
    items[24]["title"] = "การนำผลการประเมินไปพัฒนาหน่วยงาน"
    draft.write_text(yaml.safe_dump({"id": "ita-2570-mine", "title": "ร่าง 2570", "extends": "ita-2569",
                                     "draft": True, "year": 2570, "items": items}, allow_unicode=True),
                     encoding="utf-8")
    with SiteServer(DEMO_SITE) as server:
        done, report = audit(server.url, tmp_path / "a", "--checklist", "ita-2569")
        assert done.returncode == 0, done.stderr
        validate_report(report)
        assert report["checklist"] == "ita-2569" and report["draft"] is False and len(report["items"]) == 26
        assert [item["id"] for item in report["items"]] == [f"o{n}" for n in range(1, 27)]
        assert "ข้อจำกัดของเกณฑ์" in (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
        done, report = audit(server.url, tmp_path / "b", "--checklist", str(draft))
    assert done.returncode == 0, done.stderr
    assert report["checklist"] == "ita-2570-mine" and report["draft"] is True
    assert report["items"][24]["title"] == "การนำผลการประเมินไปพัฒนาหน่วยงาน"
    assert "ร่างเกณฑ์" in (tmp_path / "b" / "report.html").read_text(encoding="utf-8")


def test_the_generator_reproduces_the_committed_site(tmp_path):
    """The committed site is the generator's output: same files, same text. Binary files are compared by
    name only, since PNG/PDF bytes may differ with Pillow's or fpdf2's version."""
    build(tmp_path)
    made = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(DEMO_SITE).as_posix() for p in DEMO_SITE.rglob("*") if p.is_file()}
    assert made == committed
    for name in sorted(n for n in made if n.endswith((".html", ".css", ".txt"))):
        assert (tmp_path / name).read_bytes() == (DEMO_SITE / name).read_bytes(), name
