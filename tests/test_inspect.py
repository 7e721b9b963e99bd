"""``oitcheck inspect``: what the checker sees in one file or URL, as JSON."""

from __future__ import annotations

import json

from tests.conftest import DEMO_SITE, SITES, run_cli


def inspect(*args: str) -> dict:
    result = run_cli("inspect", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pdf_years_and_item():
    seen = inspect(str(SITES / "index_table/files/procure-2568.pdf"))
    assert seen["kind"] == "pdf" and seen["text_quality"] == "ok"
    assert seen["title"].startswith("สรุปผลการดำเนินการจัดซื้อจัดจ้าง")
    assert 2568 in seen["years"]
    assert seen["items"][0]["id"] == "o12"


def test_cp874_html_dates_in_thai_digits():
    seen = inspect(str(SITES / "legacy_cp874/index.html"))
    assert seen["kind"] == "html" and seen["encoding"] == "cp874"
    assert seen["title"] == "องค์การบริหารส่วนตำบลเก่าแก่"
    assert {"text": "12 มีนาคม 2568", "date": "2025-03-12"} in seen["dates"]
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
