"""Identify which checklist item a piece of text names.

Labels are typed every which way (``O12``, ``o12``, ``012``, ``0 12``, ``OIT 12``, ``o-12``,
``o๑๒``) and a label alone proves nothing (older layouts numbered items differently), so an item is
named by its strong keywords, or by its label together with one of its weak keywords. The longest
matching keyword wins, which separates look-alikes such as the o14 plan and the o15 report.

Keywords are compared with spaces removed (Thai spacing is arbitrary), but a match must begin and end
on a word boundary of the text as written: never inside a Latin word or a number ("Explore Services"
does not name E-Service), and never inside a Thai character cluster (a keyword cannot end before a
vowel or tone mark that belongs to its last consonant, nor begin after a leading vowel).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from oitcheck.checks.checklist import DEFAULT_LABELS, Checklist, Item
from oitcheck.extract.thai import normalise

LABEL_SHAPE = r"(?<![a-z0-9\u0e00-\u0e7f])(?:{prefixes})\s*[-–.]?\s*(\d{{1,2}})(?!\d)"
LABEL_BONUS = 50
WEAK_SCORE = 40


# Thai characters that never begin a character cluster (above/below vowels, tone marks, following
# vowels), and the leading vowels that never end one.
_CLUSTER_TAIL = frozenset("\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45"
                          "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_CLUSTER_HEAD = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_SPACES = re.compile(" +")
_FLAT_CACHE = 4096


@dataclass(frozen=True)
class Flat:
    """Normalised text with its spaces removed, remembering where they were (word boundaries)."""

    text: str
    breaks: frozenset[int]  # positions in ``text`` where a space stood before the character

    def boundary(self, i: int) -> bool:
        """Can a keyword begin or end at position ``i`` (between ``text[i-1]`` and ``text[i]``)?"""
        if i <= 0 or i >= len(self.text):
            return True
        before, after = self.text[i - 1], self.text[i]
        if after in _CLUSTER_TAIL or before in _CLUSTER_HEAD:
            return False
        if i in self.breaks:
            return True
        return not ((_latin(before) and _latin(after)) or (before.isdigit() and after.isdigit()))

    def find(self, phrase: str) -> bool:
        """Does space-free ``phrase`` occur here on word boundaries? A Latin word may end in a plural
        "s" ("e-services" names "e-service")."""
        start = self.text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if self.boundary(start) and (self.boundary(end) or (
                    _latin(phrase[-1]) and self.text[end] == "s" and self.boundary(end + 1))):
                return True
            start = self.text.find(phrase, start + 1)
        return False

    def blank(self, phrases: tuple[str, ...]) -> Flat:
        """The same text with every occurrence of ``phrases`` replaced by a separator no keyword spans."""
        text = self.text
        for phrase in phrases:
            text = text.replace(phrase, "|" * len(phrase))
        return Flat(text, self.breaks) if text != self.text else self


def _latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


@functools.lru_cache(maxsize=_FLAT_CACHE)
def flatten(normalised: str) -> Flat:
    """``normalised`` text (single spaces) as a :class:`Flat`: cached, evidence texts are read per component."""
    breaks, removed = set(), 0
    for m in _SPACES.finditer(normalised):
        breaks.add(m.start() - removed)
        removed += m.end() - m.start()
    return Flat(normalised.replace(" ", ""), frozenset(breaks))


@dataclass(frozen=True)
class Match:
    item: Item
    score: int
    labelled: bool
    keyword: str


def labels_in(normalised: str, prefixes: tuple[str, ...] = DEFAULT_LABELS) -> set[int]:
    """Item numbers written as labels (``O12``, ``MOIT 5``: a layout's ``labels``) in already-normalised text."""
    return {int(n) for n in label_pattern(prefixes).findall(normalised)}


@functools.cache
def label_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Longest prefix first, so "moit 5" is not read as "o" + "it 5"."""
    ordered = sorted(prefixes, key=len, reverse=True)
    return re.compile(LABEL_SHAPE.format(prefixes="|".join(re.escape(p) for p in ordered)))


class Matcher:
    """Names the best checklist item for a text, or None."""

    def __init__(self, checklist: Checklist) -> None:
        self.items = checklist.items
        self.labels = checklist.labels
        self._cache: dict[tuple[str, bool], Match | None] = {}
        # Every phrase of every item: a text is first tested for each as a plain substring (fast), and only the
        # items one of whose phrases it holds are scored (a site's 4,000 link texts against 28 items each).
        self._phrases = tuple(dict.fromkeys(p for item in self.items for p in (*item.keywords, *item.weak)))

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
        labels = labels_in(normalised, self.labels)
        compact = flatten(normalised)
        held = {p for p in self._phrases if p in compact.text}
        if not held:
            return None
        best: Match | None = None
        for item in self.items:
            if held.isdisjoint(item.keywords) and (item.number not in labels or held.isdisjoint(item.weak)):
                continue  # none of its phrases is in the text: no score, whatever the boundaries
            match = self._score(item, compact, labels, allow_weak)
            if match and (best is None or match.score > best.score):
                best = match
        return best

    @staticmethod
    def _score(item: Item, text: Flat, labels: set[int], allow_weak: bool) -> Match | None:
        """Score one item against space-free text (Thai spacing is arbitrary; keywords are space-free too)."""
        if contains_any(text, item.exclude):
            return None
        strong = max((k for k in item.keywords if text.find(k)), key=len, default="")
        labelled = item.number in labels
        if strong:
            return Match(item, len(strong) + (LABEL_BONUS if labelled else 0), labelled, strong)
        if labelled and allow_weak:
            weak = next((w for w in item.weak if text.find(w)), "")
            if weak:
                return Match(item, WEAK_SCORE, True, weak)
        return None


def contains_any(text: str | Flat, phrases: tuple[str, ...]) -> str:
    """The first of ``phrases`` (normalised, space-free) found on word boundaries in ``text`` (normalised,
    compared space-free), or ''."""
    flat = text if isinstance(text, Flat) else flatten(text)
    return next((p for p in phrases if flat.find(p)), "")
