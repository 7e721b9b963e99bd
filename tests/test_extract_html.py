"""Page parsing: where an evidence link's item name comes from (row, heading, chrome)."""

from __future__ import annotations

from oitcheck.extract.html import absolute_url, parse_page

INDEX = """<html><head><title>ITA &lt;2568&gt;</title>
<meta property="article:modified_time" content="2025-03-01T10:00:00+07:00"></head><body>
<nav class="menu"><a href="/exec">ผู้บริหาร</a></nav>
<h2>9.1 ข้อมูลพื้นฐาน</h2>
<table><tr><th>ข้อ</th><th>ข้อมูล</th><th>Link</th></tr>
<tr><td rowspan="2">O1</td><td rowspan="2">โครงสร้างและอำนาจหน้าที่</td><td><a href="a.pdf">คลิก</a></td></tr>
<tr><td><a href="b.pdf#page=2">คลิก 2</a></td></tr></table>
<div class="accordion"><div class="card-header">O5 แผนพัฒนาท้องถิ่น</div>
<div><p>ดูเอกสาร <a href="p.pdf">ดาวน์โหลด</a></p></div></div>
<ul><li><a href="/">หน้าแรก</a> <a href="/o2">ข้อมูลผู้บริหาร</a></li></ul>
<form><input name="q"></form>
<footer class="site-footer">© 2568 <a href="javascript:void(0)">top</a></footer>
<script>var x = "ไม่ใช่เนื้อหา";</script></body></html>"""


def page():
    return parse_page(INDEX, "http://agency.example.org/ita/")


def test_rowspan_cells_carry_the_item_name_down():
    links = {link["url"]: link for link in page()["links"]}
    assert links["http://agency.example.org/ita/a.pdf"]["row"] == "O1 | โครงสร้างและอำนาจหน้าที่ | คลิก"
    assert links["http://agency.example.org/ita/b.pdf"]["row"] == "O1 | โครงสร้างและอำนาจหน้าที่ | คลิก 2"


def test_heading_above_a_generic_link_and_accordion_headers():
    links = {link["url"]: link for link in page()["links"]}
    assert links["http://agency.example.org/ita/a.pdf"]["heading"] == "9.1 ข้อมูลพื้นฐาน"
    assert links["http://agency.example.org/ita/p.pdf"]["heading"] == "O5 แผนพัฒนาท้องถิ่น"


def test_chrome_links_and_text_are_marked():
    parsed = page()
    links = {link["url"]: link for link in parsed["links"]}
    assert links["http://agency.example.org/exec"]["chrome"] is True
    assert links["http://agency.example.org/ita/a.pdf"]["chrome"] is False
    assert "© 2568" in parsed["text"] and "© 2568" not in parsed["main_text"]
    assert "ไม่ใช่เนื้อหา" not in parsed["text"]


def test_row_text_leaves_out_the_other_links_of_the_row():
    links = {link["url"]: link for link in page()["links"]}
    assert "ข้อมูลผู้บริหาร" not in links["http://agency.example.org/"]["row"]


def test_title_meta_forms_tables_and_fragments():
    parsed = page()
    assert parsed["title"] == "ITA <2568>"
    assert parsed["meta"]["article:modified_time"].startswith("2025-03-01")
    assert parsed["forms"] == 1 and parsed["tables"] == 1
    assert "http://agency.example.org/ita/b.pdf" in {link["url"] for link in parsed["links"]}
    assert not any(link["url"].startswith("javascript") for link in parsed["links"])


def test_absolute_url_skips_non_navigational_links():
    assert absolute_url("http://agency.example.org/a/", "../b.html") == "http://agency.example.org/b.html"
    assert absolute_url("http://agency.example.org/", "#top") is None
    assert absolute_url("http://agency.example.org/", " javascript:void(0)") is None
    assert absolute_url("http://agency.example.org/", "mailto:a@b.th") == "mailto:a@b.th"


def test_malformed_html_still_parses():
    parsed = parse_page("<table><tr><td><a href=x>ไม่ปิด<td><p><b><i>ค้าง", "http://agency.example.org/")
    assert parsed["links"][0]["url"] == "http://agency.example.org/x"


def test_caption_line_before_a_download_link():
    parsed = parse_page("<div><p><strong>O5 แผนพัฒนาท้องถิ่น</strong></p><p><a href='a.pdf'>ดาวน์โหลด</a></p></div>",
                        "http://agency.example.org/")
    assert parsed["links"][0]["label"] == "O5 แผนพัฒนาท้องถิ่น"
