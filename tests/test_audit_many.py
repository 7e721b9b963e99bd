"""``audit-many`` over a CSV of agencies: per-agency reports, a summary with common gaps and measures,
one agency's failure or stall not stopping the others, and each result read only from the report its own
audit just wrote."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from oitcheck.agencies import Agency
from oitcheck.audit import AuditRequest
from oitcheck.children import ChildOutcome, ChildProcesses
from oitcheck.crawl import CrawlOptions
from oitcheck.many import audit_one, failure_reason, fresh_report
from oitcheck.spread import THREAD_NAME, run_spread, server_keys
from tests.conftest import AS_OF, SITES, run_cli
from tests.support.gate import GatedServer
from tests.support.processes import live_members, marked


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_audit_many_writes_reports_and_a_summary(serve, tmp_path):
    one, two = serve(SITES / "per_item"), serve(SITES / "menu_pages")
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,url,province,type\n"
                        f"เทศบาลตำบลต้นแบบ,{one.url},ลำพูน,เทศบาล\n"
                        f"อบต.เมนู,{two.url},ลำพูน,อบต.\n"
                        f"อบต.ปิดปรับปรุง,http://127.0.0.1:{_closed_port()}/,ลำพูน,อบต.\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    left = _leftover(out / "003-127.0.0.1", one.url)  # last run's report in the unreachable agency's folder
    result = run_cli("audit-many", str(agencies), "--out", str(out), "--jobs", "2", "--allow-private",
                     "--as-of", AS_OF, timeout=300)
    assert result.returncode == 1, result.stderr  # one agency was not audited
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["audited"] == 2 and len(summary["agencies"]) == 3
    down = next(a for a in summary["agencies"] if a["name"] == "อบต.ปิดปรับปรุง")
    assert down["status"] == "unreachable" and "connection refused" in down["error"] and down["exit"] == 3
    assert down["oit"] is None and (out / down["folder"] / "report.json").read_text(encoding="utf-8") == left
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert log.count(" start ") == 3 and f"end {down['folder']} unreachable exit 3" in log
    for agency in summary["agencies"]:
        if agency["status"] == "done":
            assert (out / agency["folder"] / "report.json").exists()
    # Both sites lack the EIT QR code and most ITA documents: shared gaps with draft measures.
    gap = next(g for g in summary["common_gaps"] if g["item"] == "o4")
    assert gap["agencies"] == 2 and gap["measure"]
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "ประเด็นที่หลายหน่วยงานยังไม่ผ่าน" in html and "ร่างมาตรการระดับจังหวัด" in html


def test_audit_many_rejects_a_csv_without_url_column(tmp_path):
    agencies = tmp_path / "a.csv"
    agencies.write_text("ชื่อ,เว็บไซต์\nก,http://agency.example.org/\n", encoding="utf-8")
    result = run_cli("audit-many", str(agencies), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "name,url" in result.stderr


class Launcher:
    """``work`` for ``run_spread``: records every start and finish in order, notes any agency started while
    another on its server runs, and (``hold``) keeps each agency running until the test releases it."""

    def __init__(self, servers: dict[int, str], hold: bool = True) -> None:
        self.servers = servers
        self.events: list[tuple[str, int]] = []
        self.running: set[int] = set()
        self.overlaps: list[tuple[int, int]] = []  # (started, already running on the same server)
        self.most_at_once = 0
        self.release = {row: threading.Event() for row in servers}
        if not hold:
            for event in self.release.values():
                event.set()
        self.changed = threading.Condition()

    def __call__(self, agency: Agency) -> dict[str, Any]:
        with self.changed:
            server = self.servers[agency.row]
            self.overlaps += [(agency.row, row) for row in self.running if self.servers[row] == server]
            self.running.add(agency.row)
            self.most_at_once = max(self.most_at_once, len(self.running))
            self.events.append(("start", agency.row))
            self.changed.notify_all()
        held = self.release[agency.row].wait(timeout=SAFETY_NET_S)
        with self.changed:
            self.running.discard(agency.row)
            self.events.append(("finish", agency.row))
            self.changed.notify_all()
        if not held:
            raise RuntimeError(f"agency {agency.row} was never released")
        if agency.row == 3:
            raise RuntimeError("the child process could not start")
        return {"row": agency.row, "status": "done"}

    def started(self) -> list[int]:
        return [row for kind, row in self.events if kind == "start"]

    def wait_until_started(self, count: int) -> list[int]:
        """The rows started, once ``count`` have (the timeout only keeps a broken scheduler from hanging)."""
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.started()) >= count, timeout=SAFETY_NET_S), self.events
            return self.started()


SAFETY_NET_S = 120  # never reached when run_spread works: every wait ends on an event, not a clock
SHARED = ["a.example", "a.example", "b.example", "a.example", "c.example", "b.example"]


def _spread(hosts: list[str]) -> tuple[list[Agency], dict[int, str]]:
    agencies = [Agency(row, f"agency {row}", f"http://{host}/") for row, host in enumerate(hosts, start=1)]
    return agencies, {agency.row: agency.url for agency in agencies}


def test_agencies_on_one_server_wait_for_each_other_while_other_servers_run_beside_them():
    """Shared hosting: rows 1, 2, 4 are on server a, 3 and 6 on b, 5 on c; three jobs."""
    agencies, servers = _spread(SHARED)
    launcher = Launcher(servers)
    results: list[dict[str, Any]] = []
    consumer = threading.Thread(target=lambda: results.extend(run_spread(agencies, 3, servers, launcher)))
    consumer.start()
    # One agency per server at once, the first of each in CSV order: rows 2 and 4 wait for 1, row 6 for 3.
    assert sorted(launcher.wait_until_started(3)) == [1, 3, 5]
    launcher.release[1].set()
    assert launcher.wait_until_started(4)[-1] == 2  # server a is free: its next agency, not another server's
    launcher.release[3].set()
    assert launcher.wait_until_started(5)[-1] == 6
    launcher.release[2].set()
    assert launcher.wait_until_started(6)[-1] == 4
    for event in launcher.release.values():
        event.set()
    consumer.join(timeout=SAFETY_NET_S)
    assert not consumer.is_alive()
    assert launcher.overlaps == []  # never two agencies of one server at once
    assert launcher.most_at_once == 3  # --jobs 3: three servers at once
    assert sorted(r["row"] for r in results) == [1, 2, 3, 4, 5, 6]
    # Results come as agencies finish: row 1 was released first.
    assert results[0]["row"] == 1


def test_run_spread_returns_every_result_and_one_failure_stops_no_other():
    agencies, servers = _spread(SHARED)
    launcher = Launcher(servers, hold=False)
    results = list(run_spread(agencies, 3, servers, launcher))
    assert sorted(r["row"] for r in results) == [1, 2, 3, 4, 5, 6]
    assert launcher.overlaps == []
    failed = next(r for r in results if r["row"] == 3)
    assert failed["status"] == "error" and "could not start" in failed["error"]
    assert failed["folder"] == "003-b.example" and failed["oit"] is None


def test_one_job_audits_in_csv_order_one_at_a_time():
    agencies, servers = _spread(SHARED)
    launcher = Launcher(servers, hold=False)
    results = list(run_spread(agencies, 1, servers, launcher))
    assert launcher.events == [(kind, row) for row in range(1, 7) for kind in ("start", "finish")]
    assert [r["row"] for r in results] == [1, 2, 3, 4, 5, 6]


def test_no_agency_starts_once_the_run_stops_reading_results():
    """Ctrl-C or SIGTERM ends the loop over the results: the agencies not started yet never start."""
    agencies, servers = _spread(["a.example", "b.example", "c.example"])
    launcher = Launcher(servers)
    results = run_spread(agencies, 1, servers, launcher)
    launcher.release[1].set()
    assert next(results)["row"] == 1
    results.close()
    for event in launcher.release.values():
        event.set()
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_NAME):
            thread.join(timeout=SAFETY_NET_S)
    assert 3 not in launcher.started()


def test_server_keys_group_names_by_address():
    agencies = [Agency(1, "ip", "http://127.0.0.1:8080/"), Agency(2, "name", "http://localhost:9090/ita"),
                Agency(3, "unknown", "http://no-such-agency.invalid/"), Agency(4, "bad", "not a url")]
    keys = server_keys(agencies, timeout=5)
    assert keys[1] == "127.0.0.1"
    assert keys[2] in ("127.0.0.1", "::1")  # localhost: the same machine
    assert keys[3] == "no-such-agency.invalid"  # unresolved: its own server
    assert keys[4] == "row-4"


def _leftover(folder: Path, url: str) -> str:
    """Another site's report.json from an earlier run, left in an agency's folder."""
    folder.mkdir(parents=True)
    text = json.dumps({"schema": "oitcheck.report/1", "agency": {"name": "อื่น", "url": url},
                       "items": [], "scores": {"oit": 99.0}, "links": {"broken": []}, "run_token": "old-run"})
    (folder / "report.json").write_text(text, encoding="utf-8")
    return text


def test_a_stalled_agency_is_stopped_at_its_time_limit_and_the_old_report_in_its_folder_is_not_its_result(tmp_path):
    """The agency's server never answers: its audit is killed after --agency-time-limit (the test is bounded by
    that option), and the report another site left in its folder is neither read nor overwritten."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>x</title>", encoding="utf-8")
    out = tmp_path / "out"
    with GatedServer(site, gated=("/",), host="127.0.0.2") as stalled:
        agencies = tmp_path / "agencies.csv"
        agencies.write_text(f"name,url\nอบต.ค้าง,{stalled.url}\n", encoding="utf-8")
        left = _leftover(out / "001-127.0.0.2", "http://other.example/")
        result = run_cli("audit-many", str(agencies), "--out", str(out), "--allow-private", "--as-of", AS_OF,
                         "--agency-time-limit", "2", "--no-ocr", timeout=300)
    assert result.returncode == 3, result.stderr  # none could be audited
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stopped = summary["agencies"][0]
    assert summary["audited"] == 0 and summary["mean_oit"] is None
    assert stopped["status"] == "time_limit" and "time limit" in stopped["error"] and stopped["oit"] is None
    assert (out / "001-127.0.0.2" / "report.json").read_text(encoding="utf-8") == left
    assert "end 001-127.0.0.2 time_limit" in (out / "oitcheck.log").read_text(encoding="utf-8")


