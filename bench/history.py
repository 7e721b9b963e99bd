"""Nightly audit-many with history on: 50 local agency sites audited twice, as a scheduled job would.

    .venv/bin/python bench/history.py            # 50 agencies, then 10 for the memory comparison (10-20 min)
    .venv/bin/python bench/history.py --quick    # 10 agencies, then 4

The sites are the demo site, varied per agency (bench/agencies.py), each served by its own
``tests.support.server.SiteServer`` on its own loopback address (127.0.0.2, 127.0.0.3, ...: audit-many never
audits two agencies on one server at once, so one address would serialise them) and holding every answer
50-100 ms (the server's ``_site.json`` ``delay``). ``oitcheck audit-many CSV --out OUT --allow-private
--as-of 2025-03-15 --jobs 4 --no-progress`` runs twice into one folder, so both runs record into its default
store, OUT/history.sqlite; between the runs a few sites change, and every agency's second report must show
exactly those changes. Measured per run: wall time, agencies per minute, the peak resident memory of the
whole process tree (audit-many, its children and their workers; summed, and the largest single process)
and the store's size per agency-night; after the second, ``Store.changes`` timed in this process on each
agency's report. The same again with fewer agencies: peak memory must not grow with their number.
Traffic goes to 127.0.0.x only. Results: printed, and bench/results/history.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/history.py`` puts bench/ first on the path, not the repo root
    sys.path.insert(0, str(ROOT))

import oitcheck  # noqa: E402
from bench.agencies import AgencySite, matches, plant_changes, write_site  # noqa: E402
from bench.proctree import PeakSampler, tree  # noqa: E402
from oitcheck.store import open_store  # noqa: E402
from tests.support.server import SiteServer  # noqa: E402

AS_OF = "2025-03-15"
RESULTS = Path(__file__).resolve().parent / "results" / "history.json"
STORE = "history.sqlite"


@dataclass
class Night:
    """One audit-many run, as measured from outside."""

    night: int
    exit_status: int | None
    wall_s: float
    audited: int
    agencies_per_min: float | None
    peak_tree_mb: float  # the largest sum of VmRSS over the whole tree, sampled every 0.2 s
    peak_tree_pss_mb: float  # the same with PSS: pages processes share (libraries) counted once
    largest_process_mb: float  # the largest single process seen by the sampler
    largest_process_kernel_mb: float  # the kernel's peak RSS of the largest process (wait4), samples can miss it
    peak_processes: int
    samples: int
    requests: int  # answered by the agencies' servers during the run
    store_bytes: int  # history.sqlite + its -wal after the run
    store_kb_per_agency_night: float
    store_growth_kb_per_agency: float | None  # this night's growth of the store per agency (None: the first)
    timed_out: bool = False


def run_night(number: int, command: list[str], env: dict[str, str], work: Path, timeout: float,
              servers: list[SiteServer], agencies: int, store_before: int = 0) -> Night:
    """Run audit-many once, sampling its process tree; stop it (SIGINT, then SIGKILL of the tree) after
    ``timeout`` seconds."""
    requests_before = _requests(servers)
    started = time.monotonic()
    with (work / f"night-{number}.out").open("wb") as out, (work / f"night-{number}.err").open("wb") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=work, stdin=subprocess.DEVNULL)
        timed_out = False
        with PeakSampler(proc.pid) as sampler:
            deadline = started + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline and not timed_out:  # audit-many stops its children on SIGINT
                    timed_out = True
                    proc.send_signal(signal.SIGINT)
                    deadline = time.monotonic() + 10
                elif time.monotonic() > deadline:  # whatever is left after 10 s is killed
                    _kill_tree(proc.pid)
                    deadline = float("inf")
                time.sleep(0.1)
    wall = round(time.monotonic() - started, 1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    summary = _json(work / "out" / "summary.json") or {}
    audited = int(summary.get("audited") or 0)
    size = sum(path.stat().st_size for path in (work / "out" / STORE, work / "out" / f"{STORE}-wal")
               if path.exists())
    return Night(night=number, exit_status=proc.returncode, wall_s=wall, audited=audited,
                 agencies_per_min=round(audited / wall * 60, 1) if audited and wall else None,
                 peak_tree_mb=_mb(sampler.peak.total_kb), peak_tree_pss_mb=_mb(sampler.peak.pss_kb),
                 largest_process_mb=_mb(sampler.peak.largest_kb),
                 largest_process_kernel_mb=_mb(usage.ru_maxrss), peak_processes=sampler.peak.processes,
                 samples=sampler.samples, requests=_requests(servers) - requests_before, store_bytes=size,
                 store_kb_per_agency_night=round(size / 1024 / (agencies * number), 1),
                 store_growth_kb_per_agency=round((size - store_before) / 1024 / agencies, 1) if number > 1 else None,
                 timed_out=timed_out)


def _kill_tree(root: int) -> None:
    for pid in tree(root):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _requests(servers: list[SiteServer]) -> int:
    return sum(len(hits) for server in servers for hits in server.hits.values())


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


def _json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def reports(out: Path) -> list[dict[str, Any]]:
    """Every agency's report.json in audit-many's folder."""
    return [r for r in (_json(p) for p in sorted(out.glob("*/report.json"))) if r]


def time_changes(db: Path, found: list[dict[str, Any]]) -> dict[str, Any]:
    """``Store.changes`` on each report, in this process, against the store after the second run (one call
    first, untimed: opening the database is not the comparison); and whether each result equals what the
    audit itself wrote into report.json."""
    store = open_store(str(db))
    try:
        if found:
            store.changes(found[0])
        times, same = [], 0
        for report in found:
            started = time.perf_counter()
            computed = store.changes(report)
            times.append((time.perf_counter() - started) * 1000)
            same += computed == report.get("changes")
    finally:
        store.close()
    return {"agencies": len(times), "mean_ms": round(mean(times), 2) if times else None,
            "max_ms": round(max(times), 2) if times else None, "same_as_report": same}


def sanity(sites: list[AgencySite], urls: dict[int, str], found: list[dict[str, Any]]) -> dict[str, Any]:
    """Whether each agency's second report shows exactly the changes planted in its site."""
    by_url = {r["agency"]["url"]: r for r in found}
    wrong: dict[str, list[str]] = {}
    for site in sites:
        report = by_url.get(urls[site.number])
        problems = ["no report"] if report is None else matches(site, urls[site.number], report.get("changes"))
        if problems:
            wrong[site.host] = problems
    planted = sum(site.planted for site in sites)
    return {"agencies": len(sites), "planted": planted, "as_planted": len(sites) - len(wrong), "wrong": wrong}


