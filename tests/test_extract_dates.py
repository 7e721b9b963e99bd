"""Thai dates, years and fiscal years: a labelled corpus, round-trip properties and false positives."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from oitcheck.extract.dates import (
    ENGLISH_MONTHS,
    SHORT_MONTHS,
    THAI_MONTHS,
    find_dates,
    find_years,
    format_thai_date,
    scan,
    years_of,
)

CORPUS = yaml.safe_load((Path(__file__).parent / "data/dates_corpus.yaml").read_text(encoding="utf-8"))
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def _month_iso(value: date) -> str:
    return value.isoformat()[:7]


def seen(text: str) -> dict:
    """What the extractor reads, in the corpus's own fields."""
    mentions = scan(text)

    def end(m, value):
        return value if m.kind == "year" else (value.isoformat() if m.kind == "date" else _month_iso(value))

    return {
        "dates": [m.date.isoformat() for m in mentions if m.kind == "date"],
        "months": [_month_iso(m.date) for m in mentions if m.kind == "month"],
        "years": sorted(years_of(mentions)),
        "fiscal_years": sorted({m.fiscal_year for m in mentions if m.kind in ("date", "month")}),
        "ranges": [[end(m, m.value), end(m, m.through)] for m in mentions if m.through is not None],
    }


def test_corpus_is_broad():
    formats = Counter(entry["format"] for entry in CORPUS)
    assert len(CORPUS) >= 300
    assert len([f for f in formats if f != "false_positive"]) >= 12
    assert formats["false_positive"] >= 50


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{i}-{e['format']}" for i, e in enumerate(CORPUS)])
def test_corpus_string(entry):
    got = seen(entry["text"])
    expected = {key: entry.get(key, []) for key in got}
    assert got == expected, entry["text"]


def test_spans_are_the_text_as_written():
    text = "ประกาศ ณ วันที่ ๑๐ มี.ค. ๖๘ เรื่อง แผน ปีงบ 68"
    date_mention, year_mention = scan(text)
    assert date_mention.text == "๑๐ มี.ค. ๖๘" == text[date_mention.start:date_mention.end].strip()
    assert date_mention.date == date(2025, 3, 10)
    assert (year_mention.kind, year_mention.value, year_mention.label) == ("year", 2568, "fiscal")


# --- round trips: any date rendered in any supported format reads back --------------------------------
def _thai_full(d: date) -> str:
    return f"{d.day} {THAI_MONTHS[d.month][0]} {d.year + 543}"


RENDERERS = {
    "full_be": _thai_full,
    "abbr_be": lambda d: f"{d.day} {SHORT_MONTHS[d.month - 1]} {d.year + 543}",
    "abbr_two_digit_glued": lambda d: f"{d.day} {SHORT_MONTHS[d.month - 1]}{(d.year + 543) % 100:02d}",
    "abbr_no_final_dot": lambda d: f"{d.day} {SHORT_MONTHS[d.month - 1][:-1]} {(d.year + 543) % 100:02d}",
    "thai_digits": lambda d: f"วันที่ {_thai_full(d)}".translate(THAI_DIGITS),
    "weekday_be": lambda d: f"วัน{WEEKDAYS[d.weekday()]}ที่ {d.day} {THAI_MONTHS[d.month][0]} พ.ศ. {d.year + 543}",
    "day_month_word": lambda d: f"ณ วันที่ {d.day} เดือน{THAI_MONTHS[d.month][0]} พุทธศักราช {d.year + 543}",
    "date_time": lambda d: f"{_thai_full(d)}, 09:30น.",
    "wordpress_ce": lambda d: f"{THAI_MONTHS[d.month][0]} {d.day}, {d.year}",
    "thai_month_ce": lambda d: f"{d.day} {THAI_MONTHS[d.month][0]} {d.year}",
    "iso": lambda d: f"{d.isoformat()}T09:30:00+07:00",
    "numeric_be": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year + 543}",
    "numeric_dots": lambda d: f"ลงวันที่ {d.day}.{d.month}.{(d.year + 543) % 100:02d}",
    "english": lambda d: f"{d.day} {ENGLISH_MONTHS[d.month - 1].title()} {d.year}",
    "english_us": lambda d: f"{ENGLISH_MONTHS[d.month - 1][:3].title()} {d.day}, {d.year}",
    "file_name": lambda d: f"ประกาศ_{d.year}{d.month:02d}{d.day:02d}.pdf",
}
DATES = st.dates(min_value=date(1997, 10, 1), max_value=date(2036, 12, 31))
CONTEXT = st.sampled_from(["", "ข่าวประชาสัมพันธ์ ", "ประกาศเมื่อ ", "(", "โพสต์: ", "| อ่าน 12 ครั้ง | "])


