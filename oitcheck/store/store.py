"""``Store``: each operation is one transaction on the history database (see ``oitcheck.store``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, text

from oitcheck.checks.decisions import Decisions
from oitcheck.store import changes, decisions, history, record, retention, runs
from oitcheck.store.database import connect, in_transaction, resolve_url, shown, sqlite_path

T = TypeVar("T")


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = connect(url)

    @property
    def shown(self) -> str:
        return shown(self.url)

    @property
    def lock_path(self) -> Path | None:
        """The file audit-many locks for a SQLite store (PostgreSQL: ``advisory_lock``)."""
        path = sqlite_path(self.url)
        return None if path is None else path.with_name(path.name + ".lock")

    def _do(self, work: Callable[[Connection], T]) -> T:
        return in_transaction(self.engine, self.shown, work)

    @contextmanager
    def advisory_lock(self, name: str) -> Iterator[bool]:
        """PostgreSQL: hold a session advisory lock named ``name`` for the block (True when this process got
        it). It dies with the connection, so a killed holder never leaves it behind. SQLite: always True (the
        caller locks ``lock_path``)."""
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        with self.engine.connect() as connection:
            key = connection.execute(text("SELECT hashtext(:name)"), {"name": name}).scalar()
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()

    # runs
    def start_run(self, kind: str, out: str | Path | None = None, csv: str | Path | None = None,
                  options: dict[str, Any] | None = None) -> int:
        return self._do(lambda c: runs.start(c, kind, None if out is None else str(out),
                                             None if csv is None else str(csv), options))

    def finish_run(self, run_id: int, status: int) -> None:
        self._do(lambda c: runs.finish(c, run_id, status))

    def unfinished_run(self, kind: str, out: str | Path) -> int | None:
        return self._do(lambda c: runs.unfinished(c, kind, str(out)))

    def newest_unfinished(self, kind: str) -> dict[str, Any] | None:
        return self._do(lambda c: runs.newest_unfinished(c, kind))

    def run_entries(self, run_id: int) -> dict[str, dict[str, Any]]:
        return self._do(lambda c: runs.entries(c, run_id))

    def record_entry(self, run_id: int, agency: str, entry: dict[str, Any]) -> None:
        self._do(lambda c: runs.record_entry(c, run_id, agency, entry))

    # audits
    def record_audit(self, report: dict[str, Any], run_id: int, report_path: Path | None = None) -> int:
        return self._do(lambda c: record.record_audit(c, report, run_id, report_path))

    def changes(self, report: dict[str, Any]) -> dict[str, Any] | None:
        """``report``'s changes since the agency's previous audit on its checklist (None: the first)."""
        before = self._do(lambda c: changes.previous(c, report["agency"]["url"], report["checklist"],
                                                     report["finished_at"]))
        return changes.compare(before, changes.Snapshot.of_report(report))

    def history(self, url_or_name: str, limit: int | None = None) -> dict[str, Any]:
        return self._do(lambda c: history.agency_history(c, url_or_name, limit))

    def oit_trend(self, keys: list[str], kind: str, runs_shown: int) -> list[tuple[int, str, str, Any]]:
        return self._do(lambda c: history.oit_trend(c, keys, kind, runs_shown))

    # decisions
    def decisions_for(self, url: str) -> Decisions:
        return self._do(lambda c: decisions.for_audit(c, url))

    def decisions(self, url: str) -> list[decisions.Decision]:
        return self._do(lambda c: decisions.listed(c, url))

    def add_decision(self, url: str, kind: str, item: str, key: str | None, **fields: Any) -> int:
        return self._do(lambda c: decisions.add(c, url, kind, item, key, **fields))

    def remove_decision(self, url: str, kind: str, **match: Any) -> int:
        return self._do(lambda c: decisions.remove(c, url, kind, **match))

    def latest_checklist(self, url: str) -> str | None:
        """The checklist of the agency's newest audit (decisions name its items)."""
        return self._do(lambda c: changes.latest_checklist(c, url))

    # retention
    def prune(self, today: date, policy: retention.Retention | None = None) -> int:
        return self._do(lambda c: retention.prune(c, today, policy or retention.Retention()))

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str | None, default: Path | None = None) -> Store:
    """The store at ``db`` (URL or path), else ``$OITCHECK_DB``, else ``default``/the per-user file."""
    return Store(resolve_url(db, default))
