"""One agency audit end to end: validate the input, crawl, judge the items, write the reports."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oitcheck import settings as default_settings
from oitcheck.checks.checklist import Checklist, choose, load
from oitcheck.checks.decisions import Decisions
from oitcheck.checks.engine import evaluate
from oitcheck.checks.layouts import Choice
from oitcheck.crawl import CrawlOptions, run_crawl
from oitcheck.errors import BadInput, Interrupted, SiteUnreachable
from oitcheck.fiscal import BANGKOK, audit_dates
from oitcheck.net import AddressPolicy, normalise_start_url, private_address_of
from oitcheck.recording import add_changes, decisions_of, open_history, record
from oitcheck.records import CrawlResult, PageRecord
from oitcheck.report.model import build_report
from oitcheck.report.schema import validate_report
from oitcheck.report.writers import check_writable, remove_created, save_reports

if TYPE_CHECKING:
    from oitcheck.store import Store

REQUEST_VERSION = 3  # of AuditRequest's JSON form; raise it when a field changes meaning
# How a crawl that ended by itself says so: it ran out of work ("finished") or a budget stopped it early
# (Scrapy's CloseSpider "closespider_*", oitcheck's own "budget_*"): a complete audit, truncated or not.
# Anything else ("shutdown" after Ctrl-C or SIGTERM, or none at all when a second Ctrl-C stopped the reactor
# before spider_closed) is an interrupted crawl, which never becomes a report.
COMPLETE_REASON = "finished"
BUDGET_REASON_PREFIXES = ("closespider_", "budget_")


@dataclass
class AuditRequest:
    """One audit, as ``oitcheck audit`` asks for it; ``audit-many`` hands each child one as JSON."""

    url: str
    out: Path
    name: str | None = None
    checklist: str | None = None  # None: the layout of ``kind`` for the assessment year
    kind: str = "general"  # the kind of agency (checklist family) whose layout is chosen by year
    year: int | None = None
    as_of: date | None = None
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    # audit-many's fresh token for this one audit, written into report.json as ``run_token``: the parent reads
    # only a report carrying it, never one an earlier run left in the agency's folder.
    token: str | None = None
    # the history store's URL (None: --no-history, nothing recorded or read) and the audit-many run this audit
    # belongs to (None: a run of its own)
    db: str | None = None
    run_id: int | None = None
    pdf: bool = default_settings.OITCHECK_PDF  # write report.pdf (--no-pdf: not)
    # False: the store is read (decisions, changes) but the audit not recorded; a Scrapyd node's job records it
    # itself, with the job's end, in one transaction (oitcheck.node)
    record: bool = True

    def to_json(self) -> str:
        """The request as JSON: dates as ISO strings, paths as strings, with its format's version."""
        crawl = asdict(self.crawl)
        if crawl["cache_dir"] is not None:
            crawl["cache_dir"] = str(crawl["cache_dir"])  # "" (no cache) stays ""
        return json.dumps({"version": REQUEST_VERSION, "url": self.url, "out": str(self.out), "name": self.name,
                           "checklist": self.checklist, "kind": self.kind, "year": self.year,
                           "as_of": None if self.as_of is None else self.as_of.isoformat(), "crawl": crawl,
                           "token": self.token, "db": self.db, "run_id": self.run_id, "pdf": self.pdf,
                           "record": self.record},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AuditRequest:
        """The request ``to_json`` wrote; BadInput (exit 2) for anything else, a version of another release too."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != REQUEST_VERSION:
                raise ValueError(f"not an audit request of version {REQUEST_VERSION}")
            crawl = dict(data["crawl"])
            if unknown := set(crawl) - {f.name for f in fields(CrawlOptions)}:
                raise ValueError(f"unknown crawl options {', '.join(sorted(unknown))}")
            if crawl.get("cache_dir"):
                crawl["cache_dir"] = Path(crawl["cache_dir"])
            year, as_of, token = data["year"], data["as_of"], data.get("token")
            db, run_id, pdf = data.get("db"), data.get("run_id"), data.get("pdf", default_settings.OITCHECK_PDF)
            recorded = data.get("record", True)
            if type(pdf) is not bool or type(recorded) is not bool:
                raise ValueError(f"pdf {pdf!r} or record {recorded!r} is not true or false")
            if db is not None and not isinstance(db, str) or run_id is not None and type(run_id) is not int:
                raise ValueError(f"db {db!r} or run_id {run_id!r} is not a URL and a run number")
            if year is not None and type(year) is not int:
                raise ValueError(f"year {year!r} is not a whole number")
            if token is not None and not isinstance(token, str):
                raise ValueError(f"token {token!r} is not a string")
            checklist, kind = data["checklist"], data.get("kind", "general")
            if checklist is not None and not isinstance(checklist, str) or not isinstance(kind, str):
                raise ValueError(f"checklist {checklist!r} or kind {kind!r} is not a string")
            return cls(url=str(data["url"]), out=Path(data["out"]), name=data["name"], checklist=checklist,
                       kind=kind, year=year, as_of=None if as_of is None else date.fromisoformat(as_of),
                       crawl=CrawlOptions(**crawl), token=token, db=db, run_id=run_id, pdf=pdf,
                       record=recorded)
        except KeyError as exc:
            raise BadInput(f"unusable audit request: no {exc} field") from None
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            raise BadInput(f"unusable audit request: {exc}") from None


@dataclass
class Prepared:
    """A request whose every input was checked before any network traffic."""

    url: str
    out: Path
    name: str
    checklist: Checklist
    year: int
    as_of: date
    crawl: CrawlOptions
    choice: Choice
    decisions: Decisions = Decisions()  # the agency's pins and acceptances (the history store's)
    created: tuple[Path, ...] = ()  # the output folders prepare created (removed again when no report is written)

    def crawl_options(self) -> CrawlOptions:
        """The crawl's options with the pinned evidence added: each pin is read every run, linked or not."""
        pinned = [pin.url for pin in self.decisions.pins if pin.url not in self.crawl.pinned]
        return replace(self.crawl, pinned=[*self.crawl.pinned, *dict.fromkeys(pinned)]) if pinned else self.crawl


@dataclass
class Options:
    """What a request's options choose, whatever the site: the as-of date, the assessment year, the layout."""

    as_of: date
    year: int
    choice: Choice
    checklist: Checklist


def check_options(request: AuditRequest) -> Options:
    """The options that are wrong for any site (``--year``, ``--as-of``, ``--checklist``, ``--kind``, the page
    cap): BadInput (exit 2). ``prepare`` checks them per audit; audit-many once for all its agencies."""
    as_of, year = audit_dates(request.as_of, request.year)
    if not 2500 <= year <= 2700:
        if request.year is None:
            raise BadInput(f"--as-of {as_of.isoformat()} falls in fiscal year {year}: not a Buddhist-Era "
                           "assessment year like 2568")
        raise BadInput(f"--year {year} is not a Buddhist-Era fiscal year like 2568")
    choice = choose(request.kind, year, given=request.checklist)
    if request.crawl.max_pages < 1:
        raise BadInput("--max-pages must be at least 1")
    return Options(as_of, year, choice, load(choice.checklist))


def prepare(request: AuditRequest) -> Prepared:
    """Validate every input (exit 2 on any problem) so a bad option never costs a crawl."""
    url = normalise_start_url(request.url)
    options = check_options(request)
    as_of, year, choice, checklist = options.as_of, options.year, options.choice, options.checklist
    host = urlsplit(url).hostname or ""
    # the crawl's own rules (allowed networks too), early, for a clear error; the crawl checks every connection
    policy = AddressPolicy.of(request.crawl.allow_private, request.crawl.networks())
    if address := private_address_of(host, policy):
        raise BadInput(f"{host} is a private address ({address}); use --allow-private to audit it")
    try:
        created = check_writable(request.out)
    except OSError as exc:
        raise BadInput(f"cannot write to output folder {request.out}: {exc.strerror or exc}") from None
    return Prepared(url=url, out=request.out, name=request.name or urlsplit(url).hostname or url,
                    checklist=checklist, year=year, as_of=as_of, crawl=request.crawl, choice=choice, created=created)


def audit(request: AuditRequest, prepared: Prepared | None = None) -> tuple[dict[str, Any], dict[str, Path]]:
    """Run a whole audit; returns the report and the written paths. Call once per process.

    ``prepared``: the request already prepared (``prepare``), e.g. with the decisions to apply.
    Raises Interrupted (exit 130, nothing written, the previous reports untouched) when the crawl did not end
    by itself, and ReportsNotSaved (exit 5) when the output folder failed at the end: the reports are then in
    the fallback folder the message names."""
    if prepared is None:
        prepared = prepare(request)
    try:
        return _audit(request, prepared)
    except BaseException:  # exit 3, Ctrl-C, a failure: no empty output folder of this run's making is left
        remove_created(prepared.created)
        raise


def _audit(request: AuditRequest, prepared: Prepared) -> tuple[dict[str, Any], dict[str, Path]]:
    store = open_history(request.db)
    if store is not None and not prepared.decisions.pins and not prepared.decisions.accepted:
        prepared = replace(prepared, decisions=decisions_of(store, prepared.url))
    started = datetime.now(BANGKOK)
    crawl = run_crawl(prepared.url, prepared.crawl_options())
    if not ended_by_itself(crawl.finish_reason):
        raise interrupted(prepared.out, crawl.interrupted_by)
    ensure_crawled(crawl)
    report = build(prepared, crawl, started, store)
    if request.token is not None:
        report["run_token"] = request.token
    host = urlsplit(prepared.url).hostname or "site"
    # $OITCHECK_PDF=0 turns report.pdf off for every audit (the test suite's many audits)
    pdf = request.pdf and os.environ.get("OITCHECK_PDF", "1") != "0"
    paths = save_reports(report, prepared.out, prepared.checklist.messages, host, pdf=pdf)
    if request.record:
        record(store, report, request.run_id, paths.get("report.json"))
    return report, paths


def interrupted(out: Path, by: str | None) -> Interrupted:
    """The one line of an audit whose crawl did not end by itself: what stopped it, that nothing was written,
    and whether an earlier report is still in ``out``."""
    kept = f"; the previous report in {out} is kept" if (out / "report.json").exists() else ""
    return Interrupted(f"nothing written{kept}", how=f"interrupted ({by})" if by else None)


def ended_by_itself(finish_reason: str | None) -> bool:
    """True for a crawl that ran to its end or to a budget (a complete, possibly truncated audit)."""
    if not finish_reason:
        return False
    return finish_reason == COMPLETE_REASON or finish_reason.startswith(BUDGET_REASON_PREFIXES)


def build(prepared: Prepared, crawl: CrawlResult, started: datetime, store: Store | None = None) -> dict[str, Any]:
    outcome = evaluate(crawl, prepared.checklist, prepared.year, prepared.as_of, choice=prepared.choice,
                       decisions=prepared.decisions)
    report = build_report(outcome, name=prepared.name, url=prepared.url, started_at=started,
                          finished_at=datetime.now(BANGKOK))
    add_changes(store, report)
    validate_report(report)
    return report


def ensure_crawled(crawl: CrawlResult, any_kind: bool = False) -> None:
    """Raise SiteUnreachable (exit 3) when not even the homepage could be read (``any_kind``: or, for one
    URL inspected, the document or picture at the start URL)."""
    home = crawl.homepage
    if isinstance(home, PageRecord) or (any_kind and home is not None and not home.failed):
        return
    if home is None:
        raise SiteUnreachable(f"{crawl.start_url}: no response from the site")
    reason = home.error or f"HTTP {home.status}"
    detail = home.error_detail or ""
    if reason == "tls" and home.url.startswith("https://") and any(sign in detail.lower() for sign in PLAIN_HTTP):
        raise SiteUnreachable(f"{crawl.start_url}: cannot crawl the site: the server answers plain HTTP on this "
                              f"port, not HTTPS; try {'http://' + home.url[len('https://'):]}")
    message = {"dns": "host name does not resolve", "refused": "connection refused", "timeout": "timed out",
               "robots": "robots.txt forbids crawling the homepage", "redirect_loop": "redirect loop",
               "private_address": "it resolves or redirects to a private address (see --allow-network)",
               "too_large": "larger than the download size cap",
               "connection": "the server closed the connection before its answer was complete",
               "tls": "its TLS certificate is not valid (use --insecure-tls to audit it anyway; the report "
                      "then lists the certificate problem)"}.get(reason, reason)
    if home.status and not home.error:
        message = f"the server answered HTTP {home.status}" + (" (not found)" if home.status in (404, 410) else "")
    raise SiteUnreachable(f"{crawl.start_url}: cannot crawl the site: {message}"
                          + (f" ({human_detail(detail)})" if detail and reason == "error" else ""))


# What OpenSSL says when a TLS handshake gets a plain HTTP answer (https:// on an HTTP-only port).
PLAIN_HTTP = ("wrong version number", "packet length too long", "http request", "record layer failure")
_FAILURE_WRAPPER = re.compile(r"^\[?<twisted\.python\.failure\.Failure (?:[\w.]+\.)?(\w+): ?(.*?)>\]?$")
_EXCEPTION_WORDS = {"ConnectionLost": "the connection was lost", "ConnectionDone": "the server closed the connection",
                    "ResponseNeverReceived": "no answer was received", "ResponseFailed": "the answer was cut off"}


def human_detail(detail: str) -> str:
    """A fetch failure's detail without Python's or Twisted's exception class names: staff read this line."""
    if match := _FAILURE_WRAPPER.match(detail.strip()):
        name, rest = match.groups()
        words = _EXCEPTION_WORDS.get(name, "")
        rest = rest.strip(" .")
        return f"{words}: {rest}" if words and rest else words or rest or "no reason given"
    for name, words in _EXCEPTION_WORDS.items():
        if detail.strip().startswith(name):
            return words
    return detail
