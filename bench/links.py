"""Link check comparison: oitcheck and LinkChecker on the same planted pages (``bench/linkpages.py``), in one run.

For each tool: the planted broken links it found, those it missed, its false alarms (a working planted link
reported broken, or a broken URL that is no planted case), in all and per category. A URL reported broken is
matched to its case by the case id in it (``lk001``...), so both tools' ways of writing URLs match.

    .venv/bin/python bench/links.py [--keep] [--linkchecker PATH]

Nothing leaves the machine: the pages are served on 127.0.0.1 by ``tests.support.server.SiteServer``; the
one link to another host (a redirect to ``ftp://ftp.example.invalid``) cannot resolve.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/links.py`` puts bench/ first on the path, not the repo root
    sys.path.insert(0, str(ROOT))

from bench.linkpages import Case, LinkPages, case_ids, generate  # noqa: E402
from bench.run import AS_OF, LINKCHECKER_RC, tool_path  # noqa: E402
from tests.support.server import SiteServer  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "links.json"
# Lists of report.json's links section that name a link as not working (dropped: links found in the markup
# that could not be checked, when extraction reports them).
OITCHECK_LISTS = ("broken", "soft_404", "dropped")


@dataclass
class Outcome:
    """What one tool reported, against the planted cases."""

    tool: str
    wall_s: float | None = None
    found: list[str] = field(default_factory=list)  # planted broken, reported broken
    missed: list[str] = field(default_factory=list)  # planted broken, not reported
    false_alarms: list[str] = field(default_factory=list)  # planted working, reported broken
    unplanned: list[str] = field(default_factory=list)  # reported broken URLs with no case id
    note: str = ""


def score(tool: str, pages: LinkPages, reported: Iterable[str], wall_s: float | None, note: str = "") -> Outcome:
    """Match the URLs a tool reported broken to the planted cases."""
    cases = pages.by_id()
    hit: set[str] = set()
    unplanned: set[str] = set()
    for url in reported:
        ids = {cid for cid in case_ids(url) if cid in cases}
        hit |= ids
        if not ids:
            unplanned.add(url)
    broken = {c.id for c in pages.cases if c.broken}
    return Outcome(tool, wall_s, found=sorted(hit & broken), missed=sorted(broken - hit),
                   false_alarms=sorted(hit - broken), unplanned=sorted(unplanned), note=note)


def run_oitcheck(url: str, work: Path, timeout: float) -> tuple[list[str], float | None, str]:
    out = work / "oitcheck-report"
    command = [tool_path("oitcheck"), "audit", url, "--allow-private", "--as-of", AS_OF, "--out", str(out),
               "--no-progress", "--no-ocr", "--no-cache", "--no-history"]
    wall, done = _run(command, work / "oitcheck.out", work / "oitcheck.err", timeout)
    report = out / "report.json"
    if not report.exists():
        return [], wall, f"no report (exit {done}): {_tail(work / 'oitcheck.err')}"
    links = json.loads(report.read_text(encoding="utf-8"))["links"]
    return [entry["url"] for name in OITCHECK_LISTS for entry in links.get(name) or ()], wall, ""


def run_linkchecker(url: str, work: Path, timeout: float, program: str) -> tuple[list[str], float | None, str]:
    """LinkChecker with its defaults (robots.txt, 10 threads), recursing through the site; other hosts are not
    checked (no ``--check-extern``), as for oitcheck. Its CSV goes to stdout (as root it drops to ``nobody``)."""
    if not (Path(program).exists() or shutil.which(program)):
        return [], None, f"not installed ({program}): .venv/bin/pip install linkchecker"
    rc = work / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC, encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(work / "lc-config"), "XDG_DATA_HOME": str(work / "lc-data")}
    command = [program, "--config", str(rc), "--recursion-level", "-1", "--output", "csv/utf-8", "--verbose",
               "--no-status", url]
    out = work / "linkchecker.csv"
    wall, done = _run(command, out, work / "linkchecker.err", timeout, env)
    if done not in (0, 1):  # 1: broken links found
        return [], wall, f"exit {done}: {_tail(work / 'linkchecker.err')}"
    lines = [line for line in out.read_text(encoding="utf-8", errors="replace").splitlines()
             if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    # a row's URL as written (urlname) and as resolved (url): a malformed one may have no resolved form
    reported = [row.get(key) or "" for row in rows if row.get("valid") == "False" for key in ("urlname", "url")]
    return [url for url in reported if url], wall, ""


def _run(command: list[str], stdout: Path, stderr: Path, timeout: float,
         env: dict[str, str] | None = None) -> tuple[float | None, int | None]:
    started = time.monotonic()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        try:
            done = subprocess.run(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=timeout,
                                  env=env, cwd=stdout.parent)
        except subprocess.TimeoutExpired:
            return None, None
    return round(time.monotonic() - started, 1), done.returncode


def _tail(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines() if path.exists() else []
    return lines[-1][:200] if lines else ""


def table(outcomes: list[Outcome], cases: list[Case]) -> str:
    """Per tool, in all and per category: planted broken found / planted, false alarms."""
    categories = list(dict.fromkeys(c.category for c in cases))
    planted = {cat: sum(1 for c in cases if c.category == cat and c.broken) for cat in categories}
    by_id = {c.id: c for c in cases}
    width = max(len(o.tool) for o in outcomes) + 2
    lines = [f"{'category':<12} {'planted':>7}  " + "  ".join(f"{o.tool:>{width + 9}}" for o in outcomes),
             f"{'':<12} {'':>7}  " + "  ".join(f"{'found':>{width}} {'f.alarm':>8}" for _ in outcomes)]
    for cat in [*categories, "all"]:
        cells = []
        for o in outcomes:
            found = sum(1 for cid in o.found if cat in ("all", by_id[cid].category))
            alarms = sum(1 for cid in o.false_alarms if cat in ("all", by_id[cid].category))
            alarms += len(o.unplanned) if cat == "all" else 0
            cells.append(f"{found:>{width}} {alarms:>8}")
        total = sum(planted.values()) if cat == "all" else planted[cat]
        lines.append(f"{cat:<12} {total:>7}  " + "  ".join(cells))
    return "\n".join(lines)


def describe(outcome: Outcome, cases: dict[str, Case]) -> list[str]:
    lines = [f"{outcome.tool}: {len(outcome.found)} found, {len(outcome.missed)} missed, "
             f"{len(outcome.false_alarms) + len(outcome.unplanned)} false alarms"
             + (f", {outcome.wall_s} s" if outcome.wall_s is not None else "") + (f" ({outcome.note})" if outcome.note
                                                                                   else "")]
    for label, ids in (("missed", outcome.missed), ("false alarm", outcome.false_alarms)):
        lines += [f"  {label}: {cid} {cases[cid].category} / {cases[cid].name}" for cid in ids]
    lines += [f"  false alarm (no case): {url[:120]}" for url in outcome.unplanned]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="oitcheck and LinkChecker on the same planted link pages.")
    parser.add_argument("--linkchecker", default=tool_path("linkchecker"), help="LinkChecker's program")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each tool run may take")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (pages, reports, logs)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="oitcheck-links-"))
    try:
        pages = generate(work)
        cases = pages.by_id()
        print(f"link pages: {len(pages.cases)} planted links, {sum(c.broken for c in pages.cases)} broken", flush=True)
        with SiteServer(pages.root, host="127.0.0.1") as server:
            oit = score("oitcheck", pages, *run_oitcheck(server.url, work, args.timeout))
            peer = score("LinkChecker", pages, *run_linkchecker(server.url, work, args.timeout, args.linkchecker))
        outcomes = [oit, peer]
        print()
        print(table(outcomes, pages.cases))
        print()
        for outcome in outcomes:
            print("\n".join(describe(outcome, cases)))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {"cases": [c.__dict__ for c in pages.cases],
                                "tools": [o.__dict__ for o in outcomes]}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"\nresults: {args.json}" + (f"; pages and logs kept in {work}" if args.keep else ""))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if not oit.note else 1


if __name__ == "__main__":
    sys.exit(main())
