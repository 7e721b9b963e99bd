"""What the rules decide: findings, component and item results, and the whole audit's outcome.

The outcome carries everything the reports show (dates of evidence, the links summary, the crawl's
counts, the checklist's wording), so the report stage formats it and never reaches back into the
crawl, the extractors or the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from oitcheck.checks.checklist import Checklist, Component, Item
from oitcheck.checks.coverage import Coverage
from oitcheck.checks.decisions import Acceptance
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.layout_fit import LayoutUsed
from oitcheck.checks.rejections import TEXT_CHARS, Looked, Rejected, Rejection
from oitcheck.records import Budget, Skip, Transfer

if TYPE_CHECKING:
    from oitcheck.checks.fixes import Fix


class ComponentState(StrEnum):
    """A component's verdict: ``ok`` and ``partial`` earn full and half credit."""

    OK = "ok"
    PARTIAL = "partial"
    FAIL = "fail"
    UNKNOWN = "unknown"  # could not be judged: left out of the scores

    @property
    def credit(self) -> float | None:
        return {ComponentState.OK: 1.0, ComponentState.PARTIAL: 0.5, ComponentState.FAIL: 0.0}.get(self)


class ItemStatus(StrEnum):
    """An item's verdict in the report (contract: ``items[].status``)."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def needs_work(self) -> bool:
        return self in (ItemStatus.FAIL, ItemStatus.PARTIAL)


class Severity(StrEnum):
    FAIL = "fail"  # costs points
    INFO = "info"  # worth knowing


@dataclass
class Finding:
    code: str
    message: str
    url: str | None = None
    severity: Severity = Severity.FAIL
    extra: dict[str, Any] = field(default_factory=dict)
    # staff's acceptance of it (``oitcheck accept``): live, or one that expired before the audit's date
    accepted: Acceptance | None = None
    expired: Acceptance | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message, "severity": str(self.severity)}
        if self.url:
            data["url"] = self.url
        data.update(self.extra)
        if self.accepted is not None:
            data["accepted"] = _acceptance(self.accepted)
        if self.expired is not None:
            data["acceptance_expired"] = _acceptance(self.expired)
        return data


def _acceptance(accepted: Acceptance) -> dict[str, Any]:
    """The contract's ``{"reason", "until"}`` of an acceptance."""
    return {"reason": accepted.reason, "until": None if accepted.until is None else accepted.until.isoformat()}


@dataclass
class ComponentResult:
    component: Component
    state: ComponentState
    evidence: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)  # candidates turned down, in the order judged

    @property
    def credit(self) -> float | None:
        return self.state.credit

    def reject(self, candidate: Candidate, reason: Rejection, detail: object = "") -> None:
        """Record why ``candidate`` is not this component's evidence (once per URL: the first reason stands)."""
        if any(r.url == candidate.url for r in self.rejected):
            return
        self.rejected.append(Rejected(url=candidate.url, text=candidate.text[:TEXT_CHARS], found_on=candidate.found_on,
                                      reason=reason, detail=str(detail), component=self.component.id))


@dataclass(frozen=True)
class Dated:
    """The newest date a page or document shows, and where it was read (``text`` or ``metadata``)."""

    newest: date | None = None
    source: str = ""
    document: bool = False  # read from a document (PDF, Word, Excel...), not a web page: says whose metadata


@dataclass
class ItemResult:
    item: Item
    status: ItemStatus
    score: int | None
    components: list[ComponentResult]
    evidence: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dates: dict[str, Dated] = field(default_factory=dict)  # evidence URL -> its newest date
    pinned: str | None = None  # the evidence URL the agency submits (``oitcheck pin``): judged on it alone
    looked: Looked | None = None  # where the tool looked, for an item that did not pass (``checks.looked``)

    @property
    def all_accepted(self) -> bool:
        """Every finding that costs points is accepted by staff: out of the fix list and the measures (its
        status and score stay what the assessors would see)."""
        failing = [f for f in self.findings if f.severity == Severity.FAIL]
        return bool(failing) and all(f.accepted is not None for f in failing)


@dataclass(frozen=True)
class LinkEntry:
    """One link of the links report: what it answered, where it is, and why it failed."""

    url: str
    status: int | None
    error: str | None
    found_on: tuple[str, ...]
    text: str
    reason: str | None = None
    redirects: tuple[str, ...] = ()
    final_url: str | None = None


