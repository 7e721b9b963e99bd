"""``make eval``: audit every test-bed site and measure item accuracy against its ground truth.

Each site is generated fresh into a temporary folder per host, served on its loopback address
(the agency's site on 127.0.0.1, an external file host on 127.0.0.2, a dead host on 127.0.0.3),
audited through the real CLI with the truth's fixed ``as_of``, and compared item by item. The last
line is machine-readable: ``item accuracy: 0.97 (n=168)``.

    python -m tests.testbed.run [--site NAME ...] [--jobs 2] [--json FILE] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter
from tests.testbed.scoring import SiteResult, print_summary, summarise
from tests.testbed.sites import SITES, load_truth, site_module

HOST_ADDRESSES = {"site": "127.0.0.1", "files": "127.0.0.2", "dead": "127.0.0.3"}
AUDIT_TIMEOUT = 600


def closed_port(address: str) -> int:
    """A port on ``address`` that nobody listens on (a dead host)."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def host_key(url: str, writers: dict[str, SiteWriter]) -> str:
    """``site:/path?query`` for a URL on one of the site's hosts; the URL itself otherwise."""
    for key, writer in writers.items():
        if url.startswith(writer.url.rstrip("/") + "/") or url == writer.url.rstrip("/"):
            parts = urlsplit(url)
            return f"{key}:{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    return url


def run_site(name: str, workdir: Path) -> SiteResult:
    """Generate, serve, audit and score one site; a broken generator is reported, not raised."""
    try:
        return _run_site(name, workdir)
    except Exception as exc:  # noqa: BLE001 - one broken site must not hide the others' results
        return SiteResult(name=name, style="", error=f"{type(exc).__name__}: {exc}")


def _run_site(name: str, workdir: Path) -> SiteResult:
    module = site_module(name)
    truth = load_truth(name)
    result = SiteResult(name=name, style=truth.get("style", ""))
    with ExitStack() as stack:
        writers: dict[str, SiteWriter] = {}
        for key in module.HOSTS:
            folder = workdir / name / key
            folder.mkdir(parents=True)
            server = stack.enter_context(SiteServer(folder, host=HOST_ADDRESSES[key]))
            writers[key] = SiteWriter(folder, server.url)
        dead = HOST_ADDRESSES["dead"]
        writers["dead"] = SiteWriter(workdir / name / "dead", f"http://{dead}:{closed_port(dead)}/")
        module.build(writers)
        for writer in writers.values():
            writer.finish()
        out = workdir / name / "report"
        command = [sys.executable, "-m", "oitcheck", "audit", writers["site"].url, "--allow-private",
                   "--as-of", truth["as_of"], "--out", str(out), "--no-progress", "--no-history",
                   "--name", truth.get("agency", name)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT, stdin=subprocess.DEVNULL)
        if done.returncode not in (0, 1):
            result.error = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
            return result
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    result.seconds = report["crawl"]["duration_s"]
    found = {item["id"]: item["status"] for item in report["items"]}
    for item_id, expected in truth["items"].items():
        result.items.append((item_id, expected["status"], found.get(item_id, "missing"), expected.get("reason", "")))
    result.broken_expected = set(truth.get("broken_links", []))
    result.broken_found = {host_key(b["url"], writers) for b in report["links"]["broken"]}
    result.soft_expected = set(truth.get("soft_404_links", []))
    result.soft_found = {host_key(b["url"], writers) for b in report["links"].get("soft_404", [])}
    if "eit" in truth:
        eit = report["homepage"]["eit"]
        result.eit_ok = eit["found"] == truth["eit"]["found"] and (
            not eit["found"] or (eit["url"] == truth["eit"]["url"] and eit["via"] == truth["eit"]["via"]))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", choices=SITES, help="only these sites")
    parser.add_argument("--jobs", type=int, default=2, help="sites audited at once")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    parser.add_argument("--keep", type=Path, help="keep the generated sites and reports in this folder")
    args = parser.parse_args(argv)
    names = args.site or SITES
    with tempfile.TemporaryDirectory(prefix="oitcheck-eval-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda n: run_site(n, workdir), names))
    summary = summarise(results)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print_summary(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
