"""A small on-disk cache of document extraction results, keyed by the file's content hash.

OCR costs seconds a page and agencies rarely change a published scan, so a nightly audit reads each
scan once. Entries are JSON files, written atomically, and expire after ``max_age_days`` so a change in
how a file is read (or a file that once timed out) is eventually retried.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_MAX_AGE_DAYS = 30


def default_cache_dir() -> Path:
    """``$OITCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/oitcheck``, else ``~/.cache/oitcheck``."""
    if os.environ.get("OITCHECK_CACHE_DIR"):
        return Path(os.environ["OITCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oitcheck"


def cache_root(settings: Any) -> Path | None:
    """The cache folder a crawl's settings ask for (``OITCHECK_CACHE_DIR``): None with ``--no-cache``."""
    folder = settings.get("OITCHECK_CACHE_DIR")
    if folder == "":
        return None
    return default_cache_dir() if folder is None else Path(folder)


class DocumentCache:
    """Extraction results as JSON files under ``root/folder`` (``documents``: document facts and QR codes by the
    file's hash; ``pages``: a page's parse by its text, URL and encoding)."""

    def __init__(self, root: Path, max_age_days: float = DEFAULT_MAX_AGE_DAYS, folder: str = "documents") -> None:
        self.root = root / folder
        self.max_age_s = max_age_days * 86400

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with open(self._path(key), "rb") as handle:  # one lookup of the path: a re-audit reads 2,000 of them
                if time.time() - os.fstat(handle.fileno()).st_mtime > self.max_age_s:
                    return None
                return json.loads(handle.read())
        except (OSError, ValueError):
            return None  # missing, unreadable or half-written by a killed run: read the file again

    def put(self, key: str, facts: dict[str, Any]) -> None:
        """Best effort: a full disk or a read-only home must not fail an audit."""
        path = self._path(key)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(facts, out, ensure_ascii=False)
            os.replace(temporary, path)

    def prune(self, max_bytes: int, every_s: float = 0) -> int | None:
        """Drop expired entries, then the oldest until the folder holds at most ``max_bytes`` (0: no bound);
        returns the bytes kept. Leftovers of killed writes (``*.tmp``) go too. Not again within ``every_s``
        seconds of the last time (None then): the agencies of one audit-many share the folder."""
        now = time.time()
        stamp = self.root / "pruned"
        with contextlib.suppress(OSError):
            if now - stamp.stat().st_mtime < every_s:
                return None
        with contextlib.suppress(OSError):
            self.root.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        entries: list[tuple[float, int, Path]] = []
        for path in self.root.glob("*/*.*"):
            try:
                info = path.stat()
            except OSError:
                continue
            if path.suffix == ".tmp" or now - info.st_mtime > self.max_age_s:
                path.unlink(missing_ok=True)
                continue
            entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if not max_bytes or total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
        return total
