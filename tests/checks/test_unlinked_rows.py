"""Rows without a link: an ITA index card or row that names an item but whose link goes nowhere ("#",
javascript:void(0), no href) is reported on that item, "พบหัวข้อในหน้ารวม ITA แต่ไม่มีลิงก์", without changing
the item's verdict."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from oitcheck.checks.engine import evaluate
from oitcheck.checks.results import ItemStatus, Severity
from oitcheck.extract.html import parse_page
from oitcheck.records import PageRecord
from tests.checks.records import AS_OF, YEAR, at, checklist, home, link, page, site

FIXTURE = Path(__file__).parent.parent / "fixtures" / "real" / "kpic-ita.html"
ITA = at("ita.php")


def ita_page() -> PageRecord:
    facts = parse_page(FIXTURE.read_text(encoding="utf-8"), ITA)
    return PageRecord.from_dict({**facts, "url": ITA, "final_url": ITA, "status": 200, "depth": 1})


def test_links_to_nothing_are_kept_with_the_words_around_them():
    rows = {row.heading: row for row in ita_page().unlinked}
    assert set(rows) == {"โครงสร้าง", "อำนาจหน้าที่", "ข้อมูลการติดต่อ"}  # not the menu's toggle, not the anchor
    assert rows["อำนาจหน้าที่"].text == "⚖️ ดูอำนาจหน้าที่" and rows["อำนาจหน้าที่"].href == "#"
    assert rows["ข้อมูลการติดต่อ"].href == "javascript:void(0)"
    assert [link.url for link in ita_page().links if not link.chrome] == [at("home.php")]


def test_the_item_a_dead_row_names_gets_the_finding_and_keeps_its_verdict():
    structure = page(at("about/structure.html"), "โครงสร้างและอำนาจหน้าที่",
                     main_text="โครงสร้างและอำนาจหน้าที่ของวิทยาลัย แผนผังโครงสร้างการบริหาร อำนาจหน้าที่ตามกฎหมาย")
    crawl = site(home([link(ITA, "ITA"), link(structure.url, "โครงสร้างและอำนาจหน้าที่")]), ita_page(), structure)
    outcome = evaluate(crawl, checklist(), YEAR, AS_OF)
    found = {result.item.id: result for result in outcome.items}
    rows = [f for f in found["o1"].findings if f.code == "unlinked_row"]
    assert rows and rows[0].message.startswith("พบหัวข้อในหน้ารวม ITA แต่ไม่มีลิงก์")
    assert rows[0].url == ITA and rows[0].extra["href"] == "#"
    assert any(f.code == "unlinked_row" for f in found["o3"].findings)  # ข้อมูลการติดต่อ, javascript:void(0)
    assert not any(f.code == "unlinked_row" for f in found["o2"].findings)  # its card links to a page
    # The same crawl without the dead rows: every item's verdict is the same.
    bare = site(home([link(ITA, "ITA"), link(structure.url, "โครงสร้างและอำนาจหน้าที่")]),
                dataclasses.replace(ita_page(), unlinked=()), structure)
    before = {result.item.id: result.status for result in evaluate(bare, checklist(), YEAR, AS_OF).items}
    assert {item: result.status for item, result in found.items()} == before
    assert found["o1"].status == before["o1"] == ItemStatus.PASS and rows[0].severity == Severity.INFO


def test_a_menus_dead_entries_are_not_an_index():
    menu = page(at("about.html"), "เกี่ยวกับเรา", main_text="เกี่ยวกับวิทยาลัย")
    menu = dataclasses.replace(menu, unlinked=tuple(ita_page().unlinked[:1]))  # one dead entry, no index
    outcome = evaluate(site(menu), checklist(), YEAR, AS_OF)
    assert not any(f.code == "unlinked_row" for result in outcome.items for f in result.findings)
