"""Thai fiscal-year arithmetic, in one place.

Every year in oitcheck is Buddhist Era (BE = CE + 543). The Thai fiscal year N runs from 1 October of
BE N-1 to 30 September of BE N, so FY 2568 = 2024-10-01 .. 2025-09-30; the assessment year (AY) defaults
to the fiscal year of the as-of date. Year rules (spec rule 6) compare the years evidence names with AY.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BE_OFFSET = 543
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
MIN_BE, MAX_BE = 2475, 2600  # years outside this window are not taken for years at all (2475: 1932)
YEAR_RULES = ("current", "previous", "range", "current_or_previous", "current_or_range")


def today() -> date:
    """Today in Thailand, the default as-of date: the fiscal year turns at midnight Bangkok time."""
    return datetime.now(BANGKOK).date()


def audit_dates(as_of: date | None, year: int | None) -> tuple[date, int]:
    """The as-of date (default: today in Thailand) and assessment year (default: its fiscal year) of an audit."""
    as_of = as_of or today()
    return as_of, year or assessment_year(as_of)


def be_year(value: int) -> int:
    """A BE year from a year as written: two digits mean 25xx, a 4-digit CE year is converted."""
    if value < 100:
        return 2500 + value
    if value < 2400:
        return value + BE_OFFSET
    return value


def ce_year(year_be: int) -> int:
    return year_be - BE_OFFSET


def calendar_year(day: date) -> int:
    """The BE calendar year a date falls in ('10 มี.ค. 68' names 2568)."""
    return day.year + BE_OFFSET


def fiscal_year(day: date) -> int:
    """The Thai fiscal year (BE) a date falls in: October to December belong to the next year."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def assessment_year(as_of: date) -> int:
    """The default assessment year for an as-of date: the fiscal year it falls in."""
    return fiscal_year(as_of)


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year_be``."""
    return date(ce_year(year_be) - 1, 10, 1), date(ce_year(year_be), 9, 30)


def fiscal_years_between(first: date, last: date) -> range:
    """Every fiscal year a period touches (a half-year report 1 ต.ค. 67 - 31 มี.ค. 68 touches only 2568)."""
    return range(fiscal_year(first), fiscal_year(last) + 1)


def range_covers(first: int, last: int, year_be: int) -> bool:
    """Whether a multi-year span (a 5-year plan 2566-2570) covers ``year_be``."""
    return first <= year_be <= last


def year_rule_satisfied(rule: str | None, years: set[int], ay: int) -> bool | None:
    """Whether named ``years`` satisfy a year rule for assessment year ``ay``; None when no years named.

    ``range`` needs a span covering AY: ranges are expanded by the extractor, so a span naming AY among
    its years satisfies it, as does a plain AY.
    """
    if rule is None:
        return True
    if not years:
        return None
    allowed = {
        "current": {ay},
        "previous": {ay - 1},
        "current_or_previous": {ay, ay - 1},
        "range": {ay},
        "current_or_range": {ay},
    }[rule]
    return bool(years & allowed)


def buddhist_era_date(text: str) -> str | None:
    """The error for a date written with a Buddhist-Era year (2568-03-15), a likely Thai slip: the CE date meant."""
    year, _, rest = text.partition("-")
    if not (year.isdigit() and len(year) == 4 and 2400 <= int(year) <= 2700):
        return None
    try:
        meant = date.fromisoformat(f"{int(year) - BE_OFFSET:04d}-{rest}").isoformat()
    except ValueError:
        meant = f"{int(year) - BE_OFFSET}-{rest}"
    return (f"{text!r} looks like a Buddhist-Era year ({year}); dates are written in the Christian Era: "
            f"use {meant}")


def date_warnings(as_of: date | None, year: int | None) -> list[str]:
    """Warnings for an as-of date in the future or an assessment year far from the as-of date's fiscal year:
    the audit runs, but every date rule then reads current documents as old or of the wrong year."""
    today_ = today()
    as_of_, assessed = audit_dates(as_of, year)
    lines = []
    if as_of_ > today_:
        lines.append(f"warning: --as-of {as_of_.isoformat()} is in the future (today is {today_.isoformat()}): "
                     "current documents will look out of date")
    own = fiscal_year(as_of_)
    if year is not None and year >= MIN_BE and abs(year - own) > 1:
        lines.append(f"warning: --year {year} is {abs(year - own)} years from the fiscal year of the as-of date "
                     f"{as_of_.isoformat()} ({own}): items needing that year's documents will fail; did you mean "
                     f"--year {own}?")
    return lines