@dataclass(frozen=True)
class LinkGroup:
    """Soft-404 links that answer the same page for the same reason: one cause (a server that answers every
    unknown folder with its homepage), reported once with a few examples instead of thousands of rows."""

    reason: str
    title: str  # the title of the page they all answer
    digest: str  # of that page's words: the same digest, the same page
    count: int
    examples: tuple[str, ...]
    found_on: tuple[str, ...]


@dataclass(frozen=True)
class LinksSummary:
    checked: int = 0
    cached: int = 0
    broken: tuple[LinkEntry, ...] = ()
    soft_404: tuple[LinkEntry, ...] = ()
    soft_404_groups: tuple[LinkGroup, ...] = ()  # soft_404 by cause, largest first
    unknown: tuple[LinkEntry, ...] = ()
    tls: tuple[tuple[str, str], ...] = ()  # (host, why its certificate is bad)


@dataclass(frozen=True)
class EitSighting:
    """An EIT survey address seen on the homepage: as a link, in a QR code (``image``: which picture) or as
    text."""

    url: str
    via: str
    image: str | None = None


WRONG_SHOWN = 10  # survey addresses leading elsewhere listed in homepage.eit.wrong (a hostile homepage has thousands)


@dataclass(frozen=True)
class EitSearch:
    """The homepage's EIT survey link, and the itas.nacc.go.th addresses seen that lead somewhere else."""

    found: EitSighting | None = None
    wrong: tuple[EitSighting, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The contract's ``homepage.eit``. When no EIT survey address is found, ``wrong`` (when any) lists the QR
        codes and links that lead elsewhere, the first being the one o4's ``qr_wrong_target`` names: the report's
        EIT section then shows that QR code instead of calling it missing."""
        data: dict[str, Any] = {"found": False, "url": None, "via": None}
        if self.found is not None:
            data = {"found": True, "url": self.found.url, "via": self.found.via}
            if self.found.image:
                data["image"] = self.found.image
        elif self.wrong:
            data["wrong"] = [{"url": w.url, "via": w.via, **({"image": w.image} if w.image else {})}
                             for w in self.wrong[:WRONG_SHOWN]]
        return data


@dataclass(frozen=True)
class OcrSummary:
    status: str  # ok, no_tesseract, no_thai, disabled
    pages: int = 0
    documents: int = 0
    not_read: int = 0


# pages.csv and report.json ``crawl.inventory`` list at most this many pages, titles cut to TITLE_CHARS: a
# 50,000-page crawl must not make report.json tens of megabytes (``inventory_total`` says how many were read).
INVENTORY_CAP = 5000
TITLE_CHARS = 200


@dataclass(frozen=True)
class PageSeen:
    """One page the crawl read, for the inventory staff check a false "missing" against."""

    url: str
    status: int | None
    depth: int | None
    title: str


@dataclass(frozen=True)
class CrawlSummary:
    pages: int
    documents: int
    errors: int
    duration_s: float
    beyond_cap: int
    not_fetched: int
    ocr: OcrSummary
    ghost_pages: int = 0  # pages read that were soft 404s (ghost paths): a higher --max-pages reads more of them
    truncated_by: tuple[Budget, ...] = ()  # the budgets reached, in the order of Budget
    skipped: tuple[Skip, ...] = ()  # links budgets left unchecked, per host
    unfinished: int = 0  # requests still waiting when the time limit ended the crawl
    partial: tuple[tuple[str, str], ...] = ()  # (url, why) of pages read only in part (size cap, parse time)
    unreadable: tuple[tuple[str, str], ...] = ()  # (url, why) of documents that could not be read at all
    coverage: Coverage = field(default_factory=Coverage)  # whether the crawl read enough to judge the site
    inventory: tuple[PageSeen, ...] = ()  # the pages read, by depth then URL, at most INVENTORY_CAP
    inventory_total: int = 0  # pages read, before the cap
    transfer: Transfer = field(default_factory=Transfer)  # requests, 304s, bytes received, extraction reused


@dataclass
class AuditOutcome:
    checklist: Checklist
    year: int
    as_of: date
    items: list[ItemResult]
    scores: dict[str, float | None]
    eit: EitSearch
    homepage: Dated
    links: LinksSummary
    crawl: CrawlSummary
    layout: LayoutUsed | None = None  # the layout used, why, and one the site's pages fit better
    fixes: list[Fix] = field(default_factory=list)  # the fix list, most worth fixing first (checks.fixes)
