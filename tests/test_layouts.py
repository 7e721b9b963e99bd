"""Layouts that extend each other (``extends``/``from``) and the layout chosen for a year and kind of agency."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oitcheck.checks.checklist import catalogue, choose, load
from oitcheck.checks.layouts import ChoiceReason
from oitcheck.checks.layouts import choose as choose_among
from oitcheck.errors import BadInput


def _child(tmp_path: Path, items: list, name: str = "mine", **top) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"id": "mine", "title": "mine", "extends": "ita-2568", "items": items, **top},
                                   allow_unicode=True), encoding="utf-8")
    return path


def test_an_item_taken_from_the_parent_is_renumbered_and_keeps_its_key_and_words(tmp_path: Path):
    mine = load(str(_child(tmp_path, [{"id": "o1", "from": "o12"}])))
    parent = load("ita-2568").item("o12")
    (item,) = mine.items
    assert (item.id, item.number, item.key) == ("o1", 1, "procurement_monthly")
    assert item.keywords == parent.keywords and item.components == parent.components
    assert item.derived_from == ("ita-2568:o12",)
    assert mine.subs == load("ita-2568").subs and mine.pass_mark == 85 and mine.parents == ("ita-2568",)


def test_merged_items_join_words_and_components_and_name_what_they_replace(tmp_path: Path):
    mine = load(str(_child(tmp_path, [{"id": "o1", "from": ["o21", "o22"], "title": "รวม"}])))
    ita = load("ita-2568")
    (item,) = mine.items
    assert item.title == "รวม" and item.key == "no_gift" and item.replaces == ("gift_report",)
    assert [c.id for c in item.components] == [c.id for c in ita.item("o21").components + ita.item("o22").components]
    assert set(ita.item("o22").keywords) <= set(item.keywords)
    assert not any(e in k for e in item.exclude for k in item.keywords)  # no part hides the other


def test_add_and_remove_edit_the_parents_words(tmp_path: Path):
    mine = load(str(_child(tmp_path, [{"id": "o1", "from": "o1", "add": {"keywords": ["ผังหน่วยบริการ"]},
                                        "remove": {"components": ["duties"], "keywords": ["ผังองค์กร"]}}])))
    (item,) = mine.items
    assert "ผังหน่วยบริการ" in item.keywords and "ผังองค์กร" not in item.keywords
    assert [c.id for c in item.components] == ["structure"]


@pytest.mark.parametrize("items, extends, words", [
    ([{"id": "o1", "from": "o99"}], "ita-2568", "has no item 'o99'"),
    ([{"id": "o1", "from": "o1"}], "ita-2400", "unknown layout 'ita-2400'"),
    ([{"id": "o1", "from": "o1"}, {"id": "o2", "from": "o1"}], "ita-2568", "share the key structure"),
    ([{"id": "o1", "from": "o1", "remove": {"components": ["nope"]}}], "ita-2568", "no component nope"),
    ([{"id": "o1", "from": "o1", "add": {"title": ["x"]}}], "ita-2568", "cannot add to 'title'"),
])
def test_a_broken_extension_names_the_file_and_the_field(tmp_path: Path, items, extends, words):
    with pytest.raises(BadInput, match=words):
        load(str(_child(tmp_path, items, extends=extends)))


def test_ita_2569_is_ita_2568_renumbered_with_two_merges_and_one_new_item():
    ita68, ita69 = load("ita-2568"), load("ita-2569")
    assert (len(ita69.items), ita69.year, ita69.draft, ita69.parents) == (26, 2569, False, ("ita-2568",))
    assert ita69.item("o11").key == ita68.item("o12").key == "procurement_monthly"
    assert ita69.item("o10").replaces == ("service_statistics",) and ita69.item("o20").replaces == ("gift_report",)
    assert ita69.item("o25").key not in {i.key for i in ita68.items}
    assert ita69.item("o25").replaces == ("integrity_measures",)
    old = {i.key for i in ita68.items}
    accounted = {i.key for i in ita69.items} | {k for i in ita69.items for k in i.replaces}
    assert old <= accounted  # every 2568 disclosure is still assessed under some 2569 item


def test_every_bundled_layout_loads_and_says_what_it_is():
    layouts = catalogue()
    assert {"ita-2568", "ita-2569"} <= {c.id for c in layouts}
    for layout in layouts:
        assert layout.year and layout.kind and layout.items
        assert len({i.key for i in layout.items}) == len(layout.items)


PUBLISHED = [("ita-2568", "general", 2568, False), ("ita-2569", "general", 2569, False),
             ("ita-2570-draft", "general", 2570, True), ("moit-2569", "moph", 2569, False)]


@pytest.mark.parametrize("family, year, expected, reason", [
    ("general", 2568, "ita-2568", ChoiceReason.YEAR),
    ("general", 2569, "ita-2569", ChoiceReason.YEAR),
    ("general", 2570, "ita-2570-draft", ChoiceReason.YEAR),  # a draft only when nothing else is for the year
    ("general", 2571, "ita-2570-draft", ChoiceReason.NEWEST_EARLIER),
    ("general", 2566, "ita-2568", ChoiceReason.OLDEST_LATER),
    ("moph", 2570, "moit-2569", ChoiceReason.NEWEST_EARLIER),
])
def test_the_layout_for_a_year_is_the_one_published_for_it_else_the_newest_earlier(family, year, expected, reason):
    choice = choose_among(family, year, PUBLISHED)
    assert (choice.checklist, choice.reason) == (expected, reason)


def test_a_released_layout_wins_over_a_draft_of_the_same_year():
    published = [*PUBLISHED, ("ita-2570", "general", 2570, False)]
    assert choose_among("general", 2570, published).checklist == "ita-2570"


def test_an_unknown_kind_of_agency_is_refused_with_the_choices():
    with pytest.raises(BadInput, match="general"):
        choose_among("police", 2569, PUBLISHED)


def test_today_a_general_agency_is_audited_on_2569_with_a_note_that_2570_has_no_layout():
    choice = choose("general", 2570)
    assert (choice.checklist, choice.reason, choice.layout_year) == ("ita-2569", ChoiceReason.NEWEST_EARLIER, 2569)
    assert choose("general", 2570, given="ita-2568").reason == ChoiceReason.GIVEN


def test_an_item_may_come_from_an_earlier_ancestor_by_its_layout_and_id(tmp_path: Path):
    grand = load(str(_child(tmp_path, [{"id": "o1", "from": "ita-2568:o27"}], extends="ita-2569")))
    assert grand.items[0].key == "integrity_measures" and grand.items[0].derived_from == ("ita-2568:o27",)
    with pytest.raises(BadInput, match="moit-2400 is not a layout other.yaml extends"):
        load(str(_child(tmp_path, [{"id": "o1", "from": "moit-2400:o1"}], "other", extends="ita-2569")))
