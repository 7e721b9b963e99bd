"""What every component check shares: the audit context, findings, results, and the plugin base."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit

from oitcheck.checks.checklist import Checklist, Component, Item
from oitcheck.checks.evidence import Candidate
from oitcheck.crawl import CrawlResult
from oitcheck.extract.dates import find_years
from oitcheck.extract.html import page_words
from oitcheck.extract.thai import normalise
from oitcheck.net import canonical

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
    _states: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

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
        """(ok | broken | soft_404 | unknown, detail): is this evidence URL working? Cached per URL: every
        item's candidates and the broken-links summary ask about the same links, and the soft-404 test
        reads the page's text."""
        if url not in self._states:
            self._states[url] = self._link_state(url)
        return self._states[url]

    def _link_state(self, url: str) -> tuple[str, str]:
        record = self.record(url)
        if record is None:
            return "unknown", "not fetched"
        soft = soft_404(record, self.crawl.start_url, self.crawl.probe(record.get("final_url") or record["url"]))
        if soft:
            return "soft_404", soft
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
        if status == 503 and record.get("retry_after"):  # "down for maintenance, back in N s": not gone
            return "unknown", f"503 (Retry-After {record['retry_after']} s)"
        if status is not None and status >= 400:
            return "broken", str(status)
        return "ok", str(status)

    def link_reason(self, detail: str) -> str:
        """Why a link failed, in the words of ``link_errors`` (messages.th.yaml): ``dns``, ``404``,
        ``503 (Retry-After 3600 s)``..., for staff who do not read HTTP status codes."""
        table = self.checklist.messages.get("link_errors", {})
        head, _, rest = str(detail).partition(" ")
        text = table.get(head)
        if text is None and head.isdigit() and len(head) == 3:
            text = table.get(f"{head[0]}xx", "{status}").format(status=head)
        return f"{text} {rest}".strip() if text else str(detail)

    def target_normalised(self, url: str, clean: Callable[[str], str] = str) -> str:
        """Title and the first 20,000 characters of an evidence URL's text, normalised and passed
        through ``clean`` once (cached per URL: many components read the same documents)."""
        if url not in self._normalised:
            title, body = self.target_texts(url)
            self._normalised[url] = clean(normalise(f"{title} {body[:20000]}"))
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


NOT_FOUND = re.compile(r"ไม่พบหน้า|ไม่พบเพจ|หน้าที่คุณ(ค้นหา|ต้องการ)ไม่|page not found|\bnot found\b|"
                       r"\b404\b.{0,20}(not found|ไม่พบ)|(error|ข้อผิดพลาด)\s*404|ไม่มีหน้านี้|ไม่พบไฟล์", re.I)


SAME_PAGE = 0.9  # word-set similarity above which two answers are the same page
HOMEPAGE_ALIAS = re.compile(r"^/(index|default|home|main)(\.\w+)?$", re.I)  # /index.html is the homepage


def soft_404(record: dict[str, Any], homepage: str, probe: dict[str, Any] | None = None) -> str:
    """Why a 200 answer is really "not found" ('' when it is not): an unknown URL sent to the homepage,
    a page whose title, main heading or (short) text says the page does not exist, or a page that is the
    same as the host's answer to a URL that cannot exist (``probe``)."""
    if (record.get("status") or 0) >= 400 or record.get("error"):
        return ""
    final, original = record.get("final_url") or record["url"], record["url"]
    if record.get("redirects") and canonical(final) == canonical(homepage) and canonical(original) != canonical(
            homepage) and urlsplit(original).path not in ("", "/"):
        return "redirected to the homepage"
    if "links" not in record:
        return ""
    heading = next((h["text"] for h in record.get("headings", []) if h["level"] <= 2), "")
    main = record.get("main_text") or ""
    for text in (record.get("title") or "", heading, main if len(main) < 400 else ""):
        if text and NOT_FOUND.search(text):
            return "the page says it was not found"
    if probe and _same_as_probe(record, probe) and canonical(final) != canonical(homepage) \
            and not HOMEPAGE_ALIAS.match(urlsplit(final).path):
        return "the same page the site shows for any unknown address"
    return ""


def _same_as_probe(record: dict[str, Any], probe: dict[str, Any]) -> bool:
    """The host answers impossible URLs with 200, and this page is that answer (same title, same words)."""
    if probe.get("status") is None or probe["status"] >= 400:
        return False
    if (record.get("title") or "") != (probe.get("title") or ""):
        return False
    mine, theirs = set(page_words(record)), set(probe.get("words") or [])
    if not mine and not theirs:
        return True
    return len(mine & theirs) / max(1, len(mine | theirs)) >= SAME_PAGE


class ComponentCheck:
    """A family of component rules: ``applies_to`` picks components by their ``check`` name."""

    name: ClassVar[str] = ""

    def applies_to(self, component: Component) -> bool:
        return component.check == self.name

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        raise NotImplementedError
