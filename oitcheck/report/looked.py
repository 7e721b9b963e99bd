"""report.json's ``items[].looked``: where oitcheck looked for an item that did not pass, each reason worded in
Thai (``messages.th.yaml`` ``rejections`` and ``row_links``) beside the machine-readable one."""

from __future__ import annotations

from datetime import date
from typing import Any

from oitcheck.checks.messages import Messages
from oitcheck.checks.rejections import IndexRow, Looked, Rejected, Rejection, RowLink
from oitcheck.extract.dates import format_thai_date


def looked_json(looked: Looked, titles: dict[str, str], messages: Messages) -> dict[str, Any]:
    """``titles``: component id -> its title (a candidate off the component's topic is said so by name)."""
    return {"rows": [_row(row, messages) for row in looked.rows],
            "candidates": [_candidate(c, titles, messages) for c in looked.candidates],
            "words": {component: list(words) for component, words in looked.words.items()}}


def _row(row: IndexRow, messages: Messages) -> dict[str, Any]:
    code = str(row.state)
    detail = row.detail
    if row.state == RowLink.NONE and row.detail:
        code = "none_href"
    elif row.state in (RowLink.BROKEN, RowLink.UNKNOWN):
        detail = messages.link_reason(detail)
    elif row.state == RowLink.SOFT_404:
        detail = messages.section("soft_404_reasons").get(detail, detail)
    return {"text": row.text, "page": row.page, "link": row.link, "state": str(row.state), "detail": row.detail,
            "section": row.section, "message": messages.worded("row_links", code, detail=detail)}


def _candidate(rejected: Rejected, titles: dict[str, str], messages: Messages) -> dict[str, Any]:
    return {"url": rejected.url, "text": rejected.text, "found_on": rejected.found_on,
            "reason": str(rejected.reason), "detail": rejected.detail, "component": rejected.component,
            "message": reason_th(rejected, titles.get(rejected.component, ""), messages)}


def reason_th(rejected: Rejected, component: str, messages: Messages) -> str:
    """Why a candidate was turned down, in Thai, its detail worded for people (no status codes, no ISO dates)."""
    reason, detail = rejected.reason, rejected.detail
    words = messages.section("rejections")
    code = str(reason)
    if reason in (Rejection.BROKEN, Rejection.UNCHECKED):
        detail = messages.link_reason(detail)
    elif reason == Rejection.SOFT_404:
        detail = messages.section("soft_404_reasons").get(detail, messages.link_reason(detail))
    elif reason == Rejection.MISSING_ELEMENTS:
        detail = messages.element_names([e.strip() for e in detail.split(",") if e.strip()])
    elif reason == Rejection.STALE:
        code, detail = ("stale", _thai_date(detail)) if detail else ("stale_undated", "")
    elif reason == Rejection.NOT_MACHINE_READABLE:
        detail = words.get("page_without_table", detail) if detail == "html" else \
            messages.worded("rejections", "file_kind", kind=detail.upper())
    return messages.worded("rejections", code, detail=detail, component=component)


def _thai_date(iso: str) -> str:
    try:
        return format_thai_date(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso
