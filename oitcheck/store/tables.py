"""The history store's tables, as the newest migration leaves them (SQLAlchemy Core).

Written for SQLite and PostgreSQL alike: times are ISO 8601 strings with their offset (Bangkok time, so they
sort as text), dates ``YYYY-MM-DD``; every audit is written in one transaction, so a killed run leaves either
the whole audit or none of it. The migrations in ``migrations/versions`` create these; a test checks that the
migrated database and this metadata agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # audit | audit-many
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),  # None: running, or killed (audit-many --resume continues it)
    Column("status", Integer),  # the command's exit status
    Column("out", Text),
    Column("csv", Text),
    Column("options", JSON),
    Column("pid", Integer),
    Column("host", String(255)),
    Column("version", String(32)),
)

agencies = Table(
    "agencies", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(512), nullable=False, unique=True),  # net.agency_key: host + path, no scheme or www.
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
)

audits = Table(
    "audits", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=False),
    Column("checklist", String(128), nullable=False),
    Column("year", Integer, nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("oit", Float),
    Column("passed", Integer, nullable=False),
    Column("partial", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("unknown", Integer, nullable=False),
    Column("broken", Integer, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("report", Text),  # where its report.json was written
    Index("audits_agency", "agency_id", "checklist", "finished_at"),
)

items = Table(
    "items", metadata,
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    Column("item", String(32), primary_key=True),
    Column("key", String(128)),
    Column("status", String(16), nullable=False),
    Column("score", Integer),
    Column("title", Text, nullable=False),
    Column("evidence", Text),  # the first evidence URL
    Column("pinned", Text),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True),
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("item", String(32), nullable=False),
    Column("code", String(64), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("url", Text),
    Column("message", Text, nullable=False),
    Column("accepted", Text),  # the acceptance's reason, when one applied
)

broken_links = Table(
    "broken_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("key", Text, nullable=False),  # the normalised URL changes are computed on
    Column("kind", String(16), nullable=False),  # broken | soft_404
    Column("status", Integer),
    Column("error", Text),
    Column("found_on", Text),
)

scores = Table(
    "scores", metadata,
    Column("audit_id", Integer, ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(32), primary_key=True),  # oit, indicator ("9"), sub-indicator ("9.1")
    Column("value", Float),
)

# Added by the second migration: staff decisions, and the agencies an audit-many run has finished (--resume).
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # pin | accept
    Column("item", String(32), nullable=False),
    Column("key", String(128)),
    Column("code", String(64)),  # accept: the finding code (None: every finding of the item)
    Column("url", Text),  # pin: the evidence URL; accept: the finding's URL (None: any)
    Column("text", Text, nullable=False, default=""),  # pin: the note; accept: the reason
    Column("until", String(10)),  # accept: the last day it applies
    Column("audit_id", Integer, ForeignKey("audits.id")),  # the agency's newest audit when it was made
    Column("created_at", String(32), nullable=False),
    Column("removed_at", String(32)),  # unpin / unaccept keep the row, for the record
)

run_agencies = Table(
    "run_agencies", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("agency", String(512), primary_key=True),  # net.agency_key
    Column("entry", JSON, nullable=False),  # the agency's entry in summary.json
    Column("finished_at", String(32), nullable=False),
)

# Added by the third migration: audit-many over Scrapyd nodes (oitcheck.store.jobs). PostgreSQL only in use.
jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("agency", String(512), nullable=False),  # net.agency_key
    Column("row", Integer, nullable=False),  # the CSV row: claimed in CSV order
    Column("server", String(255), nullable=False),  # the address of the agency's server (spread.server_keys)
    Column("request", Text, nullable=False),  # the AuditRequest as JSON, without token (each attempt gets one)
    Column("state", String(16), nullable=False),  # queued | claimed | running | done
    Column("attempt", Integer, nullable=False),  # raised at each claim: only the newest attempt may finish it
    Column("node", Text),  # the Scrapyd URL the attempt was scheduled on
    Column("claimed_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),  # the database's clock, never a node's
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", JSON),  # how the audit process ended: returncode, stderr's tail, timed_out, token
    Column("collected", Boolean, nullable=False, default=False),  # its files are in the coordinator's OUT
    UniqueConstraint("run_id", "agency", name="jobs_run_agency"),
    Index("jobs_state", "run_id", "state", "row"),
)

job_files = Table(
    "job_files", metadata,
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(255), primary_key=True),  # report.json, report.html, ...
    Column("content", LargeBinary, nullable=False),
)

leases = Table(
    "leases", metadata,
    Column("server", String(255), primary_key=True),  # one row per server address: one audit on it at once
    Column("job_id", Integer, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("attempt", Integer, nullable=False),
)
