"""The presence rule: a component holds when working evidence that names it exists, for the right year.

Also home of ``judge``, the evidence choice every other check reuses: working beats broken, this
year's ITA section beats another year's, and a year rule filters what remains.
"""

from __future__ import annotations

from oitcheck.checks.base import DEEP_LINK_CLICKS, AuditContext, ComponentCheck, ComponentResult, Finding
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.matching import contains_any
from oitcheck.crawl import key
from oitcheck.extract.dates import year_rule_satisfied
from oitcheck.extract.thai import normalise
from oitcheck.net import site_of

DEAD = ("broken", "soft_404")


def relevant(ctx: AuditContext, item: Item, component: Component) -> list[Candidate]:
    """The item's candidates that show this component (all of them when it names no keywords)."""
    candidates = ctx.candidates.get(item.id, [])
    if not component.keywords:
        return list(candidates)
    chosen = []
    for candidate in candidates:
        # The item's own title names every component ("โครงสร้างและอำนาจหน้าที่"): it proves none of them.
        around = normalise(" ".join([candidate.text, *candidate.link_texts])).replace(" ", "")
        for keyword in item.keywords:
            around = around.replace(keyword, " ")
        if contains_any(around, component.keywords):
            chosen.append(candidate)
            continue
        if contains_any(ctx.target_normalised(candidate.url), component.keywords):
            chosen.append(candidate)
    return chosen


def evidence_state(ctx: AuditContext, candidate: Candidate, siblings: list[Candidate]) -> tuple[str, str]:
    """Like ``link_state``, but a page that only leads to this item's documents is as good as they are:
    an item page whose every item link is dead shows the assessors nothing."""
    state, detail = ctx.link_state(candidate.url)
    record = ctx.record(candidate.url) or {}
    if state != "ok" or "links" not in record:
        return state, detail
    pages = {key(candidate.url), key(record.get("final_url") or candidate.url)}
    children = [c for c in siblings if c.found_on_key in pages and c.url != candidate.url]
    if not children:
        return state, detail
    states = [ctx.link_state(c.url) for c in children]
    if all(s in DEAD for s, _ in states):
        return states[0][0], f"{states[0][1]} ({children[0].url})"
    return state, detail


def judge(ctx: AuditContext, item: Item, component: Component, candidates: list[Candidate]) -> ComponentResult:
    """Choose the best evidence among ``candidates`` and decide the component's state."""
    result = ComponentResult(component, "fail")
    if not candidates:
        result.findings.append(Finding("missing", ctx.message("missing", component=component.title)))
        return result
    working, broken, undecided = [], [], []
    siblings = ctx.candidates.get(item.id, [])
    for candidate in candidates:
        state, detail = evidence_state(ctx, candidate, siblings)
        if state in DEAD:  # the finding names how it is dead: broken_link or soft_404
            broken.append((candidate, detail, state))
        else:
            (working if state == "ok" else undecided).append((candidate, detail))
    current = [c for c, _ in working if c.other_section is None]
    broken = [b for b in broken if b[0].other_section is None]  # another year's dead links are not this year's
    undecided = [(c, d) for c, d in undecided if c.other_section is None]
    if not current:
        if not working and not broken and not undecided:  # only dead links in another year's section
            result.findings.append(Finding("missing", ctx.message("missing", component=component.title)))
            return result
        if broken:
            candidate, detail, state = broken[0]
            result.evidence.append(candidate)
            result.findings.append(_dead(ctx, component, candidate, detail, state, "fail"))
            if undecided:
                result.state = "unknown"
            return result
        if undecided:
            candidate, detail = undecided[0]
            result.state = "unknown"
            result.evidence.append(candidate)
            result.findings.append(Finding("unknown", ctx.message(
                "unknown", component=component.title, reason=detail), url=candidate.url, severity="info"))
            return result
        candidate = working[0][0]
        result.evidence.append(candidate)
        result.findings.append(Finding("wrong_year", ctx.message(
            "wrong_year", component=component.title, expected=ctx.expected_years(component.year or "current"),
            years=str(candidate.other_section)), url=candidate.url,
            extra={"years": [candidate.other_section], "section": True}))
        return result
    chosen, wrong = _by_year(ctx, component, current)
    if chosen is None:
        candidate, years = wrong[0]
        result.evidence.append(candidate)
        result.findings.append(Finding("wrong_year", ctx.message(
            "wrong_year", component=component.title, expected=ctx.expected_years(component.year),
            years=", ".join(str(y) for y in sorted(years))), url=candidate.url, extra={"years": sorted(years)}))
        return result
    result.state = "ok"
    result.evidence.append(chosen)
    result.evidence.extend(c for c in current if c is not chosen)
    for candidate, detail, state in broken:
        if candidate.rank < chosen.rank:
            result.findings.append(_dead(ctx, component, candidate, detail, state, "info"))
    _placement(ctx, chosen, result)
    return result


def _dead(ctx: AuditContext, component: Component, candidate: Candidate, detail: str, state: str,
          severity: str) -> Finding:
    """The finding for dead evidence: ``broken_link`` (an error status) or ``soft_404``."""
    return Finding(state if state == "soft_404" else "broken_link", ctx.message(
        state if state == "soft_404" else "broken_link", component=component.title, url=candidate.url, status=detail),
        url=candidate.url, severity=severity, extra={"status": detail, "found_on": candidate.found_on})


def _by_year(ctx: AuditContext, component: Component, candidates: list[Candidate]
             ) -> tuple[Candidate | None, list[tuple[Candidate, set[int]]]]:
    """The best candidate satisfying the year rule, and those naming only other years.

    Evidence naming no year at all is accepted only when it ranks above every wrong-year one:
    a better-placed wrong-year report is what the assessors would open.
    """
    unnamed: Candidate | None = None
    wrong: list[tuple[Candidate, set[int]]] = []
    for candidate in candidates:
        years, _ = ctx.evidence_years(candidate)
        satisfied = year_rule_satisfied(component.year, years, ctx.year)
        if satisfied:
            return candidate, wrong
        if satisfied is None and unnamed is None and not wrong:
            unnamed = candidate
        elif satisfied is False:
            wrong.append((candidate, years))
    return unnamed, wrong


def _placement(ctx: AuditContext, chosen: Candidate, result: ComponentResult) -> None:
    if chosen.depth is not None and chosen.depth > DEEP_LINK_CLICKS:
        result.findings.append(Finding("deep_link", ctx.message("deep_link", depth=chosen.depth), url=chosen.url,
                                       severity="info", extra={"depth": chosen.depth}))
    if site_of(chosen.url) not in {site_of(ctx.crawl.start_url)} and not _same_site(ctx, chosen.url):
        result.findings.append(Finding("external_host", ctx.message("external_host", url=chosen.url),
                                       url=chosen.url, severity="info"))


def _same_site(ctx: AuditContext, url: str) -> bool:
    record = ctx.record(url)
    return bool(record) and not record.get("external")


class KeywordsCheck(ComponentCheck):
    """Presence of the component in working, current evidence."""

    name = "keywords"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        result = judge(ctx, item, component, relevant(ctx, item, component))
        if not result.evidence:  # show staff where the tool looked for the item
            result.evidence = [c for c in ctx.candidates.get(item.id, []) if c.other_section is None][:3]
        return result
