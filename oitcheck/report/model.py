"""Build the contract's report.json document (schema ``oitcheck.report/1``) from an audit outcome.

Only formatting happens here: every verdict, date and link state was decided by the rules and is
carried by the ``AuditOutcome``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from oitcheck.checks.evidence import Candidate
from oitcheck.checks.messages import Messages
from oitcheck.checks.results import AuditOutcome, ComponentState, Dated, ItemResult, LinkEntry, LinksSummary
from oitcheck.report.looked import looked_json

SCHEMA = "oitcheck.report/1"
EVIDENCE_SHOWN = 5


def build_report(outcome: AuditOutcome, *, name: str, url: str, started_at: datetime,
                 finished_at: datetime) -> dict[str, Any]:
    checklist = outcome.checklist
    crawl = outcome.crawl
    return {
        "schema": SCHEMA,
        "agency": {"name": name, "url": url},
        "checklist": checklist.id,
        "checklist_title": checklist.title,
        "draft": checklist.draft,
        "checklist_choice": outcome.layout.to_json(checklist) if outcome.layout else None,
        "year": outcome.year,
        "as_of": outcome.as_of.isoformat(),
        "pass_mark": checklist.pass_mark,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "crawl": {
            "pages": crawl.pages,
            "documents": crawl.documents,
            "errors": crawl.errors,
            "duration_s": crawl.duration_s,
            "truncated": bool(crawl.truncated_by),
            "truncated_by": [str(budget) for budget in crawl.truncated_by],
            "beyond_cap": crawl.beyond_cap,
            "not_fetched": crawl.not_fetched,
            "ghost_pages": crawl.ghost_pages,
            "unfinished": crawl.unfinished,
            "skipped": [{"host": s.host, "budget": str(s.budget), "links": s.links} for s in crawl.skipped],
            "partial_pages": [{"url": url, "reason": reason} for url, reason in crawl.partial],
            "unreadable_documents": [{"url": url, "reason": reason} for url, reason in crawl.unreadable],
            "ocr": {"available": crawl.ocr.status == "ok", **asdict(crawl.ocr)},
            "coverage": crawl.coverage.to_json(),
            "inventory": [asdict(page) for page in crawl.inventory],
            "inventory_total": crawl.inventory_total,
            **asdict(crawl.transfer),
        },
        "items": [_item(result, checklist.messages) for result in outcome.items],
        "scores": outcome.scores,
        "subs": checklist.subs,
        "indicators": checklist.indicators,
        "links": links_json(outcome.links),
        "homepage": {"eit": outcome.eit.to_json(), "newest_date": iso(outcome.homepage.newest),
                     "newest_date_source": outcome.homepage.source or None},
        "measures": measures(outcome.items, outcome.year),
        "fixes": fixes_json(outcome),
    }


def _item(result: ItemResult, messages: Messages) -> dict[str, Any]:
    item = result.item
    data: dict[str, Any] = {
        "id": item.id,
        "key": item.key,
        "replaces": list(item.replaces),
        "title": item.title,
        "sub": item.sub,
        "status": str(result.status),
        "score": result.score,
        "components": [{"id": c.component.id, "title": c.component.title, "status": str(c.state),
                        "evidence": c.evidence[0].url if c.evidence and c.state != ComponentState.FAIL else None}
                       for c in result.components],
        "evidence": [_evidence(c, result.dates.get(c.url, Dated())) for c in result.evidence[:EVIDENCE_SHOWN]],
        "findings": [f.to_json() for f in result.findings],
        "recommendation": item.recommendation if result.status.needs_work else None,
        "pinned": result.pinned,
        "all_accepted": result.all_accepted,
    }
    if result.looked is not None:  # where the tool looked, for an item that did not pass
        titles = {c.component.id: c.component.title for c in result.components}
        data["looked"] = looked_json(result.looked, titles, messages)
    return data


def _evidence(candidate: Candidate, dated: Dated) -> dict[str, Any]:
    """One evidence link, with the newest date its page or document shows (spec: date currency)."""
    return {"url": candidate.url, "depth": candidate.depth, "via": candidate.via, "text": candidate.text[:200],
            "found_on": candidate.found_on, "newest_date": iso(dated.newest), "date_source": dated.source or None,
            "date_of": ("document" if dated.document else "page") if dated.newest else None}


def links_json(links: LinksSummary) -> dict[str, Any]:
    return {"checked": links.checked, "cached": links.cached, "broken": [_link(e) for e in links.broken],
            "soft_404": [_link(e) for e in links.soft_404],
            "soft_404_groups": [{"reason": g.reason, "title": g.title, "digest": g.digest, "count": g.count,
                                 "examples": list(g.examples), "found_on": list(g.found_on)}
                                for g in links.soft_404_groups],
            "unknown": [_link(e) for e in links.unknown],
            "tls": [{"host": host, "error": error} for host, error in links.tls]}


def _link(entry: LinkEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"url": entry.url, "status": entry.status, "error": entry.error,
                            "found_on": list(entry.found_on), "text": entry.text}
    if entry.redirects:  # where the link was sent before it failed (a chain or a loop)
        data.update(redirects=list(entry.redirects), final_url=entry.final_url)
    if entry.reason is not None:
        data["reason"] = entry.reason
    return data


def measures(results: list[ItemResult], year: int) -> list[dict[str, Any]]:
    """Draft measures for the next fiscal year, one per failed or partial item (seeds' columns), but those whose
    every failing finding staff accepted."""
    period = f"1 ต.ค. {year} - 30 ก.ย. {year + 1}"
    return [{"item": r.item.id, "measure": r.item.measure.name, "steps": list(r.item.measure.steps),
             "owner": r.item.measure.owner, "period": period}
            for r in results if r.status.needs_work and not r.all_accepted]


def fixes_json(outcome: AuditOutcome) -> list[dict[str, Any]]:
    """The checks' ranked fix list (``checks.fixes``), with each item's title and the effort in Thai."""
    results = {r.item.id: r for r in outcome.items}
    efforts = outcome.checklist.messages.section("efforts")
    return [{"item": fix.item_id, "title": results[fix.item_id].item.title,
             "status": str(results[fix.item_id].status), "oit_after": fix.oit_after, "gain": fix.gain,
             "passes": fix.passes, "effort": str(fix.effort), "effort_th": efforts.get(fix.effort, str(fix.effort))}
            for fix in outcome.fixes]


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None
