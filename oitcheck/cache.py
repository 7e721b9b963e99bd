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


class DocumentCache:
    def __init__(self, root: Path, max_age_days: float = DEFAULT_MAX_AGE_DAYS) -> None:
        self.root = root / "documents"
        self.max_age_s = max_age_days * 86400

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            if time.time() - path.stat().st_mtime > self.max_age_s:
                return None
            return json.loads(path.read_text(encoding="utf-8"))
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