def test_a_time_limit_stops_the_whole_process_group_and_no_other_agency(serve, tmp_path):
    """Real children side by side: the stalled one is killed with everything it started (its workers), the
    other, without a limit, is audited meanwhile."""
    good = serve(SITES / "per_item")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>x</title>", encoding="utf-8")
    out = tmp_path / "out"
    shared = AuditRequest(url="", out=out, as_of=date.fromisoformat(AS_OF),
                          crawl=CrawlOptions(allow_private=True, ocr=False, cache_dir=""))
    children = ChildProcesses()
    with GatedServer(site, gated=("/",), host="127.0.0.2") as stalled:
        agencies = [Agency(1, "ค้าง", stalled.url), Agency(2, "ดี", good.url)]
        limits = {1: 2.0, 2: None}
        servers = {1: "stalled", 2: "good"}
        results = {r["row"]: r for r in run_spread(agencies, 2, servers,
                                                   lambda a: audit_one(a, out, shared, limits[a.row], children))}
    assert results[1]["status"] == "time_limit" and results[1]["oit"] is None
    assert results[2]["status"] == "done" and results[2]["oit"] is not None
    assert len(children.groups) == 2
    assert [live_members(group) for group in children.groups] == [[], []]  # no process of either audit is left
    report = json.loads((out / "002-127.0.0.1" / "report.json").read_text(encoding="utf-8"))
    assert report["run_token"] and not (out / "001-127.0.0.2" / "report.json").exists()


