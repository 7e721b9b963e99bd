"""The ``oitcheck`` command line (see the contract in report-contract.md)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from oitcheck import __version__
from oitcheck import settings as defaults
from oitcheck.argtypes import count, iso_date, network, positive, positive_seconds, score, seconds
from oitcheck.checks.checklist import FAMILIES
from oitcheck.console import print_checklists, print_summary
from oitcheck.crawl import CrawlOptions
from oitcheck.errors import BadInput, InternalError, Interrupted, OitcheckError
from oitcheck.fiscal import date_warnings
from oitcheck.history_cli import COMMANDS, add_commands, add_store_options

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest


NOT_WRITTEN = "nothing written; any earlier report is kept"
# Exit status of an audit done whose crawl read too little to judge the site (crawl.coverage.ok false), with
# --require-coverage only: without it such an audit exits 0 like any other, with a warning on stderr.
EXIT_POOR_COVERAGE = 6
def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checklist", help="checklist layout name or YAML path (default: the layout of --kind for "
                        "the assessment year; `oitcheck checklists` lists them)")
    parser.add_argument("--kind", choices=FAMILIES, default="general",
                        help="kind of agency, for the default layout: general (ITA), moph (MOIT: hospitals and "
                        "other units of the MOPH permanent secretary), vocational (vocational colleges)")
    parser.add_argument("--year", type=int, help="assessment year (BE); default: fiscal year of --as-of")
    parser.add_argument("--as-of", type=iso_date, help="the date every date rule treats as today (YYYY-MM-DD)")
    parser.add_argument("--max-pages", type=positive, default=defaults.OITCHECK_MAX_PAGES,
                        help=f"page cap (default {defaults.OITCHECK_MAX_PAGES})")
    parser.add_argument("--max-depth", type=positive, default=defaults.DEPTH_LIMIT,
                        help=f"click-depth cap (default {defaults.DEPTH_LIMIT})")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private, loopback and link-local addresses (tests, intranets)")
    parser.add_argument("--allow-network", action="append", default=[], metavar="CIDR", type=network,
                        help="allow this private network only (repeatable; e.g. an intranet test server)")
    parser.add_argument("--fail-under", type=score, help="exit 1 when the OIT score is below this")
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt (own site only)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress line on stderr (default: when stderr is a terminal)")
    parser.add_argument("--insecure-tls", action="store_true", help="read pages behind invalid TLS certificates "
                        "(common on agency sites); the certificates are still reported")
    parser.add_argument("--no-ocr", action="store_true", help="do not OCR scanned PDF pages (Tesseract)")
    parser.add_argument("--cache-dir", type=Path, help="where OCR results, extracted facts and the answers asked "
                        "for again with If-None-Match / If-Modified-Since are kept between runs "
                        "(default $OITCHECK_CACHE_DIR or ~/.cache/oitcheck)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write any cache: a fresh audit "
                        "that downloads and reads everything")
    parser.add_argument("--http-cache-days", type=float, default=defaults.HTTPCACHE_EXPIRATION_SECS / 86400,
                        metavar="DAYS", help="a stored answer no run has confirmed for this many days is dropped "
                        f"(default {defaults.HTTPCACHE_EXPIRATION_SECS / 86400:g}); stored answers are never used "
                        "without asking the server")
    parser.add_argument("--http-cache-mb", type=float, default=defaults.OITCHECK_HTTP_CACHE_BYTES / 2 ** 20,
                        metavar="MB", help="the size bound of those stored answers (default "
                        f"{defaults.OITCHECK_HTTP_CACHE_BYTES / 2 ** 20:g}; 0: none): the ones confirmed longest ago "
                        "are dropped after a crawl. A province's audit-many wants about 100 MB per agency")
    parser.add_argument("--recheck-after", type=float, default=float(defaults.OITCHECK_LINK_CACHE_DAYS), metavar="DAYS",
                        help="links to other hosts that worked are checked again after this many days "
                             f"(default {defaults.OITCHECK_LINK_CACHE_DAYS:g}; 0: every run); broken ones are always "
                             "checked again")
    parser.add_argument("--time-limit", type=seconds, default=defaults.OITCHECK_TIME_LIMIT, metavar="SECONDS",
                        help="stop crawling after this many seconds and report what was read "
                             f"(default {defaults.OITCHECK_TIME_LIMIT:g}; 0: no limit)")
    parser.add_argument("--host-requests", type=count, default=defaults.OITCHECK_HOST_MAX_REQUESTS, metavar="N",
                        help="links checked per other host (default "
                             f"{defaults.OITCHECK_HOST_MAX_REQUESTS}; 0: no limit); the rest are reported unchecked")
    parser.add_argument("--verbose", action="store_true", help="Scrapy's log on stderr")
    parser.add_argument("--no-render", action="store_true", help="never render pages that are empty without "
                        "JavaScript in a headless browser (Chromium)")
    parser.add_argument("--no-pdf", action="store_true", help="do not write report.pdf (report.html printed to A4 "
                        "by the headless browser)" + ("" if defaults.OITCHECK_PDF else "; off by default"))
    parser.add_argument("--no-history", action="store_true", help="neither read nor record the history database "
                        "(no changes, no decisions)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oitcheck", description="Audit a Thai agency website against the ITA OIT "
                                     "checklist and write a Thai gap report.")
    parser.add_argument("--version", action="version", version=f"oitcheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    audit = commands.add_parser("audit", help="audit one agency website")
    audit.add_argument("url", help="the agency website's address (https://... or a bare host name)")
    audit.add_argument("--name", help="agency name shown in the report")
    audit.add_argument("--require-coverage", action="store_true",
                       help=f"exit {EXIT_POOR_COVERAGE} when the crawl read too little of the site to judge it "
                       "(the report is still written; crawl.coverage says why)")
    audit.add_argument("--out", type=Path, default=None, help="output folder (default reports/<host>)")
    _common(audit)
    add_store_options(audit, "~/.local/share/oitcheck/history.sqlite")
    many = commands.add_parser("audit-many", help="audit every agency in a CSV (name,url[,province,type])")
    many.add_argument("csv", type=Path, help="CSV of agencies: columns name,url and optionally province,type")
    many.add_argument("--out", type=Path, default=Path("reports/many"),
                      help="output folder: one folder per agency plus summary.json and summary.html "
                      "(default reports/many)")
    many.add_argument("--jobs", type=positive, default=2, help="agencies audited at once (default 2); with "
                      "--scrapyd, on each node (its Scrapyd max_proc)")
    many.add_argument("--scrapyd", metavar="URL[,URL...]", default=None,
                      help="spread the audits over these Scrapyd nodes (project oitcheck, see README); needs "
                      "--db postgresql://... shared by every node")
    many.add_argument("--agency-time-limit", type=positive_seconds, default=defaults.OITCHECK_AGENCY_TIME_LIMIT,
                      metavar="SECONDS", help="stop an agency's audit (its whole process group) after this long and "
                      f"list it as not audited (default {defaults.OITCHECK_AGENCY_TIME_LIMIT:g})")
    many.add_argument("--resume", action="store_true", help="continue the newest unfinished run into --out (after "
                      "a crash or kill): agencies it finished are not audited again")
    _common(many)
    add_store_options(many, "OUT/history.sqlite")
    add_commands(commands)
    layouts = commands.add_parser("checklists", help="list the bundled checklist layouts (id, year, kind of agency, "
                                  "items, draft, sources)")
    layouts.add_argument("--json", action="store_true", help="as JSON")
    demo = commands.add_parser("demo", help="serve the bundled sample agency site on 127.0.0.1 and audit it")
    demo.add_argument("--out", type=Path, default=Path("reports/demo"), help="output folder (default reports/demo)")
    inspect = commands.add_parser("inspect", help="show what the checker sees in one page or file (JSON)")
    inspect.add_argument("source", help="a page or file: its URL, or a local file (html, pdf, docx, xlsx, csv, "
                         "an image)")
    inspect.add_argument("--as-of", type=iso_date, help="the date every date rule treats as today (YYYY-MM-DD)")
    inspect.add_argument("--year", type=int, help="assessment year (BE); default: fiscal year of --as-of")
    inspect.add_argument("--checklist", help="default: the layout of --kind for the assessment year")
    inspect.add_argument("--kind", choices=FAMILIES, default="general",
                         help="kind of agency, for the default layout (general, moph, vocational)")
    inspect.add_argument("--allow-private", action="store_true",
                         help="allow private, loopback and link-local addresses (tests, intranets)")
    inspect.add_argument("--no-ocr", action="store_true", help="do not OCR scanned PDF pages")
    return parser


def crawl_options(args: argparse.Namespace) -> CrawlOptions:
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return CrawlOptions(max_pages=args.max_pages, max_depth=args.max_depth, allow_private=args.allow_private,
                        progress=progress, obey_robots=not args.ignore_robots, verbose=args.verbose,
                        ocr=not args.no_ocr, cache_dir="" if args.no_cache else args.cache_dir,
                        link_cache_days=args.recheck_after, insecure_tls=args.insecure_tls,
                        http_cache_days=args.http_cache_days, http_cache_bytes=round(args.http_cache_mb * 2 ** 20),
                        time_limit=args.time_limit, host_max_requests=args.host_requests,
                        allowed_networks=list(args.allow_network), render=not args.no_render)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return with_exit_status(lambda: run_command(args))


def run_command(args: argparse.Namespace) -> int:
    if args.command in ("audit", "audit-many", "inspect"):
        for line in date_warnings(args.as_of, args.year):
            print(line, file=sys.stderr)
    if args.command == "audit":
        return run_audit(args)
    if args.command == "audit-many":
        return run_many_command(args)
    if args.command == "checklists":
        return print_checklists(args.json)
    if args.command == "demo":
        from oitcheck.demo.run import run_demo

        return run_demo(args.out)
    if args.command == "inspect":
        from oitcheck.inspect import run_inspect

        return run_inspect(args)
    if args.command in COMMANDS:
        from oitcheck.history_cli import run

        return run(args)
    return 2


def with_exit_status(run: Callable[[], int]) -> int:
    """Run a command; its errors become one line on stderr and the contract's exit status. Shared with
    ``oitcheck.audit_child`` so audit-many's children fail exactly as ``oitcheck audit`` does.

    An unexpected exception is oitcheck's own failure: exit 5 (InternalError), never 1, which means "below
    --fail-under"; its traceback is saved to a file the line names."""
    try:
        return run()
    except OitcheckError as exc:
        print(f"oitcheck: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:  # `oitcheck checklists | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
    except KeyboardInterrupt as exc:  # Interrupted says what was kept; a bare Ctrl-C stopped a single audit
        if isinstance(exc, Interrupted):
            print(f"oitcheck: {exc.how}; {_one_line(exc)}", file=sys.stderr)
            return exc.exit_status
        print(f"oitcheck: interrupted; {NOT_WRITTEN}", file=sys.stderr)
        return Interrupted.exit_status
    except Exception as exc:  # noqa: BLE001 - the contract's last resort: one line and exit 5, not a traceback
        print(f"oitcheck: internal error: {type(exc).__name__}: {_one_line(exc)} ({_save_traceback()})",
              file=sys.stderr)
        return InternalError.exit_status


def _one_line(exc: BaseException, limit: int = 500) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _save_traceback() -> str:
    """Write the current exception's traceback to a new file in the temporary directory; say where (or why
    not: then the traceback goes to stderr after all, better than losing it)."""
    try:
        fd, path = tempfile.mkstemp(prefix="oitcheck-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"oitcheck {__version__}, command: {sys.argv!r}\n")
            handle.write(traceback.format_exc())
    except OSError as exc:
        traceback.print_exc()
        return f"traceback not saved: {exc.strerror or exc}"
    return f"traceback saved in {path}"


def run_audit(args: argparse.Namespace) -> int:
    from oitcheck.audit import AuditRequest
    from oitcheck.net import normalise_start_url

    url = normalise_start_url(args.url)
    out = args.out or Path("reports") / _folder_name(url)
    return run_request(AuditRequest(url=url, out=out, name=args.name, checklist=args.checklist, kind=args.kind,
                                    year=args.year, as_of=args.as_of, crawl=crawl_options(args),
                                    db=history_url(args), pdf=defaults.OITCHECK_PDF and not args.no_pdf),
                       args.fail_under, args.require_coverage)


def history_url(args: argparse.Namespace, default: Path | None = None) -> str | None:
    """The history database of an audit (None: --no-history): --db, $OITCHECK_DB, else ``default`` (audit-many:
    OUT/history.sqlite), else the per-user file."""
    if args.no_history:
        return None
    from oitcheck.store import resolve_url

    return resolve_url(args.db, default)


def run_request(request: AuditRequest, fail_under: float | None = None, require_coverage: bool = False) -> int:
    """Audit, print the summary and the files; exit 1 when the OIT score is below ``fail_under``, else
    EXIT_POOR_COVERAGE when ``require_coverage`` and the crawl read too little to judge the site."""
    from oitcheck.audit import audit

    if request.out.exists() and not request.out.is_dir():
        raise BadInput(f"output folder {request.out} is a file")
    report, paths = audit(request)
    print_summary(report, paths)
    oit = report["scores"]["oit"]
    if fail_under is not None and (oit is None or oit < fail_under):
        return 1
    if require_coverage and not report["crawl"].get("coverage", {}).get("ok", True):
        return EXIT_POOR_COVERAGE
    return 0


def run_many_command(args: argparse.Namespace) -> int:
    from oitcheck.audit import AuditRequest
    from oitcheck.many import run_many

    # What every agency's audit shares; each child gets it with the agency's URL, name and folder. Options
    # wrong for every agency are refused once, before any audit (run_many).
    shared = AuditRequest(url="", out=args.out, checklist=args.checklist, kind=args.kind, year=args.year,
                          as_of=args.as_of, crawl=crawl_options(args),
                          db=history_url(args, args.out / "history.sqlite"),
                          pdf=defaults.OITCHECK_PDF and not args.no_pdf)
    from oitcheck.coordinator import node_urls

    nodes = node_urls(args.scrapyd) if args.scrapyd is not None else None
    summary, status = run_many(args.csv, args.out, args.jobs, shared, args.fail_under, args.agency_time_limit,
                               args.resume, nodes)
    print(f"{summary['audited']}/{len(summary['agencies'])} agencies audited, {summary['passed']} at or above "
          f"{summary['pass_mark']:g}; mean OIT {summary['mean_oit']}")
    print(args.out / "summary.html")
    return status


def _folder_name(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.hostname or "site") + (f"_{parts.port}" if parts.port else "")

