"""One Scrapyd job: claim the attempt in the job table, run the audit in a child process while beating, then
record it (the audit, its report files, the job's end) in one transaction guarded by the attempt.

The job stops its audit at once when the attempt is no longer its own (the coordinator gave it up and queued
the agency again) or when Scrapyd, its parent, is gone (``kill -9`` of the node: an orphaned audit would keep
crawling a server another node now audits). The report files travel to the coordinator through the database,
so nodes need no shared folder."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from oitcheck.audit import AuditRequest
from oitcheck.children import ChildOutcome, ChildProcesses
from oitcheck.errors import BadInput, OitcheckError
from oitcheck.many import fresh_report
from oitcheck.store import open_store
from oitcheck.store.jobs import Jobs

HEARTBEAT_S = float(os.environ.get("OITCHECK_JOB_HEARTBEAT", "5"))  # how often a running job beats
MAX_FILE_BYTES = 64 * 1024 * 1024  # a report file larger than this stays on the node (the PDF of a huge site)
STDERR_KEPT = 4000  # of the audit's stderr: its last lines say why it failed


class JobEnd(StrEnum):
    DONE = "done"  # recorded, the job finished
    GIVEN_UP = "given up"  # the attempt was no longer this job's: nothing recorded
    ORPHANED = "orphaned"  # Scrapyd died: the audit was stopped, nothing recorded


@dataclass(frozen=True)
class JobOrder:
    """What the coordinator scheduled: the request and the attempt of the job."""

    request: AuditRequest
    job_id: int
    attempt: int
    time_limit: float | None

    @classmethod
    def parse(cls, request: str, job: str, attempt: str, time_limit: str = "0") -> JobOrder:
        if not job.isdigit() or not attempt.isdigit():
            raise BadInput(f"job {job!r} and attempt {attempt!r} must be whole numbers")
        try:
            limit = float(time_limit or 0)
        except ValueError:
            raise BadInput(f"time_limit {time_limit!r} is not a number of seconds") from None
        parsed = AuditRequest.from_json(request)
        if parsed.db is None or parsed.token is None:
            raise BadInput("a node's audit request needs the history database and a token")
        return cls(parsed, int(job), int(attempt), limit or None)


def run_job(order: JobOrder, log: Callable[[str], None] = print) -> JobEnd:
    """Run the job's attempt to its end (see the module's docstring)."""
    request = order.request
    store = open_store(os.environ.get("OITCHECK_DB") or request.db)
    try:
        jobs = Jobs(store.engine, store.shown)
        if not jobs.start(order.job_id, order.attempt):
            return JobEnd.GIVEN_UP
        work = Path(tempfile.mkdtemp(prefix=f"oitcheck-job-{order.job_id}-{order.attempt}-"))
        try:
            return _audit(order, jobs, work, log)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        store.close()


def _audit(order: JobOrder, jobs: Jobs, work: Path, log: Callable[[str], None]) -> JobEnd:
    request = order.request
    local = replace(request, out=work / "report", record=False)  # the node's folder; the job records it
    children = ChildProcesses()
    watch = Watch(jobs, order, children, log)
    watch.start()
    try:
        done = children.run([sys.executable, "-m", "oitcheck.audit_child", "-"], local.to_json(), order.time_limit)
    except OSError as exc:
        done = ChildOutcome(None, "", f"oitcheck: error: the audit process could not start: {exc}")
    finally:
        watch.stop()
    if watch.ended is not None:
        return watch.ended
    report = fresh_report(local.out / "report.json", request.token)
    files = _files(local.out) if report is not None else {}
    outcome = {"returncode": done.returncode, "stderr": done.stderr[-STDERR_KEPT:], "timed_out": done.timed_out,
               "token": request.token}
    finished = jobs.complete(order.job_id, order.attempt, outcome, files, report, request.out / "report.json",
                             request.run_id)
    return JobEnd.DONE if finished else JobEnd.GIVEN_UP


def _files(folder: Path) -> dict[str, bytes]:
    """The report files the audit wrote (regular files only, each under the size cap), by relative path."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES:
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


class Watch(threading.Thread):
    """Beats for the attempt every HEARTBEAT_S; stops the audit when the attempt is lost or Scrapyd died."""

    def __init__(self, jobs: Jobs, order: JobOrder, children: ChildProcesses, log: Callable[[str], None]) -> None:
        super().__init__(name="heartbeat", daemon=True)
        self.jobs, self.order, self.children, self.log = jobs, order, children, log
        self.parent = os.getppid()
        self.ended: JobEnd | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(HEARTBEAT_S):
            if os.getppid() != self.parent:
                self._end(JobEnd.ORPHANED, "Scrapyd is gone")
                return
            try:
                mine = self.jobs.beat(self.order.job_id, self.order.attempt)
            except OitcheckError as exc:  # the database blinked: the next beat tries again
                self.log(f"heartbeat not written: {exc}")
                continue
            if not mine:
                self._end(JobEnd.GIVEN_UP, "the coordinator gave this attempt up")
                return

    def _end(self, how: JobEnd, why: str) -> None:
        self.ended = how
        self.log(f"{why}: the audit is stopped and nothing recorded")
        self.children.stop_all()

    def stop(self) -> None:
        self._stopping.set()
        self.join()
