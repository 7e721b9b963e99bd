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
from bench.real.sites import DEFAULT_CHECKLIST, LABELS, Site, labels_of, load_label, load_sites
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


def run_site(site: Site, tree: Path, servers: Servers, workdir: Path) -> list[SiteResult]:
    """Serve, crawl breadth-first, audit and score one site, once per label (``labels_of``: the first also
    scores broken links and coverage; the others judge the same site on another layout, items only); a
    failure is reported, not raised."""
    results = []
    try:
        with servers.php(site, tree) as server:
            start = server.url + site.start
            bfs = crawl(start)
            for number, name in enumerate(labels_of(site.name)):
                since = server.log_size()
                result = audit_label(site, name, start, workdir)
                if number == 0 and result.error is None:
                    result.pages_bfs, result.pages_covered = coverage(bfs, server.requested(since))
                elif number:
                    result.broken_expected = result.broken_found = set()
                results.append(result)
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as exc:
        results.append(SiteResult(name=site.name, style=site.kind, error=f"{type(exc).__name__}: {exc}"))
    return results


def audit_label(site: Site, name: str, start: str, workdir: Path) -> SiteResult:
    """Audit the served site as of the label's date, on the label's layout, and score it against the label."""
    try:
        label = load_label(name)
        out = workdir / name
        command = [sys.executable, "-m", "oitcheck", "audit", start, "--allow-private", "--as-of", label["as_of"],
                   "--checklist", label.get("checklist", DEFAULT_CHECKLIST), "--out", str(out), "--no-progress",
                   "--no-history"]
        command += ["--name", label["agency"]] if label.get("agency") else []
        done = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        (workdir / f"{name}.audit.log").write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode not in (0, 1):
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
            return SiteResult(name=name, style=site.kind, error=f"audit exit {done.returncode}: {last}",
                              scored_items=len(label["items"]))
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        result = score(site, label, report, start)
        result.name = name
        return result
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as exc:
        return SiteResult(name=name, style=site.kind, error=f"{type(exc).__name__}: {exc}")


def per_layout(results: list[SiteResult]) -> dict[str, tuple[int, int]]:
    """Layout -> (items right, items scored): a label ``<site>@<layout>`` is on that layout, ``<site>`` on
    the default one."""
    counts: dict[str, tuple[int, int]] = {}
    for result in results:
        layout = result.name.partition("@")[2] or DEFAULT_CHECKLIST
        right, n = counts.get(layout, (0, 0))
        counts[layout] = (right + result.correct, n + len(result.items))
    return counts


HEADER = "site                       kind      items  accuracy  links recall  precision  pages   bfs  coverage  seconds"


def site_row(site: dict[str, Any]) -> str:
    """One label's line; a label judged on a second layout repeats no link or coverage figures."""
    broken = site["broken"]
    row = (f"{site['name']:<26} {site['style']:<9} {site['correct']:>2}/{site['n']:<3}"
           f" {site['correct'] / site['n'] if site['n'] else 0:>8.2f}")
    if "pages" not in site:
        return f"{row}  {'-':>12}  {'-':>9}  {'-':>5}  {'-':>4}  {'-':>8}  {site['crawl_s']:>7.1f}"
    pages = site["pages"]
    return (f"{row}  {broken['recall']:>12.2f}  {broken['precision']:>9.2f}  {pages['crawled']:>5}"
            f"  {pages['bfs']:>4}  {pages['coverage']:>8.2f}  {site['crawl_s']:>7.1f}")


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
        elif not labels_of(site.name):
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
                results = [r for site in present for r in run_site(site, root / site.folder, servers, workdir)]
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        return 130
    summary = summarise(results)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(summary, HEADER, site_row)
    print_details(summary, soft_404=False, link_lines=15)
    for layout, (right, n) in sorted(per_layout(results).items()):
        print(f"item accuracy on {layout}: {right / n:.2f} (n={n})")
    print(f"real item accuracy: {summary['accuracy']:.2f} (n={summary['n']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
