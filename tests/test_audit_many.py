"""``audit-many`` over a CSV of agencies: per-agency reports, a summary with common gaps and measures,
and one agency's failure not stopping the others."""

from __future__ import annotations

import json
import socket
import threading
import time
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


def test_two_agencies_on_one_server_are_never_audited_at_once(serve, tmp_path):
    """Shared hosting: two agencies on 127.0.0.1 wait for each other, the one on 127.0.0.2 runs beside them."""
    first, second = serve(SITES / "menu_pages"), serve(SITES / "menu_pages")
    elsewhere = serve(SITES / "menu_pages", host="127.0.0.2")
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,url\n" f"หนึ่ง,{first.url}\n" f"สอง,{second.url}\n" f"สาม,{elsewhere.url}\n",
                        encoding="utf-8")
    result = run_cli("audit-many", str(agencies), "--out", str(tmp_path / "out"), "--jobs", "2",
                     "--allow-private", "--as-of", AS_OF, timeout=300)
    assert result.returncode == 0, result.stderr

    def window(server: Any) -> tuple[float, float]:
        times = [hit.at for hits in server.hits.values() for hit in hits]
        return min(times), max(times)

    (a_start, a_end), (b_start, b_end), (c_start, c_end) = map(window, (first, second, elsewhere))
    assert a_end < b_start or b_end < a_start  # one server, one audit at a time
    assert c_start < max(a_end, b_end) and min(a_start, b_start) < c_end  # --jobs 2 still runs two at once


def test_run_spread_keeps_one_job_per_server_and_returns_every_result():
    agencies = [Agency(row, f"agency {row}", f"http://{host}/") for row, host in
                enumerate(["a.example", "a.example", "b.example", "a.example", "c.example", "b.example"], start=1)]
    servers = {agency.row: agency.url for agency in agencies}
    running: list[str] = []
    most: dict[str, int] = {}
    lock = threading.Lock()

    def work(agency: Agency) -> dict[str, Any]:
        with lock:
            running.append(servers[agency.row])
            most[servers[agency.row]] = max(most.get(servers[agency.row], 0), running.count(servers[agency.row]))
        time.sleep(0.05)
        with lock:
            running.remove(servers[agency.row])
        if agency.row == 3:
            raise RuntimeError("the child process could not start")
        return {"row": agency.row, "status": "done"}

    results = list(run_spread(agencies, 3, servers, work))
    assert sorted(r["row"] for r in results) == [1, 2, 3, 4, 5, 6]
    assert set(most.values()) == {1}
    failed = next(r for r in results if r["row"] == 3)
    assert failed["status"] == "error" and "could not start" in failed["error"]


def test_server_keys_group_names_by_address():
    agencies = [Agency(1, "ip", "http://127.0.0.1:8080/"), Agency(2, "name", "http://localhost:9090/ita"),
                Agency(3, "unknown", "http://no-such-agency.invalid/"), Agency(4, "bad", "not a url")]
    keys = server_keys(agencies, timeout=5)
    assert keys[1] == "127.0.0.1"
    assert keys[2] in ("127.0.0.1", "::1")  # localhost: the same machine
    assert keys[3] == "no-such-agency.invalid"  # unresolved: its own server
    assert keys[4] == "row-4"
