"""The grammar of Thai dates: its vocabulary (``checklists/dates.th.yaml``) and the regular expressions
built from it, which ``oitcheck.extract.dates`` runs in order.

Apart from the scanner so that a pattern can be read (and changed) in one place, next to the words it is
made of; tests/test_extract_dates.py and its labelled corpus say whether a change still reads every format.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Any

import yaml


# --- vocabulary (data: checklists/dates.th.yaml) -------------------------------------------------------
def _load_vocabulary() -> dict[str, Any]:
    """The words of ``checklists/dates.th.yaml``: kept apart from the code so a spelling is added as data."""
    vocabulary = files("oitcheck.checklists").joinpath("dates.th.yaml")  # package data: works when installed
    return yaml.safe_load(vocabulary.read_text(encoding="utf-8"))


_WORDS: dict[str, Any] = _load_vocabulary()
THAI_MONTHS: dict[int, tuple[str, ...]] = {int(k): tuple(v) for k, v in _WORDS["months"].items()}
SHORT_MONTHS: tuple[str, ...] = tuple(_WORDS["short_months"])
ENGLISH_MONTHS: tuple[str, ...] = tuple(_WORDS["english_months"])

_MONTH_KEYS: dict[str, int] = {}
for _number, _names in THAI_MONTHS.items():
    _MONTH_KEYS.update((name, _number) for name in _names)
for _number, _abbr in enumerate(SHORT_MONTHS, 1):
    _MONTH_KEYS[_abbr.replace(".", "")] = _number
for _number, _name in enumerate(ENGLISH_MONTHS, 1):
    _MONTH_KEYS[_name] = _number
    _MONTH_KEYS[_name[:3]] = _number
_MONTH_KEYS["sept"] = 9


def month_number(token: str) -> int | None:
    """The month (1-12) a month name or abbreviation names, however dotted and spaced; None if none."""
    key = re.sub(r"[\s.]", "", token).lower()
    return _MONTH_KEYS.get(key)


def _words(key: str) -> str:
    """An alternation of literal words from the vocabulary, longest first."""
    return "|".join(re.escape(w) for w in sorted(_WORDS[key], key=len, reverse=True))


def _patterns(key: str) -> str:
    """An alternation of the vocabulary's regular expressions."""
    return "|".join(_WORDS[key])


def _abbr_pattern(abbr: str) -> str:
    """``มี.ค.`` also written ``มี.ค``, ``มี. ค.``, ``มี .ค.``; the final dot is optional."""
    parts = [p for p in abbr.split(".") if p]
    return r"\s?\.\s?".join(parts) + r"\.?"


_FULL = "|".join(sorted((n for names in THAI_MONTHS.values() for n in names), key=len, reverse=True))
_ABBR = "|".join(_abbr_pattern(a) for a in sorted(SHORT_MONTHS, key=len, reverse=True))
_BARE_ABBR = "|".join(a.replace(".", "") for a in sorted(SHORT_MONTHS, key=len, reverse=True))
_ENGLISH = "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + "|sept|" + "|".join(m[:3] for m in ENGLISH_MONTHS)
_THAI_LETTER = "\u0e01-\u0e4e"
# A dotted abbreviation must not sit inside a longer abbreviation (ก.ค.ศ. is a commission, not July);
# undotted ones (มีค) only stand alone before a number.
_MONTH_FIRST = "".join(sorted({k[0] for k in _MONTH_KEYS} | {k[0].upper() for k in _MONTH_KEYS}))
# Patterns open with a look-ahead on their first character: the engine then skips most positions at
# once instead of trying every alternative there (3-5x faster on Thai text).
_MONTH = (rf"(?=[{_MONTH_FIRST}])(?:{_FULL}|(?<![{_THAI_LETTER}.])(?:{_ABBR})(?!\.?[{_THAI_LETTER}])"
          rf"|(?<![{_THAI_LETTER}])(?:{_BARE_ABBR})(?=\s?\d)"
          rf"|(?<![A-Za-z])(?i:{_ENGLISH})(?![A-Za-z]))\.?")
# พ.ศ., ค.ศ. (CE), พ.ศ.., พุทธศักราช, ปี พ.ศ., ปี
_BE = r"(?:(?:ปี\s?)?(?:พุทธศักราช|(?<![\u0e01-\u0e2e]\.)(?:พ|ค)\s?\.?\s?ศ\s?\.{0,2})\s?|ปี\s?)"
_YEAR = r"(?:\d{4}|\d{2})(?![\d])(?![.,:/]\d)"
_YSEP = r"(?:\s*,\s*|[_\-]|\s*)"  # between month and year: "ต.ค. 67", "ธันวาคม, 2568", "ธันวาคม-2566.pdf"
SEP = f"(?:{_words('range_separators')})"
UNITS = re.compile(rf"\s?(?:{_patterns('units')})", re.I)
LAW = re.compile(rf"(?:{_patterns('laws')})[^\n]{{0,120}}$")
NOT_LAW = re.compile(rf"{_words('not_laws')}|\d{{1,2}}\s?(?:{_FULL})")

