"""Debian's headless Chromium, shared by the two things that drive it: rendering pages built by JavaScript
during a crawl (``oitcheck.render``) and printing report.html to report.pdf (``oitcheck.report.pdf``). One place
says where the browser is and how it is started, so both find the same one and run it the same way."""

from __future__ import annotations

import os

from oitcheck import settings as default_settings

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def browser_path() -> str:
    """The browser to run: $OITCHECK_BROWSER, or the setting (Debian's chromium)."""
    return os.environ.get("OITCHECK_BROWSER") or default_settings.OITCHECK_BROWSER


def browser_missing(path: str | None) -> str | None:
    """Why ``path`` cannot be run as the browser, or None when it can."""
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return None
    return f"no browser at {path or '(none)'}"
