"""Matching real wording: keywords on word boundaries, real spellings of the items, negative evidence."""

from __future__ import annotations

import pytest

from oitcheck.checks.checklist import load
from oitcheck.checks.matching import Matcher, contains_any
from oitcheck.checks.results import ComponentState
from oitcheck.extract.thai import normalise
from tests.checks.records import at, page, real_page, run_check, site


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load("ita-2568"))


def named(matcher: Matcher, text: str) -> str | None:
    match = matcher.identify(text)
    return match.item.id if match else None


def test_explore_services_is_not_e_service() -> None:
    """PhichaiHospital's template hero button "Explore Services": "exploreservices" contains "eservice"
    only across a word boundary, so the template page is not the E-Service evidence."""
    crawl = site(real_page("phichai-home.html"), page(at("services.html"), "Services - Medicio Bootstrap Template"))
    result = run_check(crawl, "o10")
    assert result.state == ComponentState.FAIL
    assert not any(c.url.endswith("services.html") for c in result.evidence)


@pytest.mark.parametrize("text, item", [
    ("Explore Services", None), ("Book Appointment", None), ("newsletter", None), ("Newsroom", None),
    ("E-Service", "o10"), ("ระบบ e-services", "o10"), ("E Service ออนไลน์", "o10"), ("eservice", "o10"),
    ("ข่าวประชาสัมพันธ์ News", "o4"),
])
def test_latin_keywords_match_whole_words(matcher: Matcher, text: str, item: str | None) -> None:
    assert named(matcher, text) == item


@pytest.mark.parametrize("text, found", [
    ("ประกาศ", True), ("ประกาศ เจตนารมณ์", True), ("ประกาศิต", False), ("เอกสารเผยแพร่", False),
])
def test_thai_keywords_never_split_a_character_cluster(text: str, found: bool) -> None:
    """Thai keeps space-free comparison, but a keyword cannot end before its last consonant's vowel
    (ประกาศ|ิต) nor begin after a leading vowel (เ|อกสาร names no "อกสาร")."""
    assert bool(contains_any(normalise(text), ("ประกาศ", "อกสาร"))) is found
