"""Staff decisions in the store: pins and acceptances are added, listed, removed (kept, marked removed, for
the record), and handed to the next audit as ``oitcheck.checks.decisions.Decisions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from oitcheck.checks.decisions import ACCEPT, PIN, Acceptance, Decisions, Pin
from oitcheck.net import agency_key
from oitcheck.store.record import agency_id, now
from oitcheck.store.tables import agencies, audits, decisions


@dataclass(frozen=True)
class Decision:
    """One decision as stored: for `oitcheck decisions` and for removal."""

    id: int
    kind: str
    item: str
    key: str | None
    code: str | None
    url: str | None
    text: str
    until: str | None
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "item": self.item, "key": self.key, "code": self.code,
                "url": self.url, "text": self.text, "until": self.until, "created_at": self.created_at}


def add(connection: Connection, url: str, kind: str, item: str, key: str | None, *, code: str | None = None,
        target: str | None = None, text: str = "", until: date | None = None) -> int:
    """Record a decision for the agency at ``url`` (created when the store has never audited it); it refers
    to the agency's newest audit, which retention then never prunes."""
    agency = agency_id(connection, url)
    newest = connection.execute(select(func.max(audits.c.id)).where(audits.c.agency_id == agency)).scalar()
    if kind == PIN:  # one pin per item: a new one replaces the old
        _remove(connection, _live(agency).where(decisions.c.kind == PIN, decisions.c.item == item))
    return int(connection.execute(insert(decisions).values(
        agency_id=agency, kind=kind, item=item, key=key, code=code, url=target, text=text,
        until=None if until is None else until.isoformat(), audit_id=newest, created_at=now(),
    )).inserted_primary_key[0])


def _live(agency: int | None):  # type: ignore[no-untyped-def]
    return select(decisions.c.id).where(decisions.c.agency_id == agency, decisions.c.removed_at.is_(None))


def _remove(connection: Connection, query) -> int:  # type: ignore[no-untyped-def]
    ids = [row.id for row in connection.execute(query)]
    if ids:
        connection.execute(update(decisions).where(decisions.c.id.in_(ids)).values(removed_at=now()))
    return len(ids)


def remove(connection: Connection, url: str, kind: str, item: str | None = None, code: str | None = None,
           target: str | None = None, decision_id: int | None = None) -> int:
    """Mark the matching live decisions removed; how many were."""
    agency = agency_id(connection, url, create=False)
    query = _live(agency).where(decisions.c.kind == kind)
    if decision_id is not None:
        query = query.where(decisions.c.id == decision_id)
    if item is not None:
        query = query.where(decisions.c.item == item)
    if code is not None:
        query = query.where(decisions.c.code == code)
    if target is not None:
        query = query.where(decisions.c.url == target)
    return _remove(connection, query)


def listed(connection: Connection, url: str) -> list[Decision]:
    """The agency's live decisions, oldest first."""
    rows = connection.execute(select(decisions).join(agencies).where(
        agencies.c.key == agency_key(url), decisions.c.removed_at.is_(None)).order_by(decisions.c.id))
    return [Decision(id=r.id, kind=r.kind, item=r.item, key=r.key, code=r.code, url=r.url, text=r.text,
                     until=r.until, created_at=r.created_at) for r in rows]


def for_audit(connection: Connection, url: str) -> Decisions:
    """What the agency's next audit applies (expired acceptances too: the report says they expired)."""
    found = listed(connection, url)
    return Decisions(
        pins=tuple(Pin(item=d.item, url=d.url or "", key=d.key, note=d.text, id=d.id) for d in found
                   if d.kind == PIN),
        accepted=tuple(Acceptance(item=d.item, reason=d.text, code=d.code, url=d.url, key=d.key, id=d.id,
                                  until=None if d.until is None else date.fromisoformat(d.until))
                       for d in found if d.kind == ACCEPT))
