"""``oitcheck audit-many``: audit every agency of a CSV and write a province summary.

Each agency is audited in its own child process (one Twisted reactor per process), handed its
``AuditRequest`` as JSON (``oitcheck.audit_child``), ``--jobs`` at a time but never two on one hosting
server at once; one agency's failure never stops the others, and ``--agency-time-limit`` stops one that
stalls (its whole process group). An agency's result is read only from the report its own audit just wrote
(the report carries the run token the parent handed that child). The summary ranks agencies, counts the gaps
they share and drafts the measures a provincial office would coordinate.
"""

from __future__ import annotations

import csv
import json
import queue
import re
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oitcheck import settings as defaults
from oitcheck.checks.checklist import choose, load
from oitcheck.children import ChildOutcome, ChildProcesses
from oitcheck.errors import BadInput, Interrupted, ReportsNotSaved, SiteUnreachable
from oitcheck.fiscal import audit_dates
from oitcheck.net import is_ip
from oitcheck.report.writers import atomic_write, check_writable, environment, unsaved_folder

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest  # only its shape: this process never crawls

SUMMARY_SCHEMA = "oitcheck.summary/1"
MAX_ROWS = 10_000
LOG_NAME = "oitcheck.log"


class AgencyStatus(StrEnum):
    """An agency's outcome in summary.json; every one but ``done`` is "not audited", with its reason."""

    DONE = "done"
    BAD_INPUT = "bad_input"  # the child exited 2
    UNREACHABLE = "unreachable"  # 3: the site could not be crawled
    TIME_LIMIT = "time_limit"  # stopped after --agency-time-limit
    INTERRUPTED = "interrupted"  # 130: the child was stopped by a signal it handled
    ERROR = "error"  # anything else: the child failed (5), crashed, or wrote no report of this run


@dataclass
class Agency:
    row: int
    name: str
    url: str
    province: str = ""
    type: str = ""
    checklist: str = ""  # the CSV's checklist column: this agency's layout (a hospital's MOIT), else the run's

    @property
    def folder(self) -> str:
        host = re.sub(r"^https?://", "", self.url).split("/")[0].split(":")[0]
        slug = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip("-") or "agency"
        return f"{self.row:03d}-{slug}"