def test_only_the_report_with_this_runs_token_is_read(tmp_path):
    path = tmp_path / "report.json"
    assert fresh_report(path, "t1") is None  # missing
    path.write_text('{"run_token": "t0", "items": []}', encoding="utf-8")
    assert fresh_report(path, "t1") is None  # an earlier run's
    assert fresh_report(path, None) is None
    path.write_text('{"run_token": "t1", "items": []}', encoding="utf-8")
    assert fresh_report(path, "t1") == {"run_token": "t1", "items": []}
    path.write_text('{"run_token": "t1", "ite', encoding="utf-8")  # half a file
    assert fresh_report(path, "t1") is None


@pytest.mark.parametrize("code, stderr, reason", [
    (5, "oitcheck: internal error: KeyError: 'x' (traceback saved in /tmp/t.txt)\n",
     "oitcheck: internal error: KeyError: 'x' (traceback saved in /tmp/t.txt) (exit 5)"),
    (3, "noise\noitcheck: error: http://x/: cannot crawl the site: timed out\n\n",
     "http://x/: cannot crawl the site: timed out (exit 3)"),
    (-9, "", "killed by SIGKILL"),
    (0, "", "exit 0 but no report of this run"),
    (1, "Traceback (most recent call last):\nValueError: boom\n",
     "ValueError: boom (exit 1 but no report of this run)"),
])
def test_a_child_without_a_result_is_explained_by_its_exit_and_last_line(code, stderr, reason):
    assert failure_reason(ChildOutcome(code, "", stderr)) == reason


