"""o4 (a): a news list whose newest dated item is in the assessment year and recent enough."""

from __future__ import annotations

from oitcheck.checks.base import AuditContext, ComponentResult, Finding
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.currency import metadata_date, newest_date
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.keywords import KeywordsCheck
from oitcheck.extract.dates import format_thai_date
from oitcheck.fiscal import fiscal_year


class NewsCheck(KeywordsCheck):
    """News must be current: the homepage or the news list shows a date within the allowed age."""

    name = "news"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        result = super().check(ctx, item, component)
        homepage = ctx.crawl.homepage
        if result.state != "ok" and homepage and newest_date(homepage.get("main_text") or "", ctx.as_of):
            # Dated news on the homepage itself is the news list assessors see first.
            result = ComponentResult(component, "ok", [Candidate(item.id, homepage["url"], "page title",
                                                                  homepage.get("title", ""), 0, 0)])
        if result.state != "ok":
            return result
        records = [ctx.record(c.url) or {} for c in result.evidence[:3]] + [homepage or {}]
        shown = [newest_date(r.get("main_text") or ((r.get("doc") or {}).get("text") or ""), ctx.as_of)
                 for r in records]
        newest, source = max((d for d in shown if d), default=None), "text"
        if newest is None:  # no dated post shown: the pages' metadata is the last resort
            newest = max((d for r in records if (d := metadata_date(r, ctx.as_of))), default=None)
            source = "metadata"
        max_age = ctx.checklist.news_max_age_days
        url = result.evidence[0].url
        if newest is None:
            result.state = "fail"
            result.findings.append(Finding("stale", ctx.message(
                "stale", component=component.title, newest="-", max_age_days=max_age), url=url,
                extra={"newest": None}))
        elif fiscal_year(newest) != ctx.year or (ctx.as_of - newest).days > max_age:
            result.state = "fail"
            result.findings.append(Finding("stale", ctx.message(
                "stale", component=component.title, newest=format_thai_date(newest), max_age_days=max_age), url=url,
                extra={"newest": newest.isoformat(), "date_source": source}))
        return result
