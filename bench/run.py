"""Benchmark oitcheck's crawl against LinkChecker on one synthetic agency site, in the same run, and its
Thai date extraction against dateparser (bench/dates.py), and document extraction (bench/documents.py).

Absolute seconds depend on the machine, so every number is printed next to a peer measured minutes
apart on the same machine, the same site and the same server: LinkChecker, the usual open-source site
link checker. Both crawl the whole site (robots.txt obeyed, no external hosts) and report its broken
links; the run checks each against the planted set. Traffic goes only to 127.0.0.1.

    python bench/run.py            # 2000 pages (a few minutes on 2 cores)
    python bench/run.py --quick    # 300 pages
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/run.py`` puts bench/ first on the path, not the repo root
    sys.path.insert(0, str(ROOT))

import oitcheck  # noqa: E402
from bench import dates as bench_dates  # noqa: E402
from bench import documents as bench_documents  # noqa: E402
from bench.site import SiteInfo, generate  # noqa: E402
from tests.support.server import SiteServer  # noqa: E402

AS_OF = "2025-03-15"
QUICK_PAGES = 300
GNU_TIME = Path("/usr/bin/time")
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
BIN = Path(sys.executable).parent
# LinkChecker's per-host rate limit (default 10/s, and never under 0.1-0.6 s between requests unless the
# server sends a "LinkChecker" header, which the bench site does) is lifted so both tools run at the speed
# their own concurrency allows; oitcheck keeps its defaults (AutoThrottle, 4 requests at a time per site).
LINKCHECKER_RC = "[checking]\nmaxrequestspersecond=1000\n"
PAGE_SUFFIXES = ("/", ".html", ".htm", ".php")


@dataclass
class Measured:
    """One tool's run: wall time and peak RSS of the process tree, and what it reported."""

    tool: str
    command: list[str]
    wall_s: float | None = None
    peak_mb: float | None = None  # peak of the whole process tree (sampled every 0.2 s) or of its largest process
    largest_process_mb: float | None = None
    exit_status: int | None = None
    timed_out: bool = False
    pages: int | None = None
    urls: int | None = None
    broken: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    note: str = ""
    runs_wall_s: list[float | None] = field(default_factory=list)
    runs_peak_mb: list[float | None] = field(default_factory=list)

    @property
    def pages_per_s(self) -> float | None:
        return round(self.pages / self.wall_s, 1) if self.pages and self.wall_s else None

    @property
    def exact(self) -> bool:
        return self.wall_s is not None and not self.timed_out and not self.missed and not self.extra


