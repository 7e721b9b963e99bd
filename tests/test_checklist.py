"""The checklist data: complete, valid, and failing loudly when broken."""

from __future__ import annotations

import pytest

from oitcheck.checks.base import check_names
from oitcheck.checks.checklist import available, checklist_dir, load, parse
from oitcheck.errors import BadInput


def test_ita_2568_has_all_28_items_in_order():
    checklist = load("ita-2568")
    assert [item.id for item in checklist.items] == [f"o{n}" for n in range(1, 29)]
    assert checklist.pass_mark == 85
    assert set(checklist.subs) == {"9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"}
    for item in checklist.items:
        assert item.keywords and item.recommendation and item.measure.steps
        assert all(c.check in check_names() for c in item.components)


def test_two_component_items_match_the_spec():
    checklist = load("ita-2568")
    two = {item.id for item in checklist.items if len(item.components) == 2}
    assert two == {"o1", "o4", "o6", "o12", "o16", "o21"}
    o4 = checklist.item("o4")
    assert [c.check for c in o4.components] == ["news", "eit"]
    assert o4.components[1].year is None  # an explicit null switches the item's year rule off


def test_messages_cover_every_finding_code():
    messages = load("ita-2568").messages.section("findings")
    for code in ("missing", "broken_link", "wrong_year", "stale", "missing_element", "not_machine_readable",
                 "qr_missing", "qr_wrong_target", "soft_404", "deep_link", "unreadable_document", "external_host"):
        assert messages[code].strip()


def _minimal(**item):
    base = {"id": "o1", "sub": "9.1", "title": "t", "keywords": ["k"], "recommendation": "r",
            "components": [{"id": "a", "title": "a"}], "measure": {"name": "m", "steps": ["s"], "owner": "o"}}
    base.update(item)
    return {"id": "x", "title": "x", "indicators": {"9": "i"}, "subs": {"9.1": "s"}, "items": [base]}


@pytest.mark.parametrize("change, words", [
    ({"id": "12"}, "not an item id"),
    ({"id": "q1"}, "'labels' does not list"),
    ({"sub": "9.7"}, "not in 'subs'"),
    ({"year": "soon"}, "year"),
    ({"keywords": []}, "keywords"),
    ({"components": [{"id": "a", "title": "a", "check": "magic"}]}, "check"),
    ({"components": [{"id": "a", "title": "a", "check": "elements"}]}, "elements"),
    ({"measure": "x"}, "measure"),
])
def test_broken_checklists_name_the_field(change, words):
    with pytest.raises(BadInput, match=words):
        parse(_minimal(**change), {}, source="mine.yaml")


def test_unknown_checklist_lists_the_choices():
    with pytest.raises(BadInput, match="ita-2568"):
        load("ita-1999")


def test_bundled_layouts_are_package_data_and_the_vocabularies_are_not_layouts():
    names = available()
    assert {"ita-2568", "ita-2569"} <= set(names)
    assert not [name for name in names if name.endswith(".th")]  # dates.th, messages.th: vocabularies
    assert checklist_dir().joinpath("messages.th.yaml").is_file()


def test_a_checklist_given_as_a_path_loads_with_the_bundled_messages(tmp_path, monkeypatch):
    mine = tmp_path / "mine.yaml"
    mine.write_text(checklist_dir().joinpath("ita-2568.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for given in (str(mine), "mine.yaml"):
        checklist = load(given)
        assert checklist.id == "ita-2568" and len(checklist.items) == 28 and checklist.messages.section("findings")
    with pytest.raises(BadInput, match="ita-2568"):
        load("missing.yaml")


def test_the_2569_layout_is_released_with_26_items_and_says_what_is_not_known_of_its_scoring():
    checklist = load("ita-2569")
    assert checklist.draft is False and checklist.scoring and checklist.sources
    assert [item.id for item in checklist.items] == [f"o{n}" for n in range(1, 27)]
    assert any("การนำผลการประเมิน ITA" in item.title for item in checklist.items)
