"""Hostile sites at full scale: each audit must end within its budgets with a report saying what it skipped.

    .venv/bin/python bench/hostile.py [--keep]

Three sites, served on 127.0.0.1 (the other host on 127.0.0.2), each audited with the default options:
- ``documents``: a homepage linking 20 hostile documents (zip and XLSX bombs, far-away cells, a PNG
  decompression bomb, garbage, tests/support/hostile.py) and two normal ones after them;
- ``stylesheet``: a homepage whose stylesheet is 3 MB of ``/* ``;
- ``links``: a homepage with 300,000 links to one other host.
For each: exit status, wall time, and what the report says it skipped (budgets reached, pages read in
part, links left unchecked, documents unreadable). Long runs belong here, not in ``make test``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import AS_OF, tool_path  # noqa: E402
from tests.support import hostile  # noqa: E402
from tests.support.server import SiteServer  # noqa: E402

HOME = ("<html><head><meta charset='utf-8'><title>อบต.ทดสอบ</title>{head}</head>"
        "<body><h1>หน้าแรก</h1>{body}</body></html>")


def documents_site(root: Path, other: SiteServer) -> None:
    files = {**hostile.bombs(), **hostile.traps(), "bomb.png": hostile.png_bomb(),
             "normal.pdf": hostile.pdf("Procurement report, fiscal year 2568"),
             "normal.xlsx": hostile.xlsx({"A1": hostile.TRAP_TEXT})}
    (root / "files").mkdir()
    for name, body in files.items():
        (root / "files" / name).write_bytes(body)
    links = "".join(f"<li><a href='/files/{name}'>เอกสาร {n}</a></li>" for n, name in enumerate(files))
    (root / "index.html").write_text(HOME.format(head="", body=f"<img src='/files/bomb.png'><ul>{links}</ul>"))


def stylesheet_site(root: Path, other: SiteServer) -> None:
    (root / "theme.css").write_text("/* " * (1024 * 1024))
    (root / "index.html").write_text(HOME.format(head="<link rel='stylesheet' href='/theme.css'>", body="ข่าว"))


def links_site(root: Path, other: SiteServer) -> None:
    links = "".join(f"<a href='{other.url}p{n}'>{n}</a> " for n in range(300_000))
    (root / "index.html").write_text(HOME.format(head="", body=links))


SITES = {"documents": documents_site, "stylesheet": stylesheet_site, "links": links_site}


def summary(report: dict[str, Any]) -> dict[str, Any]:
    crawl = report["crawl"]
    return {"truncated_by": crawl.get("truncated_by"), "skipped": crawl.get("skipped"),
            "partial_pages": [p["url"] for p in crawl.get("partial_pages", [])],
            "unreadable_documents": len(crawl.get("unreadable_documents", [])),
            "pages": crawl["pages"], "documents": crawl["documents"], "links_checked": report["links"]["checked"],
            "broken": len(report["links"]["broken"]), "oit": report["scores"]["oit"]}


def run(name: str, work: Path) -> dict[str, Any]:
    root, other_root, out = work / name, work / f"{name}-other", work / f"{name}-report"
    root.mkdir()
    other_root.mkdir()
    with SiteServer(other_root, host="127.0.0.2") as other, SiteServer(root) as site:
        SITES[name](root, other)
        started = time.monotonic()
        done = subprocess.run([tool_path("oitcheck"), "audit", site.url, "--allow-private", "--as-of", AS_OF,
                               "--out", str(out), "--no-progress", "--no-cache", "--no-history"],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        seconds = round(time.monotonic() - started, 1)
        other_requests = sum(len(hits) for hits in other.hits.values())
    report_path = out / "report.json"
    report = json.loads(report_path.read_text("utf-8")) if report_path.exists() else None
    return {"site": name, "exit": done.returncode, "seconds": seconds, "other_host_requests": other_requests,
            "stderr": done.stderr.strip().splitlines()[-3:], **(summary(report) if report else {})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the sites and reports")
    parser.add_argument("--only", choices=sorted(SITES), action="append")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oitcheck-hostile-"))
    try:
        results = [run(name, work) for name in args.only or SITES]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0 if all(r["exit"] in (0, 1) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
