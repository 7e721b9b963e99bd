"""Naming items from text: label variants, keywords, and look-alike items."""

from __future__ import annotations

import pytest

from oitcheck.checks.checklist import load
from oitcheck.checks.matching import Matcher, labels_in
from oitcheck.extract.thai import normalise


@pytest.fixture(scope="module")
def matcher():
    return Matcher(load("ita-2568"))


@pytest.mark.parametrize("text, number", [
    ("O12", 12), ("o12", 12), ("012", 12), ("0 12", 12), ("OIT 12", 12), ("o-12", 12), ("o๑๒", 12), ("O 3.", 3),
])
def test_label_variants(text, number):
    assert number in labels_in(normalise(text))


@pytest.mark.parametrize("text", ["2560", "10", "โทร 053-123-456 ต่อ 12"])
def test_numbers_that_are_not_labels(text):
    assert not labels_in(normalise(text)) & {12, 3}


@pytest.mark.parametrize("text, item", [
    ("O14 แผนการบริหารและพัฒนาทรัพยากรบุคคล", "o14"),
    ("O15 รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", "o15"),
    ("รายงานผลการดำเนินงานประจำปี พ.ศ. 2567", "o7"),
    ("รายงานผลการดำเนินการป้องกันการทุจริตประจำปี", "o26"),
    ("แผนปฏิบัติการป้องกันการทุจริต", "o25"),
    ("สขร.1 เดือนตุลาคม 2567", "o12"),
    ("ติดต่อเรา", "o3"),
    ("คณะผู้บริหาร", "o2"),
    ("ประกาศเจตนารมณ์ No  Gift Policy", "o21"),
    ("รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา", "o22"),
    ("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "o27"),
])
def test_items_named_by_keywords(matcher, text, item):
    match = matcher.identify(text)
    assert match is not None and match.item.id == item


def test_label_alone_is_not_enough(matcher):
    assert matcher.identify("O12 คลิกที่นี่") is None


def test_label_with_a_weak_keyword(matcher):
    match = matcher.identify("o12 ข้อมูลจัดซื้อจัดจ้าง")
    assert match is not None and match.item.id == "o12" and match.labelled


def test_plain_text_names_nothing(matcher):
    assert matcher.identify("ยินดีต้อนรับสู่เว็บไซต์") is None
