"""What every component check shares: the audit context, findings, results, and the plugin base."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from oitcheck.checks.checklist import Checklist, Component, Item
from oitcheck.checks.evidence import Candidate
from oitcheck.crawl import CrawlResult
from oitcheck.extract.dates import find_years
from oitcheck.extract.thai import normalise

BROKEN_ERRORS = {"dns", "timeout", "refused", "connection", "tls", "redirect_loop", "error", "unparseable"}
UNDECIDED_ERRORS = {"robots", "private_address"}
DEEP_LINK_CLICKS = 3


@dataclass
class Finding:
    code: str
    message: str
    url: str | None = None
    severity: str = "fail"  # fail: costs points; info: worth knowing
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message, "severity": self.severity}
        if self.url:
            data["url"] = self.url
        data.update(self.extra)
        return data


@dataclass
class ComponentResult:
    component: Component
    state: str  # ok, partial, fail, unknown
    evidence: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def credit(self) -> float | None:
        return {"ok": 1.0, "partial": 0.5, "fail": 0.0}.get(self.state)


@dataclass
class AuditContext:
    """The crawl record and the run's parameters, with the lookups checks need."""

    crawl: CrawlResult
    checklist: Checklist
    year: int
    as_of: date
    candidates: dict[str, list[Candidate]]
    _normalised: dict[str, str] = field(default_factory=dict, repr=False)

    def message(self, code: str, **values: Any) -> str:
        template = self.checklist.messages.get("findings", {}).get(code, code)
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def element_names(self, names: list[str]) -> str:
        labels = self.checklist.messages.get("elements", {})
        return ", ".join(labels.get(n, n) for n in names)

    def expected_years(self, rule: str | None) -> str:
        template = self.checklist.messages.get("years", {}).get(rule or "", "")
        return template.format(year=self.year, prev=self.year - 1)

    def record(self, url: str) -> dict[str, Any] | None:
        return self.crawl.lookup(url)

    def link_state(self, url: str) -> tuple[str, str]:
        """(ok | broken | unknown, detail): is this evidence URL working?"""
        record = self.record(url)
        if record is None:
            return "unknown", "not fetched"
        error = record.get("error")
        if error in BROKEN_ERRORS:
            return "broken", error
        if error in UNDECIDED_ERRORS:
            return "unknown", error
        status = record.get("status")
        if status is None and error:
            return "ok", error  # e.g. too_large: the file is there, only too big to read
        if status == 429:
            return "unknown", "429"
        if status is not None and status >= 400:
            return "broken", str(status)
        return "ok", str(status)

    def target_normalised(self, url: str) -> str:
        """Title and the first 20,000 characters of an evidence URL's text, normalised (cached)."""
        if url not in self._normalised:
            title, body = self.target_texts(url)
            self._normalised[url] = normalise(f"{title} {body[:20000]}")
        return self._normalised[url]

    def target_texts(self, url: str) -> tuple[str, str]:
        """(title and headings, body text) of an evidence URL's fetched content."""
        record = self.record(url)
        if record is None:
            return "", ""
        doc = record.get("doc")
        if doc:
            return doc.get("title") or "", doc.get("text") or ""
        headings = " ".join(h["text"] for h in record.get("headings", [])[:8])
        return f"{record.get('title') or ''} {headings}", record.get("main_text") or ""

    def evidence_years(self, candidate: Candidate) -> tuple[set[int], str]:
        """The years an evidence names, from the most specific source that names any, and the source.

        Link-level text (link, row, file name) beats the target's title, which beats its body text;
        page chrome never counts.
        """
        link_level = " ".join(t for t in candidate.link_texts if t) or candidate.text
        years = find_years(link_level, fiscal=True)
        if years:
            return years, "link"
        title, body = self.target_texts(candidate.url)
        years = find_years(title, fiscal=True)
        if years:
            return years, "title"
        years = find_years(body[:3000], fiscal=True)
        return years, ("text" if years else "")


class ComponentCheck:
    """A family of component rules: ``applies_to`` picks components by their ``check`` name."""

    name: ClassVar[str] = ""

    def applies_to(self, component: Component) -> bool:
        return component.check == self.name

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        raise NotImplementedError
