"""``oitcheck audit-many``: audit every agency of a CSV and write a province summary.

Each agency is audited in its own child process (one Twisted reactor per process), handed its
``AuditRequest`` as JSON (``oitcheck.audit_child``), ``--jobs`` at a time but never two on one hosting
server at once; one agency's failure never stops the others, and ``--agency-time-limit`` stops one that
stalls (its whole process group). An agency's result is read only from the report its own audit just wrote
(the report carries the run token the parent handed that child). The summary ranks agencies, counts the gaps
they share and drafts the measures a provincial office would coordinate.
"""

from __future__ import annotations

import json
import secrets
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oitcheck import settings as defaults
from oitcheck.agencies import Agency, AgencyStatus, identity, read_agencies, unique_agencies
from oitcheck.checks.checklist import choose, load
from oitcheck.children import ChildOutcome, ChildProcesses
from oitcheck.coordinator import Node, check_nodes, require_postgresql, run_on_nodes, shown
from oitcheck.errors import BadInput, Interrupted, OitcheckError, ReportsNotSaved, SiteUnreachable, Terminated
from oitcheck.fiscal import audit_dates
from oitcheck.report.schema import validate_summary
from oitcheck.report.summary import Digest, RunContext, TrendPoint, digest
from oitcheck.report.summary import summarise as build_summary
from oitcheck.report.writers import atomic_write, check_writable, render_summary, unsaved_folder
from oitcheck.runcontrol import LOG_NAME, RUN_KIND, ManyRun, controlled_run, note
from oitcheck.spread import run_spread, server_keys

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest  # only its shape: this process never crawls

TREND_RUNS = 12  # audit-many runs the summary's trend shows, newest last


def agency_request(shared: AuditRequest, agency: Agency, out: Path) -> AuditRequest:
    """``shared`` (every option of the run) for one agency: its URL, name and folder; quiet, for a child."""
    return replace(shared, url=agency.url, name=agency.name, out=out / agency.folder,
                   checklist=agency.checklist or shared.checklist,
                   crawl=replace(shared.crawl, progress=False, verbose=False))  # stderr: the error line only


def crawl_budget(crawl_limit: float, agency_limit: float) -> float:
    """The child's own --time-limit: within the agency's hard limit, with a fifth of it left to finish the
    downloads in progress, read the documents and write the reports, so a slow site ends with a truncated
    report rather than being killed with none."""
    soft = agency_limit * 0.8
    return soft if crawl_limit <= 0 else min(crawl_limit, soft)


def attempt_request(agency: Agency, out: Path, shared: AuditRequest, time_limit: float | None) -> AuditRequest:
    """One attempt at the agency's audit: its request with a fresh token and the crawl's budget within
    ``time_limit``."""
    request = replace(agency_request(shared, agency, out), token=secrets.token_hex(16))
    if time_limit:
        request = replace(request, crawl=replace(request.crawl, time_limit=crawl_budget(request.crawl.time_limit,
                                                                                        time_limit)))
    return request


def audit_one(agency: Agency, out: Path, shared: AuditRequest, time_limit: float | None = None,
              children: ChildProcesses | None = None) -> dict[str, Any]:
    """Audit one agency in a child process (``oitcheck.audit_child``, the request as JSON on its stdin, with a
    fresh token); summarise its outcome from the report carrying that token, and from nothing else."""
    request = attempt_request(agency, out, shared, time_limit)
    command = [sys.executable, "-m", "oitcheck.audit_child", "-"]
    entry = agency.entry()
    try:
        done = (children or ChildProcesses()).run(command, request.to_json(), time_limit)
    except OSError as exc:
        return {**entry, "status": AgencyStatus.ERROR, "exit": None, "oit": None,
                "error": f"the audit process could not start: {exc}"}
    return outcome_entry(agency, request, done, fresh_report(request.out / "report.json", request.token),
                         time_limit)


