"""``thai_repairs`` gives exactly pythainlp's ``normalize``, skipping its substitutions when none applies: checked
on text built from the characters its rules are about (vowels, tone marks, signs in every order, spaces, newlines,
zero-width characters), on the misspellings real sites type, and against the slow path itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import normalize

from oitcheck.extract import thai
from oitcheck.extract.thai import normalise, thai_repairs

# consonants, lead/follow/above/below vowels, tone marks, signs (thanthakhat, nikhahit, yamakkan, phinthu,
# lakkhangyao), the two consonants a lakkhangyao may follow, spaces, newlines, zero-width space and joiner, Latin
ALPHABET = "กขคงดทนบมรลวสอฤฦ" "เแโใไ" "ะาำๅ" "ัิีึืุู็" "่้๊๋" "์ํ๎ฺ" "  \n\u200b\u200cab1"


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=24))
def test_the_same_as_pythainlp_on_any_text(text: str):
    assert thai_repairs(text) == normalize(text)


def test_the_misspellings_real_sites_type_are_still_repaired():
    assert thai_repairs("เเผนปฏิบัติการ") == "แผนปฏิบัติการ"  # SARA E twice for SARA AE
    assert thai_repairs("คู่มือการปฏิบัติงาน  ") == "คู่มือการปฏิบัติงาน"
    assert thai_repairs("ข้อมูลข่าวสารท ี่สำคัญ") == normalize("ข้อมูลข่าวสารท ี่สำคัญ")  # a space before a vowel
    assert thai_repairs("ดีีีี") == "ดี" and thai_repairs("นํ้า") == normalize("นํ้า")
    assert normalise("O1 โครงสร้าง\u200b") == "o1 โครงสร้าง"


def test_without_the_patterns_every_text_goes_through_pythainlp(monkeypatch):
    monkeypatch.setattr(thai, "_REPAIRS", ())
    assert thai_repairs("เเผน  งาน") == normalize("เเผน  งาน") == "แผน งาน"