def test_agency_time_limit_option(capsys):
    from oitcheck import settings as defaults
    from oitcheck.cli import build_parser

    args = build_parser().parse_args(["audit-many", "a.csv"])
    assert args.agency_time_limit == defaults.OITCHECK_AGENCY_TIME_LIMIT == 3 * 60 * 60
    assert build_parser().parse_args(["audit-many", "a.csv", "--agency-time-limit", "1.5"]).agency_time_limit == 1.5
    for bad in ("0", "-1", "soon", "inf"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["audit-many", "a.csv", "--agency-time-limit", bad])
    assert "more than 0 seconds" in capsys.readouterr().err


def test_ctrl_c_of_audit_many_stops_its_agencies_and_writes_no_summary(tmp_path):
    """The children run in process groups of their own (so a time limit can kill each whole): a terminal's
    Ctrl-C reaches only the parent, which must stop them itself."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>x</title>", encoding="utf-8")
    out = tmp_path / "out"
    mark = uuid.uuid4().hex
    with GatedServer(site, gated=("/",), host="127.0.0.2") as stalled:
        agencies = tmp_path / "agencies.csv"
        agencies.write_text(f"name,url\nอบต.ค้าง,{stalled.url}\n", encoding="utf-8")
        parent = subprocess.Popen([sys.executable, "-m", "oitcheck", "audit-many", str(agencies), "--out", str(out),
                                   "--allow-private", "--no-ocr"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env={**os.environ, "OITCHECK_TEST_MARK": mark})
        assert stalled.wait_for("/")  # the agency's audit is under way and waits for the server
        assert len(marked(mark)) >= 2  # the parent and its child (and the child's workers)
        parent.send_signal(signal.SIGINT)
        _, stderr = parent.communicate(timeout=120)
    assert parent.returncode == 130 and "interrupted; the audits under way were stopped" in stderr
    assert marked(mark) == []
    assert not (out / "summary.json").exists()


def test_the_run_token_travels_with_the_request():
    from dataclasses import replace

    from oitcheck.errors import BadInput

    request = AuditRequest(url="http://127.0.0.1:8080/", out=Path("out"), token="3f2a")
    assert AuditRequest.from_json(request.to_json()) == request
    data = json.loads(request.to_json())
    assert data["token"] == "3f2a"
    del data["token"]  # a request without one (an older parent): no token, not an error
    assert AuditRequest.from_json(json.dumps(data)) == replace(request, token=None)
    with pytest.raises(BadInput, match="token"):
        AuditRequest.from_json(json.dumps({**data, "token": 7}))