def outcome_entry(agency: Agency, request: AuditRequest, done: ChildOutcome, report: dict[str, Any] | None,
                  time_limit: float | None) -> dict[str, Any]:
    """The agency's summary entry from how its audit process ended and the report carrying its token (None:
    none), wherever the audit ran (a child here, or a Scrapyd node's job)."""
    entry = agency.entry()
    if done.timed_out:
        return {**entry, "status": AgencyStatus.TIME_LIMIT, "exit": done.returncode, "oit": None,
                "error": f"time limit ({time_limit:g} s): stopped, no report"}
    if done.returncode in (0, 1) and report is not None:
        statuses = [i["status"] for i in report["items"]]
        counts = {s: statuses.count(s) for s in ("pass", "partial", "fail", "unknown")}
        failing = [{"id": i["id"], "title": i["title"], "status": i["status"]}
                   for i in report["items"] if i["status"] in ("fail", "partial")]
        return {**entry, "status": AgencyStatus.DONE, "exit": done.returncode, "oit": report["scores"]["oit"],
                # the layout's id, and what loads it again: a user's layout file is named by its path
                "checklist": report["checklist"], "checklist_source": request.checklist or report["checklist"],
                "counts": counts, "failing": failing, "broken_links": len(report["links"]["broken"]), "error": None,
                # the coverage guard's problems: the audit read too little of the site to be trusted
                "coverage": [p["code"] for p in report["crawl"].get("coverage", {}).get("problems", ())],
                # what changed since the agency's previous audit (the history store's), item ids only
                "changes": _changed(report.get("changes")),
                # which report is this audit's: the summary reads it again (``read_digests``) by this token
                "run_token": request.token}
    status = {2: AgencyStatus.BAD_INPUT, 3: AgencyStatus.UNREACHABLE,
              130: AgencyStatus.INTERRUPTED}.get(done.returncode or 0, AgencyStatus.ERROR)
    return {**entry, "status": status, "exit": done.returncode, "oit": None, "error": failure_reason(done)}


