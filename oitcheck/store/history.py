"""An agency's audits, newest first, for ``oitcheck history`` (history-contract.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from oitcheck.errors import BadInput
from oitcheck.net import agency_key
from oitcheck.store.tables import agencies, audits, items, runs


def find_agency(connection: Connection, url_or_name: str) -> Any:
    """The agency named by its URL (any form of it) or its name (whole, or a part naming only one)."""
    text = url_or_name.strip()
    rows = connection.execute(select(agencies).where(or_(agencies.c.key == agency_key(text),
                                                         agencies.c.name == text))).all()
    if not rows:
        rows = connection.execute(select(agencies).where(agencies.c.name.contains(text, autoescape=True))).all()
    if len(rows) > 1:
        names = ", ".join(f"{r.name} ({r.key})" for r in rows[:5])
        raise BadInput(f"{text!r} names {len(rows)} agencies: {names}; give the URL")
    if not rows:
        raise BadInput(f"no agency {text!r} in the history database")
    return rows[0]


def agency_history(connection: Connection, url_or_name: str, limit: int | None = None) -> dict[str, Any]:
    """The contract's ``{"agency": ..., "runs": [...]}``, each run with its counts and every item's status, and
    ``changed``: the items whose status differs from the previous run on the same checklist."""
    agency = find_agency(connection, url_or_name)
    query = select(audits).where(audits.c.agency_id == agency.id).order_by(audits.c.finished_at.desc(),
                                                                           audits.c.id.desc())
    rows = connection.execute(query.limit(limit) if limit else query).all()
    statuses: dict[int, dict[str, str]] = {row.id: {} for row in rows}
    if rows:
        for item in connection.execute(select(items.c.audit_id, items.c.item, items.c.status).where(
                items.c.audit_id.in_(list(statuses)))):
            statuses[item.audit_id][item.item] = item.status
    runs = [{"finished_at": row.finished_at, "checklist": row.checklist, "year": row.year, "as_of": row.as_of,
             "oit": row.oit, "counts": {"pass": row.passed, "partial": row.partial, "fail": row.failed,
                                        "unknown": row.unknown},
             "broken_links": row.broken, "report": row.report,
             "items": dict(sorted(statuses[row.id].items(), key=lambda kv: _order(kv[0])))} for row in rows]
    for index, run in enumerate(runs):
        earlier = next((r for r in runs[index + 1:] if r["checklist"] == run["checklist"]), None)
        run["changed"] = [] if earlier is None else [
            {"id": item, "from": earlier["items"][item], "to": status} for item, status in run["items"].items()
            if item in earlier["items"] and earlier["items"][item] != status]
    return {"agency": {"key": agency.key, "url": agency.url, "name": agency.name, "first_seen": agency.first_seen,
                       "last_seen": agency.last_seen}, "runs": runs}


def oit_trend(connection: Connection, keys: list[str], kind: str, runs_shown: int) -> list[tuple[int, str, str, Any]]:
    """(run, finished_at, agency key, OIT) of every audit of the agencies ``keys`` in the newest ``runs_shown`` runs
    of ``kind`` that audited any of them, oldest first: the province summary's trend, in one query."""
    if not keys:
        return []
    rows = connection.execute(
        select(audits.c.run_id, audits.c.finished_at, agencies.c.key, audits.c.oit)
        .join(agencies, agencies.c.id == audits.c.agency_id).join(runs, runs.c.id == audits.c.run_id)
        .where(agencies.c.key.in_(keys), runs.c.kind == kind)
        .order_by(audits.c.finished_at, audits.c.id)).all()
    ended: dict[int, str] = {}
    for row in rows:  # ordered by finish: a run's last audit comes last
        ended[row.run_id] = row.finished_at
    shown = set(sorted(ended, key=lambda run: ended[run])[-runs_shown:])
    return [(row.run_id, row.finished_at, row.key, row.oit) for row in rows if row.run_id in shown]


def _order(item: str) -> tuple[str, int]:
    """o2 before o10."""
    head = item.rstrip("0123456789")
    number = item[len(head):]
    return head, int(number) if number else 0
