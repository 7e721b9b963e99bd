"""The MOIT layouts of units of the Office of the Permanent Secretary, MOPH (hospitals, health offices).

moit-2569 is the list a hospital publishes for 2569 (22 items in 9 indicators); moit-2568 extends it and
differs only in MOIT 13, 16 and 20 and in the years its titles name. Items that are the same disclosure as
an ITA 2568 item are built on it and keep its key. The matching cases are real hospitals' headings
(tests/fixtures/real/moit_headings.txt, each with its source).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from oitcheck.checks.checklist import load
from oitcheck.checks.matching import Matcher

FIXTURE = Path(__file__).parent / "fixtures" / "real" / "moit_headings.txt"
CHANGED_IN_2568 = {"moit13", "moit16", "moit20"}
# MOIT item -> the ITA 2568 item it is the same disclosure as (moit9 also merges o18, the channel)
SHARED = {"moit3": "o13", "moit5": "o12", "moit6": "o14", "moit9": "o17", "moit10": "o19", "moit11": "o20",
          "moit15": "o25", "moit16": "o26", "moit17": "o23", "moit18": "o24", "moit19": "o22"}
REMOVED = {"moit18": {"รายงานผลการประเมินความเสี่ยงการทุจริต"}}
YEAR = re.compile(r"25\d\d")


def _lines() -> list[tuple[str, str]]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, text = line.split("\t", 1)
            rows.append((expected, text))
    return rows


@pytest.mark.parametrize("name, year", [("moit-2569", 2569), ("moit-2568", 2568)])
def test_both_layouts_load_with_22_items_in_9_indicators(name, year):
    layout = load(name)
    assert (layout.year, layout.family, layout.labels, layout.draft) == (year, "moph", ("moit",), False)
    assert [i.id for i in layout.items] == [f"moit{n}" for n in range(1, 23)]
    assert sorted(layout.indicators, key=int) == [str(n) for n in range(1, 10)] and layout.subs.keys() == \
        layout.indicators.keys()
    groups = {ind: [i.number for i in layout.items if i.indicator == ind] for ind in layout.indicators}
    assert groups == {"1": [1, 2], "2": [3, 4, 5], "3": [6, 7, 8], "4": [9, 10, 11], "5": [12, 13], "6": [14],
                      "7": [15, 16, 17, 18, 19], "8": [20], "9": [21, 22]}
    assert layout.scoring and layout.sources and all(u.startswith("http") for u in layout.sources)
    assert all(i.recommendation and i.measure.steps and i.measure.owner for i in layout.items)


def test_2568_differs_from_2569_only_in_moit_13_16_20_and_the_years_titles_name():
    y68, y69 = load("moit-2568"), load("moit-2569")
    ignored = {"title", "derived_from", "recommendation", "measure"}
    for old, new in zip(y68.items, y69.items, strict=True):
        changed = {f.name for f in dataclasses.fields(old) if getattr(old, f.name) != getattr(new, f.name)} - ignored
        if old.id in CHANGED_IN_2568:
            assert changed, old.id
            continue
        assert not changed, (old.id, changed)
        assert (old.recommendation, old.measure) == (new.recommendation, new.measure), old.id
        if old.title != new.title:  # only where the 2569 wording names a fiscal year
            assert YEAR.search(new.title), old.id
    assert y68.item("moit20").key == "coi_training" and y69.item("moit20").key == "anticorruption_day"
    assert y68.item("moit13").key == y69.item("moit13").key == "drug_ethics"
    assert y68.item("moit16").key == y69.item("moit16").key == "anticorruption_report"


@pytest.mark.parametrize("name", ["moit-2569", "moit-2568"])
def test_items_shared_with_ita_2568_keep_its_keys_and_words(name):
    moit, ita = load(name), load("ita-2568")
    for moit_id, ita_id in SHARED.items():
        item, parent = moit.item(moit_id), ita.item(ita_id)
        assert item.key == parent.key, moit_id
        # a keyword fix in ita-2568 reaches MOIT; moit18 gives MOIT 17 the assessment report's name
        assert set(parent.keywords) - set(item.keywords) <= REMOVED.get(moit_id, set()), moit_id
    assert moit.item("moit9").replaces == ("complaint_channel",)
    assert "executives" in moit.item("moit2").replaces and moit.item("moit12").replaces == ("no_gift",)
    ita_keys = {i.key for i in ita.items}
    own = {i.key for i in moit.items} - ita_keys
    assert own >= {"publication_measures", "public_information", "procurement_plan", "staff_appraisal",
                   "ethics_training", "bribery_prevention", "drug_ethics", "asset_use", "integrity_declaration",
                   "harassment_prevention"}


@pytest.mark.parametrize("expected, text", _lines(), ids=[f"{e}:{t[:30]}" for e, t in _lines()])
def test_real_hospital_headings_name_their_moit_item(expected, text):
    match = Matcher(load("moit-2569")).identify(text)
    assert (match.item.id if match else "none") == expected


@pytest.mark.parametrize("name", ["moit-2569", "moit-2568"])
def test_every_title_names_its_own_item_with_or_without_its_label(name):
    layout = load(name)
    matcher = Matcher(layout)
    for item in layout.items:
        for text in (item.title, f"MOIT {item.number} {item.title}", f"MOIT{item.number}. {item.title}"):
            match = matcher.identify(text)
            assert match and match.item.id == item.id, (item.id, text)


@pytest.mark.parametrize("name, text, expected", [
    # look-alikes, worded as a 2568 hospital ITA app names the sub-evidence (sources14 §2)
    ("moit-2569", "แผนปฏิบัติการป้องกันปราบปรามการทุจริต", "moit15"),
    ("moit-2569", "แผนปฏิบัติการส่งเสริมคุณธรรมของชมรมจริยธรรม", "moit15"),
    ("moit-2569", "รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกัน ปราบปรามการทุจริต รอบ 6 เดือน", "moit16"),
    ("moit-2568", "รายงานติดตามแผนป้องกันทุจริต ไตรมาสที่ 2", "moit16"),
    ("moit-2569", "รายงานประเมินความเสี่ยงการทุจริต ไตรมาสที่ 2", "moit17"),
    ("moit-2569", "รายงานการปฏิบัติตามมาตรการป้องกันการทุจริต ไตรมาสที่ 4", "moit18"),
    ("moit-2569", "แนวปฏิบัติการจัดการเรื่องร้องเรียน และช่องทางการร้องเรียน", "moit9"),
    ("moit-2569", "สรุปผลการดำเนินงานเรื่องร้องเรียน ไตรมาสที่ 1", "moit10"),
    ("moit-2569", "รายงานการวิเคราะห์ผลการจัดซื้อจัดจ้างและการจัดหาพัสดุประจำปีงบประมาณ", "moit3"),
    ("moit-2569", "รายงานผลแผนจัดซื้อจัดจ้าง งบลงทุน ทุกไตรมาส", "moit4"),
    ("moit-2569", "สรุปผลการจัดซื้อจัดจ้างรายเดือน", "moit5"),
    ("moit-2569", "ประกาศรายชื่อผู้มีผลการประเมินผลการปฏิบัติราชการระดับดีเด่นและดีมาก รอบที่ 2", "moit7"),
    ("moit-2569", "หลักฐานที่แสดงถึงการอบรมให้ความรู้ด้านจริยธรรมและวินัย", "moit8"),
    ("moit-2569", "แนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของราชการ", "moit14"),
    ("moit-2569", "การเผยแพร่เจตจำนงสุจริตและนโยบายสิทธิมนุษยชน", "moit21"),
    ("moit-2569", "รายงานแนวปฏิบัติสิทธิมนุษยชนและป้องกันคุกคามทางเพศ ไตรมาสที่ 4", "moit22"),
    ("moit-2568", "หลักฐานการอบรมผลประโยชน์ทับซ้อน", "moit20"),
    ("moit-2568", "รายงานการประเมินเกณฑ์จริยธรรมการจัดซื้อจัดหา", "moit13"),
])
def test_look_alike_sub_evidence_goes_to_its_own_item(name, text, expected):
    match = Matcher(load(name)).identify(text)
    assert match and match.item.id == expected, (text, match and match.item.id)


# The short names a 2568 hospital ITA app gives the 22 items (sources14 §2: `itaTopics` shortText), as a
# site shows them in a menu or a drop-down: a label and a short form of the title.
SHORT_NAMES = ["การวางระบบเผยแพร่ข้อมูล", "การเปิดเผยข้อมูลข่าวสาร", "รายงานวิเคราะห์จัดซื้อจัดจ้าง",
               "การวางระบบจัดซื้อจัดจ้าง", "สรุปผลจัดซื้อจัดจ้างรายเดือน", "นโยบายบริหารทรัพยากรบุคคล",
               "รายงานประเมินผลปฏิบัติราชการ", "อบรมจริยธรรมและวินัย", "แนวปฏิบัติจัดการเรื่องร้องเรียน",
               "สรุปผลเรื่องร้องเรียน", "การมีส่วนร่วมของผู้มีส่วนได้ส่วนเสีย", "มาตรการป้องกันการรับสินบน",
               "ประเมินเกณฑ์จริยธรรมจัดซื้อยา", "แนวทางใช้ทรัพย์สินราชการ", "แผนป้องกันทุจริตและส่งเสริมคุณธรรม",
               "รายงานติดตามแผนป้องกันทุจริต", "ประเมินความเสี่ยงการทุจริต", "ปฏิบัติตามมาตรการป้องกันทุจริต",
               "รายงานส่งเสริมจริยธรรมข้าราชการ", "อบรมผลประโยชน์ทับซ้อน", "เผยแพร่เจตจำนงสุจริต",
               "แนวปฏิบัติเคารพสิทธิและป้องกันคุกคามทางเพศ"]


@pytest.mark.parametrize("number, short", list(enumerate(SHORT_NAMES, start=1)))
def test_a_label_and_a_short_name_name_the_item(number, short):
    match = Matcher(load("moit-2568")).identify(f"MOIT {number}: {short}")
    assert match and match.item.id == f"moit{number}", (short, match and match.item.id)
