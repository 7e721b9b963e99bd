"""Thai dates and years in free text, and fiscal-year arithmetic.

Years decide half the items (wrong fiscal year, stale news), and Thai pages write them in many
ways: Buddhist-Era and CE years, Thai digits, two-digit years after a month or ``ปีงบ``, ranges.
pythainlp's ``thai_strptime`` mis-reads numeric months 10-12 and Thai digits, so this is a small
grammar of our own over normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from oitcheck.extract.thai import thai_digits_to_arabic

BE_OFFSET = 543
MIN_BE, MAX_BE = 2540, 2600

MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "มค": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "กพ": 2, "มีนาคม": 3, "มี.ค.": 3, "มีค": 3,
    "เมษายน": 4, "เม.ย.": 4, "เมย": 4, "พฤษภาคม": 5, "พ.ค.": 5, "พค": 5, "มิถุนายน": 6, "มิ.ย.": 6, "มิย": 6,
    "กรกฎาคม": 7, "ก.ค.": 7, "กค": 7, "สิงหาคม": 8, "ส.ค.": 8, "สค": 8, "กันยายน": 9, "ก.ย.": 9, "กย": 9,
    "ตุลาคม": 10, "ต.ค.": 10, "ตค": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "พย": 11, "ธันวาคม": 12, "ธ.ค.": 12,
    "ธค": 12,
}
# Abbreviations are also written without their final dot ("ม.ค 68") or with spaces ("ม. ค.").
_MONTH_ALTS = sorted({re.escape(m) for m in MONTHS} | {re.escape(m.rstrip(".")) for m in MONTHS if "." in m},
                     key=len, reverse=True)
_MONTH = "(?P<month>" + "|".join(_MONTH_ALTS) + ")"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?:พ\s*\.?\s*ศ\s*\.*\s*)?(?P<year>\d{4}|\d{2})(?!\d)"

_THAI_DATE = re.compile(rf"(?<![\d./]){_DAY}\s*{_MONTH}\s*,?\s*{_YEAR}")
_MONTH_YEAR = re.compile(rf"(?<![\u0e00-\u0e7f]){_MONTH}\s*{_YEAR}")
_ISO = re.compile(r"(?<!\d)(?P<year>20\d{2}|25\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d])")
_NUMERIC = re.compile(r"(?<![\d/.])(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>25\d{2}|20\d{2})(?![\d/])")
_WP_CE = re.compile(rf"{_MONTH}\s+(?P<day>[0-3]?\d),\s*(?P<year>20\d{{2}})")

_RANGE_BEFORE = re.compile(r"(?:-|–|—|ถึง|จนถึง)\s*$")
_RANGE_AFTER = re.compile(r"\s*(?:-|–|—|ถึง|จนถึง)\s*\d")
_YEAR_BE = re.compile(r"(?<!\d)(?<!\d[,.])(25[4-9]\d)(?![\d,])")
_YEAR_RANGE = re.compile(r"(?<!\d)(?<!\d[,.])(25[4-9]\d)\s*(?:-|–|—|ถึง)\s*(25[4-9]\d|\d{2})(?![\d,])")
_SHORT_FY = re.compile(r"(?:ปีงบประมาณ|ปีงบ\.?|พ\.ศ\.?|ปี)\s*\.*\s*(\d{2})(?![\d])")
_CE_IN_PATH = re.compile(r"(?:ita|oit)[-_ ]?(?:online[-_ ]?)?(20[12]\d)(?!\d)", re.I)


SHORT_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def format_thai_date(day: date) -> str:
    """``15 มี.ค. 2568``: how Thai staff read dates (BE year, abbreviated month)."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year + BE_OFFSET}"


@dataclass(frozen=True)
class FoundDate:
    text: str
    date: date
    start: int = 0
    end: int = 0
    in_range: bool = False  # one end of a period ("1 ก.พ. - 30 เม.ย. 2568"), not a date something happened


def be_year(value: int) -> int:
    """A BE year from a 2- or 4-digit year as written (2-digit means 25xx; CE 4-digit converted)."""
    if value < 100:
        return 2500 + value
    if value < 2400:
        return value + BE_OFFSET
    return value


