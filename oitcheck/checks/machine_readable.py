"""o12 (b): procurement data in machine-readable form (HTML table, XLSX, CSV), not only PDF/images."""

from __future__ import annotations

from oitcheck.checks.base import ComponentCheck
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.rejections import Rejection
from oitcheck.checks.results import ComponentResult, ComponentState, Finding
from oitcheck.fiscal import year_rule_satisfied
from oitcheck.records import LinkState, PageRecord, ResourceRecord

MACHINE_READABLE_KINDS = {"xlsx", "xls", "csv", "ods"}


class MachineReadableCheck(ComponentCheck):
    """Among the item's working, current evidence, one must be a spreadsheet, CSV or HTML data table."""

    name = "machine_readable"

    def refine(self, ctx: AuditContext, item: Item, component: Component, judged: ComponentResult) -> ComponentResult:
        result = ComponentResult(component, ComponentState.FAIL, judged.evidence[:1], rejected=judged.rejected)
        for candidate in judged.evidence:
            if ctx.link_state(candidate.url)[0] != LinkState.OK or candidate.other_section is not None:
                continue
            years, _ = ctx.evidence_years(candidate)
            if year_rule_satisfied(component.year, years, ctx.year) is False:
                continue
            record = ctx.record(candidate.url)
            if machine_readable(record):
                return ComponentResult(component, ComponentState.OK, [candidate])
            kind = (record.kind or "") if isinstance(record, ResourceRecord) else "html"
            result.reject(candidate, Rejection.NOT_MACHINE_READABLE, kind)
        result.findings.append(Finding("not_machine_readable", ctx.message(
            "not_machine_readable", component=component.title), url=judged.evidence[0].url))
        return result


def machine_readable(record: PageRecord | ResourceRecord | None) -> bool:
    """A spreadsheet or CSV, a page with a data table, or a document with tables that is not a PDF."""
    if isinstance(record, PageRecord):
        return record.tables > 0
    if record is None:
        return False
    return record.kind in MACHINE_READABLE_KINDS or bool(record.doc and record.doc.tables and record.kind != "pdf")
