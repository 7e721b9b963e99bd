"""o4 (a): a news list whose newest dated item is in the assessment year and recent enough."""

from __future__ import annotations

from datetime import date, timedelta

from oitcheck.checks.base import AuditContext, ComponentResult, Finding
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.keywords import KeywordsCheck
from oitcheck.extract.dates import find_dates, fiscal_year, format_thai_date

FUTURE_SLACK = timedelta(days=1)


def newest_date(text: str, as_of: date) -> date | None:
    """The newest date in ``text`` that is not after the as-of date and not one end of a period:
    news lists date their posts, while excerpts name event days and application periods."""
    dates = [d.date for d in find_dates(text) if d.date <= as_of + FUTURE_SLACK and not d.in_range]
    return max(dates, default=None)


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
        newest = None
        for candidate in result.evidence[:3]:
            _, body = ctx.target_texts(candidate.url)
            found = newest_date(body, ctx.as_of)
            if found and (newest is None or found > newest):
                newest = found
        if homepage:
            found = newest_date(homepage.get("main_text") or "", ctx.as_of)
            if found and (newest is None or found > newest):
                newest = found
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
                extra={"newest": newest.isoformat()}))
        return result
