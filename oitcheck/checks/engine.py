"""Run every item's component checks over one crawl and compute the scores.

Score per item: 100 with every component satisfied, 0 with none, 50 in between; sub-indicator and
indicator scores are means of their items; OIT is the mean of all items. ``unknown`` items are
left out of the means (and said so in the report) rather than counted as zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from oitcheck.checks.accepted import with_acceptances
from oitcheck.checks.base import checks
from oitcheck.checks.checklist import Checklist, Item, catalogue
from oitcheck.checks.context import AuditContext
from oitcheck.checks.coverage import Coverage, assess
from oitcheck.checks.currency import dated, record_date
from oitcheck.checks.decisions import Decisions
from oitcheck.checks.evidence import Candidate, collect
from oitcheck.checks.fixes import average, plan_fixes
from oitcheck.checks.layout_fit import layout_used
from oitcheck.checks.layouts import Choice, ChoiceReason
from oitcheck.checks.links import ghost_pages, summarise_links
from oitcheck.checks.looked import index_rows, looked
from oitcheck.checks.matching import Matcher
from oitcheck.checks.pinned import judged_on_pin, pinned_candidates
from oitcheck.checks.results import (
    INVENTORY_CAP,
    TITLE_CHARS,
    AuditOutcome,
    ComponentResult,
    ComponentState,
    CrawlSummary,
    Dated,
    Finding,
    ItemResult,
    ItemStatus,
    OcrSummary,
    PageSeen,
    Severity,
)
from oitcheck.checks.unlinked import unlinked_rows
from oitcheck.extract.ocr import ocr_status
from oitcheck.records import Budget, CrawlResult, PageRecord, Quality

EVIDENCE_SHOWN = 5  # evidence links per item in the reports
NO_DECISIONS = Decisions()


def evaluate(crawl: CrawlResult, checklist: Checklist, year: int, as_of: date, *,
             guard: bool = True, choice: Choice | None = None, decisions: Decisions = NO_DECISIONS) -> AuditOutcome:
    """``guard``: run the coverage guard (False: judge the record as it is, for rule tests on record fragments).
    ``choice``: why ``checklist`` is the layout (None: the caller named it). ``decisions``: the agency's pinned
    evidence (an item is judged on its pin alone) and accepted findings (marked, never changing a score)."""
    matcher = Matcher(checklist)
    ctx = AuditContext(crawl=crawl, checklist=checklist, year=year, as_of=as_of,
                       candidates=collect(crawl, matcher, year))
    coverage = assess(crawl, lambda code, **values: checklist.messages.worded("coverage", code, **values)) if (
        guard) else Coverage(rendered=crawl.rendered, render_error=crawl.render_error)
    reason = unjudged_reason(ctx, coverage)
    unlinked = unlinked_rows(crawl, matcher, year, checklist.messages)
    results = [with_acceptances(judged(ctx, item, reason, unlinked.get(item.id, ()), decisions, matcher),
                                decisions, as_of) for item in checklist.items]
    rows = index_rows(ctx, matcher, unlinked)
    for result in results:
        result.looked = looked(result, rows)
    return AuditOutcome(checklist=checklist, year=year, as_of=as_of, items=results,
                        scores=scores(checklist, results), fixes=plan_fixes(results, checklist.pass_mark),
                        eit=ctx.eit,
                        homepage=Dated(*record_date(crawl.homepage, as_of)),
                        links=summarise_links(crawl, ctx.link_state, checklist.messages),
                        crawl=crawl_summary(crawl, coverage, ghost_pages(crawl, ctx.link_state)),
                        layout=layout_used(crawl, checklist, choice or Choice(
                            checklist.id, ChoiceReason.GIVEN, checklist.family, year, checklist.year), catalogue()))


def judged(ctx: AuditContext, item: Item, unjudged: str | None, unlinked: Iterable[Finding],
           decisions: Decisions, matcher: Matcher) -> ItemResult:
    """``evaluate_item``, or for a pinned item its judgement on the pinned evidence alone (``checks.pinned``):
    that evidence was fetched whatever the crawl reached, so the crawl's budgets leave it judged."""
    pin = decisions.pin_for(item.id, item.key)
    if pin is None:
        return evaluate_item(ctx, item, unjudged, unlinked)
    pinned = ctx.with_candidates(item.id, pinned_candidates(ctx, item, pin, matcher))
    result = evaluate_item(pinned, item, None, unlinked)
    plain = evaluate_item(ctx, item, unjudged, unlinked) if result.status.needs_work else None
    return judged_on_pin(pinned, result, pin, plain)


def unjudged_reason(ctx: AuditContext, coverage: Coverage) -> str | None:
    """Why a missing item cannot be called missing in this crawl, or None when the crawl can be trusted: a budget
    stopped it before it had read everything, or the coverage guard found it read too little."""
    if ctx.crawl.cut_short:
        return ctx.messages.section("budgets").get(str(Budget.TIME_LIMIT), str(Budget.TIME_LIMIT))
    if not coverage.ok:
        lead = ctx.messages.section("coverage").get("reason", "")
        return f"{lead}{coverage.problems[0].detail}"
    return None


