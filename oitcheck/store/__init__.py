"""The history store (history-contract.md): every run, agency, item verdict with its evidence and findings,
broken link and score; staff decisions; what audit-many runs finished. SQLAlchemy Core on SQLite (default,
one file) or PostgreSQL, the schema kept by Alembic migrations. ``Store`` is the one door to it."""

from __future__ import annotations

from oitcheck.store.database import default_path, resolve_url, shown
from oitcheck.store.store import Store, open_store

__all__ = ["Store", "default_path", "open_store", "resolve_url", "shown"]
