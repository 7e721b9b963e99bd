"""o12 (b): procurement data in machine-readable form (HTML table, XLSX, CSV), not only PDF/images."""

from __future__ import annotations

from oitcheck.checks.base import AuditContext, ComponentResult, Finding
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.keywords import KeywordsCheck
from oitcheck.fiscal import year_rule_satisfied

MACHINE_READABLE_KINDS = {"xlsx", "xls", "csv", "ods"}


class MachineReadableCheck(KeywordsCheck):
    """Among the item's working, current evidence, one must be a spreadsheet, CSV or HTML data table."""

    name = "machine_readable"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        judged = super().check(ctx, item, component)
        if judged.state != "ok":
            return judged
        for candidate in judged.evidence:
            if ctx.link_state(candidate.url)[0] != "ok" or candidate.other_section is not None:
                continue
            years, _ = ctx.evidence_years(candidate)
            if year_rule_satisfied(component.year, years, ctx.year) is False:
                continue
            record = ctx.record(candidate.url) or {}
            is_page = "links" in record
            if record.get("kind") in MACHINE_READABLE_KINDS or (is_page and record.get("tables")) or (
                    (record.get("doc") or {}).get("tables") and record.get("kind") != "pdf"):
                return ComponentResult(component, "ok", [candidate])
        result = ComponentResult(component, "fail", judged.evidence[:1])
        result.findings.append(Finding("not_machine_readable", ctx.message(
            "not_machine_readable", component=component.title), url=judged.evidence[0].url))
        return result