# --- patterns, in the order they claim text ---------------------------------------------------------
ISO = re.compile(r"(?=[12])(?<![\d\-/.])(?P<y>(?:19|20|25)\d{2})-(?P<m>0?[1-9]|1[0-2])-(?P<d>0?[1-9]|[12]\d|3[01])"
                 r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d\-])")
# A day starts a number of its own (not 1.5 or 2566-10), and is not a form number glued to letters
# (สขร.1 ม.ค. 68 is the form สขร.1 for January), except after ลว. (ลงวันที่).
_DAY_START = r"(?=\d)(?<![\d])(?<!\d[./:\-])(?:(?<=ลว\.)|(?<![ก-ฮ]\.)(?<![ก-ฮ]))"
DAY_RANGE = re.compile(rf"{_DAY_START}(?P<d1>[0-3]?\d)\s*(?P<sep>{SEP}|และ)\s*(?P<d>[0-3]?\d)\s*(?:เดือน\s*)?"
                       rf"(?P<m>{_MONTH})\s*,?\s*{_BE}?\s*(?P<y>{_YEAR})")
WP_CE = re.compile(rf"(?P<m>{_MONTH})\s*(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s*,\s*(?P<y>\d{{4}})(?!\d)")
DATE = re.compile(rf"{_DAY_START}(?P<d>[0-3]?\d)(?:st|nd|rd|th)?[\s_\-]*(?:เดือน\s*)?(?P<m>{_MONTH})"
                  rf"(?:{_YSEP}{_BE}?\s*(?P<y>{_YEAR}))?")
COMPACT = re.compile(r"(?<=[_\-/])(?P<y>19[89]\d|20[0-3]\d|25[4-7]\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])"
                     r"(?=[_\-./]|$)")  # ประกาศ_20241105.pdf
NUMERIC = re.compile(r"(?=\d)(?<![\d/.\-:])(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>\d{4}|\d{2})"
                     r"(?![\d/\-]|[.,]\d)")
NUMERIC_CUE = re.compile(rf"(?:{_words('numeric_date_cues')})\s*:?\s*$", re.I)
MONTH_YEAR = re.compile(rf"(?P<m>{_MONTH})(?:{_YSEP}{_BE}?\s*(?P<y>{_YEAR}))?")
PHONE = re.compile(r"(?=[0+])(?<![\d])(?:\+?66[\s\-]?\d{1,2}|0\d{1,2}|0)[\s\-]?\d{3,4}[\s\-]?\d{3,4}(?!\d)"
                   r"(?:\s?(?:ต่อ|ext\.?)\s?\d{1,5})?", re.I)
ISBN = re.compile(r"ISBN(?:-1[03])?\s*:?\s*[\dXx][\d\s\-]{8,16}[\dXx]|(?<!\d)97[89]-\d{1,5}-\d{1,7}-\d{1,7}-[\dXx]",
                  re.I)
MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
FISCAL_LABELS = set(_WORDS["year_labels"]["fiscal"])
_YEAR_LABELS = "|".join(re.escape(w) for w in sorted(FISCAL_LABELS | set(_WORDS["year_labels"]["plain"]), key=len,
                                                     reverse=True))
LABELLED_YEAR = re.compile(
    rf"(?P<label>{_YEAR_LABELS})\s?\.?\s*(?:{_BE}\s*)?(?P<y>\d{{4}}|\d{{2}})"
    rf"(?:\s*{SEP}\s*(?:ปีงบประมาณ|ปี)?\s*(?:{_BE}\s*)?(?P<y2>\d{{4}}|\d{{2}}))?(?!\d)(?![.,]\d)")
BE_YEAR = re.compile(rf"(?=[ปพค])(?P<label>{_BE})\s*(?P<y>\d{{4}}|\d{{2}})"
                     rf"(?:\s*{SEP}\s*(?:{_BE}\s*)?(?P<y2>\d{{4}}|\d{{2}}))?(?!\d)(?![.,]\d)")
ORDER = re.compile(r"(?=\d)(?<![\d/.\-])\d{1,6}\s?/\s?(?P<y>25[4-9]\d)(?![\d/])(?![.,]\d)")
PLATE = re.compile(rf"(?:{_words('plates')})\s*\d?\s?[ก-ฮ]{{1,3}}\s?-?\s?\d{{1,4}}")
BARE_YEAR = re.compile(rf"(?=2)(?<![\d,.\-/:])(?<!ว)(?<!ว\s)(?P<y>25[4-9]\d)(?:\s*{SEP}\s*(?P<y2>25[4-9]\d|\d{{2}}))?"
                       r"(?!\d)(?![.,]\d)")
CE_IN_PATH = re.compile(r"(?:ita|oit)[-_ ]?(?:online[-_ ]?)?(?P<y>20[12]\d|25[4-9]\d)(?!\d)", re.I)
BETWEEN_RANGE = re.compile(rf"\s*{SEP}\s*(?:วันที่)?\s*")
