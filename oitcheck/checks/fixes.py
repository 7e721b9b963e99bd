"""What fixing each item is worth: the OIT score after fixing that item alone, and how much work the fix is.

Staff have weeks, not months, before the assessment: the fix list is ranked by the score a fix gains, then by
effort (a dead link is quicker to mend than a missing document to write). The OIT is a plain mean of the known
item scores, so fixing one item sets its score to 100 and leaves unknown items out, as ``engine.scores`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from statistics import mean

from oitcheck.checks.results import ItemResult, Severity


class Effort(StrEnum):
    """How much work a fix is, from the item's findings (the largest of them decides)."""

    QUICK = "quick"  # mend a link, re-save a file in another format
    MEDIUM = "medium"  # publish this year's or a current version, complete a page
    LARGE = "large"  # write and publish a document that does not exist

    @property
    def rank(self) -> int:
        return list(Effort).index(self)


# Findings that cost points, by the work they ask for; any other code is MEDIUM.
QUICK_CODES = frozenset({"broken_link", "soft_404", "not_machine_readable", "unlinked_row", "deep_link",
                         "external_host", "qr_missing", "qr_wrong_target", "pinned_evidence_failed",
                         "unreadable_document"})
LARGE_CODES = frozenset({"missing", "missing_other_year", "site_wide"})


@dataclass(frozen=True)
class Fix:
    """One entry of the fix list: fixing ``item_id`` alone lifts the OIT score to ``oit_after``."""

    item_id: str
    effort: Effort
    oit_after: float
    gain: float
    passes: bool  # ``oit_after`` reaches the checklist's pass mark


def average(values: list[int | None]) -> float | None:
    """The mean of the known scores, rounded as the report shows it (None when no score is known)."""
    known = [v for v in values if v is not None]
    return round(mean(known), 2) if known else None


def effort_of(result: ItemResult) -> Effort:
    """The work the item's unaccepted, point-costing findings ask for; an item failed with no such finding
    (a component judged absent) needs its document written."""
    codes = {f.code for f in result.findings if f.severity == Severity.FAIL and f.accepted is None}
    if not codes or codes & LARGE_CODES:
        return Effort.LARGE
    if codes <= QUICK_CODES:
        return Effort.QUICK
    return Effort.MEDIUM


def plan_fixes(results: list[ItemResult], pass_mark: float) -> list[Fix]:
    """Every fail or partial item not wholly accepted by staff, ranked by gain, then effort, then checklist
    order."""
    scores = [r.score for r in results]
    now = average(scores) or 0.0
    fixes: list[tuple[int, Fix]] = []
    for index, result in enumerate(results):
        if not result.status.needs_work or result.all_accepted:
            continue
        after = average([100 if i == index else s for i, s in enumerate(scores)]) or 100.0  # never None: known
        fixes.append((index, Fix(item_id=result.item.id, effort=effort_of(result), oit_after=after,
                                 gain=round(after - now, 2), passes=after >= pass_mark)))
    fixes.sort(key=lambda pair: (-pair[1].gain, pair[1].effort.rank, pair[0]))
    return [fix for _, fix in fixes]