@settings(max_examples=400, deadline=None)
@given(day=DATES, style=st.sampled_from(sorted(RENDERERS)), before=CONTEXT, after=CONTEXT)
def test_any_date_in_any_format_reads_back(day, style, before, after):
    text = f"{before}{RENDERERS[style](day)} {after}"
    assert [m.date for m in find_dates(text)] == [day], text
    assert find_years(text) == {day.year + 543}


@settings(max_examples=200, deadline=None)
@given(first=DATES, days=st.integers(1, 400), style=st.sampled_from(["full_be", "abbr_be", "thai_digits"]))
def test_a_period_reads_back_as_one_range(first, days, style):
    last = first + timedelta(days=days)
    text = f"({RENDERERS[style](first)} - {RENDERERS[style](last)})"
    start, end = find_dates(text)
    assert (start.date, start.through, end.date) == (first, last, last)
    assert start.in_range and end.in_range


@settings(max_examples=200, deadline=None)
@given(first=DATES, length=st.integers(1, 27), shared=st.booleans())
def test_day_and_month_ranges_share_the_last_year(first, length, shared):
    if shared:  # "1 - 15 ตุลาคม 2567": the days share month and year
        last = first.replace(day=min(first.day + length, 28)) if first.day < 28 else first
        if last == first:
            return
        text = f"ระหว่างวันที่ {first.day} - {last.day} {THAI_MONTHS[first.month][0]} {first.year + 543}"
        dates = [m.date for m in find_dates(text)]
        assert dates == [first, last], text
    else:  # "ต.ค. - มี.ค. 2568": the first month takes its year from the second
        end = date(first.year + (1 if first.month > 6 else 0), (first.month + 5) % 12 + 1, 1)
        text = f"({SHORT_MONTHS[first.month - 1]} - {SHORT_MONTHS[end.month - 1]} {end.year + 543})"
        months = [m.date for m in scan(text) if m.kind == "month"]
        assert months == [first.replace(day=1), end], text


@settings(max_examples=200, deadline=None)
@given(year=st.integers(2545, 2579), style=st.sampled_from([
    "ประจำปีงบประมาณ พ.ศ.{y}", "ปีงบ {yy}", "ปีงบประมาณ {ty}", "พ.ศ.. {y}", "แผนปฏิบัติการ ประจำปี {y}",
    "งบประมาณ พ.ศ. {y}", "ITA-{y}", "ครั้งที่ 3/{y}"]))
def test_year_labels_read_back(year, style):
    text = style.format(y=year, yy=year % 100, ty=str(year).translate(THAI_DIGITS))
    assert find_years(text) == {year}, text
    assert find_dates(text) == []


@settings(max_examples=200, deadline=None)
@given(first=st.integers(2545, 2575), span=st.integers(1, 20), style=st.sampled_from([
    "{a}-{b}", "(พ.ศ. {a} – {b})", "พ.ศ. {a} ถึง พ.ศ. {b}", "ปีงบประมาณ {a}-{b}", "{a} - {bb}"]))
def test_year_ranges_are_expanded(first, span, style):
    last = first + span
    text = "แผนพัฒนาท้องถิ่น " + style.format(a=first, b=last, bb=last % 100)
    assert find_years(text) == set(range(first, last + 1)), text


# --- false positives: numbers that only look like dates --------------------------------------------
PHONE_SHAPES = ("02-{a3}-{b4}", "02 {a3} {b4}", "0-{a4}-{b4}", "0 {a4} {b4}", "0{n2}-{a3}-{b3}", "0{n2} {a3} {b3}",
                "0{m2}-{a3}-{b4}", "0{m2}{a3}{b4}", "0{n2}-{a3}-{b3} ต่อ {a3}", "+66 {n1} {a3} {b4}")


