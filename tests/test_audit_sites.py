"""The real spider against fixture sites on 127.0.0.1: the four publishing layouts and their defects."""

from __future__ import annotations

import json

import pytest

from tests.conftest import codes, items


def serve_and_audit(serve, site, out):
    """Finish a written site, serve it and audit it; the audit must succeed."""
    from tests.conftest import audit

    site.finish()
    server = serve(site.root)
    result, report = audit(server.url, out)
    assert result.returncode == 0, result.stderr
    return server, report


def ita_index(site, rows: list[tuple[str, str, str]], heading: str = "ITA 2568") -> None:
    """The homepage as a one-table ITA index: item label, item name, a generic "คลิก" link (``rows``)."""
    table = "".join(f"<tr><td>{n}</td><td>{t}</td><td><a href='{u}'>คลิก</a></td></tr>" for n, t, u in rows)
    site.text("index.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head>"
                            f"<body><h1>{heading}</h1><table>{table}</table></body></html>")


def test_index_table_site_matches_through_table_rows(audited):
    _, report, _ = audited("index_table")
    found = items(report)
    # O1: two generic "คลิก" links in the row named by the O-label and title.
    assert found["o1"]["evidence"] and found["o1"]["evidence"][0]["via"] == "table row"
    # O5: a plan covering 2566-2570 satisfies the range rule for 2568.
    assert found["o5"]["status"] == "pass"
    # O7 needs the 2567 report; the linked one names only 2565.
    assert found["o7"]["status"] == "fail" and "wrong_year" in codes(found["o7"])
    # "012" (zero for O) and a PDF-only procurement list.
    assert found["o12"]["status"] == "partial" and "not_machine_readable" in codes(found["o12"])


def test_broken_evidence_link_fails_its_item(audited):
    _, report, _ = audited("index_table")
    o15 = items(report)["o15"]
    assert o15["status"] == "fail"
    assert "broken_link" in codes(o15, "fail")
    broken = {b["url"].rsplit("/", 1)[-1]: b for b in report["links"]["broken"]}
    assert broken["missing-hr-2567.pdf"]["status"] == 404
    assert broken["missing-hr-2567.pdf"]["found_on"][0].endswith("/ita/index.html")
    assert broken["missing-hr-2567.pdf"]["text"] == "เปิดข้อมูล"
    assert broken["missing-hr-2567.pdf"]["reason"] == "ไม่พบหน้าหรือไฟล์ (404)"  # in words staff read
    finding = next(f for f in o15["findings"] if f["code"] == "broken_link")
    assert "ไม่พบหน้าหรือไฟล์ (404)" in finding["message"]


def test_eit_link_is_judged_not_fetched(audited):
    _, report, _ = audited("index_table")
    assert report["homepage"]["eit"] == {"found": True, "url": "https://itas.nacc.go.th/go/eit/ab12cd", "via": "link"}
    assert not any("itas.nacc.go.th" in b["url"] for b in report["links"]["broken"])


def test_per_item_pages(audited):
    _, report, _ = audited("per_item")
    found = items(report)
    assert found["o2"]["status"] == "pass"
    assert found["o17"]["status"] == "pass"
    # Address and phone but no e-mail: partial, naming what is missing.
    assert found["o3"]["status"] == "partial"
    element = next(f for f in found["o3"]["findings"] if f["code"] == "missing_element")
    assert element["elements"] == ["email"]
    # The O8 page only links to a manual that is gone: the item fails on the broken link.
    assert found["o8"]["status"] == "fail" and "broken_link" in codes(found["o8"])
    # Current news on the homepage, but no EIT QR code anywhere.
    assert found["o4"]["status"] == "partial" and "qr_missing" in codes(found["o4"])


def test_plain_menu_pages_without_o_numbers(audited):
    _, report, _ = audited("menu_pages")
    found = items(report)
    assert found["o1"]["status"] == "pass"
    assert {e["url"].rsplit("/", 1)[-1] for e in found["o1"]["evidence"]} >= {"structure.html", "duties.html"}
    assert found["o2"]["status"] == "pass"
    assert found["o3"]["status"] == "pass"
    # Newest news is 15 Dec 2024: older than 60 days on 2025-03-15.
    assert "stale" in codes(found["o4"])
    stale = next(f for f in found["o4"]["findings"] if f["code"] == "stale")
    assert stale["newest"] == "2024-12-15"


