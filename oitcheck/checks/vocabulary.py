"""The checks' words for what a page or a link is, read from ``checklists/pages.th.yaml``.

Thai phrasing on real sites varies without end; keeping the phrases as data lets a new spelling be
added (and judged by ``make eval``) without touching the rules that use them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import yaml


@cache
def _words() -> dict[str, list[str]]:
    text = files("oitcheck.checklists").joinpath("pages.th.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def pattern(name: str, *extra: str) -> re.Pattern[str]:
    """The list ``name`` as one case-insensitive alternation, in the order written, then ``extra``."""
    return re.compile("|".join([*_words()[name], *extra]), re.I)
