"""Shared fixtures: local site servers on 127.0.0.x and audits run through the real CLI.

Each audit runs ``oitcheck audit`` in a child process (Twisted's reactor starts once per process),
against saved fixture sites served on loopback, with a fixed ``--as-of`` (the frozen clock).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter

SITES = Path(__file__).parent / "sites"
DEMO_SITE = Path(__file__).parent.parent / "oitcheck" / "demo" / "site"
AS_OF = "2025-03-15"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Audits in tests keep their OCR cache and their history database in temporary folders, not in the user's
    ~/.cache and ~/.local/share ($OITCHECK_DB, which would override the latter, is unset)."""
    saved = {name: os.environ.get(name) for name in ("OITCHECK_CACHE_DIR", "XDG_DATA_HOME", "OITCHECK_DB",
                                                     "OITCHECK_PDF", "OITCHECK_HTTP_CACHE")}
    os.environ["OITCHECK_PDF"] = "0"  # no browser per audit: tests/test_pdf.py prints its own
    # no conditional requests (oitcheck.crawl.http_cache_settings): a test site served on a port another test's
    # site had would be revalidated by date against the other's stored answers; tests/test_incremental.py opts in
    os.environ["OITCHECK_HTTP_CACHE"] = "0"
    os.environ["OITCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))
    os.environ.pop("OITCHECK_DB", None)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oitcheck", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def audit(url: str, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    result = run_cli("audit", url, "--allow-private", "--as-of", AS_OF, "--out", str(out), "--no-progress", *extra)
    report_path = out / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
    return result, report


def items(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in report["items"]}


def codes(item: dict[str, Any], severity: str | None = None) -> set[str]:
    return {f["code"] for f in item["findings"] if severity is None or f.get("severity") == severity}


@pytest.fixture(scope="session")
def serve() -> Iterator[Any]:
    """``serve(folder, host="127.0.0.1")`` -> running SiteServer, stopped at the end of the session."""
    servers: list[SiteServer] = []

    def start(folder: Path, host: str = "127.0.0.1") -> SiteServer:
        server = SiteServer(folder, host=host).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def audited(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``audited(site_name)`` -> (CompletedProcess, report, out folder): one audit per site per session."""
    cache: dict[str, tuple[subprocess.CompletedProcess[str], dict[str, Any] | None, Path]] = {}

    def run(name: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None, Path]:
        if name not in cache:
            folder = DEMO_SITE if name == "demo" else SITES / name
            server = serve(folder)
            out = tmp_path_factory.mktemp(f"report-{name}")
            result, report = audit(server.url, out)
            assert result.returncode == 0, result.stderr
            cache[name] = (result, report, out)
        return cache[name]

    return run


@pytest.fixture
def hosts(tmp_path: Path):
    """``hosts(n)`` -> n (SiteWriter, SiteServer) pairs on 127.0.0.1, 127.0.0.2...; the first is the site."""
    servers: list[SiteServer] = []

    def start(count: int) -> list[tuple[SiteWriter, SiteServer]]:
        pairs = []
        for n in range(count):
            folder = tmp_path / f"host{n + 1}"
            folder.mkdir()
            server = SiteServer(folder, host=f"127.0.0.{n + 1}").start()
            servers.append(server)
            pairs.append((SiteWriter(folder, server.url), server))
        return pairs

    yield start
    for server in servers:
        server.stop()
