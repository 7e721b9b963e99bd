"""Links to other hosts that worked, kept between runs, so nightly audits do not re-check them every night.

A site's own pages are always crawled (that is what is audited); a link to another host that answered
well within ``max_age_days`` is taken from here with what it answered (title, text, document facts, QR
codes), and one that failed is never kept, so it is checked again on every run. One SQLite file, shared
safely by the child processes of ``audit-many``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from oitcheck.net import canonical
from oitcheck.records import PageRecord, Record, record_from_dict

MAX_TEXT = 20_000  # characters of a cached page's text: what the rules read of it
DEFAULT_MAX_AGE_DAYS = 7.0


def worked(record: Record) -> bool:
    return not getattr(record, "error", None) and record.status is not None and record.status < 400


class LinkCache:
    def __init__(self, path: Path, max_age_days: float = DEFAULT_MAX_AGE_DAYS) -> None:
        self.max_age_s = max_age_days * 86400
        self.db: sqlite3.Connection | None = None
        with contextlib.suppress(sqlite3.Error, OSError):  # an unusable cache is no cache, not a failed audit
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS links (url TEXT PRIMARY KEY, checked_at REAL, record TEXT)")

    def fresh(self, url: str) -> Record | None:
        """The record of ``url`` when it worked less than ``max_age_days`` ago."""
        if self.db is None or self.max_age_s <= 0:
            return None
        try:
            row = self.db.execute("SELECT checked_at, record FROM links WHERE url = ?", (canonical(url),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or time.time() - row[0] > self.max_age_s:
            return None
        try:
            return dataclasses.replace(record_from_dict(json.loads(row[1])), cached=True)
        except (ValueError, TypeError, KeyError):
            return None  # written by another version of oitcheck: check the link again

    def remember(self, record: Record) -> None:
        """Keep a record that worked; forget one that did not (it must be checked again next time)."""
        if self.db is None:
            return
        url = canonical(record.url)
        with contextlib.suppress(sqlite3.Error, TypeError, ValueError):
            if not worked(record):
                self.db.execute("DELETE FROM links WHERE url = ?", (url,))
                return
            if isinstance(record, PageRecord):  # another host's links are never followed: only its own facts count
                record = dataclasses.replace(record, links=(), svgs=(), text=record.text[:MAX_TEXT],
                                             main_text=record.main_text[:MAX_TEXT])
            kept = record.to_dict()
            kept.pop("cached", None)
            self.db.execute("INSERT OR REPLACE INTO links VALUES (?, ?, ?)",
                            (url, time.time(), json.dumps(kept, ensure_ascii=False)))

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def link_cache_from(settings: Any) -> LinkCache | None:
    """The cache the run's settings ask for: None with ``--no-cache`` (OITCHECK_CACHE_DIR "")."""
    from oitcheck.cache import default_cache_dir

    folder = settings.get("OITCHECK_CACHE_DIR")
    if folder == "":
        return None
    root = default_cache_dir() if folder is None else Path(folder)
    return LinkCache(root / "links.sqlite", settings.getfloat("OITCHECK_LINK_CACHE_DAYS"))
