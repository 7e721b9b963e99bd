"""An audit's use of the history store: open it before the crawl (a bad ``--db`` costs no crawl), read the
agency's decisions for the rules, add ``changes`` to the report, and record the audit once its reports are
written (the files are the result; the store is their memory)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oitcheck.checks.decisions import Decisions
from oitcheck.errors import HistoryNotSaved
from oitcheck.fiscal import today

if TYPE_CHECKING:  # SQLAlchemy and Alembic are imported only by an audit that keeps history
    from oitcheck.store import Store


def open_history(db: str | None) -> Store | None:
    """The store at URL ``db``, migrated (None: --no-history); BadInput (exit 2) when it cannot be opened."""
    if db is None:
        return None
    from oitcheck.store import open_store

    return open_store(db)


def decisions_of(store: Store | None, url: str) -> Decisions:
    return Decisions() if store is None else store.decisions_for(url)


def add_changes(store: Store | None, report: dict[str, Any]) -> None:
    """``report["changes"]``: null with no store or no earlier audit of the agency on the same checklist."""
    report["changes"] = None if store is None else store.changes(report)


def record(store: Store | None, report: dict[str, Any], run_id: int | None, path: Path | None) -> None:
    """Record the audit: into audit-many's run ``run_id`` (the parent prunes once at its end), or into a run
    of its own, then prune what the retention policy no longer keeps (by the real date: --as-of only says
    which day the rules treat as today)."""
    if store is None:
        return
    try:
        if run_id is not None:
            store.record_audit(report, run_id, path)
            return
        own = store.start_run("audit", out=None if path is None else path.parent)
        store.record_audit(report, own, path)
        store.finish_run(own, 0)
    except HistoryNotSaved as exc:
        where = f"the reports are in {path.parent}" if path else "the reports were written"
        raise HistoryNotSaved(f"{exc}; {where}, but this audit is not in the history") from None
    try:
        store.prune(today())
    except HistoryNotSaved as exc:  # recorded; pruning waits for the next run
        print(f"warning: history not pruned: {exc}", file=sys.stderr)
