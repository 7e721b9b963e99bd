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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter
from tests.testbed.sites import SITES, load_truth, site_module

CLASSES = ("pass", "partial", "fail")
HOST_ADDRESSES = {"site": "127.0.0.1", "files": "127.0.0.2", "dead": "127.0.0.3"}
AUDIT_TIMEOUT = 600


@dataclass
class SiteResult:
    name: str
    style: str
    items: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, expected, found, reason
    broken_expected: set[str] = field(default_factory=set)
    broken_found: set[str] = field(default_factory=set)
    soft_expected: set[str] = field(default_factory=set)
    soft_found: set[str] = field(default_factory=set)
    eit_ok: bool | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def correct(self) -> int:
        return sum(1 for _, expected, found, _ in self.items if expected == found)


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
                   "--as-of", truth["as_of"], "--out", str(out), "--no-progress", "--name", truth.get("agency", name)]
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


def summarise(results: list[SiteResult]) -> dict[str, Any]:
    rows = [row for r in results for row in r.items]
    rows += [(f"o{n}", "site", "error", r.error or "") for r in results if r.error for n in range(1, 29)]
    confusion = Counter((expected, found) for _, expected, found, _ in rows)
    expected_broken = {(r.name, u) for r in results for u in r.broken_expected}
    found_broken = {(r.name, u) for r in results for u in r.broken_found}
    hits = len(expected_broken & found_broken)
    expected_soft = {(r.name, u) for r in results for u in r.soft_expected}
    found_soft = {(r.name, u) for r in results for u in r.soft_found}
    return {
        "sites": [{"name": r.name, "style": r.style, "correct": r.correct, "n": len(r.items), "error": r.error,
                   "crawl_s": r.seconds, "eit_ok": r.eit_ok,
                   "broken": {"expected": sorted(r.broken_expected), "found": sorted(r.broken_found)},
                   "mismatches": [{"item": i, "expected": e, "found": f, "reason": why}
                                  for i, e, f, why in r.items if e != f]} for r in results],
        "confusion": {f"{e}->{f}": n for (e, f), n in sorted(confusion.items())},
        "accuracy": sum(1 for _, e, f, _ in rows if e == f) / len(rows) if rows else 0.0,
        "n": len(rows),
        "broken_recall": hits / len(expected_broken) if expected_broken else 1.0,
        "broken_precision": hits / len(found_broken) if found_broken else 1.0,
        "broken_missed": sorted(f"{s} {u}" for s, u in expected_broken - found_broken),
        "broken_extra": sorted(f"{s} {u}" for s, u in found_broken - expected_broken),
        "soft_404_recall": len(expected_soft & found_soft) / len(expected_soft) if expected_soft else 1.0,
        "soft_404_precision": len(expected_soft & found_soft) / len(found_soft) if found_soft else 1.0,
        "soft_404_missed": sorted(f"{s} {u}" for s, u in expected_soft - found_soft),
        "soft_404_extra": sorted(f"{s} {u}" for s, u in found_soft - expected_soft),
    }


def print_summary(summary: dict[str, Any]) -> None:
    print("site                       items  accuracy  crawl s  EIT")
    for site in summary["sites"]:
        if site["error"]:
            print(f"{site['name']:<26} ERROR {site['error']}")
            continue
        eit = {None: "-", True: "ok", False: "WRONG"}[site["eit_ok"]]
        print(f"{site['name']:<26} {site['correct']:>2}/{site['n']:<3} {site['correct'] / site['n']:>8.3f}"
              f"  {site['crawl_s']:>7.1f}  {eit}")
    print("\nconfusion (rows: truth, columns: oitcheck)")
    found_classes = (*CLASSES, "unknown")
    print(" " * 10 + "".join(f"{c:>9}" for c in found_classes))
    for expected in CLASSES:
        counts = [summary["confusion"].get(f"{expected}->{found}", 0) for found in found_classes]
        print(f"{expected:<10}" + "".join(f"{n:>9}" for n in counts))
    mismatches = [(s["name"], m) for s in summary["sites"] for m in s["mismatches"]]
    if mismatches:
        print("\nmismatches")
        for name, m in mismatches:
            print(f"  {name} {m['item']}: truth {m['expected']}, oitcheck {m['found']} ({m['reason']})")
    print(f"\nbroken links: recall {summary['broken_recall']:.2f}, precision {summary['broken_precision']:.2f}")
    for line in summary["broken_missed"]:
        print(f"  missed {line}")
    for line in summary["broken_extra"]:
        print(f"  extra  {line}")
    print(f"soft 404s: recall {summary['soft_404_recall']:.2f}, precision {summary['soft_404_precision']:.2f}")
    for line in summary["soft_404_missed"]:
        print(f"  missed {line}")
    for line in summary["soft_404_extra"]:
        print(f"  extra  {line}")
    print(f"item accuracy: {summary['accuracy']:.2f} (n={summary['n']})")


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
