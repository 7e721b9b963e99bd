"""Every layout's items, passing and failing through the real spider, on sites generated from the layout file.

For every bundled layout (``catalogue()``: a layout is tested by adding its file to checklists/) and every
variant of tests/sites/layout_matrix.py, the generator writes a small agency site from the layout alone
(one ITA index row per item, one evidence per component), serves it on 127.0.0.1 and audits it once with
``--checklist <id> --as-of <15 March of the layout's year>``. A user's own layout file gets the same test.

The expectations come from the rules, not from what the checker outputs:
- ``complete``: evidence published right satisfies every component -> every item passes, no fail finding,
  each component judged on its own item's evidence (the EIT component on the homepage's QR code).
- ``missing``: a row naming the item with no link is not evidence -> every component fails: ``missing``,
  the EIT component ``qr_missing`` (nothing on the homepage).
- ``wrong_year`` (the newest layout of each kind of agency): evidence naming only AY-4 fails a component with
  a year rule -> ``wrong_year``; news dated only AY-4 is not current -> ``stale``; components without a year
  rule and the EIT QR still hold.
  An item passes when every component holds, fails when none does, and is partial in between.
Where the checker disagrees with the rules, the single case is a strict xfail naming the gap (XFAIL).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from oitcheck.checks.checklist import Checklist, Component, Item, catalogue, load
from tests.conftest import audit, codes, items
from tests.sites.layout_matrix import EIT_URL, VARIANTS, Site, build

LAYOUTS = catalogue()
# The year rules are the same code for every layout: the wrong-year variant runs on the newest layout of each
# kind of agency (their year rules differ most), complete and missing on every layout (`make test` stays short).
NEWEST = {max((c for c in LAYOUTS if c.family == family), key=lambda c: c.year or 0).id
          for family in {c.family for c in LAYOUTS}}
MAX_PAGES = "40"  # the sites have a homepage, the index and a few evidence pages (documents are not pages)

# (layout id, variant, item id) -> why the checker disagrees with the rules there.
XFAIL: dict[tuple[str, str, str], str] = {}

Expectation = tuple[str, str | None]  # (component state, the finding code a failed component carries)


def expected(variant: str, component: Component) -> Expectation:
    """What the rules say of one component's evidence in a variant (see the module docstring)."""
    if variant == "complete":
        return "ok", None
    if variant == "missing":
        return "fail", "qr_missing" if component.check == "eit" else "missing"
    if component.check == "eit":
        return "ok", None
    if component.check == "news":  # its dates are AY-4: not current, whatever its year rule
        return "fail", "stale"
    return ("ok", None) if component.year is None else ("fail", "wrong_year")


def item_status(variant: str, item: Item) -> str:
    held = [expected(variant, c)[0] == "ok" for c in item.components]
    return "pass" if all(held) else "fail" if not any(held) else "partial"


def variants(layout: Checklist) -> tuple[str, ...]:
    return VARIANTS if layout.id in NEWEST else tuple(v for v in VARIANTS if v != "wrong_year")


def cases() -> list[Any]:
    out = []
    for layout in LAYOUTS:
        for variant in variants(layout):
            for item in layout.items:
                reason = XFAIL.get((layout.id, variant, item.id))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                out.append(pytest.param(layout.id, variant, item.id, id=f"{layout.id}-{variant}-{item.id}",
                                        marks=marks))
    return out


