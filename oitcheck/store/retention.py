"""Retention: the store grows by about 110 rows per agency per night; keep every audit for ``days``, then the
newest of each week for ``weeks``, then the newest of each month (for ``months``; 0: for ever). An agency's
newest audit, the audits staff decisions refer to, and the audits of unfinished runs are never pruned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, delete, select

from oitcheck.fiscal import BANGKOK
from oitcheck.store.tables import audits, broken_links, decisions, findings, items, run_agencies, runs, scores


@dataclass(frozen=True)
class Retention:
    days: int = 30
    weeks: int = 52
    months: int = 0  # 0: one audit a month is kept for ever

    def keeps(self, finished: date, today: date) -> str | None:
        """The bucket an audit of ``finished`` competes in (None: every audit that old is kept; "drop": none)."""
        age = (today - finished).days
        if age < self.days:
            return None
        if age < self.days + 7 * self.weeks:
            year, week, _ = finished.isocalendar()
            return f"w{year}-{week:02d}"
        if self.months and age >= self.days + 7 * self.weeks + 31 * self.months:
            return "drop"
        return f"m{finished.year}-{finished.month:02d}"


def prune(connection: Connection, today: date, policy: Retention = Retention()) -> int:
    """Delete the audits the policy no longer keeps, and what hangs on them; returns how many."""
    protected = {row[0] for row in connection.execute(select(decisions.c.audit_id).where(
        decisions.c.audit_id.is_not(None)))}
    unfinished = {row[0] for row in connection.execute(select(runs.c.id).where(runs.c.finished_at.is_(None)))}
    kept: dict[tuple[int, str, str], int] = {}
    doomed: list[int] = []
    newest: dict[int, int] = {}
    rows = connection.execute(select(audits.c.id, audits.c.agency_id, audits.c.checklist, audits.c.finished_at,
                                     audits.c.run_id).order_by(audits.c.finished_at.desc(), audits.c.id.desc()))
    for row in rows:
        if row.agency_id not in newest:
            newest[row.agency_id] = row.id
            continue
        if row.id in protected or row.run_id in unfinished:
            continue
        bucket = policy.keeps(datetime.fromisoformat(row.finished_at).date(), today)
        if bucket is None:
            continue
        slot = (row.agency_id, row.checklist, bucket)
        if bucket != "drop" and slot not in kept:
            kept[slot] = row.id  # the newest audit of its week or month
            continue
        doomed.append(row.id)
    for start in range(0, len(doomed), 500):
        chunk = doomed[start:start + 500]
        for table in (items, findings, broken_links, scores):
            connection.execute(delete(table).where(table.c.audit_id.in_(chunk)))
        connection.execute(delete(audits).where(audits.c.id.in_(chunk)))
    # finished runs past the daily window that are left with no audit go too
    cutoff = datetime.combine(today - timedelta(days=policy.days), datetime.min.time(), BANGKOK).isoformat()
    empty = select(runs.c.id).where(runs.c.finished_at.is_not(None), runs.c.started_at < cutoff,
                                    ~runs.c.id.in_(select(audits.c.run_id).distinct()))
    connection.execute(delete(run_agencies).where(run_agencies.c.run_id.in_(empty)))
    connection.execute(delete(runs).where(runs.c.id.in_(empty)))
    return len(doomed)
