"""The Thai font report.html is set in: Sarabun (SIL OFL 1.1, ``fonts/OFL.txt``), its Thai and Latin subsets at
weights 400 and 700, embedded as data: URIs. The report stays one self-contained file that looks the same on any
machine and in its PDF, also where no Thai font is installed (there, system fonts would print boxes)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

FAMILY = "Sarabun"
# Google Fonts' subsets (as @fontsource/sarabun 5.3.0 ships them): which characters each file holds.
UNICODE_RANGES = {
    "thai": "U+02D7,U+0303,U+0331,U+0E01-0E5B,U+200C-200D,U+25CC",
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,"
             "U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
}
WEIGHTS = (400, 700)


@dataclass(frozen=True)
class FontFile:
    """One bundled woff2 file: a subset at a weight."""

    subset: str
    weight: int

    @property
    def name(self) -> str:
        return f"sarabun-{self.subset}-{self.weight}-normal.woff2"


def font_files() -> list[FontFile]:
    return [FontFile(subset, weight) for weight in WEIGHTS for subset in UNICODE_RANGES]


@lru_cache(maxsize=1)
def font_faces() -> str:
    """The @font-face rules of every bundled file, each with its file as a base64 data: URI."""
    folder = files("oitcheck.report") / "fonts"
    rules = []
    for font in font_files():
        data = base64.b64encode((folder / font.name).read_bytes()).decode("ascii")
        rules.append(f"@font-face {{ font-family: \"{FAMILY}\"; font-style: normal; font-weight: {font.weight}; "
                     f"font-display: block; src: url(data:font/woff2;base64,{data}) format(\"woff2\"); "
                     f"unicode-range: {UNICODE_RANGES[font.subset]}; }}")
    return "\n".join(rules)
