"""Build the contract's report.json document (schema ``oitcheck.report/1``) from an audit outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from oitcheck.checks.base import AuditContext
from oitcheck.checks.currency import iso, record_date
from oitcheck.checks.engine import AuditOutcome, ItemResult
from oitcheck.checks.evidence import Candidate
from oitcheck.crawl import CrawlResult
from oitcheck.extract.ocr import ocr_status

SCHEMA = "oitcheck.report/1"
MAX_FOUND_ON = 20
REDIRECTS_SHOWN = 12  # a redirect loop repeats itself: the first hops tell the story
LINK_TAGS = {"a", "area", "iframe", "frame", "embed", "object"}


def build_report(outcome: AuditOutcome, crawl: CrawlResult, *, name: str, url: str, as_of: date,
                 started_at: datetime, finished_at: datetime) -> dict[str, Any]:
    ctx = outcome.context
    checklist = ctx.checklist
    homepage = crawl.homepage
    return {
        "schema": SCHEMA,
        "agency": {"name": name, "url": url},
        "checklist": checklist.id,
        "checklist_title": checklist.title,
        "draft": checklist.draft,
        "year": ctx.year,
        "as_of": as_of.isoformat(),
        "pass_mark": checklist.pass_mark,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "crawl": {
            "pages": len(crawl.pages),
            "documents": sum(1 for r in crawl.resources if r.get("doc")),
            "errors": crawl.errors,
            "duration_s": crawl.duration_s,
            "truncated": bool(crawl.beyond_cap or crawl.not_fetched),
            "beyond_cap": crawl.beyond_cap,
            "not_fetched": crawl.not_fetched,
            "ocr": ocr_summary(crawl),
        },
        "items": [_item(ctx, result) for result in outcome.items],
        "scores": outcome.scores,
        "subs": checklist.subs,
        "indicators": checklist.indicators,
        "links": links_summary(ctx),
        "homepage": _homepage(outcome, homepage, as_of),
        "measures": measures(outcome.items, ctx.year),
    }


def ocr_summary(crawl: CrawlResult) -> dict[str, Any]:
    """Whether scanned pages could be read: OCR's status on this machine, pages read, documents left unread."""
    runs = [r["doc"]["ocr"] for r in crawl.resources if (r.get("doc") or {}).get("ocr")]
    status = ocr_status()
    if any(run["status"] == "disabled" for run in runs):
        status = "disabled"
    return {"available": status == "ok", "status": status, "pages": sum(run["pages"] for run in runs),
            "documents": sum(1 for run in runs if run["pages"]), "not_read": sum(1 for run in runs if not run["pages"])}


def _homepage(outcome: AuditOutcome, homepage: dict[str, Any] | None, as_of: date) -> dict[str, Any]:
    newest, source = record_date(homepage, as_of)
    return {"eit": outcome.eit, "newest_date": iso(newest), "newest_date_source": source or None}


def _item(ctx: AuditContext, result: ItemResult) -> dict[str, Any]:
    item = result.item
    return {
        "id": item.id,
        "title": item.title,
        "sub": item.sub,
        "status": result.status,
        "score": result.score,
        "components": [{"id": c.component.id, "title": c.component.title, "status": c.state,
                        "evidence": c.evidence[0].url if c.evidence and c.state != "fail" else None}
                       for c in result.components],
        "evidence": [_evidence(ctx, c) for c in result.evidence[:5]],
        "findings": [f.to_json() for f in result.findings],
        "recommendation": item.recommendation if result.status in ("fail", "partial") else None,
    }


def _evidence(ctx: AuditContext, candidate: Candidate) -> dict[str, Any]:
    """One evidence link, with the newest date its page or document shows (spec: date currency)."""
    newest, source = record_date(ctx.record(candidate.url), ctx.as_of)
    return {"url": candidate.url, "depth": candidate.depth, "via": candidate.via, "text": candidate.text[:200],
            "found_on": candidate.found_on, "newest_date": iso(newest), "date_source": source or None}


def links_summary(ctx: AuditContext) -> dict[str, Any]:
    """Every link on the site's own pages with its fate; the broken ones listed with where they are."""
    found_on: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for page in ctx.crawl.pages:
        if page.get("external"):
            continue
        for url, text in _page_links(page):
            if not url.startswith(("http://", "https://")):
                continue
            pages = found_on.setdefault(url, [])
            if page["url"] not in pages and len(pages) < MAX_FOUND_ON:
                pages.append(page["url"])
            if not texts.get(url):
                texts[url] = text
    broken, soft, unknown = [], [], []
    checked = cached = 0
    for url, pages in found_on.items():
        record = ctx.record(url)
        if record is None:
            continue
        checked += 1
        cached += bool(record.get("cached"))
        state, detail = ctx.link_state(url)
        entry = {"url": url, "status": record.get("status"), "error": record.get("error"), "found_on": pages,
                 "text": texts.get(url, "")[:200]}
        if record.get("redirects"):  # where the link was sent before it failed (a chain or a loop)
            entry.update(redirects=record["redirects"][:REDIRECTS_SHOWN], final_url=record.get("final_url"))
        if state == "broken":
            broken.append({**entry, "reason": ctx.link_reason(detail)})
        elif state == "soft_404":
            soft.append({**entry, "reason": detail})
        elif state == "unknown" and detail != "not fetched":
            unknown.append({**entry, "reason": ctx.link_reason(detail)})
    for entries in (broken, soft, unknown):
        entries.sort(key=lambda b: b["url"])
    tls = [{"host": host, "error": error} for host, error in sorted(ctx.crawl.tls_problems.items())]
    return {"checked": checked, "cached": cached, "broken": broken, "soft_404": soft, "unknown": unknown, "tls": tls}


def _page_links(page: dict[str, Any]) -> list[tuple[str, str]]:
    """(URL, text) of what a page links to: anchors, frames and embeds; and, where they were fetched (the
    homepage and its frames), its pictures, stylesheets and scripts."""
    found = [(link["url"], link.get("text", "")) for link in page.get("links", []) if link.get("tag") in LINK_TAGS]
    found += [(image["url"], image.get("alt") or "(รูปภาพ)") for image in page.get("images", [])]
    found += [(url, "(stylesheet)") for url in page.get("stylesheets") or []]
    found += [(url, "(script)") for url in page.get("scripts") or []]
    return found


def measures(results: list[ItemResult], year: int) -> list[dict[str, Any]]:
    """Draft measures for the next fiscal year, one per failed or partial item (seeds' columns)."""
    period = f"1 ต.ค. {year} - 30 ก.ย. {year + 1}"
    return [{"item": r.item.id, "measure": r.item.measure.name, "steps": list(r.item.measure.steps),
             "owner": r.item.measure.owner, "period": period}
            for r in results if r.status in ("fail", "partial")]
