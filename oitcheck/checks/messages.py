"""Thai wording for findings, elements, year rules and link failures (``checklists/messages.th.yaml``).

Kept apart from the rules so wording changes are data changes, and so the reports read the same
labels through the checklist the audit used, never by loading a layout again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Messages:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def section(self, name: str) -> dict[str, str]:
        return dict(self.data.get(name) or {})

    def finding(self, code: str, **values: Any) -> str:
        return self.worded("findings", code, **values)

    def worded(self, section: str, code: str, **values: Any) -> str:
        """``section``'s template for ``code`` filled with ``values`` (the template as it is when one is missing)."""
        template = self.section(section).get(code, code)
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def element_names(self, names: list[str]) -> str:
        labels = self.section("elements")
        return ", ".join(labels.get(n, n) for n in names)

    def expected_years(self, rule: str | None, year: int) -> str:
        template = self.section("years").get(rule or "", "")
        return template.format(year=year, prev=year - 1)

    def link_reason(self, detail: str) -> str:
        """Why a link failed, in the words of ``link_errors``: ``dns``, ``404``, ``503 (Retry-After 3600 s)``...,
        for staff who do not read HTTP status codes."""
        table = self.section("link_errors")
        head, _, rest = str(detail).partition(" ")
        text = table.get(head)
        if text is None and head.isdigit() and len(head) == 3:
            text = table.get(f"{head[0]}xx", "{status}").format(status=head)
        return f"{text} {rest}".strip() if text else str(detail)
