"""Identify which checklist item a piece of text names.

Labels are typed every which way (``O12``, ``o12``, ``012``, ``0 12``, ``OIT 12``, ``o-12``,
``o๑๒``) and a label alone proves nothing (older layouts numbered items differently), so an item is
named by its strong keywords, or by its label together with one of its weak keywords. The longest
matching keyword wins, which separates look-alikes such as the o14 plan and the o15 report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oitcheck.checks.checklist import Checklist, Item
from oitcheck.extract.thai import normalise

LABEL = re.compile(r"(?<![a-z0-9\u0e00-\u0e7f])(?:oit|o|0)\s*[-–.]?\s*(\d{1,2})(?!\d)")
LABEL_BONUS = 50
WEAK_SCORE = 40


@dataclass(frozen=True)
class Match:
    item: Item
    score: int
    labelled: bool
    keyword: str


def labels_in(normalised: str) -> set[int]:
    """Item numbers written as labels in already-normalised text."""
    return {int(n) for n in LABEL.findall(normalised)}


class Matcher:
    """Names the best checklist item for a text, or None."""

    def __init__(self, checklist: Checklist) -> None:
        self.items = checklist.items
        self._cache: dict[tuple[str, bool], Match | None] = {}

    def identify(self, text: str, allow_weak: bool = True) -> Match | None:
        """Cached: menus repeat the same link texts on every page of a site."""
        slot = (text, allow_weak)
        if slot not in self._cache:
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[slot] = self._identify(text, allow_weak)
        return self._cache[slot]

    def _identify(self, text: str, allow_weak: bool) -> Match | None:
        normalised = normalise(text)
        if not normalised:
            return None
        labels = labels_in(normalised)
        compact = normalised.replace(" ", "")
        best: Match | None = None
        for item in self.items:
            match = self._score(item, compact, labels, allow_weak)
            if match and (best is None or match.score > best.score):
                best = match
        return best

    @staticmethod
    def _score(item: Item, text: str, labels: set[int], allow_weak: bool) -> Match | None:
        """Score one item against space-free text (Thai spacing is arbitrary; keywords are space-free too)."""
        if contains_any(text, item.exclude):
            return None
        strong = max((k for k in item.keywords if k in text), key=len, default="")
        labelled = item.number in labels
        if strong:
            return Match(item, len(strong) + (LABEL_BONUS if labelled else 0), labelled, strong)
        if labelled and allow_weak:
            weak = next((w for w in item.weak if w in text), "")
            if weak:
                return Match(item, WEAK_SCORE, True, weak)
        return None


def contains_any(text: str, phrases: tuple[str, ...]) -> str:
    """The first of ``phrases`` (normalised, space-free) found in ``text`` (compared space-free), or ''."""
    flat = text.replace(" ", "")
    return next((p for p in phrases if p in flat), "")