def test_cp874_page_without_charset_is_read_as_thai(audited):
    _, report, _ = audited("legacy_cp874")
    o2 = items(report)["o2"]
    assert o2["status"] == "pass"
    assert o2["evidence"][0]["text"] == "ข้อมูลผู้บริหาร"
    # Thai-digit dates on the homepage are read too.
    assert report["homepage"]["newest_date"] == "2025-03-12"


def test_hostile_site_is_escaped_and_survives(audited):
    result, report, out = audited("hostile")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    # The crawled anchor text and URL of a broken link are shown, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;ข่าวเก่า" in html
    # A URL is shown as a browser sends it: the markup in its query is percent-escaped.
    assert "gone.html?q=%22%3E%3Cimg%20src=x%20onerror=alert(2)%3E" in html
    found = items(report)
    # Evidence on a dead host (connection refused) fails its item as a broken link.
    assert found["o5"]["status"] == "fail" and "broken_link" in codes(found["o5"])
    broken = {b["url"]: b for b in report["links"]["broken"]}
    assert broken["http://127.0.0.2:9/plan.pdf"]["error"] == "refused"
    assert broken["http://127.0.0.2:9/plan.pdf"]["reason"].startswith("เซิร์ฟเวอร์ปฏิเสธการเชื่อมต่อ")
    loop = next(b for b in broken.values() if b["error"] == "redirect_loop")
    assert len(loop["redirects"]) >= 2 and loop["reason"] == "ถูกส่งต่อ (redirect) วนซ้ำไม่สิ้นสุด"
    assert "วนซ้ำไม่สิ้นสุด" in html and "ถูกส่งต่อ (redirect)" in html
    assert any(b["text"] == "<script>alert(1)</script>ข่าวเก่า" for b in broken.values())


