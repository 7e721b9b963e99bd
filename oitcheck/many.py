"""``oitcheck audit-many``: audit every agency of a CSV and write a province summary.

Each agency is audited in its own child process (one Twisted reactor per process), handed its
``AuditRequest`` as JSON (``oitcheck.audit_child``), ``--jobs`` at a time but never two on one hosting
server at once; one agency's failure never stops the others. The summary ranks agencies, counts the gaps
they share and drafts the measures a provincial office would coordinate.
"""

from __future__ import annotations

import csv
import json
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oitcheck.checks.checklist import load
from oitcheck.errors import BadInput, SiteUnreachable
from oitcheck.net import is_ip
from oitcheck.report.writers import atomic_write, check_writable, environment

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest  # only its shape: this process never crawls

SUMMARY_SCHEMA = "oitcheck.summary/1"
MAX_ROWS = 10_000


@dataclass
class Agency:
    row: int
    name: str
    url: str
    province: str = ""
    type: str = ""

    @property
    def folder(self) -> str:
        host = re.sub(r"^https?://", "", self.url).split("/")[0].split(":")[0]
        slug = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip("-") or "agency"
        return f"{self.row:03d}-{slug}"


def read_agencies(path: Path) -> list[Agency]:
    """Agencies from a CSV with columns name,url[,province,type] (UTF-8, BOM from Excel allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"no such file: {path}") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp874")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not a UTF-8 or Thai (cp874) text file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"name", "url"} <= columns:
        raise BadInput(f"{path}: needs a header row with columns name,url[,province,type]")
    agencies = []
    for number, row in enumerate(reader, start=1):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("url") and not row.get("name"):
            continue
        if number > MAX_ROWS:
            raise BadInput(f"{path}: more than {MAX_ROWS} agencies")
        agencies.append(Agency(number, row.get("name") or row.get("url", ""), row.get("url", ""),
                               row.get("province", ""), row.get("type", "")))
    if not agencies:
        raise BadInput(f"{path}: no agencies listed")
    return agencies


def agency_request(shared: AuditRequest, agency: Agency, out: Path) -> AuditRequest:
    """``shared`` (every option of the run) for one agency: its URL, name and folder; quiet, for a child."""
    return replace(shared, url=agency.url, name=agency.name, out=out / agency.folder,
                   crawl=replace(shared.crawl, progress=False, verbose=False))  # stderr: the error line only


def audit_one(agency: Agency, out: Path, shared: AuditRequest) -> dict[str, Any]:
    """Audit one agency in a child process (``oitcheck.audit_child``, the request as JSON on its stdin);
    summarise its outcome."""
    request = agency_request(shared, agency, out)
    folder = request.out
    command = [sys.executable, "-m", "oitcheck.audit_child", "-"]
    entry: dict[str, Any] = {"row": agency.row, "name": agency.name, "url": agency.url, "province": agency.province,
                             "type": agency.type, "folder": agency.folder}
    try:
        done = subprocess.run(command, capture_output=True, text=True, input=request.to_json())
    except OSError as exc:
        return {**entry, "status": "error", "exit": None, "error": str(exc)}
    error = (done.stderr.strip().splitlines() or [""])[-1].removeprefix("oitcheck: error: ")
    report_path = folder / "report.json"
    if done.returncode in (0, 1) and report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        statuses = [i["status"] for i in report["items"]]
        counts = {s: statuses.count(s) for s in ("pass", "partial", "fail", "unknown")}
        failing = [{"id": i["id"], "title": i["title"], "status": i["status"]}
                   for i in report["items"] if i["status"] in ("fail", "partial")]
        return {**entry, "status": "done", "exit": done.returncode, "oit": report["scores"]["oit"], "counts": counts,
                "failing": failing, "broken_links": len(report["links"]["broken"]), "error": None}
    status = {2: "bad_input", 3: "unreachable"}.get(done.returncode, "error")
    return {**entry, "status": status, "exit": done.returncode, "oit": None, "error": error}


def server_keys(agencies: list[Agency], timeout: float = 10.0) -> dict[int, str]:
    """Agency row -> the address of the server its site is on (its host name when that does not resolve).

    Many small agencies share one hosting server. Each audit keeps to a few connections per server
    address; two audits of one server at once would double them, so ``run_spread`` never runs two."""
    hosts = {agency.row: _host(agency.url) for agency in agencies}
    names = sorted({host for host in hosts.values() if host and not is_ip(host)})
    addresses: dict[str, str] = {}
    if names:
        pool = ThreadPoolExecutor(max_workers=min(16, len(names)))
        futures = {name: pool.submit(_first_address, name) for name in names}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:  # a slow resolver costs seconds once, never the run: an unresolved name is its own key
                addresses[name] = future.result(timeout=max(0.0, deadline - time.monotonic())) or name
            except (FutureTimeout, OSError):
                addresses[name] = name
        pool.shutdown(wait=False, cancel_futures=True)
    return {row: addresses.get(host, host) or f"row-{row}" for row, host in hosts.items()}


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _first_address(name: str) -> str | None:
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    return str(infos[0][4][0]) if infos else None


def run_spread(agencies: list[Agency], jobs: int, servers: dict[int, str],
               work: Callable[[Agency], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``work`` on every agency, ``jobs`` at a time but never two on one server (``servers``: row -> key) at
    once; results as they finish. Agencies start in CSV order, skipping those whose server is busy."""
    pending = list(agencies)
    busy: set[str] = set()
    lock = threading.Condition()
    finished: queue.Queue[dict[str, Any]] = queue.Queue()

    def take() -> Agency | None:
        with lock:
            while pending:
                agency = next((a for a in pending if servers[a.row] not in busy), None)
                if agency is not None:
                    pending.remove(agency)
                    busy.add(servers[agency.row])
                    return agency
                lock.wait()
            return None

    def run() -> None:
        while (agency := take()) is not None:
            try:
                result = work(agency)
            except Exception as exc:  # noqa: BLE001 - one agency's failure never stops the others
                result = {"row": agency.row, "name": agency.name, "url": agency.url, "province": agency.province,
                          "type": agency.type, "folder": agency.folder, "status": "error", "exit": None,
                          "oit": None, "error": str(exc)[:300]}
            with lock:
                busy.discard(servers[agency.row])
                lock.notify_all()
            finished.put(result)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(max(1, min(jobs, len(agencies))))]
    for thread in threads:
        thread.start()
    for _ in agencies:
        yield finished.get()