def read_agencies(path: Path) -> list[Agency]:
    """Agencies from a CSV with columns name,url[,province,type,checklist] (UTF-8, BOM from Excel allowed).

    Every layout the checklist column names is loaded here, so a misspelt one is one error before any audit."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"no such file: {path}") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp874")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not a UTF-8 or Thai (cp874) text file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"name", "url"} <= columns:
        raise BadInput(f"{path}: needs a header row with columns name,url[,province,type,checklist]")
    agencies = []
    for number, row in enumerate(reader, start=1):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("url") and not row.get("name"):
            continue
        if number > MAX_ROWS:
            raise BadInput(f"{path}: more than {MAX_ROWS} agencies")
        agencies.append(Agency(number, row.get("name") or row.get("url", ""), row.get("url", ""),
                               row.get("province", ""), row.get("type", ""), row.get("checklist", "")))
    if not agencies:
        raise BadInput(f"{path}: no agencies listed")
    for name in sorted({a.checklist for a in agencies if a.checklist}):
        try:
            load(name)
        except BadInput as exc:
            row = next(a.row for a in agencies if a.checklist == name)
            raise BadInput(f"{path}: row {row}: {exc}") from None
    return agencies


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


def audit_one(agency: Agency, out: Path, shared: AuditRequest, time_limit: float | None = None,
              children: ChildProcesses | None = None) -> dict[str, Any]:
    """Audit one agency in a child process (``oitcheck.audit_child``, the request as JSON on its stdin, with a
    fresh token); summarise its outcome from the report carrying that token, and from nothing else."""
    request = replace(agency_request(shared, agency, out), token=secrets.token_hex(16))
    if time_limit:
        request = replace(request, crawl=replace(request.crawl, time_limit=crawl_budget(request.crawl.time_limit,
                                                                                        time_limit)))
    command = [sys.executable, "-m", "oitcheck.audit_child", "-"]
    entry: dict[str, Any] = {"row": agency.row, "name": agency.name, "url": agency.url, "province": agency.province,
                             "type": agency.type, "folder": agency.folder}
    try:
        done = (children or ChildProcesses()).run(command, request.to_json(), time_limit)
    except OSError as exc:
        return {**entry, "status": AgencyStatus.ERROR, "exit": None, "oit": None,
                "error": f"the audit process could not start: {exc}"}
    report = fresh_report(request.out / "report.json", request.token)
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
                "coverage": [p["code"] for p in report["crawl"].get("coverage", {}).get("problems", ())]}
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


def server_keys(agencies: list[Agency], timeout: float = 10.0) -> dict[int, str]:
    """Agency row -> the address of the server its site is on (its host name when that does not resolve).

    Many small agencies share one hosting server. Each audit keeps to a few connections per server
    address; two audits of one server at once would double them, so ``run_spread`` never runs two."""
    hosts = {agency.row: _host(agency.url) for agency in agencies}
    names = sorted({host for host in hosts.values() if host and not is_ip(host)})
    addresses: dict[str, str] = {}
    if names:
        pool = ThreadPoolExecutor(max_workers=min(16, len(names)))
        futures = {name: pool.submit(_first_address, name) for name in names}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:  # a slow resolver costs seconds once, never the run: an unresolved name is its own key
                addresses[name] = future.result(timeout=max(0.0, deadline - time.monotonic())) or name
            except (FutureTimeout, OSError):
                addresses[name] = name
        pool.shutdown(wait=False, cancel_futures=True)
    return {row: addresses.get(host, host) or f"row-{row}" for row, host in hosts.items()}


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _first_address(name: str) -> str | None:
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    return str(infos[0][4][0]) if infos else None


def run_spread(agencies: list[Agency], jobs: int, servers: dict[int, str],
               work: Callable[[Agency], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``work`` on every agency, ``jobs`` at a time but never two on one server (``servers``: row -> key) at
    once; results as they finish. Agencies start in CSV order, skipping those whose server is busy."""
    pending = list(agencies)
    busy: set[str] = set()
    lock = threading.Condition()
    finished: queue.Queue[dict[str, Any]] = queue.Queue()

    def take() -> Agency | None:
        with lock:
            while pending:
                agency = next((a for a in pending if servers[a.row] not in busy), None)
                if agency is not None:
                    pending.remove(agency)
                    busy.add(servers[agency.row])
                    return agency
                lock.wait()
            return None

    def run() -> None:
        while (agency := take()) is not None:
            try:
                result = work(agency)
            except Exception as exc:  # noqa: BLE001 - one agency's failure never stops the others
                result = {"row": agency.row, "name": agency.name, "url": agency.url, "province": agency.province,
                          "type": agency.type, "folder": agency.folder, "status": AgencyStatus.ERROR, "exit": None,
                          "oit": None, "error": str(exc)[:300]}
            with lock:
                busy.discard(servers[agency.row])
                lock.notify_all()
            finished.put(result)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(max(1, min(jobs, len(agencies))))]
    for thread in threads:
        thread.start()
    for _ in agencies:
        yield finished.get()