def evaluate_item(ctx: AuditContext, item: Item, unjudged: str | None = None,
                  unlinked: Iterable[Finding] = ()) -> ItemResult:
    """``unjudged``: why components failed for want of evidence are ``unknown`` instead (``unjudged_reason``);
    ``unlinked``: the item's index rows that link to nothing, findings only (costing nothing when the item passes
    on evidence found elsewhere)."""
    registry = checks()
    components = [registry[component.check].check(ctx, item, component) for component in item.components]
    if unjudged:
        components = [undecided(ctx, c, unjudged) for c in components]
    credits = [c.credit for c in components]
    if any(c is None for c in credits):
        status, score = ItemStatus.UNKNOWN, None
    else:
        share = sum(credits) / len(credits)  # type: ignore[arg-type]
        # The assessors' reports score an item 0, 50 or 100 (report.json's contract too): an item of more than
        # two components (MOIT 2 has seven) with some but not all of them is partial, 50.
        status = ItemStatus.PASS if share == 1 else ItemStatus.FAIL if share == 0 else ItemStatus.PARTIAL
        score = {ItemStatus.PASS: 100, ItemStatus.FAIL: 0}.get(status, 50)
    evidence: list[Candidate] = []
    seen: set[str] = set()
    for component in components:
        for candidate in component.evidence:
            if candidate.url not in seen:
                seen.add(candidate.url)
                evidence.append(candidate)
    findings = [f for c in components for f in c.findings]
    severity = Severity.INFO if status == ItemStatus.PASS else Severity.FAIL
    findings += [dataclasses.replace(f, severity=severity) for f in unlinked]
    dates = {c.url: dated(ctx.record(c.url), ctx.as_of) for c in evidence[:EVIDENCE_SHOWN]}
    return ItemResult(item=item, status=status, score=score, components=components, evidence=evidence,
                      findings=findings, dates=dates)


def undecided(ctx: AuditContext, result: ComponentResult, reason: str) -> ComponentResult:
    """A component failed for want of evidence, in a crawl a budget stopped early or that read too little of the
    site, is ``unknown`` (``reason``): the evidence may sit on the pages the crawl never reached or could not
    read. Evidence that was found and failed (wrong year, broken link, missing elements) stays a failure."""
    if result.state != ComponentState.FAIL or result.evidence or any(f.code != "missing" for f in result.findings):
        return result
    finding = Finding("unknown", ctx.message("unknown", component=result.component.title, reason=reason),
                      severity=Severity.INFO)
    return ComponentResult(result.component, ComponentState.UNKNOWN, findings=[finding], rejected=result.rejected)


def scores(checklist: Checklist, results: list[ItemResult]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for sub in checklist.subs:
        out[sub] = average([r.score for r in results if r.item.sub == sub])
    for indicator in checklist.indicators:
        out[indicator] = average([r.score for r in results if r.item.indicator == indicator])
    out["oit"] = average([r.score for r in results])
    return out


def crawl_summary(crawl: CrawlResult, coverage: Coverage | None = None, ghosts: int = 0) -> CrawlSummary:
    """The crawl's counts for the report, with whether scanned pages could be read (OCR on this machine,
    pages read, documents left unread)."""
    runs = [r.doc.ocr for r in crawl.resources if r.doc is not None and r.doc.ocr is not None]
    status = "disabled" if any(run.status == "disabled" for run in runs) else ocr_status()
    ocr = OcrSummary(status=status, pages=sum(run.pages for run in runs), documents=sum(1 for run in runs if run.pages),
                     not_read=sum(1 for run in runs if not run.pages))
    return CrawlSummary(pages=len(crawl.pages), documents=sum(1 for r in crawl.resources if r.doc is not None),
                        errors=crawl.errors, duration_s=crawl.duration_s, beyond_cap=crawl.beyond_cap,
                        not_fetched=crawl.not_fetched, ocr=ocr, truncated_by=crawl.budgets_hit,
                        skipped=crawl.skipped, unfinished=crawl.unfinished, coverage=coverage or Coverage(),
                        ghost_pages=ghosts, inventory_total=len(crawl.pages), transfer=crawl.transfer,
                        inventory=tuple(PageSeen(url=page.url, status=page.status, depth=page.depth,
                                                 title=page.title[:TITLE_CHARS])
                                        for page in sorted(crawl.pages, key=_shallow_first)[:INVENTORY_CAP]),
                        partial=tuple((page.url, page.truncated) for page in crawl.pages if page.truncated),
                        unreadable=tuple((r.url, r.doc.error or r.error or "") for r in crawl.resources
                                         if r.doc is not None and r.doc.quality == Quality.UNREADABLE))


def _shallow_first(page: PageRecord) -> tuple[bool, int, str]:
    """The inventory's order: by click depth, then URL (the crawl's own order depends on timing; the cap keeps the
    pages nearest the homepage)."""
    return page.depth is None, page.depth or 0, page.url
