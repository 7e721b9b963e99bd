"""Fiscal-year arithmetic: FY N runs 1 Oct BE N-1 .. 30 Sep BE N."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oitcheck.fiscal import (
    assessment_year,
    be_year,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_years_between,
    range_covers,
    year_rule_satisfied,
)


@pytest.mark.parametrize("day, year", [
    (date(2024, 9, 30), 2567), (date(2024, 10, 1), 2568), (date(2025, 3, 15), 2568), (date(2025, 9, 30), 2568),
    (date(2025, 10, 1), 2569), (date(2024, 12, 31), 2568), (date(2025, 1, 1), 2568),
])
def test_fiscal_year_edges(day, year):
    assert fiscal_year(day) == year == assessment_year(day)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2050, 12, 31)))
def test_every_day_lies_within_its_fiscal_years_bounds(day):
    first, last = fiscal_year_bounds(fiscal_year(day))
    assert first <= day <= last
    assert fiscal_year(first - timedelta(days=1)) == fiscal_year(day) - 1
    assert fiscal_year(last + timedelta(days=1)) == fiscal_year(day) + 1


def test_bounds_of_2568():
    assert fiscal_year_bounds(2568) == (date(2024, 10, 1), date(2025, 9, 30))


def test_written_years():
    assert (be_year(68), be_year(2025), be_year(2568)) == (2568, 2568, 2568)


def test_periods_and_spans():
    assert list(fiscal_years_between(date(2024, 10, 1), date(2025, 3, 31))) == [2568]
    assert list(fiscal_years_between(date(2024, 9, 1), date(2024, 10, 31))) == [2567, 2568]
    assert range_covers(2566, 2570, 2568) and not range_covers(2561, 2565, 2568)


@pytest.mark.parametrize("rule, years, expected", [
    (None, set(), True), ("current", set(), None), ("current", {2568}, True), ("current", {2567}, False),
    ("previous", {2567}, True), ("previous", {2568}, False), ("current_or_previous", {2567}, True),
    ("range", set(range(2566, 2571)), True), ("range", {2561, 2562, 2563, 2564, 2565}, False),
    ("current_or_range", {2568}, True),
])
def test_year_rules(rule, years, expected):
    assert year_rule_satisfied(rule, years, 2568) is expected