@pytest.fixture(scope="module")
def reports(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``reports(layout, variant)`` -> (checklist, site, report.json): generated, served and audited once.
    ``layout``: a bundled layout's id or the path of a user's layout file."""
    cache: dict[tuple[str, str], tuple[Checklist, Site, Any, dict[str, Any] | None]] = {}

    def run(layout: str, variant: str) -> tuple[Checklist, Site, dict[str, Any]]:
        if (layout, variant) not in cache:
            checklist = load(layout)
            name = f"{checklist.id}-{variant}"
            folder = tmp_path_factory.mktemp(f"layout-{name}")
            site = build(folder, checklist, variant)
            server = serve(folder)
            result, report = audit(server.url, tmp_path_factory.mktemp(f"layout-report-{name}"), "--checklist", layout,
                                   "--as-of", site.as_of.isoformat(), "--max-pages", MAX_PAGES)
            cache[(layout, variant)] = (checklist, site, result, report)
        checklist, site, result, report = cache[(layout, variant)]
        assert result.returncode == 0 and report is not None, result.stderr[-2000:]
        return checklist, site, report

    return run


def assert_item(checklist: Checklist, site: Site, report: dict[str, Any], variant: str, item_id: str) -> None:
    """The item's status, each component's state and finding, and (complete) where its evidence is."""
    item = checklist.item(item_id)
    got = items(report)[item_id]
    assert got["status"] == item_status(variant, item), got["findings"]
    if got["status"] == "pass":
        assert not codes(got, "fail"), got["findings"]
    states = {c["id"]: c for c in got["components"]}
    assert list(states) == [c.id for c in item.components]
    own = set(site.evidence.get(item_id, {}).values())  # paths of the evidence written for the item
    for component in item.components:
        state, code = expected(variant, component)
        judged = states[component.id]
        assert judged["status"] == state, (component.id, got["findings"])
        if code:
            assert code in codes(got, "fail"), (component.id, got["findings"])
        if variant == "complete":  # judged on this item's own evidence, not on another item's
            url = judged["evidence"]
            where = {"eit": {EIT_URL}, "news": own | {"/"}}.get(component.check, own)
            assert (url if component.check == "eit" else urlsplit(url).path) in where, (component.id, url)


@pytest.mark.parametrize(("layout", "variant", "item_id"), cases())
def test_item(reports: Any, layout: str, variant: str, item_id: str):
    assert_item(*reports(layout, variant), variant, item_id)


@pytest.mark.parametrize(("layout", "variant"), [(c.id, v) for c in LAYOUTS for v in variants(c)])
def test_report_has_the_layouts_items_in_order(reports: Any, layout: str, variant: str):
    checklist, site, report = reports(layout, variant)
    assert report["checklist"] == checklist.id and report["year"] == site.year
    assert [i["id"] for i in report["items"]] == [i.id for i in checklist.items]


def test_every_case_and_xfail_names_a_real_item():
    ids = {(c.id, v, i.id) for c in LAYOUTS for v in variants(c) for i in c.items}
    assert set(XFAIL) <= ids
    assert {"ita-2568", "ita-2569"} <= {c.id for c in LAYOUTS}


# A layout of the user's own (a hospital's MOIT list, labels "MOIT 5"), given as a file: the same test.
USER_LAYOUT = {
    "id": "moit-mine", "title": "MOIT ของหน่วยงานเอง (ทดสอบ)", "year": 2569, "family": "moph", "labels": ["moit"],
    "indicators": {"1": "การเปิดเผยข้อมูล", "2": "การจัดซื้อจัดจ้าง"},
    "subs": {"1.1": "การเผยแพร่ข้อมูล", "2.1": "การจัดซื้อจัดจ้าง"},
    "items": [
        {"id": "moit1", "key": "publication_measures", "sub": "1.1", "year": "current",
         "title": "มาตรการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของหน่วยงาน",
         "keywords": ["มาตรการเผยแพร่ข้อมูลต่อสาธารณะ", "การเผยแพร่ข้อมูลต่อสาธารณะ"], "weak": ["เผยแพร่ข้อมูล"],
         "components": [
             {"id": "measures", "title": "มาตรการเผยแพร่ข้อมูลต่อสาธารณะของปีงบประมาณที่ประเมิน", "check": "keywords",
              "keywords": ["มาตรการ", "แนวทางการเผยแพร่"]},
             {"id": "owner", "title": "ผู้รับผิดชอบการเผยแพร่ข้อมูล (ชื่อ ตำแหน่ง รูปถ่าย ช่องทางการติดต่อ)",
              "check": "elements", "elements": ["name", "position", "photo", "contact"], "year": None}],
         "recommendation": "เผยแพร่มาตรการและผู้รับผิดชอบบนเว็บไซต์หลักของหน่วยงาน",
         "measure": {"name": "มาตรการเผยแพร่ข้อมูล", "steps": ["จัดทำมาตรการ", "เผยแพร่"], "owner": "งานประชาสัมพันธ์"}},
        {"id": "moit5", "key": "procurement_monthly", "sub": "2.1", "year": "current",
         "title": "สรุปผลการจัดซื้อจัดจ้างรายเดือน",
         "keywords": ["สรุปผลการจัดซื้อจัดจ้างรายเดือน", "สรุปผลการจัดซื้อจัดจ้าง"], "weak": ["จัดซื้อจัดจ้าง"],
         "components": [
             {"id": "list", "title": "สรุปผลการจัดซื้อจัดจ้างรายเดือนของปีงบประมาณที่ประเมิน", "check": "keywords",
              "keywords": ["สรุปผลการจัดซื้อจัดจ้าง", "สขร"]},
             {"id": "machine_readable", "title": "ข้อมูลในรูปแบบที่นำไปประมวลผลต่อได้", "check": "machine_readable"}],
         "recommendation": "เผยแพร่สรุปผลการจัดซื้อจัดจ้างทุกเดือนในรูปแบบที่นำไปประมวลผลต่อได้",
         "measure": {"name": "มาตรการเปิดเผยการจัดซื้อจัดจ้าง", "steps": ["สรุปรายเดือน", "เผยแพร่"], "owner": "งานพัสดุ"}},
    ],
}


@pytest.fixture(scope="module")
def user_layout(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("user-layout") / "moit-mine.yaml"
    path.write_text(yaml.safe_dump(USER_LAYOUT, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("variant", ["complete", "missing"])
def test_a_users_own_layout_file_gets_the_same_test(reports: Any, user_layout: str, variant: str):
    checklist, site, report = reports(user_layout, variant)
    assert (checklist.family, checklist.labels) == ("moph", ("moit",))
    assert [i["id"] for i in report["items"]] == ["moit1", "moit5"] and report["checklist"] == "moit-mine"
    for item in checklist.items:
        assert_item(checklist, site, report, variant, item.id)


@pytest.mark.parametrize("layout", sorted(NEWEST))
def test_generator_is_deterministic(tmp_path: Path, layout: str):
    def snapshot(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    checklist = load(layout)
    build(tmp_path / "a", checklist, "complete")
    build(tmp_path / "b", checklist, "complete")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
