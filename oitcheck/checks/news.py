"""o4 (a): a news list whose newest dated item is in the assessment year and recent enough."""

from __future__ import annotations

from oitcheck.checks.base import ComponentCheck
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.currency import metadata_date, newest_date
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.rejections import Rejection
from oitcheck.checks.results import ComponentResult, ComponentState, Finding
from oitcheck.extract.dates import format_thai_date
from oitcheck.fiscal import fiscal_year
from oitcheck.records import body_text


class NewsCheck(ComponentCheck):
    """News must be current: the homepage or the news list shows a date within the allowed age."""

    name = "news"

    def presence(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        result = super().presence(ctx, item, component)
        homepage = ctx.page(ctx.crawl.start_url)
        if result.state != ComponentState.OK and homepage and newest_date(homepage.main_text, ctx.as_of):
            # Dated news on the homepage itself is the news list assessors see first.
            result = ComponentResult(component, ComponentState.OK, [Candidate(item.id, homepage.url, "page title",
                                                                              homepage.title, 0, 0)])
        return result

    def refine(self, ctx: AuditContext, item: Item, component: Component, result: ComponentResult) -> ComponentResult:
        records = [r for r in [*(ctx.record(c.url) for c in result.evidence[:3]), ctx.crawl.homepage] if r]
        shown = [newest_date(body_text(r), ctx.as_of) for r in records]
        newest, source = max((d for d in shown if d), default=None), "text"
        if newest is None:  # no dated post shown: the pages' metadata is the last resort
            newest = max((d for r in records if (d := metadata_date(r, ctx.as_of))), default=None)
            source = "metadata"
        max_age = ctx.checklist.news_max_age_days
        url = result.evidence[0].url
        if newest is None or fiscal_year(newest) != ctx.year or (ctx.as_of - newest).days > max_age:
            for candidate in result.evidence[:3]:
                result.reject(candidate, Rejection.STALE, newest.isoformat() if newest else "")
        if newest is None:
            result.state = ComponentState.FAIL
            result.findings.append(Finding("stale", ctx.message(
                "stale", component=component.title, newest="-", max_age_days=max_age), url=url,
                extra={"newest": None}))
        elif fiscal_year(newest) != ctx.year or (ctx.as_of - newest).days > max_age:
            result.state = ComponentState.FAIL
            result.findings.append(Finding("stale", ctx.message(
                "stale", component=component.title, newest=format_thai_date(newest), max_age_days=max_age), url=url,
                extra={"newest": newest.isoformat(), "date_source": source}))
        return result
