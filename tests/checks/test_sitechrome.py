"""Site chrome from the whole crawl (what the template repeats) and the heading a page is about, on real
markup (tests/fixtures/real/): a table-layout sidebar marks no landmark, but it is on every page."""

from __future__ import annotations

from pathlib import Path

from oitcheck.checks.evidence import collect
from oitcheck.checks.matching import Matcher
from oitcheck.checks.sitechrome import main_heading, site_chrome
from oitcheck.extract.html import parse_page
from oitcheck.records import CrawlResult, Heading, PageRecord
from tests.checks.records import YEAR, checklist

REAL = Path(__file__).parent.parent / "fixtures" / "real"
SAIYOI = "http://127.0.0.1:8104/"


def parsed_page(name: str, url: str, *replace: tuple[str, str]) -> PageRecord:
    html = (REAL / name).read_text(encoding="utf-8")
    for old, new in replace:
        html = html.replace(old, new)
    return PageRecord.from_dict({**parse_page(html, url), "url": url, "final_url": url, "status": 200, "depth": 1})


MENU_ENTRY = ('<li><a  href="excustive.html" data-key="excustive">คณะผู้บริหาร</a></li>', "")


def saiyoi_crawl(pages: int) -> CrawlResult:
    """The executives page and pages of the same template with other content headings (the menu entry to the
    executives page left out, so the page can only be known by its own heading)."""
    crawl = CrawlResult(start_url=SAIYOI)
    crawl.add(parsed_page("saiyoi_excustive.html", SAIYOI + "excustive.html", MENU_ENTRY))
    for name, heading in [("general_basic", "สภาพทั่วไป"), ("member_org", "สมาชิก อบต."),
                          ("general_economy", "สภาพเศรษฐกิจ")][:pages - 1]:
        crawl.add(parsed_page("saiyoi_excustive.html", f"{SAIYOI}{name}.html", MENU_ENTRY,
                              ("<h3>คณะผู้บริหาร</h3>", f"<h3>{heading}</h3>")))
    return crawl


def page_candidates(crawl: CrawlResult) -> dict[str, list[str]]:
    """Item id -> the pages identified as that item by their own title or headings."""
    found: dict[str, list[str]] = {}
    for item_id, candidates in collect(crawl, Matcher(checklist()), YEAR).items():
        for c in candidates:
            if c.via in ("page heading", "page title"):
                found.setdefault(item_id, []).append(c.url.removeprefix(SAIYOI))
    return found


def test_an_h3_names_the_page_once_the_repeated_sidebar_headings_are_known_as_chrome():
    crawl = saiyoi_crawl(4)
    chrome = site_chrome(crawl.pages)
    assert {"ผู้บริหาร", "คู่มือประชาชน", "อบต.ไทรย้อย"} <= chrome.headings and "คณะผู้บริหาร" not in chrome.headings
    assert page_candidates(crawl) == {"o2": ["excustive.html"]}  # and no page is the o9 manual by its sidebar
    candidates = collect(crawl, Matcher(checklist()), YEAR)
    contact = [c for cs in candidates.values() for c in cs if c.url.endswith("contactus.php")]
    assert contact and all(c.chrome for c in contact)  # the sidebar menu, on every page: by its own words only


def test_with_too_few_pages_nothing_repeats_and_a_sidebar_of_several_items_names_none():
    crawl = saiyoi_crawl(3)
    assert not site_chrome(crawl.pages).headings
    assert page_candidates(crawl) == {}
    contact = [c for cs in collect(crawl, Matcher(checklist()), YEAR).values() for c in cs
               if c.url.endswith("contactus.php")]
    assert contact and not any(c.chrome for c in contact)


def test_a_link_repeated_on_most_pages_is_chrome_and_a_page_own_list_is_not():
    url = "http://127.0.0.1:8102/ita.php?id=13"
    pages = [parsed_page("patong_ita.html", url)]
    pages += [parsed_page("patong_ita.html", f"http://127.0.0.1:8102/p{i}.php", ("pdf_ita/", f"other{i}/"))
              for i in range(3)]
    chrome = site_chrome(pages)
    links = {link.url.rsplit("/", 1)[-1]: link for link in pages[0].links}
    assert chrome.link(links["index-page.php"]) and chrome.link(links["admin_s"])
    assert not any(chrome.link(link) for link in pages[0].links if "pdf_ita" in link.url)
    assert main_heading(pages[0].headings) == "ITA 2565"


def test_the_main_heading_is_the_first_of_the_top_rank_outside_landmarks():
    headings = (Heading(1, "เมนูหลัก", chrome=True), Heading(3, "ข่าว"), Heading(2, "ไม่พบหน้าที่ต้องการ"),
                Heading(2, "อื่น"), Heading(7, "ตัวหนา"))
    assert main_heading(headings) == "ไม่พบหน้าที่ต้องการ"
    assert main_heading((Heading(4, "ประกาศ"), Heading(7, "ตัวหนา"))) == "ประกาศ"
    assert main_heading((Heading(7, "ตัวหนา"),)) == ""