def _valid(year_be: int, month: int, day: int) -> date | None:
    if not MIN_BE <= year_be <= MAX_BE:
        return None
    try:
        return date(year_be - BE_OFFSET, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Full dates named in ``text`` (day, month, year), in order of appearance."""
    text = thai_digits_to_arabic(text or "")
    found = [m for m in _dated_mentions(text) if _is_full_date(text[m[0]:m[1]])]
    return [FoundDate(text[start:end].strip(), day, start, end, _in_range(text, start, end))
            for start, end, day in sorted(found)]


def _in_range(text: str, start: int, end: int) -> bool:
    return bool(_RANGE_BEFORE.search(text[max(0, start - 30):start]) or _RANGE_AFTER.match(text[end:end + 30]))


def _is_full_date(span: str) -> bool:
    return bool(_THAI_DATE.match(span) or _WP_CE.match(span) or _ISO.match(span) or _NUMERIC.match(span))


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def find_years(text: str, fiscal: bool = False) -> set[int]:
    """Every BE year ``text`` names: 4-digit BE years, ranges (expanded), ``ปีงบ 68``, dates.

    With ``fiscal``, a date or month ("ต.ค. 2567") counts as the fiscal year it falls in (2568),
    which is what year rules compare; without, as its calendar year (what the text literally says).
    """
    text = thai_digits_to_arabic(text or "")
    years: set[int] = set()
    spans: list[tuple[int, int]] = []
    for found in _dated_mentions(text):
        start, end, day = found
        spans.append((start, end))
        years.add(fiscal_year(day) if fiscal else fiscal_year_calendar_be(day))
    if spans:  # blank the dated mentions so their years are not read again as plain years
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    for m in _YEAR_RANGE.finditer(text):
        first, last = int(m.group(1)), be_year(int(m.group(2)))
        if first <= last <= first + 10:
            years.update(range(first, last + 1))
    years.update(int(y) for y in _YEAR_BE.findall(text))
    years.update(be_year(int(y)) for y in _SHORT_FY.findall(text))
    years.update(be_year(int(y)) for y in _CE_IN_PATH.findall(text))
    return {y for y in years if MIN_BE <= y <= MAX_BE}


def _dated_mentions(text: str) -> list[tuple[int, int, date]]:
    """Spans of full dates and month-year mentions (a month-year counts as the month's first day)."""
    mentions: list[tuple[int, int, date]] = []
    for pattern in (_THAI_DATE, _WP_CE, _ISO, _NUMERIC):
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _ in mentions):
                continue
            month_text = m.group("month")
            month = MONTHS.get(month_text) or MONTHS.get(month_text + ".") or _int(month_text)
            if not month or not 1 <= month <= 12:
                continue
            value = _valid(be_year(int(m.group("year"))), month, int(m.group("day")))
            if value:
                mentions.append((m.start(), m.end(), value))
    for m in _MONTH_YEAR.finditer(text):
        if any(s <= m.start() < e or s < m.end() <= e for s, e, _ in mentions):
            continue
        month = MONTHS.get(m.group("month")) or MONTHS.get(m.group("month") + ".")
        value = _valid(be_year(int(m.group("year"))), month, 1) if month else None
        if value:
            mentions.append((m.start(), m.end(), value))
    return mentions


def fiscal_year_calendar_be(day: date) -> int:
    """The BE calendar year of a date (used when a page names a date, e.g. '10 มี.ค. 68' names 2568)."""
    return day.year + BE_OFFSET


def fiscal_year(day: date) -> int:
    """The Thai fiscal year (BE) a date falls in: FY N runs 1 Oct (N-1) to 30 Sep N."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year_be``."""
    return date(year_be - BE_OFFSET - 1, 10, 1), date(year_be - BE_OFFSET, 9, 30)


def year_rule_satisfied(rule: str | None, years: set[int], ay: int) -> bool | None:
    """Whether named ``years`` satisfy a year rule for assessment year ``ay``; None when no years named.

    ``range`` needs a multi-year span covering AY (expanded ranges name AY among 3+ years).
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