def fresh_report(path: Path, token: str | None) -> dict[str, Any] | None:
    """The report at ``path`` when it is the one the audit given ``token`` wrote; None for a missing, unreadable
    or older report (another run's, another site's)."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or token is None or report.get("run_token") != token:
        return None
    return report


def failure_reason(done: ChildOutcome) -> str:
    """Why a child gave no result: its one-line error (stderr's last line) and its exit status."""
    line = next((line for line in reversed(done.stderr.strip().splitlines()) if line.strip()), "")
    line = line.removeprefix("oitcheck: error: ").strip()[:500]
    code = done.returncode
    if code is not None and code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    elif code in (0, 1):
        how = f"exit {code} but no report of this run"
    else:
        how = f"exit {code}"
    return f"{line} ({how})" if line else how


def run_many(csv_path: Path, out: Path, jobs: int, shared: AuditRequest, fail_under: float | None,
             time_limit: float | None = defaults.OITCHECK_AGENCY_TIME_LIMIT,
             resume: bool = False, scrapyd: list[str] | None = None) -> tuple[dict[str, Any], int]:
    """Audit every agency of the CSV with the options of ``shared`` (its URL, name and folder are replaced per
    agency), each stopped after ``time_limit`` seconds; write the summary. Returns it and the exit status: 1
    when one is below ``fail_under`` or was not audited; SiteUnreachable (3) when none was audited.

    Everything that is wrong for every agency (the CSV, the options, the folder) is refused before any audit
    (exit 2); another run holding the folder or the history database is RunLocked (exit 4); ``resume``
    continues the newest unfinished run of ``out``. ``scrapyd``: the Scrapyd nodes' URLs, each given ``jobs``
    agencies at once (``oitcheck.coordinator``; the history database must be PostgreSQL)."""
    from oitcheck.audit import check_options

    agencies = read_agencies(csv_path)
    check_options(shared)
    try:
        check_writable(out)
    except OSError as exc:
        raise BadInput(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    nodes = None
    if scrapyd:
        require_postgresql(shared.db)
        nodes = check_nodes(scrapyd, jobs)
    options = {"checklist": shared.checklist, "kind": shared.kind, "year": shared.year,
               "as_of": None if shared.as_of is None else shared.as_of.isoformat(), "jobs": jobs,
               "agency_time_limit": time_limit, "fail_under": fail_under,
               **({"scrapyd": [shown(url) for url in scrapyd]} if scrapyd else {})}
    with controlled_run(out, csv_path, shared, resume, options) as run:
        agencies = unique_agencies(agencies, lambda text: note(run.log, text, "warning"))
        return audit_all(agencies, out, jobs, replace(shared, run_id=run.run_id), fail_under, time_limit, run, nodes)


def audit_all(agencies: list[Agency], out: Path, jobs: int, shared: AuditRequest, fail_under: float | None,
              time_limit: float | None, run: ManyRun, nodes: list[Node] | None = None) -> tuple[dict[str, Any], int]:
    """``run_many`` once the run holds its locks: the agencies ``run`` did not finish before (here, or on the
    Scrapyd ``nodes``), each entry kept in the store as it ends; then the summary over them all."""
    keys = {agency.row: identity(agency) for agency in agencies}
    results = [{**run.finished[keys[a.row]], "row": a.row} for a in agencies if keys[a.row] in run.finished]
    for result in results:
        run.log.write(f"resumed {result['folder']} {result['status']}: finished before, not audited again")
    todo = [agency for agency in agencies if keys[agency.row] not in run.finished]
    children = ChildProcesses()

    def work(agency: Agency) -> dict[str, Any]:
        run.log.write(f"start {agency.folder} {agency.url}")
        return audit_one(agency, out, shared, time_limit, children)

    try:
        if nodes is None:
            finishing = run_spread(todo, jobs, server_keys(todo), work)
        else:
            finishing = run_on_nodes(todo, agencies, out, shared, time_limit, run, nodes, server_keys(todo))
        for number, result in enumerate(finishing, start=len(results) + 1):
            run.record(keys[result["row"]], result)  # first: an agency the log says ended is kept for --resume
            results.append(result)
            score = "-" if result.get("oit") is None else f"{result['oit']:.2f}"
            reason = f": {result['error']}" if result.get("error") else ""
            run.log.write(f"end {result['folder']} {result['status']} exit {result.get('exit')} oit {score}{reason}")
            print(f"[{number}/{len(agencies)}] {result['name']}: {result['status']} {score}{reason}", file=sys.stderr)
    except BaseException as exc:  # Ctrl-C, SIGTERM or a failure here: no child outlives the run
        children.stop_all()
        run.stopped(exc)
        if isinstance(exc, KeyboardInterrupt):
            stop = Terminated if isinstance(exc, Terminated) else Interrupted
            under_way = ("the audits under way were stopped" if nodes is None else
                         "the audits under way on the nodes finish into the history database")
            raise stop(f"{under_way} and no summary written; {len(results)} agencies' "
                       f"results are in {out} (see {out / LOG_NAME})"
                       + ("; --resume continues the run" if run.run_id is not None else "")) from exc
        raise
    results.sort(key=lambda r: r["row"])
    summary = summarise(results, shared, read_digests(results, out), _trend(run, keys, agencies, results))
    try:
        write_summary(summary, out)
    except ReportsNotSaved:
        run.finish(ReportsNotSaved.exit_status)
        raise
    done = [r for r in results if r["status"] == AgencyStatus.DONE]
    if not done:
        run.finish(SiteUnreachable.exit_status)
        raise SiteUnreachable("no agency could be audited; see " + str(out / "summary.html"))
    below = fail_under is not None and any(r["oit"] is None or r["oit"] < fail_under for r in done)
    status = 1 if below or len(done) < len(results) else 0
    run.finish(status)
    return summary, status


def write_summary(summary: dict[str, Any], out: Path) -> None:
    """summary.json, summary.html, summary.xlsx and summary.csv into ``out``; when it fails at the end, into a
    fallback folder, then ReportsNotSaved (exit 5) naming both (the agencies' own reports are already in their
    folders). A summary that breaks its schema (``oitcheck.summary/1``) is refused before any file is written:
    jsonschema.ValidationError, exit 5, as for report.json."""
    validate_summary(summary)
    files = render_summary(summary)
    try:
        for name, content in files.items():
            atomic_write(out / name, content)
    except OSError as exc:
        reason = f"{type(exc).__name__}: {exc.strerror or exc}"
        try:
            fallback = unsaved_folder("summary")
            for name, content in files.items():
                atomic_write(fallback / name, content)
        except OSError:
            raise ReportsNotSaved(f"cannot write the summary to {out} ({reason}), nor to a temporary folder; "
                                  "the agencies' reports are in their folders") from exc
        raise ReportsNotSaved(f"cannot write the summary to {out} ({reason}); it was saved in {fallback}") from exc


def read_digests(results: list[dict[str, Any]], out: Path) -> dict[str, Digest]:
    """What the summary needs of each audited agency's report.json, read again from its folder and only when it is
    still the one its audit wrote (the entry's token); one report at a time, so hundreds stay small."""
    digests = {}
    for result in results:
        if result["status"] == AgencyStatus.DONE:
            report = fresh_report(out / result["folder"] / "report.json", result.get("run_token"))
            if report is not None:
                digests[result["folder"]] = digest(report)
    return digests


def _trend(run: ManyRun, keys: dict[int, str], agencies: list[Agency],
           results: list[dict[str, Any]]) -> list[TrendPoint] | None:
    """Every audit the history store holds of this run's agencies in the newest audit-many runs (None without
    the store: no trend, no error)."""
    if run.store is None:
        return None
    folder = {keys[a.row]: a.folder for a in agencies}
    done = [keys[r["row"]] for r in results if r["status"] == AgencyStatus.DONE]
    try:
        rows = run.store.oit_trend(done, RUN_KIND, TREND_RUNS)
    except OitcheckError as exc:  # the summary is still written, without its trend
        run.log.write(f"trend not read from the history database: {exc}")
        return None
    return [TrendPoint(run_id, finished_at, folder[key], oit) for run_id, finished_at, key, oit in rows]


def _changed(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    if not changes:
        return None
    return {"since": changes["since"], "oit_delta": changes["oit_delta"],
            "fixed": [c["id"] for c in changes["fixed"]], "regressed": [c["id"] for c in changes["regressed"]],
            "changed": [c["id"] for c in changes["changed"]], "new_broken_links": len(changes["new_broken_links"])}


def summarise(results: list[dict[str, Any]], shared: AuditRequest, digests: dict[str, Digest] | None = None,
              trend: list[TrendPoint] | None = None) -> dict[str, Any]:
    """The province summary (``report.summary``) of ``results``, from the audited agencies' reports
    (``digests``); the run's own layout and dates stand in where no report says (none audited)."""
    as_of, year = audit_dates(shared.as_of, shared.year)
    known = next(iter((digests or {}).values()), None)
    if known is not None:  # the reports name their layout: no layout is loaded again
        context = RunContext(known.checklist, known.pass_mark, as_of.isoformat(), year)
    else:
        checklist = load(shared.checklist or _run_layout(shared))
        context = RunContext(checklist.id, checklist.pass_mark, as_of.isoformat(), year)
    return build_summary(results, digests or {}, context, trend)


def _run_layout(shared: AuditRequest) -> str:
    """The layout the run's options choose when no agency was audited (for the summary's heading)."""
    return choose(shared.kind, audit_dates(shared.as_of, shared.year)[1]).checklist
