"""Which layout the site's own ITA pages follow: a hospital publishing "MOIT 5 ...", a college "O29 ...",
or an agency still numbered the 2568 way is told which layout its pages fit, and how to audit with it.

A label alone proves nothing (every layout has an "O12"), so a labelled text counts for a layout only
when the layout's own wording names the item with that number there: "O11 สรุปผลการจัดซื้อจัดจ้างรายเดือน"
fits ita-2569 (whose o11 that is) and not ita-2568 (whose o12 it is). The layout that agrees on the most
item numbers is the site's; it is suggested when it clearly beats the one the audit used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from oitcheck.checks.checklist import Checklist
from oitcheck.checks.layouts import Choice
from oitcheck.checks.matching import Matcher, labels_in
from oitcheck.extract.thai import normalise
from oitcheck.records import CrawlResult

MIN_AGREEING = 5  # item numbers that must agree before a layout is suggested (a few stray "O3"s are not a layout)
# ... or, for a layout whose labels the used one cannot read ("MOIT 5" is no "O5"), item numbers labelled its way:
# hospitals often publish the labels with only the first words of a title ("MOIT22 หน่วยงานมีแนวปฏิบัติ...")
MIN_FOREIGN = 4
MARGIN = 2.0  # ... and it must agree on this many times as many numbers as the layout the audit used
MAX_TEXTS = 20_000  # distinct texts read (a huge site's menus repeat; the ITA pages come early enough)


@dataclass(frozen=True)
class LayoutFit:
    checklist: str
    agreeing: int  # distinct item numbers whose label and wording agree on the site
    labelled: int  # distinct item numbers the site labels in this layout's way


@dataclass(frozen=True)
class Suggestion:
    """A layout the site's pages fit better than the one the audit used."""

    checklist: str
    family: str
    year: int | None
    fit: LayoutFit
    used: LayoutFit
    reason: str  # "kind": a layout for another kind of agency; "numbering": an earlier year's numbering
    items: int  # the evidence: item numbers agreeing, or labelled in a way the used layout cannot read

    def to_json(self) -> dict[str, object]:
        return {"checklist": self.checklist, "family": self.family, "year": self.year, "reason": self.reason,
                "items": self.items, "agreeing": self.fit.agreeing, "labelled": self.fit.labelled,
                "used_agreeing": self.used.agreeing}


def site_texts(crawl: CrawlResult) -> list[str]:
    """The distinct normalised texts that may carry item labels: link texts, their rows and captions,
    headings and rows whose links go nowhere."""
    seen: dict[str, None] = {}
    for text in _texts(crawl):
        normalised = normalise(text)
        if normalised and normalised not in seen:
            seen[normalised] = None
            if len(seen) >= MAX_TEXTS:
                break
    return list(seen)


def _texts(crawl: CrawlResult) -> Iterator[str]:
    for page in crawl.pages:
        yield from (h.text for h in page.headings if not h.chrome)
        for link in page.links:
            yield from (link.text, link.row, link.label)
        for row in page.unlinked:
            yield from (row.text, row.row)


def fit(texts: Iterable[str], checklist: Checklist) -> LayoutFit:
    """How many of ``checklist``'s item numbers the texts label in its way and name in its words."""
    matcher, agreeing, labelled = Matcher(checklist), set(), set()
    numbers = {item.number for item in checklist.items}
    for text in texts:
        found = labels_in(text, checklist.labels) & numbers
        if len(found) != 1:  # a row naming two items ("O10-O11") says nothing of either
            continue
        (number,) = found
        labelled.add(number)
        match = matcher.identify(text, allow_weak=False)
        if match is not None and match.item.number == number:
            agreeing.add(number)
    return LayoutFit(checklist.id, len(agreeing), len(labelled))


def suggest(crawl: CrawlResult, used: Checklist, layouts: list[Checklist]) -> Suggestion | None:
    """The layout the site's labelled texts fit clearly better than ``used``, or None.

    Only a layout for another kind of agency, or for the same kind in an earlier year than ``used`` (a site
    still numbered the old way) is suggested: a later year's numbering is not the assessment year's. Among
    layouts labelled the same way, the wording must agree; a layout labelled in a way ``used`` cannot read
    (MOIT) is also suggested on its labels alone, when enough distinct item numbers carry them."""
    texts = [t for t in site_texts(crawl) if labels_in(t, _all_prefixes([used, *layouts]))]
    if not texts:
        return None
    mine = fit(texts, used)
    best: tuple[int, LayoutFit, Checklist] | None = None
    for layout in layouts:
        if layout.id == used.id or (layout.family == used.family and (layout.year or 0) >= (used.year or 0)):
            continue
        candidate = fit(texts, layout)
        # labels alone count only when they are the layout's own: "MOIT 5", never "O5" or "05", which a
        # phone number or a time ("08:00 - 16:30") also reads as
        foreign = not set(layout.labels) & set(used.labels) and all(len(p) > 1 for p in layout.labels)
        evidence = candidate.agreeing if candidate.agreeing >= MIN_AGREEING else (
            candidate.labelled if foreign and candidate.labelled >= MIN_FOREIGN else 0)
        if evidence and (best is None or evidence > best[0]):
            best = (evidence, candidate, layout)
    if best is None:
        return None
    evidence, better, layout = best
    if evidence < MARGIN * max(mine.agreeing, 1):
        return None
    reason = "kind" if layout.family != used.family else "numbering"
    return Suggestion(layout.id, layout.family, layout.year, better, mine, reason, evidence)


def _all_prefixes(layouts: list[Checklist]) -> tuple[str, ...]:
    return tuple(sorted({prefix for layout in layouts for prefix in layout.labels}))


@dataclass(frozen=True)
class LayoutUsed:
    """The layout an audit used, why, what is uncertain about it, and a better fit the site suggests: the
    lines every report opens with (``notes``, Thai)."""

    choice: Choice
    suggestion: Suggestion | None
    notes: tuple[str, ...]

    def to_json(self, checklist: Checklist) -> dict[str, object]:
        return {**self.choice.to_json(), "kind": checklist.kind, "draft": checklist.draft,
                "sources": list(checklist.sources), "scoring": checklist.scoring, "notes": list(self.notes),
                "suggested": self.suggestion.to_json() if self.suggestion else None}


def layout_used(crawl: CrawlResult | None, checklist: Checklist, choice: Choice,
                layouts: list[Checklist]) -> LayoutUsed:
    """``choice`` with its Thai notes and, when a crawl is given, the layout its pages fit better."""
    suggestion = suggest(crawl, checklist, layouts) if crawl is not None else None
    worded = checklist.messages.section("layout")
    notes = [worded.get(str(choice.reason), "").format(title=checklist.title, year=choice.year)]
    if checklist.draft:
        notes.append(worded.get("draft", ""))
    if checklist.scoring:
        notes.append(worded.get("scoring", "").format(note=checklist.scoring))
    if suggestion is not None:
        notes.append(worded.get(suggestion.reason, "").format(
            suggested=suggestion.checklist, used=checklist.id, items=suggestion.items,
            used_agreeing=suggestion.used.agreeing))
    return LayoutUsed(choice, suggestion, tuple(n for n in notes if n))
