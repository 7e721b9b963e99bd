"""Thai text normalisation for matching.

Real sites type the same words with doubled SARA E for SARA AE, zero-width spaces, Thai digits and
stray spaces; matching must see through all of that, so every text is compared in this one form.
"""

from __future__ import annotations

import functools
import importlib
import re

from pythainlp import thai_tonemarks
from pythainlp.util import normalize as _pythainlp_normalize
from pythainlp.util import remove_dup_spaces, remove_zw

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")


_THAI_DIGIT = re.compile("[๐-๙]")


def thai_digits_to_arabic(text: str) -> str:
    """Thai digits to Arabic, one for one (spans stay valid); translate is slow on Thai, so only if needed."""
    return text.translate(_THAI_DIGITS) if _THAI_DIGIT.search(text) else text


_MEMO_CHARS = 400  # link texts, table rows, headings: the same menu words recur on every page of a site


def normalise(text: str | None) -> str:
    """Lowercase, Thai digits to Arabic, pythainlp's character repairs, single spaces."""
    if not text:
        return ""
    return _normalise_short(text) if len(text) <= _MEMO_CHARS else _normalise(text)


def _repairs() -> tuple[re.Pattern[str], ...]:
    """Where pythainlp's ``normalize`` would change a text after its space steps: each of its later steps is a
    substitution, and a text none of their patterns matches comes out as it went in. Ten searches are a sixth
    of the cost of its twenty-odd substitutions (``(ch *)+ch`` for each vowel is one back-reference here), and
    most texts need none. Empty (every text through ``normalize``) if this pythainlp keeps them elsewhere."""
    try:
        module = importlib.import_module("pythainlp.util.normalize")
        patterns = [module._RE_REMOVE_SPACES_BEFORE_NONBASE.pattern,  # noqa: SLF001 - its own patterns, read
                    *(pattern for pattern, _ in module._REORDER_PAIRS),  # noqa: SLF001
                    f"([{module._NOREPEAT_CHARS}]) *\\1",  # noqa: SLF001 - a vowel or sign repeated
                    f"[{thai_tonemarks}]{{2}}",  # a run of tone marks (its last one is kept)
                    module._RE_REMOVE_DANGLINGS.pattern,  # noqa: SLF001
                    module._RE_REMOVE_DANGLINGS_AFTER_SPACE.pattern]  # noqa: SLF001
        return tuple(re.compile(pattern) for pattern in patterns)
    except (AttributeError, TypeError, ValueError, re.error):
        return ()


_REPAIRS = _repairs()


def thai_repairs(text: str) -> str:
    """pythainlp's ``normalize`` (zero-width characters, doubled spaces, vowel order, repeated marks), the same
    result, without its substitutions when none of them applies."""
    spaced = remove_dup_spaces(remove_zw(text))
    if _REPAIRS and not any(pattern.search(spaced) for pattern in _REPAIRS):
        return spaced
    return _pythainlp_normalize(text)


def _normalise(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    text = thai_repairs(text)
    text = thai_digits_to_arabic(text).lower()
    return _SPACE.sub(" ", text).strip()


_normalise_short = functools.lru_cache(maxsize=65536)(_normalise)


def clean_space(text: str | None) -> str:
    """Collapse white space without changing characters: for text shown to people."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text or "")).strip()


# Thai glyph variants that PDF fonts map into the Private Use Area (the Windows/Apple Thai font layout):
# shifted and lowered vowels and tone marks, and consonants without their descender.
_PUA_THAI = {
    0xF700: "\u0e10", 0xF70F: "\u0e0d", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47",
    **{0xF701 + i: chr(0x0E34 + i) for i in range(4)},  # ิ ี ึ ื shifted left
    **{0xF705 + i: chr(0x0E48 + i) for i in range(5)},  # ่ ้ ๊ ๋ ์ low left
    **{0xF70A + i: chr(0x0E48 + i) for i in range(5)},  # ่ ้ ๊ ๋ ์ low
    **{0xF713 + i: chr(0x0E48 + i) for i in range(5)},  # ่ ้ ๊ ๋ ์ left
    **{0xF718 + i: chr(0x0E38 + i) for i in range(3)},  # ุ ู ฺ low
}
# Marks and following vowels never begin a Thai word, so a space before one is an extraction artefact
# ("ก ารประชุม", "ค ํ าน ํ า").
_SPACE_BEFORE_MARK = re.compile("[ \t]+([\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])")


def repair_extracted(text: str) -> str:
    """Repair Thai text as PDF and OCR extraction leave it: Private Use Area glyphs mapped back, spaces
    before vowels and tone marks removed, then pythainlp's normalisation (SARA AM from NIKHAHIT + SARA AA,
    doubled vowels, mark order). Returns text people can read and rules can match."""
    if not text:
        return ""
    text = text.translate(_PUA_THAI)
    text = _SPACE_BEFORE_MARK.sub(r"\1", text)
    return thai_repairs(text)