def test_page_cap_still_checks_links_and_says_so(serve, tmp_path):
    from tests.conftest import SITES, audit

    server = serve(SITES / "menu_pages")
    result, report = audit(server.url, tmp_path, "--max-pages", "2")
    assert result.returncode == 0
    assert report["crawl"]["pages"] == 2 and report["crawl"]["truncated"] is True
    assert report["crawl"]["beyond_cap"] >= 3
    assert "page cap reached" in result.stderr
    assert "--max-pages" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_external_host_and_unreadable_documents_through_the_spider(serve, tmp_path):
    from tests.conftest import audit
    from tests.testbed.kit import SiteWriter

    site_dir, files_dir = tmp_path / "site", tmp_path / "files"
    site_dir.mkdir()
    files_dir.mkdir()
    site_server, files_server = serve(site_dir), serve(files_dir, host="127.0.0.2")
    site, files = SiteWriter(site_dir, site_server.url), SiteWriter(files_dir, files_server.url)
    files.pdf("store/o13.pdf", ["รายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2567"], ["เทศบาลตำบลทดสอบ"])
    site.scanned_pdf("files/o8-scan.pdf", ["คู่มือการปฏิบัติงาน งานการเงิน"])
    site.route("/files/o26-2567.pdf", zeros=40 * 1024 * 1024, content_type="application/pdf")
    rows = [("O8", "คู่มือการปฏิบัติงาน", "/files/o8-scan.pdf"),
            ("O13", "รายงานผลการจัดซื้อจัดจ้างประจำปี 2567", files.link("store/o13.pdf")),
            ("O26", "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567", "/files/o26-2567.pdf")]
    ita_index(site, rows, "ITA 2568")
    site.finish()
    result, report = audit(site_server.url, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    found = items(report)
    assert found["o13"]["status"] == "pass" and "external_host" in codes(found["o13"], "info")
    for item_id in ("o8", "o26"):
        assert found[item_id]["status"] == "pass"
    assert "unreadable_document" in codes(found["o26"], "info")  # 40 MB: over the download cap
    # the scan is read by OCR where Tesseract with Thai is installed (CI installs it), else said unreadable
    scanned = report["crawl"]["ocr"]["available"]
    assert ("unreadable_document" in codes(found["o8"], "info")) is not scanned
    assert report["crawl"]["ocr"]["pages"] == (1 if scanned else 0)
    assert not report["links"]["broken"]


def test_every_executive_needs_a_photo(serve, tmp_path):
    from tests.conftest import audit
    from tests.testbed.kit import SiteWriter

    (tmp_path / "site").mkdir()
    server = serve(tmp_path / "site")
    site = SiteWriter(tmp_path / "site", server.url)
    cards = []
    for n, (name, position) in enumerate([("นายสมชาย ใจดี", "นายกองค์การบริหารส่วนตำบล"),
                                          ("นายมานะ ขยันยิ่ง", "รองนายกองค์การบริหารส่วนตำบล"),
                                          ("นางสาวมาลี ศรีสุข", "ปลัดองค์การบริหารส่วนตำบล")]):
        photo = f'<img src="/p{n}.png" alt="">' if n < 2 else ""  # the ปลัด has no photo
        if photo:
            site.portrait(f"p{n}.png", n)
        cards.append(f'<div class="card">{photo}<p>{name}</p><p>{position}</p><p>โทร 081-000-000{n}</p></div>')
    site.text("executives.html", "<html><head><meta charset='utf-8'><title>คณะผู้บริหาร</title></head><body>"
                                 f"<h1>คณะผู้บริหาร</h1>{''.join(cards)}</body></html>")
    site.text("index.html", "<html><head><meta charset='utf-8'><title>อบต.ทดสอบ</title></head><body>"
                            "<a href='/executives.html'>คณะผู้บริหาร</a></body></html>")
    result, report = audit(server.url, tmp_path / "out")
    o2 = items(report)["o2"]
    assert o2["status"] == "partial"
    finding = next(f for f in o2["findings"] if f["code"] == "missing_element")
    assert finding["elements"] == ["photo"] and finding["without_photo"] == ["นางสาวมาลี ศรีสุข"]


def test_hostile_documents_through_the_spider(serve, tmp_path):
    """Truncated and encrypted PDFs, a zip-bomb XLSX, an empty file and an HTML page served as a PDF: the
    audit finishes, each is 'unreadable' (judged from its link) or a soft 404, and nothing else is lost."""
    from tests.test_extract_documents import _pdf_bytes, _zip_bomb_xlsx
    from tests.testbed.kit import SiteWriter

    site = SiteWriter(tmp_path / "site", "")
    site.path("files/o8.pdf").write_bytes(_pdf_bytes("manual 2568")[:300])
    site.path("files/o7.pdf").write_bytes(_pdf_bytes("report 2568", owner_password="o", user_password="u"))
    site.path("files/o12.xlsx").write_bytes(_zip_bomb_xlsx())
    site.path("files/o15.pdf").write_bytes(b"")
    site.text("files/o25.pdf", "<html><head><title>404 ไม่พบไฟล์</title></head><body>ไม่พบไฟล์ที่ต้องการ</body></html>")
    site.route("/files/o25.pdf", content_type="application/pdf")
    rows = [("O8", "คู่มือการปฏิบัติงาน ปี 2568", "/files/o8.pdf"),
            ("O7", "รายงานผลการดำเนินงานประจำปี พ.ศ. 2567", "/files/o7.pdf"),
            ("O15", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี 2567", "/files/o15.pdf"),
            ("O12", "สรุปผลการจัดซื้อจัดจ้าง ปี 2568", "/files/o12.xlsx"),
            ("O25", "แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2568", "/files/o25.pdf")]
    ita_index(site, rows, "ITA 2568")
    server, report = serve_and_audit(serve, site, tmp_path / "out")
    found = items(report)
    reasons = {}
    for item_id in ("o7", "o8", "o12", "o15"):
        unreadable = [f for f in found[item_id]["findings"] if f["code"] == "unreadable_document"]
        assert unreadable, (item_id, found[item_id]["findings"])
        reasons[item_id] = unreadable[0]["reason"]
    assert "not a readable PDF" in reasons["o8"] and "password" in reasons["o7"]
    assert "0 bytes" in reasons["o15"] and "zip bomb" in reasons["o12"]
    assert found["o25"]["status"] == "fail" and "soft_404" in codes(found["o25"]), found["o25"]["evidence"]


def test_without_tesseract_the_report_says_scans_were_not_read(serve, tmp_path):
    import os
    import subprocess
    import sys

    from tests.testbed.kit import SiteWriter

    site = SiteWriter(tmp_path / "site", "")
    site.scanned_pdf("files/o8.pdf", ["คู่มือการปฏิบัติงาน งานการเงิน ปี 2568"])
    site.text("index.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head><body>"
                            "<a href='/files/o8.pdf'>O8 คู่มือการปฏิบัติงาน</a></body></html>")
    site.finish()
    server = serve(tmp_path / "site")
    env = {**os.environ, "PATH": str(tmp_path / "no-programs-here")}  # no tesseract on this PATH
    result = subprocess.run([sys.executable, "-m", "oitcheck", "audit", server.url, "--allow-private", "--as-of",
                             "2025-03-15", "--out", str(tmp_path / "out"), "--no-progress"],
                            capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out/report.json").read_text(encoding="utf-8"))
    assert report["crawl"]["ocr"] == {"available": False, "status": "no_tesseract", "pages": 0, "documents": 0,
                                      "not_read": 1}
    finding = next(f for f in items(report)["o8"]["findings"] if f["code"] == "unreadable_document")
    assert finding["ocr"] == "unavailable"
    assert "tesseract-ocr-tha" in (tmp_path / "out/report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["home200", "file:oops.html"])
def test_soft_404s_found_by_probing_an_impossible_address(serve, tmp_path, mode):
    """A host that answers any unknown URL with 200 and the same page (its homepage, or an error page that
    never says "not found"): a missing document linked as evidence is that page, so it is a soft 404."""
    from tests.testbed.kit import SiteWriter

    site = SiteWriter(tmp_path / "site", "")
    site.site["not_found"] = mode
    site.pdf("files/o25-2568.pdf", ["แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568"], ["เทศบาลตำบลทดสอบ"])
    site.text("oops.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head><body>"
                           "<p>ขออภัย ระบบไม่สามารถแสดงข้อมูลได้ในขณะนี้ กรุณากลับไปหน้าหลัก</p></body></html>")
    rows = [("O23", "การประเมินความเสี่ยงการทุจริต ประจำปี 2568", "/files/o23-2568.pdf"),
            ("O25", "แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2568", "/files/o25-2568.pdf")]
    ita_index(site, rows, "ข้อมูล ITA ประจำปี 2568")
    server, report = serve_and_audit(serve, site, tmp_path / "out")
    found = items(report)
    assert found["o25"]["status"] == "pass"
    assert found["o23"]["status"] == "fail" and "soft_404" in codes(found["o23"]), found["o23"]["findings"]
    soft = {entry["url"]: entry["reason"] for entry in report["links"]["soft_404"]}
    assert soft == {server.url + "files/o23-2568.pdf": "the same page the site shows for any unknown address"}
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "เป็นหน้าเดียวกับที่เว็บไซต์แสดงเมื่อเปิดที่อยู่ที่ไม่มีอยู่จริง" in html  # the reason, in Thai


def test_links_to_other_hosts_that_worked_are_not_checked_again(tmp_path):
    """Run 1 checks both external links; the other host then goes down. Run 2 (same cache) takes the link
    that worked from the cache and checks the broken one again: the cached one stays fine, the broken one
    is still reported. With --recheck-after 0 everything is checked again."""
    from tests.conftest import audit
    from tests.support.server import SiteServer
    from tests.testbed.kit import SiteWriter

    other = SiteWriter(tmp_path / "other", "")
    other.pdf("store/o13.pdf", ["รายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2567"], ["เทศบาลตำบลทดสอบ"])
    other.finish()
    files = SiteServer(tmp_path / "other", host="127.0.0.2").start()
    site = SiteWriter(tmp_path / "site", "")
    site.text("index.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head><body>"
                            f"<a href='{files.url}store/o13.pdf'>O13 รายงานผลการจัดซื้อจัดจ้างประจำปี 2567</a>"
                            f"<a href='{files.url}store/gone.pdf'>เอกสารเก่า</a></body></html>")
    site.finish()
    cache = tmp_path / "cache"
    with SiteServer(tmp_path / "site") as server:
        _, first = audit(server.url, tmp_path / "out1", "--cache-dir", str(cache))
        files.stop()
        _, second = audit(server.url, tmp_path / "out2", "--cache-dir", str(cache))
        _, fresh = audit(server.url, tmp_path / "out3", "--cache-dir", str(cache), "--recheck-after", "0")
    gone, o13 = files.url + "store/gone.pdf", files.url + "store/o13.pdf"
    assert [b["url"] for b in first["links"]["broken"]] == [gone] and first["links"]["cached"] == 0
    assert [b["url"] for b in second["links"]["broken"]] == [gone] and second["links"]["cached"] == 1
    assert items(second)["o13"]["status"] == items(first)["o13"]["status"] == "pass"
    assert sorted(b["url"] for b in fresh["links"]["broken"]) == [gone, o13]
