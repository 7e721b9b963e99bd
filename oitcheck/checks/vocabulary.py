"""The checks' words for what a page or a link is, read from ``checklists/pages.th.yaml``.

Thai phrasing on real sites varies without end; keeping the phrases as data lets a new spelling be
added (and judged by ``make eval``) without touching the rules that use them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def _words() -> dict[str, Any]:
    text = files("oitcheck.checklists").joinpath("pages.th.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def alternation(name: str) -> str:
    """The list ``name`` as one regular-expression alternation, in the order written."""
    return "|".join(_words()[name])


def pattern(name: str, *extra: str, flags: re.RegexFlag = re.I) -> re.Pattern[str]:
    """The list ``name`` as one pattern (case-insensitive by default), then the ``extra`` fragments."""
    return re.compile("|".join([alternation(name), *extra]), flags)


def patterns(name: str) -> dict[str, re.Pattern[str]]:
    """A mapping of lists (``service_fields``) as one pattern per key."""
    return {key: re.compile("|".join(values)) for key, values in _words()[name].items()}