@settings(max_examples=300, deadline=None)
@given(shape=st.sampled_from(PHONE_SHAPES), a=st.integers(0, 9999), b=st.integers(0, 9999),
       n=st.integers(32, 77), m=st.sampled_from([61, 62, 63, 64, 65, 80, 81, 82, 84, 86, 89, 91, 95, 98]),
       label=st.sampled_from(["โทร. ", "โทรศัพท์ ", "โทรสาร ", "Tel: ", "ติดต่อ ", ""]))
def test_phone_numbers_are_not_dates_or_years(shape, a, b, n, m, label):
    text = label + shape.format(a3=f"{a % 1000:03d}", a4=f"{a:04d}", b3=f"{b % 1000:03d}", b4=f"{b:04d}",
                                n2=n, n1=n % 10, m2=m)
    assert scan(text) == [], text


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(2540, 2600), unit=st.sampled_from(["บาท", "คน", "ราย", "หน้า", "ไร่", "เมตร", "ครั้ง",
                                                               "ล้านบาท", "ชิ้น", "เครื่อง", "คะแนน"]),
       thousands=st.booleans())
def test_quantities_are_not_years(amount, unit, thousands):
    number = f"{amount:,}" if thousands else str(amount)
    text = f"จำนวน {number} {unit}"
    assert find_years(text) == set() and find_dates(text) == [], text


@pytest.mark.parametrize("text", [
    "งบประมาณ 2,568,000 บาท", "ราคากลาง 1,250,000.00 บาท", "ISBN 978-616-2568-12-3", "ISBN: 974-2566-01-7",
    "เวลา 10.30 น.", "ร้อยละ 25.68", "มาตรา 25/1", "93.82 คะแนน", "เลขที่โครงการ 68019123456", "เลขที่ 25/68 หมู่ 3",
    "รหัสไปรษณีย์ 51000", "ข้อ 10.3.68", "1/2", "ทะเบียน กข 2568 ลำพูน", "ก.ค.ศ. กำหนด", "ตามมติ ก.พ. ในการประชุม",
])
def test_numbers_that_name_nothing(text):
    assert scan(text) == [], text


@pytest.mark.parametrize("text, year", [
    ("ครั้งที่ 1/2568", 2568), ("คำสั่งที่ 123/2568", 2568), ("ประกาศ ฉบับที่ 5/2567", 2567),
    ("ที่ ลพ 52301/2568", 2568), ("ตามมติ ก.พ. ครั้งที่ 3/2567", 2567),
])
def test_order_numbers_name_a_year_but_no_date(text, year):
    assert find_years(text) == {year} and find_dates(text) == []


def test_laws_cited_are_not_what_a_document_is_for():
    text = "คู่มือการปฏิบัติงาน ตามพระราชบัญญัติการอำนวยความสะดวก พ.ศ. 2558 ประจำปีงบประมาณ พ.ศ. 2568"
    assert find_years(text) == {2558, 2568}
    assert find_years(text, fiscal=True) == {2568}
    assert find_years("ระเบียบกระทรวงมหาดไทย ว่าด้วยการรับเรื่องร้องเรียน พ.ศ. 2552", fiscal=True) == set()


def test_fiscal_reading_moves_october_to_the_next_year():
    assert find_years("สขร.1 เดือนตุลาคม 2567") == {2567}
    assert find_years("สขร.1 เดือนตุลาคม 2567", fiscal=True) == {2568}
    assert find_years("รายงานรอบ 6 เดือน (1 ต.ค. 67 - 31 มี.ค. 68)", fiscal=True) == {2568}


def test_format_thai_date():
    assert format_thai_date(date(2025, 3, 15)) == "15 มี.ค. 2568"


# --- pythainlp: what we take from it, and a cross-check where it is right ---------------------------
def test_digit_conversion_agrees_with_pythainlp():
    from pythainlp.util import thai_digit_to_arabic_digit

    from oitcheck.extract.thai import thai_digits_to_arabic

    for entry in CORPUS:
        assert thai_digits_to_arabic(entry["text"]) == thai_digit_to_arabic_digit(entry["text"])


@settings(max_examples=200, deadline=None)
@given(day=DATES)
def test_month_name_dates_agree_with_pythainlp_strptime(day):
    """thai_strptime is right for month names (it mis-reads numeric months 10-12 and Thai digits, so
    the grammar is our own): it is an independent oracle for that format."""
    from pythainlp.util import thai_strptime

    text = _thai_full(day)
    assert thai_strptime(text, "%d %B %Y").date() == find_dates(text)[0].date == day
