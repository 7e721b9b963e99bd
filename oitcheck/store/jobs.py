"""audit-many's job table for runs spread over Scrapyd nodes (PostgreSQL, the one truth every node shares).

Each agency of a run is one job. The coordinator claims queued jobs in CSV order with ``FOR UPDATE SKIP
LOCKED`` and takes, in the same transaction, the lease of the agency's server address (``leases``: its primary
key is the address, so two audits on one hosting server at once cannot both hold it, whichever process asks).
Every claim raises the job's ``attempt``; a node's job starts, beats and finishes only as that attempt, so an
attempt the coordinator gave up on (its node stopped answering, its heartbeat went stale) can never finish the
job too: the audit, its report files and the job's end are written in one transaction guarded by the attempt.
Times are the database's own clock (``now()``), never a node's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from oitcheck.errors import BadInput
from oitcheck.store.database import in_transaction
from oitcheck.store.record import record_audit
from oitcheck.store.tables import job_files, jobs, leases

T = TypeVar("T")
MAX_ATTEMPTS = 3  # an agency lost with its node this often is reported as not audited


class JobState(StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"  # scheduled on a node, not started yet
    RUNNING = "running"  # the node's job started it and beats
    DONE = "done"


LIVE = (JobState.CLAIMED, JobState.RUNNING)


@dataclass(frozen=True)
class JobSpec:
    """One agency of a run, before its first claim."""

    agency: str
    row: int
    server: str
    request: str


@dataclass(frozen=True)
class Claim:
    """A job claimed for one attempt on one node."""

    job_id: int
    attempt: int
    row: int
    agency: str
    request: str


@dataclass(frozen=True)
class Live:
    """A job out on a node."""

    job_id: int
    attempt: int
    row: int
    node: str
    state: JobState
    stale: bool  # no heartbeat within the limit asked
    run_id: int


@dataclass(frozen=True)
class Finished:
    """A finished job whose files the coordinator has not collected yet."""

    job_id: int
    row: int
    agency: str
    outcome: dict[str, Any]


class Jobs:
    """The job table of one PostgreSQL history database; each method is one transaction."""

    def __init__(self, engine: Any, shown: str) -> None:
        if engine.dialect.name != "postgresql":
            raise BadInput(f"--scrapyd needs a PostgreSQL history database (--db postgresql://...), not {shown}")
        self.engine = engine
        self.shown = shown

    def _do(self, work: Callable[[Connection], T]) -> T:
        return in_transaction(self.engine, self.shown, work)

    def add(self, run_id: int, specs: list[JobSpec]) -> int:
        """Queue the agencies of ``specs`` the run has no job for yet (a resumed run keeps its jobs)."""

        def work(c: Connection) -> int:
            rows = [{"run_id": run_id, "agency": s.agency, "row": s.row, "server": s.server, "request": s.request,
                     "state": JobState.QUEUED, "attempt": 0, "collected": False} for s in specs]
            if not rows:
                return 0
            added = c.execute(pg_insert(jobs).values(rows).on_conflict_do_nothing(constraint="jobs_run_agency")
                              .returning(jobs.c.id))
            return len(added.all())

        return self._do(work)

    def claim(self, run_id: int, node: str) -> Claim | None:
        """The first queued job (CSV order) whose server no live job holds, claimed for ``node`` with its
        server's lease; None when there is none now."""

        def work(c: Connection) -> Claim | None:
            row = c.execute(select(jobs.c.id, jobs.c.attempt, jobs.c.row, jobs.c.agency, jobs.c.server,
                                   jobs.c.request)
                            .where(jobs.c.run_id == run_id, jobs.c.state == JobState.QUEUED,
                                   jobs.c.server.not_in(select(leases.c.server)))
                            .order_by(jobs.c.row).limit(1).with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            attempt = row.attempt + 1
            leased = c.execute(pg_insert(leases).values(server=row.server, job_id=row.id, attempt=attempt)
                               .on_conflict_do_nothing().returning(leases.c.server)).first()
            if leased is None:  # another claimer took the server in between: this job waits for it
                return None
            c.execute(update(jobs).where(jobs.c.id == row.id).values(
                state=JobState.CLAIMED, attempt=attempt, node=node, claimed_at=func.now(), heartbeat_at=func.now(),
                outcome=None))
            return Claim(row.id, attempt, row.row, row.agency, row.request)

        return self._do(work)

    def start(self, job_id: int, attempt: int) -> bool:
        """The node's job begins ``attempt``; False when the coordinator gave that attempt up already."""
        return self._do(lambda c: bool(c.execute(
            update(jobs).where(jobs.c.id == job_id, jobs.c.attempt == attempt, jobs.c.state.in_(LIVE))
            .values(state=JobState.RUNNING, heartbeat_at=func.now())).rowcount))

    def beat(self, job_id: int, attempt: int) -> bool:
        """A heartbeat of a running attempt; False when it is no longer this job's attempt (stop it)."""
        return self._do(lambda c: bool(c.execute(
            update(jobs).where(jobs.c.id == job_id, jobs.c.attempt == attempt, jobs.c.state == JobState.RUNNING)
            .values(heartbeat_at=func.now())).rowcount))

    def complete(self, job_id: int, attempt: int, outcome: dict[str, Any], files: dict[str, bytes],
                 report: dict[str, Any] | None, report_path: Path | None, run_id: int | None) -> bool:
        """Finish ``attempt``: the audit recorded in the history (when it gave a report), its files kept for the
        coordinator, the job done and its server's lease given back, all at once; False (nothing written)
        when the attempt is no longer the job's."""

        def work(c: Connection) -> bool:
            mine = c.execute(select(jobs.c.id).where(jobs.c.id == job_id, jobs.c.attempt == attempt,
                                                     jobs.c.state.in_(LIVE)).with_for_update()).first()
            if mine is None:
                return False
            if report is not None and run_id is not None:
                record_audit(c, report, run_id, report_path)
            c.execute(delete(job_files).where(job_files.c.job_id == job_id))
            if files:
                c.execute(insert(job_files), [{"job_id": job_id, "name": n, "content": b} for n, b in files.items()])
            c.execute(update(jobs).where(jobs.c.id == job_id).values(state=JobState.DONE, outcome=outcome,
                                                                     finished_at=func.now()))
            c.execute(delete(leases).where(leases.c.job_id == job_id))
            return True

        return self._do(work)

    def requeue(self, job_id: int, attempt: int, reason: str) -> bool:
        """Give ``attempt`` up (its node is gone or silent): the job is queued again and its server free; after
        MAX_ATTEMPTS it is done as not audited. False when the attempt had already ended."""

        def work(c: Connection) -> bool:
            if attempt >= MAX_ATTEMPTS:
                values: dict[str, Any] = {"state": JobState.DONE, "finished_at": func.now(),
                                          "outcome": {"returncode": None, "lost": True, "stderr": reason}}
            else:
                values = {"state": JobState.QUEUED, "node": None}
            changed = c.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.attempt == attempt,
                                                   jobs.c.state.in_(LIVE)).values(**values)).rowcount
            c.execute(delete(leases).where(leases.c.job_id == job_id, leases.c.attempt == attempt))
            return bool(changed)

        return self._do(work)

    def live(self, run_id: int | None, stale_after: float) -> list[Live]:
        """The jobs out on nodes (of run ``run_id``; None: of every run, a dead coordinator's too, whose leases
        would otherwise keep their servers from every later run), each marked stale when its last heartbeat is
        older than ``stale_after`` seconds by the database's clock."""
        limit = text("now() - make_interval(secs => :secs)").bindparams(secs=float(stale_after))
        query = select(jobs.c.id, jobs.c.attempt, jobs.c.row, jobs.c.node, jobs.c.state, jobs.c.run_id,
                       (jobs.c.heartbeat_at < limit).label("stale")).where(jobs.c.state.in_(LIVE))
        if run_id is not None:
            query = query.where(jobs.c.run_id == run_id)
        return self._do(lambda c: [Live(r.id, r.attempt, r.row, r.node or "", JobState(r.state), bool(r.stale),
                                        r.run_id) for r in c.execute(query.order_by(jobs.c.run_id, jobs.c.row))])

    def drop_queued(self, run_id: int, keep: set[str]) -> int:
        """Forget the run's queued jobs of agencies not in ``keep`` (a resumed run's CSV lost them)."""
        return self._do(lambda c: int(c.execute(delete(jobs).where(
            jobs.c.run_id == run_id, jobs.c.state == JobState.QUEUED, jobs.c.agency.not_in(keep))).rowcount or 0))

    def finished(self, run_id: int) -> list[Finished]:
        """The run's finished jobs not collected yet."""
        query = select(jobs.c.id, jobs.c.row, jobs.c.agency, jobs.c.outcome).where(
            jobs.c.run_id == run_id, jobs.c.state == JobState.DONE, jobs.c.collected.is_(False)).order_by(jobs.c.row)
        return self._do(lambda c: [Finished(r.id, r.row, r.agency, dict(r.outcome or {})) for r in c.execute(query)])

    def files(self, job_id: int) -> dict[str, bytes]:
        return self._do(lambda c: {r.name: bytes(r.content) for r in c.execute(
            select(job_files.c.name, job_files.c.content).where(job_files.c.job_id == job_id))})

    def collected(self, job_id: int) -> None:
        """The job's files are in the coordinator's folder and its entry in the run: they leave the database."""

        def work(c: Connection) -> None:
            c.execute(update(jobs).where(jobs.c.id == job_id).values(collected=True))
            c.execute(delete(job_files).where(job_files.c.job_id == job_id))

        self._do(work)

    def pending(self, run_id: int) -> int:
        """Jobs of the run not collected yet (queued, out on a node, or finished and waiting)."""
        return self._do(lambda c: int(c.execute(select(func.count()).select_from(jobs).where(
            and_(jobs.c.run_id == run_id, jobs.c.collected.is_(False)))).scalar() or 0))
