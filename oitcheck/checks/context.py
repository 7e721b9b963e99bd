"""The audit context: the crawl record and the run's parameters, with the lookups every check shares."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from oitcheck.checks.checklist import Checklist
from oitcheck.checks.currency import both_readings
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.links import link_state, probe_varies
from oitcheck.checks.messages import Messages
from oitcheck.extract.dates import find_years
from oitcheck.extract.thai import normalise
from oitcheck.net import canonical
from oitcheck.records import CrawlResult, LinkState, PageRecord, ProbeRecord, Record, ResourceRecord, body_text

if TYPE_CHECKING:
    from oitcheck.checks.results import EitSearch


@dataclass
class AuditContext:
    crawl: CrawlResult
    checklist: Checklist
    year: int
    as_of: date
    candidates: dict[str, list[Candidate]]
    _normalised: dict[str, str] = field(default_factory=dict, repr=False)
    _states: dict[str, tuple[LinkState, str]] = field(default_factory=dict, repr=False)
    _probes: dict[str, bool] = field(default_factory=dict, repr=False)

    @property
    def messages(self) -> Messages:
        return self.checklist.messages

    def message(self, code: str, **values: object) -> str:
        return self.messages.finding(code, **values)

    def expected_years(self, rule: str | None) -> str:
        return self.messages.expected_years(rule, self.year)

    def record(self, url: str) -> Record | None:
        return self.crawl.lookup(url)

    @cached_property
    def home_links(self) -> frozenset[str]:
        """The homepage's link targets (canonical): the menu every page repeats."""
        home = self.crawl.homepage
        return frozenset(canonical(link.url) for link in home.links) if isinstance(home, PageRecord) else frozenset()

    @cached_property
    def items_by_target(self) -> dict[str, frozenset[str]]:
        """Canonical evidence URL -> the items whose candidates lead to it (asked for every page judged)."""
        found: dict[str, set[str]] = {}
        for item_id, candidates in self.candidates.items():
            for candidate in candidates:
                found.setdefault(canonical(candidate.url), set()).add(item_id)
        return {url: frozenset(ids) for url, ids in found.items()}

    @cached_property
    def eit(self) -> EitSearch:
        """The homepage's EIT survey link or QR code, and the survey addresses seen that lead elsewhere: searched
        once per audit, so o4's finding and the report's EIT section (``homepage.eit``) tell the same story."""
        from oitcheck.checks.eit import find_eit  # eit.py judges with this context: imported when first asked

        return find_eit(self)

    def with_candidates(self, item_id: str, candidates: list[Candidate]) -> AuditContext:
        """This context with ``candidates`` as the item's (its pinned evidence), sharing the crawl's lookups and
        caches: the other items' candidates still say which pages are indexes of them."""
        other = dataclasses.replace(self, candidates={**self.candidates, item_id: candidates})
        other.__dict__["home_links"] = self.home_links
        other.__dict__["items_by_target"] = self.items_by_target
        other.__dict__["eit"] = self.eit
        return other

    def page(self, url: str) -> PageRecord | None:
        return self.crawl.page(url)

    def link_state(self, url: str) -> tuple[LinkState, str]:
        """(state, detail): is this URL working? Cached per URL: every item's candidates and the
        broken-links summary ask about the same links, and the soft-404 test reads the page's text."""
        if url not in self._states:
            self._states[url] = link_state(self.record(url), self.crawl, self.probe_trusted)
        return self._states[url]

    def probe_trusted(self, probe: ProbeRecord) -> bool:
        """``probe_varies``, cached per probe: the soft-404 test asks it for every URL of the probe's shape."""
        if probe.url not in self._probes:
            self._probes[probe.url] = probe_varies(self.crawl, probe)
        return self._probes[probe.url]

    def target_normalised(self, url: str, clean: Callable[[str], str] = str) -> str:
        """Title and the first 20,000 characters of an evidence URL's text, normalised and passed
        through ``clean`` once (cached per URL: many components read the same documents)."""
        if url not in self._normalised:
            title, body = self.target_texts(url)
            self._normalised[url] = clean(normalise(f"{title} {body[:20000]}"))
        return self._normalised[url]

    def target_texts(self, url: str) -> tuple[str, str]:
        """(title and headings, body text) of an evidence URL's fetched content."""
        return target_texts(self.record(url))

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

    def ocr_only_years(self, candidate: Candidate, years: set[int], source: str) -> set[int]:
        """The ``years`` (from ``evidence_years``) that only OCR read and nothing confirms: Tesseract misreads
        Thai digits (๖ as ๒, ๔ as ๕), so such a year alone never makes evidence wrong-year or stale.

        A year is confirmed when the document writes it in Thai and in Arabic digits alike, or the page that
        links to the document names it too."""
        if source not in ("title", "text"):
            return set()
        record = self.record(candidate.url)
        doc = record.doc if isinstance(record, ResourceRecord) else None
        if doc is None or doc.ocr is None or not doc.ocr.pages:
            return set()
        title, body = self.target_texts(candidate.url)
        confirmed = both_readings(f"{title}\n{body[:3000]}")
        page = self.page(candidate.found_on) if candidate.found_on else None
        if page is not None:
            confirmed |= find_years(page.main_text, fiscal=True)
        return years - confirmed


def target_texts(record: Record | None) -> tuple[str, str]:
    """(title and headings, body text) of a fetched page or document."""
    if record is None:
        return "", ""
    if isinstance(record, ResourceRecord):
        title = record.doc.title if record.doc else ""
    else:
        title = f"{record.title} {' '.join(h.text for h in record.headings[:8])}"
    return title, body_text(record)
