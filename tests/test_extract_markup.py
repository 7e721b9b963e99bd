"""Real agencies' markup (fixtures under tests/fixtures/real/, each naming its source repository): several
html/body blocks in one response, landmarks rather than class names for page chrome, every heading level and
bold captions, and ``<noscript>`` fallbacks."""

from __future__ import annotations

from pathlib import Path

from oitcheck.extract.html import parse_page

REAL = Path(__file__).parent / "fixtures" / "real"


def fixture(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def urls(parsed: dict) -> list[str]:
    return [link["url"] for link in parsed["links"]]


def test_every_html_block_of_a_php_include_page_is_read_in_order():
    parsed = parse_page(fixture("nysso_ita64.html"), "http://127.0.0.1:8101/page/ITA64.php")
    assert urls(parsed) == ["http://127.0.0.1:8101/index.php",
                            "http://127.0.0.1:8101/upload/ITA/ITA2564/EB1/01.pdf",
                            "https://ops.moph.go.th/public/"]
    assert parsed["title"] == "ITA 2564" and parsed["headings"] == [{"level": 2, "text": "ITA 2564", "chrome": False}]
    chrome = {link["url"]: link["chrome"] for link in parsed["links"]}  # <nav> is; a "nav-arrow-b" section is not
    assert chrome["http://127.0.0.1:8101/index.php"] and not chrome["http://127.0.0.1:8101/upload/ITA/ITA2564/EB1/01.pdf"]
    assert parsed["scripts"] == ["http://127.0.0.1:8101/lib/jquery/jquery.min.js", "http://127.0.0.1:8101/js/main.js"]
    assert "สำนักงานปลัดกระทรวงสาธารณสุข" in parsed["text"] and "ITA 2564" in parsed["main_text"]


def test_many_blocks_and_text_after_the_last_one_keep_their_order():
    blocks = "".join(f"<html><head><title>t{i}</title></head><body><a href='/p{i}'>p{i}</a></body></html>"
                     for i in range(300))
    parsed = parse_page(blocks + " ท้ายหน้า <a href='/last'>last</a>", "http://agency.example.org/")
    assert urls(parsed) == [f"http://agency.example.org/p{i}" for i in range(300)] + ["http://agency.example.org/last"]
    assert parsed["title"] == "t0" and "t1" not in parsed["text"] and "ท้ายหน้า" in parsed["text"]


def test_unclosed_tags_and_framesets_still_parse():
    parsed = parse_page("<html><body><div><a href=a>ก<table><tr><td><a href=b>ข", "http://agency.example.org/")
    assert urls(parsed) == ["http://agency.example.org/a", "http://agency.example.org/b"]
    frames = parse_page("<html><head><title>ก</title></head><frameset><frame src=top.html><frame src=main.html>"
                        "</frameset></html>", "http://agency.example.org/")
    assert urls(frames) == ["http://agency.example.org/top.html", "http://agency.example.org/main.html"]


def test_noscript_fallback_links_and_frames_are_page_links_but_not_page_text():
    parsed = parse_page(fixture("saiyoi_noscript.html"), "http://127.0.0.1:8104/1/index.php")
    found = {link["url"]: link for link in parsed["links"]}
    assert found["http://www.histats.com"]["text"] == "stats online"  # only in the <noscript>
    assert found["http://127.0.0.1:8104/1/menu_frame.php"]["tag"] == "iframe"
    assert found["http://127.0.0.1:8104/1/menu_frame.php"]["text"] == "เมนูหลัก"
    pictures = {image["url"] for image in parsed["images"]}
    assert "http://sstatic1.histats.com/0.gif?1940441&101" in pictures
    assert "https://www.facebook.com/tr?id=1&ev=PageView" in pictures  # a head <noscript>: as before
    assert "JavaScript" not in parsed["text"] and "Histats" not in parsed["text"]


def test_every_heading_level_with_its_landmark_flag():
    parsed = parse_page(fixture("saiyoi_excustive.html"), "http://127.0.0.1:8104/excustive.html")
    levels = {(h["level"], h["text"]) for h in parsed["headings"]}
    assert {(1, "อบต.ไทรย้อย"), (3, "ผู้บริหาร"), (3, "คู่มือประชาชน"), (3, "คณะผู้บริหาร"),
            (5, "นายเน้ย สมบูรณ์เถกิง")} <= levels
    assert not any(h["chrome"] for h in parsed["headings"])  # no landmarks: only the crawl can tell
    assert not any(link["chrome"] for link in parsed["links"])  # "nav nav-list" is a class, not a <nav>


def test_bold_caption_lines_are_headings_and_landmarks_by_structure_not_class():
    parsed = parse_page(fixture("patong_ita.html"), "http://127.0.0.1:8102/ita.php?id=13")
    assert [(h["level"], h["text"], h["chrome"]) for h in parsed["headings"]] == [
        (3, "ITA 2565", False), (3, "MOIT 1", False), (7, "MOIT 1 นโยบายและยุทธศาสตร์โรงพยาบาลป่าตอง", False),
        (7, "Copyright © 2558 Patong Hospital. Allright Reserved.", True)]
    found = {link["url"].rsplit("/", 1)[-1]: link for link in parsed["links"]}
    evidence = found["%E0%B9%80%E0%B8%9C%E0%B8%A2%E0%B9%81%E0%B8%9E%E0%B8%A3%E0%B9%88%E0%B8%82%E0%B9%89%E0%B8%AD"
                     "%E0%B8%A1%E0%B8%B9%E0%B8%A5%E0%B8%95%E0%B9%88%E0%B8%AD%E0%B8%AA%E0%B8%B2%E0%B8%98%E0%B8%B2"
                     "%E0%B8%A3%E0%B8%93%E0%B8%B0%E0%B8%9C%E0%B9%88%E0%B8%B2%E0%B8%99%E0%B9%80%E0%B8%A7%E0%B9%87"
                     "%E0%B8%9A%E0%B9%84%E0%B8%8B%E0%B8%95%E0%B9%8C.pdf"]
    assert evidence["chrome"] is False  # class="nav-link" on a content link, under an "accordion-header"
    assert evidence["label"] == "- เผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์"
    assert found["index-page.php"]["chrome"] is True and found["admin_s"]["chrome"] is True  # <nav>, <footer>
    assert "เผยแพร่ข้อมูลต่อสาธารณะ" in parsed["main_text"] and "Copyright" not in parsed["main_text"]


def test_landmarks_by_element_and_role_and_a_sections_own_header_is_content():
    parsed = parse_page("""<body><div role="navigation"><a href="/m">เมนู</a></div>
<section><header><h2>O1 โครงสร้าง</h2><a href="/o1.pdf">คลิก</a></header></section>
<section><header class="site-header"><a href="/home">หน้าแรก</a></header></section>
<div class="sidebar widget"><a href="/ita.pdf">ITA</a></div><aside><a href="/a">ข่าว</a></aside>
<footer class="accordion-footer"><p><b>ติดต่อเรา</b></p></footer>
<div role="heading" aria-level="4">ประกาศ</div><p>ข้อความ <b>ไม่ใช่หัวข้อ</b> ในบรรทัด</p></body>""",
                        "http://agency.example.org/")
    chrome = {link["url"].removeprefix("http://agency.example.org"): link["chrome"] for link in parsed["links"]}
    assert chrome == {"/m": True, "/o1.pdf": False, "/home": True, "/ita.pdf": False, "/a": True}
    assert [(h["level"], h["text"], h["chrome"]) for h in parsed["headings"]] == [
        (2, "O1 โครงสร้าง", False), (7, "ติดต่อเรา", True), (4, "ประกาศ", False)]


def test_an_unclosed_nav_that_swallowed_the_page_is_not_chrome():
    parsed = parse_page("<body><nav><a href='/a'>หน้าแรก</a><main><h1>แผน</h1><a href='/p.pdf'>คลิก</a></main>",
                        "http://agency.example.org/")
    assert not any(link["chrome"] for link in parsed["links"]) and "แผน" in parsed["main_text"]
