"""Page parsing: where an evidence link's item name comes from (row, heading, chrome), and the pictures of
every kind (lazy-loaded, CSS backgrounds, stylesheets, inline SVG) where a homepage's EIT QR code may be."""

from __future__ import annotations

import io

import segno

from oitcheck.extract.html import (
    MAX_SVG_CHARS,
    MAX_SVGS,
    absolute_url,
    css_pictures,
    css_urls,
    is_picture,
    page_names,
    parse_page,
    selector_used,
)

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


PICTURES = """<html><head><link rel="stylesheet" href="/css/site.css"><link rel="icon" href="/favicon.ico">
<link rel="preload" as="style" href="fonts.css"><link rel="alternate" href="/feed">
<style>@import url("print.css"); .hero{background:url('/img/hero.jpg')} @font-face{src:url(f.woff2)}
.icon{background-image:url(data:image/png;base64,AAAA)}</style></head><body>
<nav class="menu"><div style="background: url(/img/menu-bg.png)">เมนู</div></nav>
<div class="ita-box" style="background-image: url(&quot;/img/eit-qr.png&quot;); height: 200px">ร่วมประเมิน EIT</div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/real.png" alt="ภาพข่าว">
<img src="/img/a.png" data-lazy-src="/img/a-large.png" data-original="/img/a.png">
<img srcset="/img/s-1x.png 1x, /img/s-2x.png 2x">
<div data-bg="/img/lazy-bg.jpg">พื้นหลัง</div>
<svg viewBox="0 0 10 10" role="img" aria-label="แบนเนอร์"><image href="/img/in-svg.png" width="10" height="10"/>
<text>ข้อความในภาพ</text></svg>
<template><div class="modal"><img src="/img/popup.png" alt="popup"></div></template>
<p>เนื้อหา</p></body></html>"""


def pictures() -> dict[str, dict]:
    parsed = parse_page(PICTURES, "http://agency.example.org/home/")
    return {image["url"].removeprefix("http://agency.example.org"): image for image in parsed["images"]}


def test_lazy_load_attributes_are_pictures():
    found = pictures()
    assert found["/img/real.png"]["source"] == "lazy" and found["/img/real.png"]["alt"] == "ภาพข่าว"
    assert found["/img/a.png"]["source"] == "img" and found["/img/a-large.png"]["source"] == "lazy"
    assert found["/img/s-1x.png"]["source"] == found["/img/s-2x.png"]["source"] == "lazy"  # every candidate
    assert found["/img/lazy-bg.jpg"]["source"] == "lazy"
    assert not any(url.startswith("data:") for url in found)


def test_css_backgrounds_from_style_attributes_and_style_blocks():
    found = pictures()
    box = found["/img/eit-qr.png"]
    assert box["source"] == "css" and box["context"] == "ร่วมประเมิน EIT" and box["chrome"] is False
    assert found["/img/menu-bg.png"]["chrome"] is True
    assert found["/img/hero.jpg"]["source"] == "css"
    assert not any(url.endswith((".woff2", ".css", ".ico")) for url in found)


def test_stylesheets_are_listed_with_imports():
    parsed = parse_page(PICTURES, "http://agency.example.org/home/")
    assert parsed["stylesheets"] == ["http://agency.example.org/css/site.css", "http://agency.example.org/home/fonts.css",
                                     "http://agency.example.org/home/print.css"]


def test_svg_pictures_and_template_pictures_but_no_svg_text():
    parsed = parse_page(PICTURES, "http://agency.example.org/home/")
    found = pictures()
    assert found["/img/in-svg.png"]["source"] == "svg"
    assert found["/img/popup.png"]["alt"] == "popup"
    assert "ข้อความในภาพ" not in parsed["text"] and "เนื้อหา" in parsed["text"]
    assert parsed["svgs"] == []  # an SVG with a picture inside is not drawn as a QR code


def test_css_urls_resolve_against_the_stylesheet():
    named, imports = css_urls("""@import "parts/a.css"; @import url('/b.css');
        .x{background:url( "../img/qr.png" ) no-repeat} .y{background:url(../img/qr.png)}
        @font-face{src:url(../fonts/x.woff2?v=1) format("woff2"), url('x.ttf')} .z{cursor:url(c.cur),auto}
        .f{filter:url(#blur)} .d{background:url(data:image/png;base64,AAAA)}""",
                              "http://agency.example.org/theme/css/site.css")
    assert named == ["http://agency.example.org/theme/img/qr.png"]
    assert imports == ["http://agency.example.org/theme/css/parts/a.css", "http://agency.example.org/b.css"]


def qr_svg(data: str = "https://itas.nacc.go.th/go/eit/ab12cd", namespace: bool = False) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", xmldecl=False, svgns=namespace, scale=3)
    return buffer.getvalue().decode()


def test_inline_svg_qr_codes_are_kept_as_markup_and_icons_are_not():
    rects = "".join(f'<rect x="{n % 25}" y="{n // 25}" width="1" height="1"/>' for n in range(0, 625, 3))
    icon = ('<svg viewBox="0 0 24 24"><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z'
            'm1 15h-2v-6h2v6zm0-8h-2V7h2v2z"/></svg>')
    html = (f"<body><p>สแกน</p>{qr_svg()}<div>{icon}</div><SVG viewBox='0 0 25 25'>{rects}</SVG>"
            f"<p>ท้าย</p></body>")
    parsed = parse_page(html, "http://agency.example.org/")
    assert len(parsed["svgs"]) == 2
    assert parsed["svgs"][0].startswith('<svg width="111"') and "viewBox" not in parsed["svgs"][0]
    assert parsed["svgs"][1].startswith("<SVG viewBox=")  # as written: SVG attributes are case-sensitive
    assert parsed["text"] == "สแกน ท้าย"


def test_inline_svg_caps():
    big = "<svg>" + '<rect x="1" y="1" width="1" height="1"/>' * 20_000 + "</svg>"  # > 500 KB
    assert len(big) > MAX_SVG_CHARS
    many = qr_svg() * (MAX_SVGS + 3)
    parsed = parse_page(f"<body>{big}{many}</body>", "http://agency.example.org/")
    assert len(parsed["svgs"]) == MAX_SVGS and all(len(svg) < MAX_SVG_CHARS for svg in parsed["svgs"])


def test_only_img_sources_are_content_pictures():
    assert is_picture("img") and is_picture("lazy")
    assert is_picture(None) and is_picture("")  # records from before "source" existed
    assert not is_picture("css") and not is_picture("svg")


def test_css_pictures_keep_their_selector_to_rank_those_the_page_uses():
    css = """/* .old { background: url(old.png) } */
    @media (max-width: 600px) { .popup .qr { background: url(../img/qr.png) } }
    body { background: url(bg.jpg) } .slider-icon-9 { background: url(i9.png) }"""
    pictures, _ = css_pictures(css, "http://agency.example.org/css/site.css")
    assert pictures == [("http://agency.example.org/img/qr.png", ".popup .qr"),
                        ("http://agency.example.org/css/bg.jpg", "body"),
                        ("http://agency.example.org/css/i9.png", ".slider-icon-9")]
    names = page_names('<div class="modal popup" id="eit"><p class="qr">สแกน</p></div>')
    assert [selector_used(selector, names) for _, selector in pictures] == [True, True, False]
