"""Run every item's component checks over one crawl and compute the scores.

Score per item = 100 x satisfied components / components (0, 50 or 100); sub-indicator and
indicator scores are means of their items; OIT is the mean of all items. ``unknown`` items are
left out of the means (and said so in the report) rather than counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from oitcheck.checks.base import AuditContext, ComponentCheck, ComponentResult, Finding
from oitcheck.checks.checklist import Checklist, Item
from oitcheck.checks.eit import EitCheck, find_eit
from oitcheck.checks.elements import ElementsCheck
from oitcheck.checks.evidence import Candidate, collect
from oitcheck.checks.keywords import KeywordsCheck
from oitcheck.checks.machine_readable import MachineReadableCheck
from oitcheck.checks.matching import Matcher
from oitcheck.checks.news import NewsCheck
from oitcheck.crawl import CrawlResult

CHECKS: tuple[ComponentCheck, ...] = (KeywordsCheck(), ElementsCheck(), NewsCheck(), EitCheck(),
                                      MachineReadableCheck())


@dataclass
class ItemResult:
    item: Item
    status: str
    score: int | None
    components: list[ComponentResult]
    evidence: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class AuditOutcome:
    items: list[ItemResult]
    scores: dict[str, float | None]
    eit: dict
    context: AuditContext


def evaluate(crawl: CrawlResult, checklist: Checklist, year: int, as_of: date) -> AuditOutcome:
    matcher = Matcher(checklist)
    ctx = AuditContext(crawl=crawl, checklist=checklist, year=year, as_of=as_of,
                       candidates=collect(crawl, matcher, year))
    results = [evaluate_item(ctx, item) for item in checklist.items]
    eit = find_eit(ctx)
    eit.pop("wrong", None)
    return AuditOutcome(items=results, scores=scores(checklist, results), eit=eit, context=ctx)


def evaluate_item(ctx: AuditContext, item: Item) -> ItemResult:
    components = []
    for component in item.components:
        check = next(c for c in CHECKS if c.applies_to(component))
        components.append(check.check(ctx, item, component))
    credits = [c.credit for c in components]
    if any(c is None for c in credits):
        status, score = "unknown", None
    else:
        score = round(100 * sum(credits) / len(credits))  # type: ignore[arg-type]
        status = "pass" if score == 100 else "fail" if score == 0 else "partial"
    evidence: list[Candidate] = []
    seen: set[str] = set()
    for component in components:
        for candidate in component.evidence:
            if candidate.url not in seen:
                seen.add(candidate.url)
                evidence.append(candidate)
    findings = [f for c in components for f in c.findings]
    return ItemResult(item=item, status=status, score=score, components=components, evidence=evidence,
                      findings=findings)


def scores(checklist: Checklist, results: list[ItemResult]) -> dict[str, float | None]:
    def average(values: list[int | None]) -> float | None:
        known = [v for v in values if v is not None]
        return round(mean(known), 2) if known else None

    out: dict[str, float | None] = {}
    for sub in checklist.subs:
        out[sub] = average([r.score for r in results if r.item.sub == sub])
    for indicator in checklist.indicators:
        out[indicator] = average([r.score for r in results if r.item.indicator == indicator])
    out["oit"] = average([r.score for r in results])
    return out
