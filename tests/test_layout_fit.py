"""Which layout a site's own ITA pages follow (oitcheck.checks.layout_fit): suggested when it clearly beats
the layout the audit used."""

from __future__ import annotations

from pathlib import Path

import yaml

from oitcheck.checks.checklist import load
from oitcheck.checks.layout_fit import fit, site_texts, suggest
from oitcheck.records import CrawlResult
from tests.checks.records import HOME, at, home, link, page


def site(rows: list[str]) -> CrawlResult:
    """A homepage linking an ITA index page whose rows are ``rows`` (each with an evidence link)."""
    index = page(at("ita/"), "การเปิดเผยข้อมูลสาธารณะ (OIT)",
                 [link(at(f"ita/{n}.pdf"), "ดาวน์โหลด", row=text) for n, text in enumerate(rows)])
    return CrawlResult(start_url=HOME, pages=[home([link(at("ita/"), "ITA")]), index])


def rows_of(layout: str, prefix: str = "O") -> list[str]:
    return [f"{prefix}{item.number} {item.title}" for item in load(layout).items]


def test_a_site_still_numbered_the_2568_way_is_told_so_when_audited_on_2569():
    crawl = site(rows_of("ita-2568"))
    suggestion = suggest(crawl, load("ita-2569"), [load("ita-2568"), load("ita-2569")])
    assert suggestion is not None and (suggestion.checklist, suggestion.reason) == ("ita-2568", "numbering")
    assert suggestion.fit.agreeing == 28 and suggestion.used.agreeing < 14  # o1-o9 read the same in both


def test_a_site_numbered_the_way_of_its_layout_gets_no_suggestion():
    crawl = site(rows_of("ita-2569"))
    assert suggest(crawl, load("ita-2569"), [load("ita-2568"), load("ita-2569")]) is None
    # and a later year's numbering is never suggested for an earlier assessment year
    assert suggest(crawl, load("ita-2568"), [load("ita-2568"), load("ita-2569")]) is None


def _hospital_layout(tmp_path: Path) -> Path:
    """A small MOIT-like layout of the user's own: another kind of agency, items labelled "MOIT n"."""
    base = load("ita-2568")
    items = [{"id": f"moit{n}", "from": item.id, "key": f"moit_{item.key}"} for n, item in
             enumerate((base.item(i) for i in ("o12", "o17", "o18", "o23", "o25", "o26")), start=1)]
    path = tmp_path / "moit-mine.yaml"
    path.write_text(yaml.safe_dump({"id": "moit-mine", "title": "MOIT", "extends": "ita-2568", "year": 2568,
                                    "family": "moph", "labels": ["moit"], "items": items}, allow_unicode=True),
                    encoding="utf-8")
    return path


def test_a_hospital_publishing_moit_items_is_pointed_to_its_layout(tmp_path: Path):
    moit = load(str(_hospital_layout(tmp_path)))
    crawl = site([f"MOIT {item.number} {item.title}" for item in moit.items])
    suggestion = suggest(crawl, load("ita-2568"), [load("ita-2568"), moit])
    assert suggestion is not None and (suggestion.checklist, suggestion.reason) == ("moit-mine", "kind")
    assert suggestion.fit.agreeing == 6 and suggestion.used.agreeing == 0  # "MOIT 1" is no "O1"


def test_labels_the_used_layout_cannot_read_point_to_their_layout_even_with_titles_cut_short(tmp_path: Path):
    """Hospital menus carry "MOIT22 หน่วยงานมีแนวปฏิบัติ..." or a bare "MOIT1": the label is the evidence."""
    moit = load(str(_hospital_layout(tmp_path)))
    crawl = site([f"MOIT{n}" for n in range(1, 5)])
    suggestion = suggest(crawl, load("ita-2568"), [load("ita-2569"), moit])
    assert suggestion is not None and (suggestion.checklist, suggestion.items, suggestion.fit.agreeing) == (
        "moit-mine", 4, 0)


def test_phone_numbers_and_times_on_a_hospital_site_never_suggest_the_o_numbered_layouts(tmp_path: Path):
    moit = load(str(_hospital_layout(tmp_path)))
    crawl = site(["โทร. 042-339744", "เปิด 08:00 - 16:30 น.", "O5", "O6", "O7", "O8 ดาวน์โหลด"])
    assert suggest(crawl, moit, [load("ita-2568"), load("ita-2569")]) is None


def test_a_few_stray_labels_are_not_a_layout(tmp_path: Path):
    moit = load(str(_hospital_layout(tmp_path)))
    assert suggest(site(["MOIT 1", "MOIT 2", "MOIT 3"]), load("ita-2568"), [moit]) is None
    # an agency's own "O" labels that its layout's words do not back (phone numbers, dates) suggest nothing
    assert suggest(site(["โทร. 042-339744", "O1", "O2", "O3", "O4", "O5", "O6"]), load("ita-2569"),
                   [load("ita-2568")]) is None


def test_a_label_counts_only_where_the_layouts_own_words_name_that_item():
    texts = ["o11 สรุปผลการจัดซื้อจัดจ้างรายเดือน", "o12 สรุปผลการจัดซื้อจัดจ้างรายเดือน", "o10-o11 e-service",
             "o5 ข่าวประชาสัมพันธ์"]
    assert (fit(texts, load("ita-2569")).agreeing, fit(texts, load("ita-2568")).agreeing) == (1, 1)
    assert fit(texts, load("ita-2569")).labelled == 3  # o11, o12, o5: a row naming two items says nothing


def test_site_texts_are_distinct_and_skip_menu_headings():
    crawl = site(["O1 โครงสร้าง", "O1 โครงสร้าง"])
    assert site_texts(crawl).count("o1 โครงสร้าง") == 1


def test_a_college_numbered_o1_to_o37_is_pointed_to_the_vocational_layout():
    crawl = site(rows_of("ita-vec-2568"))
    suggestion = suggest(crawl, load("ita-2568"), [load(c) for c in ("ita-2569", "moit-2568", "ita-vec-2568")])
    assert suggestion is not None and (suggestion.checklist, suggestion.reason) == ("ita-vec-2568", "kind")
    assert suggestion.fit.agreeing >= 2 * suggestion.used.agreeing
