"""``oitcheck inspect``: what the checker sees in one file or URL, as JSON."""

from __future__ import annotations

import json

from tests.conftest import DEMO_SITE, SITES, run_cli


def inspect(*args: str) -> dict:
    result = run_cli("inspect", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pdf_years_and_item():
    seen = inspect(str(SITES / "index_table/files/procure-2568.pdf"), "--as-of", "2025-03-15")
    assert seen["kind"] == "pdf" and seen["text_quality"] == "ok"
    assert seen["title"].startswith("สรุปผลการดำเนินการจัดซื้อจัดจ้าง")
    assert 2568 in seen["years"]
    assert (seen["checklist"], seen["items"][0]["id"]) == ("ita-2568", "o12")


def test_the_monthly_procurement_summary_is_o11_in_the_layout_of_2569_and_later():
    """Without --as-of (today, fiscal year 2570: no layout published) the newest layout, ita-2569, names it."""
    seen = inspect(str(SITES / "index_table/files/procure-2568.pdf"), "--as-of", "2026-12-02")
    assert (seen["checklist"], seen["items"][0]["id"]) == ("ita-2569", "o11")
    given = inspect(str(SITES / "index_table/files/procure-2568.pdf"), "--checklist", "ita-2568")
    assert given["items"][0]["id"] == "o12"


def test_cp874_html_dates_in_thai_digits():
    seen = inspect(str(SITES / "legacy_cp874/index.html"))
    assert seen["kind"] == "html" and seen["encoding"] == "cp874"
    assert seen["title"] == "องค์การบริหารส่วนตำบลเก่าแก่"
    assert {"text": "๑๒ มีนาคม ๒๕๖๘", "date": "2025-03-12"} in seen["dates"]  # the span as written
    assert seen["fiscal_years"] == [2568]


def test_banner_qr_is_decoded_as_the_eit_link():
    seen = inspect(str(DEMO_SITE / "images/banner-ita.png"))
    assert seen["qr"][0]["data"] == "https://itas.nacc.go.th/go/eit/dm7x2k"
    assert seen["eit"] == {"found": True, "url": "https://itas.nacc.go.th/go/eit/dm7x2k", "via": "qr"}


def test_url_through_the_local_server(serve):
    server = serve(SITES / "per_item")
    seen = inspect(server.url + "o3-contact/", "--allow-private")
    assert seen["items"][0]["id"] == "o3"


def test_missing_file_and_private_url_are_bad_input(tmp_path):
    result = run_cli("inspect", str(tmp_path / "nope.pdf"))
    assert result.returncode == 2 and "no such file" in result.stderr
    result = run_cli("inspect", "http://127.0.0.1:9/x.pdf")
    assert result.returncode == 2 and "private address" in result.stderr


def test_corrupt_document_is_unreadable_not_a_crash(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF")
    seen = inspect(str(broken))
    assert seen["kind"] == "pdf" and seen["text_quality"] in ("unreadable", "empty")


def test_year_rules_follow_the_assessment_year():
    pdf = str(SITES / "index_table/files/procure-2568.pdf")
    this_year = next(i for i in inspect(pdf, "--year", "2568")["items"] if i["id"] == "o12")
    next_year = next(i for i in inspect(pdf, "--year", "2569", "--checklist", "ita-2568")["items"] if i["id"] == "o12")
    assert 2568 in this_year["years"] and any(this_year["year_rules"].values())
    assert not any(next_year["year_rules"].values())


def test_mentions_show_kind_label_and_range(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<html><head><title>รายงานผลการดำเนินงาน รอบ 6 เดือน</title></head><body><main>"
                    "<p>ประจำปีงบประมาณ พ.ศ. ๒๕๖๘ (1 ต.ค. 67 - 31 มี.ค. 68)</p>"
                    "<p>ตามพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540 โทร. 053-511-234</p></main></body></html>",
                    encoding="utf-8")
    seen = inspect(str(page), "--as-of", "2025-04-20")
    kinds = [(m["kind"], m.get("label"), m.get("in_range", False)) for m in seen["mentions"]]
    assert kinds == [("year", "fiscal", False), ("date", None, True), ("date", None, True), ("year", "cited", False)]
    assert seen["mentions"][0]["text"] == "ปีงบประมาณ พ.ศ. ๒๕๖๘"
    assert seen["mentions"][1]["through"] == "2025-03-31"
    assert seen["years"] == [2540, 2567, 2568] and seen["years_about"] == [2568]
    assert seen["fiscal_years"] == [2568]
    # both dates are ends of a period, not the day something was posted
    assert seen["newest_date"] == {"date": None, "source": None, "age_days": None}


def test_newest_date_falls_back_to_last_modified(serve, tmp_path):
    (tmp_path / "news.html").write_text("<html><body><main><h1>ข่าวประชาสัมพันธ์</h1><p>ประชุมประจำเดือน</p>"
                                        "</main></body></html>", encoding="utf-8")
    (tmp_path / "_routes.json").write_text(json.dumps(
        {"/news.html": {"headers": {"Last-Modified": "Mon, 10 Mar 2025 02:00:00 GMT"}}}))
    server = serve(tmp_path)
    seen = inspect(server.url + "news.html", "--allow-private", "--as-of", "2025-03-15")
    assert seen["newest_date"] == {"date": "2025-03-10", "source": "metadata", "age_days": 5}


def test_scanned_pdf_shows_ocr_and_hostile_xlsx_its_reason(tmp_path):
    from tests.test_extract_documents import OCR_READY, _zip_bomb_xlsx
    from tests.testbed.kit import SiteWriter

    SiteWriter(tmp_path, "http://127.0.0.1/").scanned_pdf("scan.pdf", ["แผนปฏิบัติการป้องกันการทุจริต พ.ศ. 2568"])
    seen = inspect(str(tmp_path / "scan.pdf"))
    if OCR_READY:
        assert seen["text_quality"] == "ocr" and seen["ocr"]["pages"] == 1 and 2568 in seen["years"]
    assert inspect(str(tmp_path / "scan.pdf"), "--no-ocr")["ocr"]["status"] == "disabled"
    (tmp_path / "bomb.xlsx").write_bytes(_zip_bomb_xlsx())
    bomb = inspect(str(tmp_path / "bomb.xlsx"))
    assert bomb["text_quality"] == "unreadable" and "zip bomb" in bomb["error"]


def test_inline_svg_qr_in_an_html_page(tmp_path):
    from tests.sites.eit_variants import EIT_URL, WRONG_SURVEY, svg_markup

    page = tmp_path / "home.html"
    page.write_text(f"<html><body><p>สแกนเพื่อตอบแบบวัด EIT</p>{svg_markup(EIT_URL, namespace=False)}"
                    f"{svg_markup(WRONG_SURVEY)}</body></html>", encoding="utf-8")
    seen = inspect(str(page))
    assert seen["qr"] == [{"image": "inline-svg", "data": EIT_URL}, {"image": "inline-svg", "data": WRONG_SURVEY}]
    assert seen["eit"] == {"found": True, "url": EIT_URL, "via": "qr"}


def test_a_saved_homepage_shows_the_same_qr_and_items_as_its_audit(serve, tmp_path):
    """Inspect runs the audit's own extraction and matching: a homepage saved with its pictures beside it
    ("Save page as...") gives the EIT QR code and the items its audit finds."""
    import segno

    from tests.conftest import audit
    from tests.sites.eit_variants import EIT_URL

    (tmp_path / "home_files").mkdir()
    segno.make(EIT_URL, error="m").save(str(tmp_path / "home_files" / "eit.png"), scale=6, border=4)
    (tmp_path / "o12.html").write_text("<html><head><meta charset='utf-8'><title>สรุปผลการจัดซื้อจัดจ้าง</title>"
                                       "</head><body><h1>สรุปผลการจัดซื้อจัดจ้าง</h1></body></html>", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>องค์การบริหารส่วนตำบลทดสอบ</title></head><body>"
        "<p><img src='home_files/eit.png' alt='ร่วมตอบแบบวัด'></p><table>"
        "<tr><td>O12</td><td>รายงานสรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี 2567</td>"
        "<td><a href='o12.html'>คลิก</a></td></tr>"
        "<tr><td>O3</td><td>ข้อมูลการติดต่อ</td><td><a href='contact.html'>คลิก</a></td></tr></table>"
        "</body></html>", encoding="utf-8")
    seen = inspect(str(tmp_path / "index.html"))
    assert seen["qr"] == [] and seen["eit"] == {"found": True, "url": EIT_URL, "via": "qr"}
    linked = {(i["id"], i["url"].rsplit("/", 1)[-1]) for i in seen["items"] if "url" in i}
    assert linked == {("o12", "o12.html"), ("o3", "contact.html")}

    server = serve(tmp_path)
    online = inspect(server.url, "--allow-private")  # the same page fetched by the crawler: the same verdicts
    assert online["eit"] == seen["eit"]
    assert {(i["id"], i["url"].rsplit("/", 1)[-1]) for i in online["items"] if "url" in i} == linked
    assert "/home_files/eit.png" in server.hits and "/o12.html" not in server.hits  # one page, no link followed

    _, report = audit(server.url, tmp_path / "out")
    assert report["homepage"]["eit"]["url"] == EIT_URL and report["homepage"]["eit"]["via"] == "qr"
    for item_id, name in linked:
        item = next(i for i in report["items"] if i["id"] == item_id)
        assert any(e["url"].endswith(name) for e in item["evidence"]), item


def test_a_saved_page_never_reads_pictures_outside_its_folder(tmp_path):
    import segno

    from tests.sites.eit_variants import EIT_URL

    segno.make(EIT_URL, error="m").save(str(tmp_path / "elsewhere.png"), scale=6, border=4)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        f"<html><body><img src='../elsewhere.png'><img src='{(tmp_path / 'elsewhere.png').as_uri()}'></body></html>",
        encoding="utf-8")
    assert inspect(str(tmp_path / "site" / "index.html"))["eit"]["found"] is False


def test_a_redirect_to_a_refused_address_is_refused_and_nothing_of_it_is_printed(tmp_path, monkeypatch):
    """127.0.0.1 stands for a public site (an allowed network), 127.0.0.2 for an intranet server on the same
    port: inspect follows redirects with the audit's own guard, so the internal page is never fetched."""
    from tests.support.server import SiteServer

    (tmp_path / "secret.html").write_text("<html><head><title>INTERNAL ONLY</title></head><body>router admin"
                                          "</body></html>", encoding="utf-8")
    (tmp_path / "ok.html").write_text("<html><head><meta charset='utf-8'><title>ข้อมูลการติดต่อ</title></head>"
                                      "<body><h1>ข้อมูลการติดต่อ</h1></body></html>", encoding="utf-8")
    monkeypatch.setenv("OITCHECK_ALLOWED_NETWORKS", "127.0.0.1/32")
    with SiteServer(tmp_path, host="127.0.0.1") as site:
        port = site.httpd.server_address[1]
        (tmp_path / "_routes.json").write_text(json.dumps(
            {"/go": {"status": 302, "location": f"http://127.0.0.2:{port}/secret.html"}}))
        with SiteServer(tmp_path, host="127.0.0.2", port=port) as internal:
            refused = run_cli("inspect", f"{site.url}go")
            assert internal.hits == {}  # never connected to
        allowed = run_cli("inspect", f"{site.url}ok.html")  # the allowed network needs no --allow-private
    assert refused.returncode == 3 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and "private address" in refused.stderr
    assert "INTERNAL" not in refused.stderr
    assert "/go" in site.hits
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["title"] == "ข้อมูลการติดต่อ"
