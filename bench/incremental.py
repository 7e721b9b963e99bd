"""Nightly re-audit of an unchanged site: the 2000-page bench site (bench/site.py, with its PDFs and spreadsheets)
audited twice with one cache folder, as a nightly job would (``oitcheck audit URL --cache-dir C``); three such pairs,
each with a new cache folder, and the pair with the median CPU share reported. The server keeps connections open
between requests (``_site.json`` ``keep_alive``), as agencies' Apache and nginx hosting does by default: a new TCP
connection per request would cost each night more CPU than the answers themselves.

    .venv/bin/python bench/incremental.py            # 2000 pages
    .venv/bin/python bench/incremental.py --quick    # 300 pages

Measured per run: wall time; CPU time (user + system) of the audit's whole process tree (``os.wait4`` on the one
child: its own time and that of every process it started and reaped, the extraction workers and the PDF
printer's browser); bytes the server sent (its own count, headers and bodies) and bytes the audit says it received;
requests the server answered; 304s and extraction reused (report.json's crawl block). The second run's verdicts
(every item's status and score, the broken links) must equal the first's. Targets (issue 18): the second run
under 10% of the first's bytes and under 30% of its CPU. Traffic goes to 127.0.0.1 only.
Also measured, as the peer in the same run: plain Scrapy revalidating the same URLs through its own cache
middleware with a callback that does nothing (bench/revalidate_floor.py): the floor under any Scrapy re-audit.
Results: printed, and bench/results/incremental.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/incremental.py`` puts bench/ first on the path, not the repo root
    sys.path.insert(0, str(ROOT))

import oitcheck  # noqa: E402
from bench.site import generate  # noqa: E402
from tests.support.server import SiteServer  # noqa: E402

AS_OF = "2025-03-15"
QUICK_PAGES = 300
RESULTS = Path(__file__).resolve().parent / "results" / "incremental.json"
BYTES_TARGET = 0.10
CPU_TARGET = 0.30


@dataclass
class Run:
    """One audit, as measured from outside and as its report tells."""

    run: int
    exit_status: int
    wall_s: float
    cpu_s: float  # user + system of the audit and every process it started and reaped
    server_bytes: int  # what the server sent, headers and bodies
    server_requests: int
    received_bytes: int  # report.json crawl.bytes_received (the audit's own count)
    requests: int
    revalidated: int
    downloaded: int
    reused: int
    http_cache_bytes: int | None
    pages: int
    documents: int


def audit(url: str, out: Path, cache: Path, max_pages: int, server: SiteServer,
          run: int) -> tuple[Run, dict[str, Any]]:
    command = [sys.executable, "-m", "oitcheck", "audit", url, "--allow-private", "--as-of", AS_OF,
               "--out", str(out), "--no-progress", "--no-history", "--max-pages", str(max_pages),
               "--cache-dir", str(cache)]
    sent, asked = server.bytes_sent, server.requests
    started = time.monotonic()
    env = {key: value for key, value in os.environ.items() if key != "OITCHECK_HTTP_CACHE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))  # this checkout's oitcheck
    with (out.parent / f"{out.name}.err").open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    crawl = report["crawl"]
    return Run(run=run, exit_status=os.waitstatus_to_exitcode(status), wall_s=round(wall, 2),
               cpu_s=round(usage.ru_utime + usage.ru_stime, 2), server_bytes=server.bytes_sent - sent,
               server_requests=server.requests - asked, received_bytes=crawl["bytes_received"],
               requests=crawl["requests"], revalidated=crawl["revalidated"], downloaded=crawl["downloaded"],
               reused=crawl["reused"], http_cache_bytes=crawl["http_cache_bytes"], pages=crawl["pages"],
               documents=crawl["documents"]), report


def verdicts(report: dict[str, Any]) -> dict[str, Any]:
    """What an agency is told: every item's status and score, the scores, and the broken links."""
    return {"items": sorted((item["id"], item["status"], item["score"]) for item in report["items"]),
            "scores": report["scores"], "broken": sorted(link["url"] for link in report["links"]["broken"])}


