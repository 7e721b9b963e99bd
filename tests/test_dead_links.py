"""Links no visitor can follow and links only a browser's encoding reaches, through a real audit: the dead
shapes (a pasted C:\\ path, ``http://``, ``htp://``, a URL longer than servers take) are listed broken in
report.json with where they are, new link kinds (video, GET form) are checked, one URL under two spellings is
fetched once, and a windows-874 page's Thai search link is sent as a browser sends it (TIS-620 query)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import audit
from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter

HOME_CP874 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-874">
<title>องค์การบริหารส่วนตำบลทดสอบ</title></head><body><h1>หน้าแรก</h1>
<a href="/search.php?q=ข่าวประชาสัมพันธ์">ค้นหาข่าว</a>
<a href="file:///C:/Users/admin/Desktop/แผนพัฒนา.pdf">แผนพัฒนาท้องถิ่น</a>
<a href="\\\\fileserver\\ita\\o12.xlsx">สขร.1</a>
<a href="http://">เว็บไซต์จังหวัด</a>
<a href="http://localhost]">ระบบงาน</a>
<a href="htp://www.example.go.th/">กรมส่งเสริม</a>
<a href="/report.php?{long}">รายงานยาว</a>
<a href="mailto:saraban@example.go.th">อีเมล</a> <a href="tel:053000000">โทร</a> <a href="#top">บนสุด</a>
<a href="/docs/%7Eplan.html">แผนงาน</a> <a href="/docs/~plan.html">แผนงาน (ซ้ำ)</a>
<video src="/media/gone.mp4" poster="/media/poster.jpg"></video>
<form action="/find"><input name="q"><button>ค้นหา</button></form>
<form method="post" action="/send.php"><input name="msg"></form>
<p><img src="file:///C:/Users/admin/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" alt="ภาพกิจกรรม"></p>
</body></html>"""


@pytest.fixture
def site(tmp_path: Path):
    folder = tmp_path / "site"
    folder.mkdir()
    server = SiteServer(folder).start()
    writer = SiteWriter(folder, server.url)
    query = "".join(f"%{b:02X}" for b in "ข่าวประชาสัมพันธ์".encode("cp874"))
    writer.text("index.html", HOME_CP874.replace("{long}", "id=" + "9" * 40000), encoding="cp874")
    writer.route("/", file="index.html", content_type="text/html; charset=windows-874")
    writer.route(f"/search.php?q={query}", body="<html><head><meta charset='utf-8'><title>ผลการค้นหา</title></head>"
                                                "<body><h1>ผลการค้นหา</h1><p>ข่าวประชาสัมพันธ์ 3 รายการ</p></body></html>")
    writer.text("media/poster.jpg", "not really a picture")
    writer.finish()
    yield server
    server.stop()


def test_dead_links_are_reported_broken_with_where_they_are(site: SiteServer, tmp_path: Path):
    result, report = audit(site.url, tmp_path / "out", "--no-ocr")
    assert result.returncode == 0, result.stderr
    assert report is not None
    broken: dict[str, dict[str, Any]] = {b["url"].removeprefix(site.url): b for b in report["links"]["broken"]}
    dead = {url: (b["error"], b["status"], b["text"], b["found_on"])
            for url, b in broken.items() if b["status"] is None}
    assert dead == {
        "file:///C:/Users/admin/Desktop/แผนพัฒนา.pdf": ("local_file", None, "แผนพัฒนาท้องถิ่น", [site.url]),
        "\\\\fileserver\\ita\\o12.xlsx": ("local_file", None, "สขร.1", [site.url]),
        "http://": ("no_host", None, "เว็บไซต์จังหวัด", [site.url]),
        "http://localhost]": ("malformed", None, "ระบบงาน", [site.url]),
        "htp://www.example.go.th/": ("unsupported_scheme", None, "กรมส่งเสริม", [site.url]),
        "/report.php?id=" + "9" * 485 + "…": ("too_long", None, "รายงานยาว", [site.url]),
        "file:///C:/Users/admin/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg":
            ("local_file", None, "ภาพกิจกรรม", [site.url]),  # a picture pasted from Word
    }
    assert all(b["reason"] for b in broken.values())  # in Thai, from messages.th.yaml
    # New kinds of links are checked; a POST form is not a link; one URL under two spellings is one link.
    assert (broken["media/gone.mp4"]["status"], broken["find"]["status"]) == (404, 404)
    assert broken["docs/~plan.html"]["text"] == "แผนงาน"
    assert len(site.hits["/docs/~plan.html"]) == 1 and "/send.php" not in site.hits
    # The Thai search link went out as a windows-874 browser sends it, and worked.
    assert not any(url.startswith("search.php") for url in broken)
    assert [hit.method for hit in site.hits["/search.php"]] == ["GET", "GET"]  # the link, and its shape's probe
    assert not any("mailto" in url or "tel:" in url for url in broken)
