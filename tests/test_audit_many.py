"""``audit-many`` over a CSV of agencies: per-agency reports, a summary with common gaps and measures,
and one agency's failure not stopping the others."""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

from oitcheck.many import Agency, run_spread, server_keys
from tests.conftest import AS_OF, SITES, run_cli


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
    result = run_cli("audit-many", str(agencies), "--out", str(out), "--jobs", "2", "--allow-private",
                     "--as-of", AS_OF, timeout=300)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["audited"] == 2 and len(summary["agencies"]) == 3
    down = next(a for a in summary["agencies"] if a["name"] == "อบต.ปิดปรับปรุง")
    assert down["status"] == "unreachable" and "connection refused" in down["error"]
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


def test_server_keys_group_names_by_address():
    agencies = [Agency(1, "ip", "http://127.0.0.1:8080/"), Agency(2, "name", "http://localhost:9090/ita"),
                Agency(3, "unknown", "http://no-such-agency.invalid/"), Agency(4, "bad", "not a url")]
    keys = server_keys(agencies, timeout=5)
    assert keys[1] == "127.0.0.1"
    assert keys[2] in ("127.0.0.1", "::1")  # localhost: the same machine
    assert keys[3] == "no-such-agency.invalid"  # unresolved: its own server
    assert keys[4] == "row-4"
