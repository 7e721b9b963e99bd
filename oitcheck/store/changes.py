"""What changed since the agency's previous audit on the same checklist (history-contract.md, ``changes``).

``Snapshot`` is what the comparison needs of one audit, read from the store for the previous one and from
report.json for the new one, so the comparison itself is a plain function of two snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from oitcheck.net import agency_key, canonical
from oitcheck.store.tables import agencies, audits, broken_links, items

PASS = "pass"


@dataclass
class Snapshot:
    """One audit as changes compare it: when, its OIT score, each item's status, its broken links."""

    finished_at: str
    oit: float | None
    statuses: dict[str, str]
    links: dict[str, str] = field(default_factory=dict)  # normalised URL -> the URL as found
    codes: dict[str, list[str]] = field(default_factory=dict)  # item -> its failing finding codes

    @classmethod
    def of_report(cls, report: dict[str, Any]) -> Snapshot:
        return cls(finished_at=report["finished_at"], oit=report["scores"]["oit"],
                   statuses={i["id"]: i["status"] for i in report["items"]},
                   links={canonical(link["url"]): link["url"]
                          for kind in ("broken", "soft_404") for link in report["links"].get(kind, ())},
                   codes={i["id"]: list(dict.fromkeys(f["code"] for f in i["findings"]
                                                      if f.get("severity", "fail") == "fail"))
                          for i in report["items"]})


def previous(connection: Connection, url: str, checklist: str, before: str | None = None) -> Snapshot | None:
    """The agency's newest audit on ``checklist`` (finished before ``before``, when given), or None."""
    query = (select(audits.c.id, audits.c.finished_at, audits.c.oit).join(agencies)
             .where(agencies.c.key == agency_key(url), audits.c.checklist == checklist))
    if before is not None:
        query = query.where(audits.c.finished_at < before)
    row = connection.execute(query.order_by(audits.c.finished_at.desc(), audits.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    statuses = {r.item: r.status for r in connection.execute(
        select(items.c.item, items.c.status).where(items.c.audit_id == row.id))}
    links = {r.key: r.url for r in connection.execute(
        select(broken_links.c.key, broken_links.c.url).where(broken_links.c.audit_id == row.id))}
    return Snapshot(finished_at=row.finished_at, oit=row.oit, statuses=statuses, links=links)


def compare(before: Snapshot | None, after: Snapshot) -> dict[str, Any] | None:
    """The contract's ``changes`` object (None with no earlier audit). Items new to the layout, or gone from
    it, are not changes of the site."""
    if before is None:
        return None
    fixed, regressed, changed = [], [], []
    for item, status in after.statuses.items():
        old = before.statuses.get(item)
        if old is None or old == status:
            continue
        entry: dict[str, Any] = {"id": item, "from": old, "to": status}
        if status == PASS:
            fixed.append(entry)
        elif old == PASS:
            regressed.append({**entry, "codes": after.codes.get(item, [])})
        else:
            changed.append(entry)
    delta = None if before.oit is None or after.oit is None else round(after.oit - before.oit, 2)
    return {
        "since": before.finished_at,
        "previous_oit": before.oit,
        "oit_delta": delta,
        "fixed": fixed,
        "regressed": regressed,
        "changed": changed,
        "new_broken_links": sorted(url for key, url in after.links.items() if key not in before.links),
        "fixed_broken_links": sorted(url for key, url in before.links.items() if key not in after.links),
    }


def latest_checklist(connection: Connection, url: str) -> str | None:
    return connection.execute(select(audits.c.checklist).join(agencies).where(agencies.c.key == agency_key(url))
                              .order_by(audits.c.finished_at.desc(), audits.c.id.desc()).limit(1)).scalar()
