"""Thai dates and years in free text: full dates, month-years, fiscal-year labels, ranges.

Years decide half the items (wrong fiscal year, stale news), and Thai pages write them in many ways:
BE and CE years, Thai digits, two-digit years, abbreviated months with and without dots, weekday
prefixes, WordPress's Thai month with a CE year, ISO timestamps, ranges of days, months and years.
pythainlp's ``thai_strptime`` mis-reads numeric months 10-12 and Thai digits, so this is a small grammar
of our own. It must also leave alone the numbers that only look like years: order numbers
(``ครั้งที่ 1/2568`` names 2568 but no date), phone numbers, money, quantities and ISBNs.

Every mention keeps its span in the original text (Thai digits map one to one onto Arabic ones).
The words and the patterns built from them are in ``date_patterns``; this module runs them over a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from oitcheck.extract.date_patterns import (
    BARE_YEAR,
    BE_YEAR,
    BETWEEN_RANGE,
    CE_IN_PATH,
    COMPACT,
    DATE,
    DAY_RANGE,
    FISCAL_LABELS,
    ISBN,
    ISO,
    LABELLED_YEAR,
    LAW,
    MONEY,
    MONTH_YEAR,
    NOT_LAW,
    NUMERIC,
    NUMERIC_CUE,
    ORDER,
    PHONE,
    PLATE,
    SEP,
    SHORT_MONTHS,
    UNITS,
    WP_CE,
    month_number,
)

# The month names are importable from here too, as before date_patterns.py.
from oitcheck.extract.date_patterns import ENGLISH_MONTHS as ENGLISH_MONTHS
from oitcheck.extract.date_patterns import THAI_MONTHS as THAI_MONTHS
from oitcheck.extract.thai import thai_digits_to_arabic
from oitcheck.fiscal import MAX_BE, MIN_BE, be_year, calendar_year, fiscal_year, fiscal_years_between

MAX_SPAN = 20  # the longest plan is the 20-year national strategy (พ.ศ. 2561 - 2580)


@dataclass(frozen=True)
class Mention:
    """One date, month or year named in a text, with its span.

    ``value`` is a ``date`` for kinds ``date`` and ``month`` (a month is its first day) and a BE year for
    kind ``year``. ``in_range`` marks one end of a period; ``label`` says how a year was written
    (``fiscal`` for ปีงบประมาณ, ``be`` for พ.ศ., ``order`` for ครั้งที่ 1/2568, ``cited`` for the year of a
    law, ``path`` for ita2023 in a URL, ``bare``).
    """

    kind: str
    text: str
    start: int
    end: int
    value: date | int
    in_range: bool = False
    label: str = ""
    through: date | int | None = field(default=None, compare=False)  # the far end, for ranges

    @property
    def date(self) -> date:
        assert isinstance(self.value, date)
        return self.value

    @property
    def year(self) -> int:
        """The BE calendar year named."""
        return calendar_year(self.value) if isinstance(self.value, date) else self.value

    @property
    def fiscal_year(self) -> int:
        """The fiscal year a date or month falls in; a year as written for kind ``year``."""
        return fiscal_year(self.value) if isinstance(self.value, date) else self.value


class _Claims:
    """Which characters a pattern already took: later, weaker patterns never re-read them."""

    def __init__(self, size: int) -> None:
        self.taken = bytearray(size)

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)


def scan(text: str) -> list[Mention]:
    """Every date, month-year and year named in ``text``, in order of appearance."""
    original = text or ""
    text = thai_digits_to_arabic(original)
    claims = _Claims(len(text))
    found: list[Mention] = []
    for window in _windows(text):
        _scan_window(text, window, claims, found)
    found.sort(key=lambda m: m.start)
    mentions = _link_ranges(text, found)
    if text is not original:  # show the span as written (๑๐ มี.ค. ๖๘), not as converted
        mentions = [replace(m, text=original[m.start:m.end].strip()) for m in mentions]
    return mentions


_DIGITS = re.compile(r"\d+")
_BEFORE, _AFTER = 60, 30  # the longest reach of a mention before and after its first and last digit


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` near digits: every mention holds a digit, and prose without any is most
    of a page, so only these are scanned."""
    windows: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        start, end = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _scan_window(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    _iso_dates(text, window, claims, found)
    _day_ranges(text, window, claims, found)
    _written_dates(text, window, claims, found)
    _numeric_dates(text, window, claims, found)
    _month_years(text, window, claims, found)
    for noise in (PHONE, ISBN, MONEY, PLATE):
        for m in noise.finditer(text, *window):
            if claims.free(m.start(), m.end()):
                claims.take(m.start(), m.end())
    _years(text, window, claims, found)


def _mention(text: str, kind: str, start: int, end: int, value: date | int, **extra: object) -> Mention:
    return Mention(kind, text[start:end].strip(), start, end, value, **extra)  # type: ignore[arg-type]


def _day(year_be: int | None, month: int | None, day: int) -> date | None:
    if year_be is None or month is None or not MIN_BE <= year_be <= MAX_BE:
        return None
    try:
        return date(year_be - 543, month, day)
    except ValueError:
        return None


def _year_of(written: str | None) -> int | None:
    """A BE year from a written year; two-digit years are taken for 2540-2579 only."""
    if not written:
        return None
    value = int(written)
    if len(written) == 2 and not 40 <= value <= 79:
        return None
    if len(written) == 3:
        return None
    year = be_year(value)
    return year if MIN_BE <= year <= MAX_BE else None


def _iso_dates(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    """``2025-03-10T09:30:00+07:00`` (also with a BE year), and ``_20241105.pdf`` in file names."""
    for pattern in (ISO, COMPACT):
        for m in pattern.finditer(text, *window):
            value = _day(be_year(int(m["y"])), int(m["m"]), int(m["d"]))
            if value and claims.free(m.start(), m.end()):
                claims.take(m.start(), m.end())
                found.append(_mention(text, "date", m.start(), m.end(), value, label="iso"))


def _day_ranges(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    """``1 - 15 ต.ค. 67`` (a period) and ``3 และ 5 มี.ค. 68`` (two dates) share one month and year."""
    for m in DAY_RANGE.finditer(text, *window):
        year, month = _year_of(m["y"]), month_number(m["m"])
        first, last = _day(year, month, int(m["d1"])), _day(year, month, int(m["d"]))
        if not (first and last and first < last and claims.free(m.start(), m.end())):
            continue
        claims.take(m.start(), m.end())
        is_range = m["sep"] != "และ"
        found.append(_mention(text, "date", m.start(), m.start("sep"), first, in_range=is_range,
                              through=last if is_range else None))
        found.append(_mention(text, "date", m.start("d"), m.end(), last, in_range=is_range))


def _written_dates(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    """``10 พฤศจิกายน 2568``, ``ธันวาคม 19, 2025``, and ``1 ต.ค.`` with no year (one end of a range,
    given its year when the ranges are joined, else dropped)."""
    for pattern in (WP_CE, DATE):
        for m in pattern.finditer(text, *window):
            month, written, day = month_number(m["m"]), m["y"], int(m["d"])
            if month is None or not 1 <= day <= 31 or not claims.free(m.start(), m.end()):
                continue
            if written is None:
                value, label = _day(2563, month, day), "no_year"  # a leap year, so 29 ก.พ. survives
            else:
                value = _day(_year_of(written), month, day)
                label = "ce" if len(written) == 4 and int(written) < 2400 else ""
            if value is not None:
                claims.take(m.start(), m.end())
                found.append(_mention(text, "date", m.start(), m.end(), value, label=label))
            elif (year := _year_of(written)) is not None:  # 31 เม.ย. 2568: no such day, but the year is named
                claims.take(m.start(), m.end())
                found.append(_mention(text, "year", m.start("y"), m.end(), year, label="bad_date"))


def _numeric_dates(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    """``10/03/2568``, ``1.10.67`` after ``วันที่``; day first, as Thai forms write it."""
    for m in NUMERIC.finditer(text, *window):
        written = m["y"]
        if len(written) == 2 and not NUMERIC_CUE.search(text[max(0, m.start() - 20):m.start()]):
            continue
        if len(written) == 4 and not written.startswith(("25", "19", "20")):
            continue
        day, month = int(m["d"]), int(m["m"])
        if month > 12 and day <= 12 and len(written) == 4 and int(written) < 2400:
            day, month = month, day  # 12/25/2025, a US-style CE date
        value = _day(_year_of(written), month, day)
        if value and claims.free(m.start(), m.end()):
            claims.take(m.start(), m.end())
            found.append(_mention(text, "date", m.start(), m.end(), value, label="numeric"))


def _month_years(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    """``ตุลาคม 2567``, ``ต.ค.64``, and a bare month left for a following range to date."""
    for m in MONTH_YEAR.finditer(text, *window):
        month = month_number(m["m"])
        if month is None or not claims.free(m.start(), m.end()):
            continue
        if m["y"] is None:
            if re.match(rf"\s*{SEP}", text[m.end():m.end() + 12]):
                claims.take(m.start(), m.end())
                found.append(_mention(text, "month", m.start(), m.end(), date(1, month, 1), label="no_year"))
            continue
        value = _day(_year_of(m["y"]), month, 1)
        if value:
            claims.take(m.start(), m.end())
            found.append(_mention(text, "month", m.start(), m.end(), value))


def _years(text: str, window: tuple[int, int], claims: _Claims, found: list[Mention]) -> None:
    for pattern, label in ((LABELLED_YEAR, "fiscal"), (BE_YEAR, "be"), (ORDER, "order"), (BARE_YEAR, "bare"),
                           (CE_IN_PATH, "path")):
        for m in pattern.finditer(text, *window):
            if not claims.free(m.start(), m.end()):
                continue
            first = _year_of(m["y"])
            if first is None or (label == "fiscal" and len(m["y"]) == 4 and int(m["y"]) < 2400):
                continue
            kind_label = label
            if ((label == "fiscal" and m["label"] == "งบประมาณ") or label in ("bare", "order")) \
                    and UNITS.match(text, m.end()):
                continue  # งบประมาณ 2568 บาท, 2567 คน: amounts, not years
            if label == "fiscal" and m["label"] not in FISCAL_LABELS:
                kind_label = "year"
            last = _range_end(first, m.groupdict().get("y2"))
            claims.take(m.start(), m.end())
            if last is not None:
                end_first = m.start("y") + len(m["y"])
                found.append(_mention(text, "year", m.start(), end_first, first, in_range=True, label=kind_label,
                                      through=last))
                found.append(_mention(text, "year", m.start("y2"), m.end(), last, in_range=True, label=kind_label))
                continue
            end = m.start("y") + len(m["y"])
            if label == "be" and _cited(text, m.start()):
                kind_label = "cited"
            found.append(_mention(text, "year", m.start(), end, first, label=kind_label))


def _range_end(first: int, written: str | None) -> int | None:
    """The last year of ``2566-2570`` or ``2566 - 70``; None when the second number is no year after the first."""
    if not written:
        return None
    last = first // 100 * 100 + int(written) if len(written) == 2 else _year_of(written)
    return last if last is not None and first < last <= first + MAX_SPAN else None


def _cited(text: str, start: int) -> bool:
    """``พ.ร.บ. ข้อมูลข่าวสารของราชการ พ.ศ. 2540``: the year of a law cited, not what the page is for."""
    before = text[max(0, start - 130):start]
    law = LAW.search(before)
    return bool(law) and not NOT_LAW.search(before[law.start():])


def _link_ranges(text: str, found: list[Mention]) -> list[Mention]:
    """Join ``A - B`` into periods, giving a yearless first end its year from the second."""
    out: list[Mention] = []
    i = 0
    while i < len(found):
        first = found[i]
        second = found[i + 1] if i + 1 < len(found) else None
        if (second and first.kind in ("date", "month") and second.kind in ("date", "month")
                and not first.in_range and second.label != "no_year"
                and BETWEEN_RANGE.fullmatch(text, first.end, second.start)):
            start_value = first.value
            if first.label == "no_year":
                assert isinstance(start_value, date) and isinstance(second.value, date)
                year = second.value.year - (1 if (start_value.month, start_value.day) > (second.value.month,
                                                                                         second.value.day) else 0)
                start_value = _safe_replace_year(start_value, year)
            if start_value is not None and start_value <= second.value:  # type: ignore[operator]
                out.append(replace(first, value=start_value, in_range=True, label="", through=second.value))
                out.append(replace(second, in_range=True))
                i += 2
                continue
        if first.label != "no_year":
            out.append(first)
        i += 1
    return out


def _safe_replace_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:
        return None


# --- what the rules ask ------------------------------------------------------------------------------
def find_dates(text: str) -> list[Mention]:
    """Full dates (day, month, year) named in ``text``, in order of appearance."""
    return [m for m in scan(text) if m.kind == "date"]


def find_years(text: str, fiscal: bool = False) -> set[int]:
    """Every BE year ``text`` names: years, labels, ranges (expanded), and the years of dates and months.

    With ``fiscal``, the years the text is *about*, as year rules compare them: a date or month counts as
    the fiscal year it falls in (ต.ค. 2567 is FY 2568) and the years of laws cited are left out.
    """
    return years_of(scan(text), fiscal)


def years_of(mentions: list[Mention], fiscal: bool = False) -> set[int]:
    years: set[int] = set()
    for m in mentions:
        if fiscal and m.label == "cited":
            continue
        if m.kind == "year":
            if m.through is not None:
                years.update(range(m.value, m.through + 1))  # type: ignore[arg-type,operator]
            years.add(m.value)  # type: ignore[arg-type]
        elif fiscal:
            if m.through is not None:
                years.update(fiscal_years_between(m.date, m.through))  # type: ignore[arg-type]
            years.add(fiscal_year(m.date))
        else:
            years.add(m.year)
    return {y for y in years if MIN_BE <= y <= MAX_BE}


def format_thai_date(day: date) -> str:
    """``15 มี.ค. 2568``: how Thai staff read dates (BE year, abbreviated month)."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {calendar_year(day)}"
