"""Writing one audit into the store: its agency, run, items, findings, broken links and scores, from the
report.json document the audit wrote (the store keeps what the report says, and nothing it would recompute).
One transaction: a run killed at any moment leaves the whole audit or none of it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, insert, select, update

from oitcheck.fiscal import BANGKOK
from oitcheck.net import agency_key, canonical
from oitcheck.store.tables import agencies, audits, broken_links, findings, items, scores

STATUSES = ("pass", "partial", "fail", "unknown")


def now() -> str:
    return datetime.now(BANGKOK).isoformat(timespec="seconds")


def agency_id(connection: Connection, url: str, name: str | None = None, create: bool = True) -> int | None:
    """The agency's row, found by its normalised URL; created (or renamed: names change) as needed."""
    key = agency_key(url)
    row = connection.execute(select(agencies.c.id, agencies.c.name).where(agencies.c.key == key)).first()
    if row is not None:
        # names change; an audit without --name (named by its host) keeps the name a CSV or --name gave
        if name and name != row.name and name != urlsplit(url).hostname:
            connection.execute(update(agencies).where(agencies.c.id == row.id).values(name=name, url=url))
        return int(row.id)
    if not create:
        return None
    stamp = now()
    return int(connection.execute(insert(agencies).values(key=key, url=url, name=name or key, first_seen=stamp,
                                                          last_seen=stamp)).inserted_primary_key[0])


def record_audit(connection: Connection, report: dict[str, Any], run_id: int, report_path: Path | None) -> int:
    """Insert the audit of ``report`` (report.json's document) into run ``run_id``; returns the audit's id."""
    agency = agency_id(connection, report["agency"]["url"], report["agency"]["name"])
    connection.execute(update(agencies).where(agencies.c.id == agency).values(last_seen=report["finished_at"]))
    counts = Counter(item["status"] for item in report["items"])
    audit = int(connection.execute(insert(audits).values(
        run_id=run_id, agency_id=agency, started_at=report["started_at"], finished_at=report["finished_at"],
        checklist=report["checklist"], year=report["year"], as_of=report["as_of"], oit=report["scores"]["oit"],
        passed=counts["pass"], partial=counts["partial"], failed=counts["fail"], unknown=counts["unknown"],
        broken=len(report["links"]["broken"]) + len(report["links"].get("soft_404", ())),
        pages=report["crawl"]["pages"], report=None if report_path is None else str(report_path),
    )).inserted_primary_key[0])
    item_rows = [{"audit_id": audit, "item": item["id"], "key": item.get("key"), "status": item["status"],
                  "score": item["score"], "title": item["title"],
                  "evidence": item["evidence"][0]["url"] if item["evidence"] else None,
                  "pinned": item.get("pinned")} for item in report["items"]]
    connection.execute(insert(items), item_rows)
    finding_rows = [{"audit_id": audit, "item": item["id"], "code": finding["code"],
                     "severity": finding.get("severity", "fail"), "url": finding.get("url"),
                     "message": finding["message"],
                     "accepted": (finding.get("accepted") or {}).get("reason")}
                    for item in report["items"] for finding in item["findings"]]
    if finding_rows:
        connection.execute(insert(findings), finding_rows)
    link_rows = [{"audit_id": audit, "url": link["url"], "key": canonical(link["url"]), "kind": kind,
                  "status": link.get("status"), "error": link.get("error"),
                  "found_on": (link.get("found_on") or [None])[0]}
                 for kind in ("broken", "soft_404") for link in report["links"].get(kind, ())]
    if link_rows:
        connection.execute(insert(broken_links), link_rows)
    connection.execute(insert(scores), [{"audit_id": audit, "name": name, "value": value}
                                        for name, value in report["scores"].items()])
    return audit
