"""``audit-many`` over a CSV of agencies: per-agency reports, a summary with common gaps and measures,
and one agency's failure not stopping the others."""

from __future__ import annotations

import json
import socket

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