def run_many(csv_path: Path, out: Path, jobs: int, shared: AuditRequest,
             fail_under: float | None) -> tuple[dict[str, Any], int]:
    """Audit every agency of the CSV with the options of ``shared`` (its URL, name and folder are replaced per
    agency); write the summary. Returns it and the exit status (1 when one is below ``fail_under``)."""
    agencies = read_agencies(csv_path)
    try:
        check_writable(out)
    except OSError as exc:
        raise BadInput(f"cannot write to output folder {out}: {exc.strerror or exc}") from None
    results: list[dict[str, Any]] = []
    servers = server_keys(agencies)
    for number, result in enumerate(run_spread(agencies, jobs, servers, lambda a: audit_one(a, out, shared)),
                                    start=1):
        results.append(result)
        score = "-" if result.get("oit") is None else f"{result['oit']:.2f}"
        print(f"[{number}/{len(agencies)}] {result['name']}: {result['status']} {score}", file=sys.stderr)
    results.sort(key=lambda r: r["row"])
    summary = summarise(results, shared.checklist)
    atomic_write(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    atomic_write(out / "summary.html", environment().get_template("summary.html.j2").render(s=summary))
    done = [r for r in results if r["status"] == "done"]
    if not done:
        raise SiteUnreachable("no agency could be audited; see " + str(out / "summary.html"))
    below = fail_under is not None and any(r["oit"] is None or r["oit"] < fail_under for r in done)
    return summary, 1 if below else 0


def summarise(results: list[dict[str, Any]], checklist_id: str) -> dict[str, Any]:
    checklist = load(checklist_id)
    done = [r for r in results if r["status"] == "done"]
    gaps = []
    for item in checklist.items:
        names = [r["name"] for r in done if any(f["id"] == item.id for f in r["failing"])]
        if names:
            gaps.append({"item": item.id, "title": item.title, "agencies": len(names), "names": names,
                         "measure": item.measure.name, "steps": list(item.measure.steps), "owner": item.measure.owner})
    gaps.sort(key=lambda g: -g["agencies"])
    scores = [r["oit"] for r in done if r["oit"] is not None]
    return {
        "schema": SUMMARY_SCHEMA,
        "checklist": checklist.id,
        "pass_mark": checklist.pass_mark,
        "agencies": sorted(results, key=lambda r: (r.get("oit") is None, -(r.get("oit") or 0))),
        "audited": len(done),
        "passed": sum(1 for s in scores if s >= checklist.pass_mark),
        "mean_oit": round(sum(scores) / len(scores), 2) if scores else None,
        "common_gaps": gaps,
    }