def run_many(csv_path: Path, out: Path, jobs: int, shared: AuditRequest, fail_under: float | None,
             time_limit: float | None = defaults.OITCHECK_AGENCY_TIME_LIMIT) -> tuple[dict[str, Any], int]:
    """Audit every agency of the CSV with the options of ``shared`` (its URL, name and folder are replaced per
    agency), each stopped after ``time_limit`` seconds; write the summary. Returns it and the exit status: 1
    when one is below ``fail_under`` or was not audited; SiteUnreachable (3) when none was audited."""
    agencies = read_agencies(csv_path)
    try:
        check_writable(out)
    except OSError as exc:
        raise BadInput(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    results: list[dict[str, Any]] = []
    servers = server_keys(agencies)
    log = RunLog(out / LOG_NAME)
    children = ChildProcesses()

    def work(agency: Agency) -> dict[str, Any]:
        log.write(f"start {agency.folder} {agency.url}")
        return audit_one(agency, out, shared, time_limit, children)

    try:
        for number, result in enumerate(run_spread(agencies, jobs, servers, work), start=1):
            results.append(result)
            score = "-" if result.get("oit") is None else f"{result['oit']:.2f}"
            reason = f": {result['error']}" if result.get("error") else ""
            log.write(f"end {result['folder']} {result['status']} exit {result.get('exit')} oit {score}{reason}")
            print(f"[{number}/{len(agencies)}] {result['name']}: {result['status']} {score}{reason}", file=sys.stderr)
    except BaseException as exc:  # Ctrl-C or a failure here: no child outlives the run (they are not in our group)
        children.stop_all()
        log.write("run stopped: the agencies still running were stopped, no summary written")
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted(f"the audits under way were stopped and no summary written; {len(results)} agencies' "
                              f"results are in {out} (see {out / LOG_NAME})") from exc
        raise
    results.sort(key=lambda r: r["row"])
    summary = summarise(results, shared)
    write_summary(summary, out)
    done = [r for r in results if r["status"] == AgencyStatus.DONE]
    if not done:
        raise SiteUnreachable("no agency could be audited; see " + str(out / "summary.html"))
    below = fail_under is not None and any(r["oit"] is None or r["oit"] < fail_under for r in done)
    return summary, 1 if below or len(done) < len(results) else 0


def write_summary(summary: dict[str, Any], out: Path) -> None:
    """summary.json and summary.html into ``out``; when it fails at the end, into a fallback folder, then
    ReportsNotSaved (exit 5) naming both (the agencies' own reports are already in their folders)."""
    texts = {"summary.json": json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
             "summary.html": environment().get_template("summary.html.j2").render(s=summary)}
    try:
        for name, text in texts.items():
            atomic_write(out / name, text)
    except OSError as exc:
        reason = f"{type(exc).__name__}: {exc.strerror or exc}"
        try:
            fallback = unsaved_folder("summary")
            for name, text in texts.items():
                atomic_write(fallback / name, text)
        except OSError:
            raise ReportsNotSaved(f"cannot write the summary to {out} ({reason}), nor to a temporary folder; "
                                  "the agencies' reports are in their folders") from exc
        raise ReportsNotSaved(f"cannot write the summary to {out} ({reason}); it was saved in {fallback}") from exc


class RunLog:
    """``OUT/oitcheck.log``: each agency's start and end, status and error, a line each as they happen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        line = f"{datetime.now().astimezone().isoformat(timespec='seconds')} {' '.join(text.split())}\n"
        with self._lock:
            try:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError:  # the log never stops a run: summary.json holds every outcome
                pass


def summarise(results: list[dict[str, Any]], shared: AuditRequest) -> dict[str, Any]:
    """Rankings, averages and the gaps agencies share. Agencies audited on different layouts (a hospital on
    MOIT beside municipalities on ITA) share a gap only within one layout: each gap names its layout."""
    done = [r for r in results if r["status"] == "done"]
    used = [r["checklist"] for r in done if r.get("checklist")]
    source = {r["checklist"]: r.get("checklist_source") or r["checklist"] for r in done if r.get("checklist")}
    main = max(sorted(set(used)), key=used.count) if used else (shared.checklist or _run_layout(shared))
    gaps = []
    for layout in [main, *sorted(set(used) - {main})]:
        checklist = load(source.get(layout, layout))
        mine = [r for r in done if r.get("checklist", main) == layout]
        for item in checklist.items:
            names = [r["name"] for r in mine if any(f["id"] == item.id for f in r["failing"])]
            if names:
                gaps.append({"item": item.id, "key": item.key, "checklist": checklist.id, "title": item.title,
                             "agencies": len(names), "names": names, "measure": item.measure.name,
                             "steps": list(item.measure.steps), "owner": item.measure.owner})
    gaps.sort(key=lambda g: -g["agencies"])
    checklist = load(source.get(main, main))
    scores = [r["oit"] for r in done if r["oit"] is not None]
    return {
        "schema": SUMMARY_SCHEMA,
        "checklist": checklist.id,
        "checklists": {layout: used.count(layout) for layout in sorted(set(used))},
        "pass_mark": checklist.pass_mark,
        "agencies": sorted(results, key=lambda r: (r.get("oit") is None, -(r.get("oit") or 0))),
        "audited": len(done),
        "passed": sum(1 for s in scores if s >= checklist.pass_mark),
        "mean_oit": round(sum(scores) / len(scores), 2) if scores else None,
        "common_gaps": gaps,
    }


def _run_layout(shared: AuditRequest) -> str:
    """The layout the run's options choose when no agency was audited (for the summary's heading)."""
    return choose(shared.kind, audit_dates(shared.as_of, shared.year)[1]).checklist