def run_scale(agencies: int, work: Path, jobs: int, timeout: float) -> dict[str, Any]:
    """``agencies`` sites served, audited twice by audit-many with the default store, changed in between."""
    work.mkdir(parents=True)
    started = time.monotonic()
    sites = [write_site(work / "sites" / f"{n:03d}", n) for n in range(1, agencies + 1)]
    out = work / "out"
    env = {key: value for key, value in os.environ.items() if key != "OITCHECK_DB"}  # the default: OUT's store
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["OITCHECK_CACHE_DIR"] = str(work / "cache")  # cold on the first night, warm on the second, as at a user's
    command = [sys.executable, "-m", "oitcheck", "audit-many", str(work / "agencies.csv"), "--out", str(out),
               "--allow-private", "--as-of", AS_OF, "--jobs", str(jobs), "--no-progress"]
    with ExitStack() as stack:
        servers = [stack.enter_context(SiteServer(site.root, host=site.host)) for site in sites]
        urls = {site.number: server.url for site, server in zip(sites, servers, strict=True)}
        rows = ["name,url,province"] + [f"{site.name},{urls[site.number]},ลำพูน" for site in sites]
        (work / "agencies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        print(f"{agencies} agencies: sites written in {time.monotonic() - started:.1f} s; night 1", flush=True)
        first = run_night(1, command, env, work, timeout, servers, agencies)
        print(f"  night 1: exit {first.exit_status}, {first.wall_s} s; planting changes; night 2", flush=True)
        for site in sites:
            plant_changes(site)
        second = run_night(2, command, env, work, timeout, servers, agencies, first.store_bytes)
        print(f"  night 2: exit {second.exit_status}, {second.wall_s} s", flush=True)
    found = reports(out)
    pages = [r["crawl"]["pages"] for r in found]
    documents = [r["crawl"]["documents"] for r in found]
    return {
        "agencies": agencies, "jobs": jobs, "nights": [asdict(first), asdict(second)],
        "changes_time": time_changes(out / STORE, found),
        "sanity": sanity(sites, urls, found),
        "site": {"pages_mean": round(mean(pages), 1) if pages else None, "pages_max": max(pages, default=None),
                 "documents_mean": round(mean(documents), 1) if documents else None,
                 "delay_ms": [round(min(s.delay for s in sites) * 1000), round(max(s.delay for s in sites) * 1000)]},
    }


def _fmt(value: float | int | None, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def table(scales: list[dict[str, Any]]) -> str:
    """One row per scale and night, then the comparisons, so each number is read beside its peer."""
    lines = [f"{'agencies':>8} {'night':>5} {'exit':>4} {'wall s':>7} {'agencies/min':>12} {'RSS MB':>7} "
             f"{'PSS MB':>7} {'largest MB':>10} {'procs':>5} {'requests':>8} {'store KB':>8} "
             f"{'KB/agency-night':>15} {'growth KB/agency':>16}"]
    for scale in scales:
        for night in scale["nights"]:
            largest = max(night["largest_process_mb"], night["largest_process_kernel_mb"])
            lines.append(f"{scale['agencies']:>8} {night['night']:>5} {_fmt(night['exit_status']):>4} "
                         f"{night['wall_s']:>7.1f} {_fmt(night['agencies_per_min'], '.1f'):>12} "
                         f"{night['peak_tree_mb']:>7.1f} {night['peak_tree_pss_mb']:>7.1f} {largest:>10.1f} "
                         f"{night['peak_processes']:>5} {night['requests']:>8} {night['store_bytes'] / 1024:>8.0f} "
                         f"{night['store_kb_per_agency_night']:>15.1f} "
                         f"{_fmt(night['store_growth_kb_per_agency'], '.1f'):>16}")
    lines.append("RSS/PSS MB: peak of the whole process tree summed (PSS counts shared pages once); largest: one "
                 "process")
    big, small = scales[0], scales[-1]
    if small is not big:
        for key, label in (("peak_tree_mb", "RSS"), ("peak_tree_pss_mb", "PSS")):
            peak_big, peak_small = (max(n[key] for n in s["nights"]) for s in (big, small))
            lines.append(f"peak memory ({label}) of the whole run: {big['agencies']} agencies {peak_big:.1f} MB, "
                         f"{small['agencies']} agencies {peak_small:.1f} MB (ratio {peak_big / peak_small:.2f})")
    for scale in scales:
        timing, check = scale["changes_time"], scale["sanity"]
        lines.append(f"{scale['agencies']} agencies: changes computation {_fmt(timing['mean_ms'], '.1f')} ms mean, "
                     f"{_fmt(timing['max_ms'], '.1f')} ms max per agency ({timing['same_as_report']}/"
                     f"{timing['agencies']} equal to the report's); changes as planted in {check['as_planted']}/"
                     f"{check['agencies']} agencies ({check['planted']} changed between the nights)")
        for host, problems in list(check["wrong"].items())[:5]:
            lines.append(f"  {host}: {'; '.join(problems)[:300]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, help="agencies of the main run (default 50; --quick: 10)")
    parser.add_argument("--compare", type=int, help="agencies of the memory comparison run (default 10; --quick: "
                        "4; 0: none)")
    parser.add_argument("--quick", action="store_true", help="10 agencies, then 4")
    parser.add_argument("--jobs", type=int, default=4, help="audit-many --jobs (default 4)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds each audit-many run may take")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (sites, reports, stores, logs)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args(argv)
    agencies = args.agencies or (10 if args.quick else 50)
    compare = (4 if args.quick else 10) if args.compare is None else args.compare
    if not 1 <= agencies <= 250 or not 0 <= compare <= 250 or args.jobs < 1:
        parser.error("--agencies and --compare: 1-250 agencies (0: no comparison); --jobs: at least 1")
    work = Path(tempfile.mkdtemp(prefix="oitcheck-bench-history-"))
    started = time.monotonic()
    try:
        scales = [run_scale(count, work / f"{count}-agencies", args.jobs, args.timeout)
                  for count in dict.fromkeys([agencies, *([compare] if compare else [])])]
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(scales))
    print(f"total {time.monotonic() - started:.0f} s")
    data = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "oitcheck": oitcheck.__version__,
        "scales": scales,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    ok = all(n["exit_status"] == 0 and not n["timed_out"] for s in scales for n in s["nights"])
    return 0 if ok and all(not s["sanity"]["wrong"] for s in scales) else 1


if __name__ == "__main__":
    sys.exit(main())
