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
    assert parsed["title"] == "ITA 2564" and parsed["headings"] == [{"level": 2, "text": "ITA 2564"}]
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
