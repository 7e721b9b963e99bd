"""The real spider in a child process (a Twisted reactor runs once per process), printing what a test reads."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def crawl_in_child(script: str, url: str, **options: Any) -> dict[str, Any]:
    """Run ``script`` (it crawls ``sys.argv[1]`` with the ``CrawlOptions`` in ``sys.argv[2]`` and prints JSON) on
    ``url``; no OCR, no caches, private addresses allowed unless ``options`` say otherwise."""
    options = {"allow_private": True, "ocr": False, "cache_dir": "", **options}
    done = subprocess.run([sys.executable, "-c", script, url, json.dumps(options)], capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
