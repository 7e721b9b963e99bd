"""``make eval-real``: audit real agency websites and score the verdicts against hand-written labels.

The sites (sites.yaml) come from ``REAL_SITES=DIR`` (or ``--sites DIR``): one working tree per repository,
named as ``git clone`` leaves it. Each is served by its own ``php -S`` on a free 127.0.0.1 port (sites with
a dump get a private MariaDB), crawled once by a plain breadth-first crawler (bfs.py) for the page count,
audited through the real CLI with the label's ``as_of``, and scored: items over non-contested labels,
broken links (``links.broken`` + ``links.soft_404``) against the label's ``broken_links``, and coverage: the
share of the breadth-first crawl's distinct pages of which the audit fetched a URL (read from the PHP
server's request log, written by a logging router in front of the site's own). The last line is
machine-readable: ``real item accuracy: 0.98 (n=161)``.

    python -m bench.real.run [--site NAME ...] [--sites DIR] [--json FILE] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.real.bfs import coverage, crawl, same_site, site_key
from bench.real.servers import PHP_PACKAGES, MissingTool, Servers, need
from bench.real.sites import LABELS, Site, load_label, load_sites
from tests.testbed.scoring import SiteResult, print_details, print_table, summarise

AUDIT_TIMEOUT = 1200


def sites_folder(option: Path | None) -> Path:
    """``--sites`` or ``$REAL_SITES``; a clear one-line exit when neither names a folder."""
    folder = option or (Path(os.environ["REAL_SITES"]) if os.environ.get("REAL_SITES") else None)
    if folder is None or not folder.is_dir():
        raise SystemExit(f"error: REAL_SITES={folder or ''} is not a folder: set REAL_SITES (or --sites) to the "
                         "folder holding one working tree per site repository (see README, make eval-real)")
    return folder


def score(site: Site, label: dict[str, Any], report: dict[str, Any], base: str) -> SiteResult:
    """Compare one audit's report with the site's label (contested items are not scored)."""
    result = SiteResult(name=site.name, style=site.kind, seconds=report["crawl"]["duration_s"],
                        pages_crawled=report["crawl"]["pages"],
                        scored_items=sum(1 for i in label["items"].values() if not i["contested"]))
    found = {item["id"]: item["status"] for item in report["items"]}
    for item_id, expected in label["items"].items():
        if not expected["contested"]:
            why = expected["reason"] + (f" [{expected['evidence']}]" if expected.get("evidence") else "")
            result.items.append((item_id, expected["status"], found.get(item_id, "missing"), why))
    result.broken_expected = set(label.get("broken_links", []))
    flagged = report["links"]["broken"] + report["links"].get("soft_404", [])
    result.broken_found = {site_key(b["url"]) for b in flagged if same_site(b["url"], base)}
    return result


def run_site(site: Site, tree: Path, servers: Servers, workdir: Path) -> SiteResult:
    """Serve, crawl breadth-first, audit and score one site; a failure is reported, not raised."""
    try:
        label = load_label(site.name)
        with servers.php(site, tree) as server:
            start = server.url + site.start
            bfs = crawl(start)
            since = server.log_size()
            out = workdir / site.name
            command = [sys.executable, "-m", "oitcheck", "audit", start, "--allow-private", "--as-of",
                       label["as_of"], "--out", str(out), "--no-progress"]
            command += ["--name", label["agency"]] if label.get("agency") else []
            done = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT,
                                  stdin=subprocess.DEVNULL)
            fetched = server.requested(since)
        (workdir / f"{site.name}.audit.log").write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode not in (0, 1):
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
            return SiteResult(name=site.name, style=site.kind, error=f"audit exit {done.returncode}: {last}")
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        result = score(site, label, report, start)
        result.pages_bfs, result.pages_covered = coverage(bfs, fetched)
        return result
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as exc:
        return SiteResult(name=site.name, style=site.kind, error=f"{type(exc).__name__}: {exc}")


HEADER = "site                       kind      items  accuracy  links recall  precision  pages   bfs  coverage  seconds"


def site_row(site: dict[str, Any]) -> str:
    pages, broken = site["pages"], site["broken"]
    return (f"{site['name']:<26} {site['style']:<9} {site['correct']:>2}/{site['n']:<3}"
            f" {site['correct'] / site['n'] if site['n'] else 0:>8.2f}  {broken['recall']:>12.2f}"
            f"  {broken['precision']:>9.2f}  {pages['crawled']:>5}  {pages['bfs']:>4}"
            f"  {pages['coverage']:>8.2f}  {site['crawl_s']:>7.1f}")


def main(argv: list[str] | None = None) -> int:
    sites = load_sites()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", choices=[s.name for s in sites], help="only these sites")
    parser.add_argument("--sites", type=Path, help="folder of the sites' working trees (default $REAL_SITES)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON")
    parser.add_argument("--keep", type=Path, help="keep the reports and server logs in this folder")
    args = parser.parse_args(argv)
    root = sites_folder(args.sites)
    chosen = [s for s in sites if not args.site or s.name in args.site]
    present = []
    for site in chosen:
        if not (root / site.folder).is_dir():
            print(f"skipped {site.name}: no working tree {root / site.folder} (git clone {site.repository})")
        elif not (LABELS / f"{site.name}.json").exists():
            print(f"skipped {site.name}: no label {LABELS / site.name}.json yet")
        else:
            present.append(site)
    try:
        need("php", PHP_PACKAGES)
        if any(s.databases for s in present):
            need("mariadbd", "mariadb-server")
    except MissingTool as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the servers on kill as on Ctrl-C
    try:
        with tempfile.TemporaryDirectory(prefix="oitcheck-eval-real-") as tmp:
            workdir = args.keep or Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            with Servers(workdir) as servers:
                results = [run_site(site, root / site.folder, servers, workdir) for site in present]
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        return 130
    summary = summarise(results)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(summary, HEADER, site_row)
    print_details(summary, soft_404=False, link_lines=15)
    print(f"real item accuracy: {summary['accuracy']:.2f} (n={summary['n']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
