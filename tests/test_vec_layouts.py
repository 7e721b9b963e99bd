"""The vocational-college layouts (สถานศึกษาสังกัด สอศ.): ita-vec-2568 (O1-O37) and ita-vec-2569 (O1-O23).

They are built on ita-2568 (2569 on 2568), so the general ITA vocabulary is written once; these tests pin the
item lists and groups the public college sites publish, the keys they share with ita-2568, and that real
headings of college sites (tests/fixtures/real/vec_headings.txt) name the right item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oitcheck.checks.checklist import choose, load
from oitcheck.checks.layouts import ChoiceReason
from oitcheck.checks.matching import Matcher

HEADINGS = Path(__file__).parent / "fixtures" / "real" / "vec_headings.txt"


def _groups(spec: dict[str, range]) -> dict[str, str]:
    return {f"o{n}": sub for sub, numbers in spec.items() for n in numbers}


GROUPS = {
    "ita-vec-2569": _groups({"9.1": range(1, 6), "9.2": range(6, 10), "9.3": range(10, 12), "9.4": range(12, 16),
                             "9.5": range(16, 18), "10.1": range(18, 20), "10.2": range(20, 24)}),
    "ita-vec-2568": _groups({"9.1": range(1, 7), "9.2": range(7, 17), "9.3": range(17, 23), "9.4": range(23, 26),
                             "9.5": range(26, 30), "10.1": range(30, 36), "10.2": range(36, 38)}),
}

# The same disclosure as an ita-2568 item: the college item keeps its key (college id -> ita-2568 id).
SAME_AS_ITA_2568 = {
    "ita-vec-2569": {"o1": "o1", "o2": "o2", "o3": "o5", "o4": "o3", "o6": "o6", "o7": "o7", "o9": "o4", "o11": "o13",
                     "o12": "o8", "o13": "o9", "o14": "o10", "o15": "o11", "o16": "o14", "o17": "o16", "o18": "o17",
                     "o19": "o19", "o20": "o21", "o23": "o27"},
    "ita-vec-2568": {"o1": "o1", "o2": "o2", "o4": "o5", "o5": "o3", "o7": "o4", "o10": "o6", "o11": "o7", "o12": "o8",
                     "o13": "o9", "o14": "o11", "o16": "o10", "o21": "o12", "o22": "o13", "o24": "o14", "o25": "o15",
                     "o26": "o17", "o27": "o18", "o28": "o19", "o29": "o20", "o30": "o21", "o34": "o25", "o35": "o26",
                     "o36": "o27", "o37": "o28"},
}


def _headings() -> list[tuple[str, str, str]]:
    """(layout, expected item, text) from the fixture."""
    rows, layout = [], ""
    for line in HEADINGS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            layout = line.strip("[]")
            continue
        item, text = (part.strip() for part in line.split("|", 1))
        rows.append((layout, item, text))
    return rows


@pytest.mark.parametrize("layout, year, count", [("ita-vec-2569", 2569, 23), ("ita-vec-2568", 2568, 37)])
def test_the_college_layouts_load_with_their_items_and_groups(layout, year, count):
    checklist = load(layout)
    assert (checklist.year, checklist.family, len(checklist.items)) == (year, "vocational", count)
    assert [i.id for i in checklist.items] == [f"o{n}" for n in range(1, count + 1)]
    assert {i.id: i.sub for i in checklist.items} == GROUPS[layout]
    assert set(checklist.indicators) == {"9", "10"} and len(checklist.subs) == 7
    assert checklist.sources and all(u.startswith("http") for u in checklist.sources)
    assert checklist.scoring and "สอศ." in checklist.scoring  # what of the official scoring was not found
    assert all(i.recommendation and i.measure.owner for i in checklist.items)


def test_2569_rests_on_2568_and_the_general_layout():
    vec69 = load("ita-vec-2569")
    assert vec69.parents == ("ita-vec-2568", "ita-2568") and load("ita-vec-2568").parents == ("ita-2568",)
    titles = {i.id: i.title for i in vec69.items}
    assert titles["o8"].startswith("รายงานผลการประเมินตนเอง (SAR)")
    assert titles["o21"] == "การประเมินผลควบคุมภายในของสถานศึกษา"  # reading A (see the file's header)
    assert titles["o22"] == "การเสริมสร้างวัฒนธรรมองค์กรให้มีความซื่อสัตย์สุจริต"


@pytest.mark.parametrize("layout", ["ita-vec-2569", "ita-vec-2568"])
def test_items_that_are_an_ita_2568_disclosure_keep_its_key(layout):
    college, ita = load(layout), load("ita-2568")
    for college_id, ita_id in SAME_AS_ITA_2568[layout].items():
        assert college.item(college_id).key == ita.item(ita_id).key, college_id
    general = {i.key for i in ita.items}
    own = {i.key for i in college.items} - general
    expected = {"ita-vec-2569": {"sar", "related_laws", "procurement_notices", "internal_control", "integrity_culture"},
                "ita-vec-2568": {"duties", "related_laws", "qa", "social_network", "satisfaction_survey",
                                 "budget_plan", "budget_report", "procurement_plan", "procurement_notices",
                                 "hr_development", "executive_participation", "internal_control",
                                 "integrity_culture"}}
    assert own == expected[layout]


def test_2569_merges_name_the_2568_college_items_they_absorb():
    vec69, vec68 = load("ita-vec-2569"), load("ita-vec-2568")
    replaced = {k for i in vec69.items for k in i.replaces}
    assert {"duties", "social_network", "budget_plan", "budget_report", "procurement_plan", "procurement_monthly",
            "satisfaction_survey", "hr_development", "executive_participation", "anticorruption_plan",
            "anticorruption_report", "integrity_report"} <= replaced
    assert {i.key for i in vec69.items} | replaced >= {i.key for i in vec68.items} - {"qa", "complaint_channel",
                                                                                     "participation", "hr_report"}


@pytest.mark.parametrize("layout, expected, text", _headings())
def test_real_college_headings_name_the_right_item(layout, expected, text):
    match = Matcher(load(layout)).identify(text)
    assert match is not None and match.item.id == expected, (text, match and match.item.id)


def test_the_fixture_holds_enough_real_2569_headings():
    rows = [r for r in _headings() if r[0] == "ita-vec-2569"]
    assert len(rows) >= 10 and len({item for _, item, _ in rows}) >= 10


def test_a_college_audited_today_is_judged_on_its_own_layout():
    assert choose("vocational", 2569).checklist == "ita-vec-2569"
    assert choose("vocational", 2568).checklist == "ita-vec-2568"
    later = choose("vocational", 2570)
    assert (later.checklist, later.reason) == ("ita-vec-2569", ChoiceReason.NEWEST_EARLIER)
