"""The checks' words for what a page, a link or a person is, read from ``checklists/*.th.yaml``.

Thai phrasing on real sites varies without end; keeping the phrases as data lets a new spelling be
added (and judged by ``make eval``) without touching the rules that use them. ``pages.th.yaml`` holds
the words for pages and links (the default source), ``names.th.yaml`` those for people and contact data;
any other ``<source>.th.yaml`` of the checklists folder is read the same way.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def _words(source: str) -> dict[str, Any]:
    text = files("oitcheck.checklists").joinpath(f"{source}.th.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def words(name: str, source: str = "pages") -> list[str]:
    """The list ``name`` of ``<source>.th.yaml`` as written."""
    return list(_words(source)[name])


def alternation(name: str, source: str = "pages") -> str:
    """The list ``name`` as one regular-expression alternation, in the order written."""
    return "|".join(words(name, source))


def pattern(name: str, *extra: str, flags: re.RegexFlag = re.I, source: str = "pages") -> re.Pattern[str]:
    """The list ``name`` as one pattern (case-insensitive by default), then the ``extra`` fragments."""
    return re.compile("|".join([alternation(name, source), *extra]), flags)


def patterns(name: str, source: str = "pages") -> dict[str, re.Pattern[str]]:
    """A mapping of lists (``service_fields``) as one pattern per key."""
    return {key: re.compile("|".join(values)) for key, values in _words(source)[name].items()}
