"""Thai text normalisation for matching.

Real sites type the same words with doubled SARA E for SARA AE, zero-width spaces, Thai digits and
stray spaces; matching must see through all of that, so every text is compared in this one form.
"""

from __future__ import annotations

import re

from pythainlp.util import normalize as _pythainlp_normalize

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")


_THAI_DIGIT = re.compile("[๐-๙]")


def thai_digits_to_arabic(text: str) -> str:
    """Thai digits to Arabic, one for one (spans stay valid); translate is slow on Thai, so only if needed."""
    return text.translate(_THAI_DIGITS) if _THAI_DIGIT.search(text) else text


def normalise(text: str | None) -> str:
    """Lowercase, Thai digits to Arabic, pythainlp's character repairs, single spaces."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text)
    text = _pythainlp_normalize(text)
    text = thai_digits_to_arabic(text).lower()
    return _SPACE.sub(" ", text).strip()


def clean_space(text: str | None) -> str:
    """Collapse white space without changing characters: for text shown to people."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text or "")).strip()