def floor(work: Path, cache: Path) -> dict[str, Any]:
    """bench/revalidate_floor.py on every URL the first audit stored in its HTTP cache (each entry's meta names
    it): once to fill its own cache, once measured."""
    urls = sorted(pickle.loads(meta.read_bytes())["url"] for meta in cache.glob("httpcache/*/*/*/pickled_meta"))  # noqa: S301
    listing = work / "floor-urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    # as a module: run as a script, bench/ would come first on its path and this file would shadow Twisted's
    # "incremental" package
    command = [sys.executable, "-m", "bench.revalidate_floor", str(listing), str(work / "floor-cache")]
    for _ in range(2):
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pair(work: Path, server: SiteServer, max_pages: int, number: int) -> tuple[Run, Run, bool]:
    """A first audit with an empty cache folder, then the second night's: (first, second, same verdicts)."""
    cache = work / f"cache-{number}"
    first, before = audit(server.url, work / f"report-{number}-1", cache, max_pages, server, 1)
    second, after = audit(server.url, work / f"report-{number}-2", cache, max_pages, server, 2)
    return first, second, verdicts(before) == verdicts(after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAGES} pages instead of 2000")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of nights, each with a new cache folder; the "
                        "pair with the median CPU share stands for them (CPU time varies from run to run on a "
                        "shared machine)")
    args = parser.parse_args(argv)
    pages = QUICK_PAGES if args.quick else 2000
    work = Path(tempfile.mkdtemp(prefix="oitcheck-incremental-"))
    try:
        info = generate(work / "site", pages)
        (work / "site" / "www" / "_site.json").write_text(json.dumps({"keep_alive": True}), encoding="utf-8")
        with SiteServer(work / "site" / "www") as server:
            pairs = [pair(work, server, info.pages + len(info.broken) + 100, n) for n in range(max(1, args.repeat))]
            peer = floor(work, work / "cache-0")
        shares = sorted(pairs, key=lambda p: p[1].cpu_s / max(0.01, p[0].cpu_s))
        first, second, _ = shares[len(shares) // 2]
        runs = [first, second]
        same = all(identical for _, _, identical in pairs)
        bytes_share = second.server_bytes / max(1, first.server_bytes)
        cpu_share = second.cpu_s / max(0.01, first.cpu_s)
        result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "oitcheck": oitcheck.__version__,
                  "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                  "pages": pages, "runs": [asdict(run) for run in runs], "identical_verdicts": same,
                  "bytes_share": round(bytes_share, 4), "cpu_share": round(cpu_share, 3),
                  "cpu_shares": [round(b.cpu_s / max(0.01, a.cpu_s), 3) for a, b, _ in pairs],
                  "all_pairs": [[asdict(a), asdict(b)] for a, b, _ in pairs],
                  "bytes_target_met": bytes_share < BYTES_TARGET, "cpu_target_met": cpu_share < CPU_TARGET,
                  "scrapy_floor": peer}
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"nightly re-audit, {pages}-page bench site ({result['machine']}); {len(pairs)} pairs of nights, "
              f"CPU shares {', '.join(f'{share:.0%}' for share in result['cpu_shares'])}; the median pair:")
        print(f"{'run':<6}{'wall s':>9}{'CPU s':>9}{'server MB':>11}{'requests':>10}{'304':>7}{'full':>7}{'reused':>8}")
        for run in runs:
            print(f"{run.run:<6}{run.wall_s:>9.1f}{run.cpu_s:>9.1f}{run.server_bytes / 1e6:>11.2f}"
                  f"{run.server_requests:>10}{run.revalidated:>7}{run.downloaded:>7}{run.reused:>8}")
        print(f"second run: {bytes_share:.1%} of the bytes (target < {BYTES_TARGET:.0%}), {cpu_share:.1%} of the CPU "
              f"(target < {CPU_TARGET:.0%}), {second.wall_s / max(0.01, first.wall_s):.1%} of the wall time; "
              f"verdicts {'identical' if same else 'DIFFERENT'}; "
              f"HTTP cache {(second.http_cache_bytes or 0) / 1e6:.1f} MB")
        print(f"peer: plain Scrapy revalidating the {peer['requests']} URLs the first night stored, through its own "
              f"cache middleware, doing nothing with the answers: {peer['cpu_s']:.1f} s CPU "
              f"({peer['cpu_s'] / max(0.01, first.cpu_s):.1%} of the first night); the second night's "
              f"{second.cpu_s:.1f} s is {second.cpu_s / max(0.01, peer['cpu_s']):.2f}x it, rules and reports included")
        ok = same and all(run.exit_status in (0, 1) for run in runs)
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