def run_measured(tool: str, command: list[str], stdout: Path, stderr: Path, timeout: float,
                 env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run ``command`` under ``/usr/bin/time -v`` when present (else the child's own rusage), with a deadline.

    ``os.wait4`` on the one child gives its tree's peak RSS even without GNU time, unlike
    ``getrusage(RUSAGE_CHILDREN)``, which would report the largest of all children run so far.
    """
    result = Measured(tool=tool, command=command)
    time_file = stderr.with_suffix(".time")
    use_time = GNU_TIME.exists()
    full = [str(GNU_TIME), "-v", "-o", str(time_file), *command] if use_time else command
    started = time.monotonic()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(full, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        deadline = started + timeout
        tree_peak_kb, next_sample = 0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() >= next_sample:  # the sum over the process tree: oitcheck's workers count too
                tree_peak_kb = max(tree_peak_kb, session_rss_kb(proc.pid))
                next_sample = time.monotonic() + 0.2
            if time.monotonic() > deadline and not result.timed_out:
                result.timed_out = True
                os.killpg(proc.pid, signal.SIGTERM)
                deadline = time.monotonic() + 10  # then SIGKILL if it ignores SIGTERM
            elif result.timed_out and time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
    result.wall_s = round(time.monotonic() - started, 2)
    proc.returncode = result.exit_status = os.waitstatus_to_exitcode(status)
    peak_kb: float = usage.ru_maxrss  # kilobytes on Linux
    if use_time and time_file.exists():
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_file.read_text(errors="replace"))
        if match:
            peak_kb = int(match.group(1))
    result.peak_mb = round(max(peak_kb, tree_peak_kb) / 1024, 1)
    result.largest_process_mb = round(peak_kb / 1024, 1)
    return result


def session_rss_kb(session: int) -> int:
    """Resident memory of every process in a session (the measured tool and all it started), in kB."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != session:  # field 6 of stat, the session id
                continue
            with open(f"/proc/{entry.name}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    return total


def median_run(runs: list[Measured]) -> Measured:
    """The run with the median wall time stands for the tool (one slow run is noise, not the tool); it
    carries every run's times and peaks, and any run's misses, so one bad run still shows."""
    done = sorted((r for r in runs if r.wall_s is not None and not r.timed_out), key=lambda r: r.wall_s or 0.0)
    if len(done) == len(runs):
        chosen = done[len(done) // 2]
        peaks = sorted(r.peak_mb for r in done if r.peak_mb is not None)
        chosen.peak_mb = peaks[len(peaks) // 2] if peaks else None
    else:  # a failed or timed-out run is the result: it must not hide behind the others
        chosen = next(r for r in runs if r.wall_s is None or r.timed_out)
    chosen.runs_wall_s = [r.wall_s for r in runs]
    chosen.runs_peak_mb = [r.peak_mb for r in runs]
    chosen.missed = sorted({u for r in runs for u in r.missed})
    chosen.extra = sorted({u for r in runs for u in r.extra})
    return chosen


def compare(result: Measured, found: set[str], expected: set[str]) -> None:
    result.broken = sorted(found)
    result.missed = sorted(expected - found)
    result.extra = sorted(found - expected)


def run_oitcheck(url: str, info: SiteInfo, work: Path, expected: set[str], timeout: float, run: int) -> Measured:
    """``oitcheck audit`` as an agency would run it, with a page cap above the site's size."""
    out = work / f"oitcheck-report-{run}"
    max_pages = info.pages + len(info.broken) + 100  # broken internal pages count against the cap too
    command = [tool_path("oitcheck"), "audit", url, "--allow-private", "--as-of", AS_OF, "--out", str(out),
               "--no-progress", "--no-history", "--max-pages", str(max_pages)]
    stderr = work / f"oitcheck-{run}.err"
    result = run_measured("oitcheck", command, work / f"oitcheck-{run}.out", stderr, timeout, cwd=work)
    report_file = out / "report.json"
    if result.timed_out or not report_file.exists():
        result.note = _failure(result, stderr)
        return result
    report = json.loads(report_file.read_text(encoding="utf-8"))
    result.pages = report["crawl"]["pages"]
    result.urls = report["links"]["checked"]
    result.note = f"crawl {report['crawl']['duration_s']} s of the wall time"
    compare(result, {b["url"] for b in report["links"]["broken"]}, expected)
    return result


def run_linkchecker(url: str, work: Path, expected: set[str], timeout: float, run: int) -> Measured:
    """LinkChecker over the same site: unlimited recursion, internal URLs only, default threads, CSV out.

    As root it drops to ``nobody`` before checking, so it writes to stdout (opened by this process)
    rather than to a file of its own in a private temp folder.
    """
    linkchecker = tool_path("linkchecker")
    if not Path(linkchecker).exists() and not shutil.which("linkchecker"):
        return Measured(tool="LinkChecker", command=[], note="not installed: .venv/bin/pip install linkchecker")
    rc = work / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC, encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(work / "lc-config"), "XDG_DATA_HOME": str(work / "lc-data")}
    command = [linkchecker, "--config", str(rc), "--recursion-level", "-1", "--output", "csv/utf-8", "--verbose",
               "--no-status", "--ignore-url", f"!^{re.escape(url)}", url]
    out, stderr = work / f"linkchecker-{run}.csv", work / f"linkchecker-{run}.err"
    result = run_measured("LinkChecker", command, out, stderr, timeout, env=env, cwd=work)
    if result.timed_out or result.exit_status not in (0, 1):  # 1: broken links found
        result.note = _failure(result, stderr)
        return result
    lines = [line for line in out.read_text(encoding="utf-8", errors="replace").splitlines()
             if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    urls = {row["url"] for row in rows if row.get("url", "").startswith(url)}
    valid = {row["url"] for row in rows if row.get("valid") == "True" and row.get("url", "").startswith(url)}
    result.urls = len(urls)
    result.pages = sum(1 for u in valid if urlsplit(u).path.endswith(PAGE_SUFFIXES))
    compare(result, {row["url"] for row in rows if row.get("valid") == "False"}, expected)
    return result


def run_demo(work: Path, timeout: float) -> dict[str, Any]:
    """Time ``oitcheck demo`` (the bundled sample site) once, from its own report's crawl figures."""
    site = Path(oitcheck.__file__).resolve().parent / "demo" / "site"
    if not (site / "index.html").exists():
        return {"skipped": f"demo site not there yet ({site})"}
    out = work / "demo-report"
    command = [tool_path("oitcheck"), "demo", "--out", str(out)]
    result = run_measured("oitcheck demo", command, work / "demo.out", work / "demo.err", timeout, cwd=work)
    report_file = out / "report.json"
    if result.timed_out or not report_file.exists():
        return {"skipped": _failure(result, work / "demo.err")}
    crawl = json.loads(report_file.read_text(encoding="utf-8"))["crawl"]
    rate = round(crawl["pages"] / crawl["duration_s"], 1) if crawl["duration_s"] else None
    return {"pages": crawl["pages"], "documents": crawl["documents"], "crawl_s": crawl["duration_s"],
            "pages_per_s": rate, "wall_s": result.wall_s, "peak_mb": result.peak_mb}


def tool_path(name: str) -> str:
    """The venv's console script (this interpreter's bin/), else whatever is on PATH."""
    local = BIN / name
    return str(local) if local.exists() else (shutil.which(name) or str(local))


def _failure(result: Measured, stderr: Path) -> str:
    """One line for a run that produced nothing to compare, so the table says why instead of zeros."""
    if result.timed_out:
        return f"timed out after {result.wall_s} s"
    tail = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if stderr.exists() else []
    return f"exit {result.exit_status}" + (f": {tail[0][:200]}" if tail else "")


def _fmt(value: float | int | None, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def table(results: list[Measured], expected: set[str]) -> str:
    """The printed comparison, one row per tool, so a run's numbers are read side by side."""
    lines = [f"{'tool':<12} {'wall s':>7} {'pages':>6} {'pages/s':>8} {'URLs':>6} {'peak MB':>8} {'broken':>7}  "
             "planted set"]
    for r in results:
        if r.wall_s is None:
            verdict = r.note
        elif r.exact:
            verdict = f"exact ({len(expected)}/{len(expected)})"
        else:
            verdict = f"missed {len(r.missed)}, extra {len(r.extra)}" + (f"; {r.note}" if r.timed_out else "")
        lines.append(f"{r.tool:<12} {_fmt(r.wall_s, '.1f'):>7} {_fmt(r.pages):>6} {_fmt(r.pages_per_s, '.1f'):>8} "
                     f"{_fmt(r.urls):>6} {_fmt(r.peak_mb, '.1f'):>8} {len(r.broken) if r.wall_s else '-':>7}  "
                     f"{verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate, serve, measure both tools alternately, print and save; exit 1 if oitcheck missed a planted link."""
    parser = argparse.ArgumentParser(description="Benchmark oitcheck against LinkChecker on a synthetic site.")
    parser.add_argument("--pages", type=int, help="site size in pages (default 2000; --quick: 300)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAGES} pages, for a check in under a minute")
    parser.add_argument("--repeat", type=int, help="runs per tool, alternating; the median counts (default 3; "
                        "--quick: 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each tool run may take (default 300)")
    parser.add_argument("--no-demo", action="store_true", help="skip timing `oitcheck demo`")
    parser.add_argument("--no-dates", action="store_true", help="skip the date-extraction benchmark")
    parser.add_argument("--no-documents", action="store_true", help="skip the document-extraction benchmark")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (site, reports, logs)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args(argv)
    pages = args.pages or (QUICK_PAGES if args.quick else 2000)
    repeat = max(1, args.repeat or (1 if args.quick else 3))

    work = Path(tempfile.mkdtemp(prefix="oitcheck-bench-"))
    try:
        started = time.monotonic()
        info = generate(work, pages)
        statuses = [b.status for b in info.broken]
        print(f"site: {info.pages} pages, {info.links} links, {info.documents} documents, {len(info.broken)} planted "
              f"broken links ({statuses.count(404)} x 404, {statuses.count(500)} x 500), generated in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        with SiteServer(info.root, host="127.0.0.1") as server:
            url = server.url
            expected = {urljoin(url, b.path) for b in info.broken}
            print(f"serving {url}; {repeat} run(s) of each tool, alternating", flush=True)
            oit_runs, peer_runs = [], []
            for run in range(1, repeat + 1):
                oit_runs.append(run_oitcheck(url, info, work, expected, args.timeout, run))
                if not peer_runs or peer_runs[-1].command:  # an empty command: not installed, once is enough
                    peer_runs.append(run_linkchecker(url, work, expected, args.timeout, run))
                print(f"  run {run}: oitcheck {_fmt(oit_runs[-1].wall_s)} s, LinkChecker "
                      f"{_fmt(peer_runs[-1].wall_s)} s", flush=True)
            oit, peer = median_run(oit_runs), median_run(peer_runs)
            if not args.no_dates:  # while the site is still on disk: its pages' text is one of the measures
                dates = bench_dates.measure(2 if args.quick else 10, 1 if args.quick else 3)
                dates["site_share"] = bench_dates.site_share(info.root, oit.wall_s)
        demo = {"skipped": "--no-demo"} if args.no_demo else run_demo(work, args.timeout)
        documents = None if args.no_documents else bench_documents.measure(40 if args.quick else 200)

        results = [oit, peer]
        ratios = {"time": _ratio(oit.wall_s, peer.wall_s), "memory": _ratio(oit.peak_mb, peer.peak_mb)}
        print()
        print(table(results, expected))
        print()
        print(f"oitcheck / LinkChecker: time {_fmt(ratios['time'], '.2f')}x, memory {_fmt(ratios['memory'], '.2f')}x "
              "(above 1: oitcheck slower / larger)")
        if oit.note:
            print(f"oitcheck: {oit.note}")
        for r in results:
            for label, urls in (("missed", r.missed), ("extra", r.extra)):
                for u in urls[:10]:
                    print(f"  {r.tool} {label}: {u}")
        if "skipped" in demo:
            print(f"demo: skipped: {demo['skipped']}")
        else:
            print(f"demo: {demo['pages']} pages, {demo['documents']} documents; crawl {demo['crawl_s']} s "
                  f"({_fmt(demo['pages_per_s'])} pages/s), wall {demo['wall_s']} s, peak {demo['peak_mb']} MB")
        if not args.no_dates:
            print(bench_dates.report(dates))
        if documents:
            print(bench_documents.report(documents))
        print(f"total {time.monotonic() - started:.0f} s")

        data = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "versions": {"oitcheck": oitcheck.__version__, "linkchecker": _linkchecker_version()},
            "site": {k: v for k, v in asdict(info).items() if k not in ("root", "broken")}
            | {"planted_broken": len(info.broken)},
            "tools": [asdict(r) | {"pages_per_s": r.pages_per_s, "exact": r.exact} for r in results],
            "ratios_oitcheck_over_linkchecker": ratios,
            "demo": demo,
            "dates": None if args.no_dates else dates,
            "documents": documents,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"results: {args.json}")
        return 0 if oit.exact else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _linkchecker_version() -> str | None:
    try:
        text = subprocess.run([tool_path("linkchecker"), "--version"], capture_output=True, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"LinkChecker (\S+)", text)
    return match.group(1) if match else None


if __name__ == "__main__":
    sys.exit(main())
