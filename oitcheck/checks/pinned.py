"""Pinned evidence (``oitcheck pin``): an item the agency pinned is judged only on the URL it submits in ITAS.

The assessors open the submitted URL, not the site's menus, so the item's candidates are that URL and what is
listed on it (an index page of the item's documents), and every component runs its usual check on them: a
working link, not a soft 404 or a placeholder, the right year, the elements. The score is what the assessors
would see from it. When it does not hold, ``pinned_evidence_failed`` says which URL and why; when the crawl
found passing evidence elsewhere on the site, an info finding names it (a better URL to submit).
"""

from __future__ import annotations

import dataclasses

from oitcheck.checks.checklist import Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.currency import dated
from oitcheck.checks.decisions import Pin
from oitcheck.checks.evidence import PINNED_VIA, Candidate, identify_link, link_candidate
from oitcheck.checks.judge import evidence_state, leads_home
from oitcheck.checks.matching import Match, Matcher
from oitcheck.checks.results import ComponentState, Finding, ItemResult, ItemStatus, Severity
from oitcheck.extract.documents import DOCUMENT_KINDS, kind_from_url
from oitcheck.net import canonical
from oitcheck.records import LinkState, PageRecord, ResourceRecord

LISTED_VIA = "pinned page"  # a document listed on the pinned page, named by nothing but its place there


def pinned_candidates(ctx: AuditContext, item: Item, pin: Pin, matcher: Matcher) -> list[Candidate]:
    """The pinned URL first, then the item's evidence listed on it.

    The pinned URL keeps the candidate the crawl made for it when a link named it as this item (its link text
    and row); otherwise it gets one of its own, judged by what it shows. On a pinned page, a link counts when it
    names this item, when its target names it (a document's own title), or when it leads to a document and
    names no other item: the page is the item's, by the agency's word."""
    own = {canonical(c.url): c for c in ctx.candidates.get(item.id, [])}
    record = ctx.record(pin.url)
    known = own.get(canonical(pin.url)) or (own.get(canonical(record.where)) if record is not None else None)
    if known is not None and known.found_on is not None:
        first = dataclasses.replace(known, url=pin.url, other_section=None)  # assessors open it, whatever links it
    else:
        first = Candidate(item_id=item.id, url=pin.url, via=PINNED_VIA, text="", score=0, depth=None)
    page = ctx.page(pin.url)
    listed = _listed(ctx, item, page, matcher, own) if page is not None else []
    return [first, *(c for c in listed if canonical(c.url) != canonical(pin.url))]


def _listed(ctx: AuditContext, item: Item, page: PageRecord, matcher: Matcher,
            own: dict[str, Candidate]) -> list[Candidate]:
    """The item's evidence linked from the pinned ``page`` (not its menus), best first."""
    found: dict[str, Candidate] = {}
    key = canonical(page.url)
    depth = None if page.depth is None else page.depth + 1
    for link in page.links:
        target = canonical(link.url)
        if link.chrome or not link.url.startswith(("http://", "https://")) or target in found:
            continue
        named = identify_link(link, matcher, False)
        if named is not None:
            if named[0].item.id == item.id:
                found[target] = link_candidate(link, page.url, key, depth, named)
            continue  # another item's evidence, on an index page of several
        known = own.get(target)
        if known is None and not _is_document(ctx, link.url):
            continue
        candidate = link_candidate(link, page.url, key, depth, (_match(item, known), LISTED_VIA, link.text))
        if known is not None:  # named by its own title or heading
            candidate.via, candidate.text = known.via, known.text
        found[target] = candidate
    return sorted(found.values(), key=lambda c: c.rank)


def _match(item: Item, known: Candidate | None) -> Match:
    return Match(item=item, score=known.score if known else 0, labelled=False, keyword="")


def _is_document(ctx: AuditContext, url: str) -> bool:
    """A link to a file (by its name, or by what it answered), not to another page."""
    record = ctx.record(url)
    return kind_from_url(url) in DOCUMENT_KINDS or isinstance(record, ResourceRecord) and (
        record.doc is not None or record.kind in DOCUMENT_KINDS)


def judged_on_pin(ctx: AuditContext, result: ItemResult, pin: Pin, plain: ItemResult | None) -> ItemResult:
    """The item's result on its pinned evidence: the pinned URL first among the evidence, and, when it does not
    pass, ``pinned_evidence_failed`` saying why (and the passing evidence found elsewhere, ``plain``'s)."""
    first = next((c for c in result.evidence if canonical(c.url) == canonical(pin.url)), None)
    if first is None:
        first = ctx.candidates[result.item.id][0]
    evidence = [first, *(c for c in result.evidence if c is not first)]
    dates = {**result.dates, first.url: dated(ctx.record(first.url), ctx.as_of)}
    findings = list(result.findings)
    if result.status.needs_work:
        findings.append(Finding("pinned_evidence_failed", ctx.message(
            "pinned_evidence_failed", url=pin.url, reason=why_not(ctx, result, first)), url=pin.url,
            extra={"pinned": pin.url}))
        if plain is not None and plain.status == ItemStatus.PASS and plain.evidence and (
                canonical(plain.evidence[0].url) != canonical(pin.url)):
            better = plain.evidence[0].url
            findings.append(Finding("better_evidence", ctx.message("better_evidence", url=better), url=better,
                                    severity=Severity.INFO))
    return dataclasses.replace(result, evidence=evidence, dates=dates, findings=findings, pinned=pin.url)


def why_not(ctx: AuditContext, result: ItemResult, pinned: Candidate) -> str:
    """Why the pinned evidence does not hold, in a few Thai words: the URL itself is dead or empty, or the first
    component it fails names the reason (the wrong year, nothing of the component on it...)."""
    reasons = ctx.messages.section("pinned_reasons")
    state, detail = evidence_state(ctx, pinned, ctx.candidates.get(result.item.id, []), result.item)
    if state.dead:
        code = "soft_404" if state == LinkState.SOFT_404 else "broken_link"
        return reasons.get(code, code).format(status=ctx.messages.link_reason(detail))
    if state == LinkState.EMPTY:
        return reasons.get(detail, detail)
    for component in result.components:
        if component.state not in (ComponentState.FAIL, ComponentState.PARTIAL):
            continue
        if leads_home(ctx, pinned, component.component):
            return reasons.get("home", "home")
        finding = next((f for f in component.findings if f.severity == Severity.FAIL), None)
        extra = finding.extra if finding is not None else {}
        code = finding.code if finding is not None and finding.code in reasons else "other"
        return ctx.messages.worded(
            "pinned_reasons", code, component=component.component.title,
            years=", ".join(str(y) for y in extra.get("years") or ()),
            expected=ctx.expected_years(component.component.year),
            status=ctx.messages.link_reason(str(extra.get("status", ""))),
            elements=ctx.messages.element_names(list(extra.get("elements") or ())))
    return reasons.get("other", "").format(component=result.item.title)
