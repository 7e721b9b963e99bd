"""The province summary of a large run: 300 agencies' generated report.json files (on the ITA 2568 layout,
statuses and finding codes drawn as real agencies show them, five provinces, six agency types, a few agencies
not audited), then what audit-many does once the audits end: read every report again (``read_digests``), build
the summary and write summary.json, summary.html, summary.xlsx and summary.csv.

    .venv/bin/python bench/summary.py [--agencies 300]

Prints the time to build the summary (all files, best of three) and each file's size. Targets: under 2 s and
summary.html under 2 MB. Results: printed, and bench/results/summary.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/summary.py`` puts bench/ first on the path, not the repo root
    sys.path.insert(0, str(ROOT))

from oitcheck.agencies import Agency  # noqa: E402
from oitcheck.audit import AuditRequest  # noqa: E402
from oitcheck.many import read_digests, summarise, write_summary  # noqa: E402
from tests.support.reports import make_report, random_statuses, write_agency  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "summary.json"
PROVINCES = ("ลำพูน", "เชียงใหม่", "ลำปาง", "แพร่", "น่าน")
TYPES = ("เทศบาลตำบล", "องค์การบริหารส่วนตำบล", "โรงเรียน", "โรงพยาบาลส่งเสริมสุขภาพตำบล", "สถานีตำรวจภูธร",
         "ส่วนราชการประจำจังหวัด")
TARGET_S, TARGET_HTML = 2.0, 2 * 1024 * 1024
NOT_AUDITED_EVERY = 50  # one agency in fifty could not be audited


def generate(out: Path, count: int, seed: int = 17) -> list[dict]:
    rng = random.Random(seed)
    results = []
    for row in range(1, count + 1):
        agency = Agency(row, f"{TYPES[row % len(TYPES)]}ที่ {row} อำเภอเมือง", f"https://agency{row}.go.th/",
                        PROVINCES[row % len(PROVINCES)], TYPES[row % len(TYPES)])
        if row % NOT_AUDITED_EVERY == 0:
            results.append({**agency.entry(), "status": "unreachable", "exit": 3, "oit": None,
                            "error": "cannot crawl the site: connection refused (exit 3)"})
            continue
        statuses, codes = random_statuses(rng)
        results.append(write_agency(out, agency, make_report(agency.name, agency.url, statuses, codes=codes,
                                                             token=f"t{row}")))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oitcheck-bench-summary-") as folder:
        out = Path(folder)
        results = generate(out, args.agencies)
        reports = sum((out / r["folder"] / "report.json").stat().st_size for r in results if r["status"] == "done")
        shared = AuditRequest(url="", out=out, as_of=date(2025, 3, 15))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            summary = summarise(results, shared, read_digests(results, out))
            write_summary(summary, out)
            times.append(time.perf_counter() - start)
        sizes = {name: (out / name).stat().st_size for name in ("summary.json", "summary.html", "summary.xlsx",
                                                                "summary.csv")}
    best = min(times)
    result = {"agencies": args.agencies, "audited": summary["audited"], "report_json_bytes": reports,
              "build_s": round(best, 3), "build_s_runs": [round(t, 3) for t in times], "sizes": sizes,
              "province_measures": len(summary["common_gaps"]),
              "ok": best < TARGET_S and sizes["summary.html"] < TARGET_HTML}
    print(f"summary of {args.agencies} agencies ({summary['audited']} audited, report.json files "
          f"{reports / 1e6:.1f} MB): built in {best:.2f} s (best of 3: {', '.join(f'{t:.2f}' for t in times)}; "
          f"target < {TARGET_S:g} s)")
    print("  " + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items())
          + f" (summary.html target < {TARGET_HTML // 1024 // 1024} MiB)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
