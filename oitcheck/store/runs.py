"""Runs in the store: one row per ``oitcheck audit`` or ``audit-many``; an audit-many run also keeps each
finished agency's summary entry, so ``--resume`` after a crash or ``kill -9`` skips them."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from oitcheck import __version__
from oitcheck.store.record import now
from oitcheck.store.tables import run_agencies, runs


def start(connection: Connection, kind: str, out: str | None = None, csv: str | None = None,
          options: dict[str, Any] | None = None) -> int:
    return int(connection.execute(insert(runs).values(
        kind=kind, started_at=now(), out=out, csv=csv, options=options or {}, pid=os.getpid(),
        host=socket.gethostname(), version=__version__)).inserted_primary_key[0])


def finish(connection: Connection, run_id: int, status: int) -> None:
    """Mark the run finished; its agencies' entries are no longer needed (a finished run is never resumed)."""
    connection.execute(update(runs).where(runs.c.id == run_id).values(finished_at=now(), status=status))
    connection.execute(delete(run_agencies).where(run_agencies.c.run_id == run_id))


def unfinished(connection: Connection, kind: str, out: str) -> int | None:
    """The newest run of ``kind`` into folder ``out`` that never finished."""
    return connection.execute(select(runs.c.id).where(runs.c.kind == kind, runs.c.out == out,
                                                      runs.c.finished_at.is_(None))
                              .order_by(runs.c.id.desc()).limit(1)).scalar()


def record_entry(connection: Connection, run_id: int, agency: str, entry: dict[str, Any]) -> None:
    connection.execute(delete(run_agencies).where(run_agencies.c.run_id == run_id, run_agencies.c.agency == agency))
    connection.execute(insert(run_agencies).values(run_id=run_id, agency=agency, entry=entry, finished_at=now()))


def entries(connection: Connection, run_id: int) -> dict[str, dict[str, Any]]:
    return {row.agency: dict(row.entry) for row in connection.execute(
        select(run_agencies.c.agency, run_agencies.c.entry).where(run_agencies.c.run_id == run_id))}


def newest_unfinished(connection: Connection, kind: str) -> dict[str, Any] | None:
    """The newest unfinished run of ``kind`` in any folder: who holds the database's run lock, for its message."""
    row = connection.execute(select(runs.c.id, runs.c.pid, runs.c.host, runs.c.started_at, runs.c.out)
                             .where(runs.c.kind == kind, runs.c.finished_at.is_(None))
                             .order_by(runs.c.id.desc()).limit(1)).first()
    return None if row is None else {"run": row.id, "pid": row.pid, "host": row.host, "started_at": row.started_at,
                                     "out": row.out}
