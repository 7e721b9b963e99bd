"""The crawl side of the link check against LinkChecker's categories (issue 20), through the real spider:
meta refreshes, redirect chains and loops, redirects to other schemes, files past the size cap however they
are sent, very long URLs, and every page's pictures, stylesheets and scripts.

Each crawl runs in a child process (Twisted's reactor starts once per process) against servers on 127.0.0.x.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.records import Image, PageRecord
from oitcheck.spiders.links import shown_with
from oitcheck.spiders.site import SiteSpider
from tests.conftest import audit, codes, items
from tests.support.child_crawl import crawl_in_child
from tests.testbed.kit import SiteWriter

# Crawls the site and prints every record with the rules' verdict on its URL (AuditContext.link_state).
_CRAWL = """
import dataclasses, json, sys
from oitcheck.checks.links import link_state
from oitcheck.crawl import CrawlOptions, run_crawl

result = run_crawl(sys.argv[1], CrawlOptions(**json.loads(sys.argv[2])))
keep = ("url", "final_url", "redirects", "status", "error", "error_detail", "kind", "size", "truncated", "title",
        "dropped")
records = {r.url: {**{k: getattr(r, k, None) for k in keep}, "state": link_state(result.lookup(r.url), result)[0],
                   "page": hasattr(r, "links")}
           for r in [*result.resources, *result.pages]}
print(json.dumps({"pages": len(result.pages), "records": records}, default=lambda o: dataclasses.asdict(o)))
"""


def crawl(url: str, **options: Any) -> dict[str, Any]:
    """Crawl ``url`` with the real spider in a child process; no OCR, no caches."""
    return crawl_in_child(_CRAWL, url, **options)


def html(title: str, body: str = "", head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><h1>{title}</h1>{body}</body></html>")


def home(site: SiteWriter, *links: str, head: str = "") -> None:
    anchors = "".join(f"<a href='{url}'>ลิงก์ {n}</a> " for n, url in enumerate(links))
    site.text("index.html", html("เทศบาลตำบลทดสอบ", anchors, head))




# -- meta refresh -------------------------------------------------------------------------------------------


def test_homepage_refreshing_itself_is_a_working_page(hosts):
    """A news homepage that reloads itself every minute is audited, not a redirect loop (exit 3)."""
    (site, server), = hosts(1)
    site.text("moved.html", html("ย้ายแล้ว", head="<meta http-equiv='refresh' content='0; url=/news.html'>"))
    site.text("news.html", html("ข่าวประชาสัมพันธ์"))
    site.text("self.html", html("หน้าที่รีเฟรชตัวเอง", head="<meta http-equiv='refresh' content='5; url=self.html'>"))
    home(site, "/moved.html", "/self.html",
         head=f"<meta http-equiv='refresh' content='60; url={server.url}index.html'>")
    site.route("/", file="index.html")
    site.finish()
    records = crawl(server.url)["records"]
    front = records[server.url]
    assert front["page"] and front["state"] == "ok" and front["redirects"] == []
    assert records[server.url + "self.html"]["page"] and records[server.url + "self.html"]["state"] == "ok"
    # A refresh to another page is still followed, as a redirect.
    moved = records[server.url + "moved.html"]
    assert moved["final_url"] == server.url + "news.html" and moved["title"] == "ข่าวประชาสัมพันธ์"
    assert len(server.hits["/"]) == 1 and len(server.hits["/self.html"]) == 1  # each read once, not reloaded


# -- redirects ----------------------------------------------------------------------------------------------


def chain(site: SiteWriter, name: str, hops: int) -> None:
    """``/name0`` redirects to ``/name1``... ``/name<hops>``, a page."""
    for n in range(hops):
        site.route(f"/{name}{n}", status=302, location=f"/{name}{n + 1}")
    site.route(f"/{name}{hops}", body=html(f"ปลายทาง {name}"))


def test_long_chains_loops_and_other_schemes(hosts):
    (site, server), (files, other) = hosts(2)
    chain(files, "short", 15)  # more than Scrapy's default 10, fewer than browsers' 20: works
    chain(files, "long", 25)  # more than browsers follow
    files.route("/a", status=302, location="/b")  # a real loop: a URL seen again, and again
    files.route("/b", status=301, location="/a")
    files.route("/cookie", status=302, location="/cookie", times=1)  # back once (a cookie check), then 200
    files.route("/ftp", status=301, location="ftp://ftp.example.org/plan.pdf")
    files.route("/mail", status=302, location="mailto:saraban@example.go.th")
    files.finish()
    home(site, *(files.link(p) for p in ("short0", "long0", "a", "cookie", "ftp", "mail")))
    site.finish()
    records = crawl(server.url)["records"]
    short = records[files.link("short0")]
    assert short["state"] == "ok" and short["final_url"] == files.link("short15") and len(short["redirects"]) == 15
    long = records[files.link("long0")]
    assert long["error"] == "too_many_redirects" and long["state"] == "broken"
    loop = records[files.link("a")]
    assert loop["error"] == "redirect_loop" and loop["state"] == "broken"
    assert len(other.hits["/a"]) == 2  # found a loop on its own, not by running into the limit
    assert records[files.link("cookie")]["state"] == "ok"
    for path, scheme in (("ftp", "ftp"), ("mail", "mailto")):
        record = records[files.link(path)]
        assert record["error"] == "unsupported_scheme" and record["state"] == "broken", record
        assert record["final_url"].startswith(f"{scheme}:")


# -- the size cap -------------------------------------------------------------------------------------------


def test_file_past_the_cap_works_however_it_is_sent(hosts):
    """A file over the cap is cut there and recorded as working and too large, with or without
    Content-Length; a gzip body that inflates past the cap (a bomb) likewise."""
    (site, server), (files, other) = hosts(2)
    size = 3 * 1024 * 1024
    files.route("/declared.pdf", zeros=size, content_type="application/pdf")
    files.route("/chunked.pdf", zeros=size, content_type="application/pdf", chunked=True)
    files.route("/bomb.pdf", zeros=size, content_type="application/pdf", gzip=True)
    files.route("/bomb-chunked.pdf", zeros=size, content_type="application/pdf", gzip=True, chunked=True)
    files.route("/small.pdf", zeros=1000, content_type="application/pdf", chunked=True)
    files.route("/gone.pdf", status=404, zeros=size, chunked=True)
    files.finish()
    names = ("declared.pdf", "chunked.pdf", "bomb.pdf", "bomb-chunked.pdf", "small.pdf", "gone.pdf")
    home(site, *(files.link(name) for name in names))
    site.finish()
    records = crawl(server.url, max_document_bytes=1024 * 1024)["records"]
    for name in names[:4]:
        record = records[files.link(name)]
        assert record["status"] == 200 and record["error"] == "too_large" and record["state"] == "ok", record
        assert record["truncated"] and record["kind"] == "pdf"
    assert "declares" in records[files.link("declared.pdf")]["truncated"]
    assert "inflates" in records[files.link("bomb.pdf")]["truncated"]
    small = records[files.link("small.pdf")]  # under the cap: whole, not truncated
    assert small["status"] == 200 and small["error"] is None and small["truncated"] is None and small["size"] == 1000
    gone = records[files.link("gone.pdf")]  # cut, but an error answer: still broken
    assert gone["status"] == 404 and gone["state"] == "broken"


def test_chunked_evidence_past_the_cap_is_said_too_large_to_read(hosts, tmp_path):
    (site, server), = hosts(1)
    site.route("/files/o26-2567.pdf", zeros=40 * 1024 * 1024, content_type="application/pdf", chunked=True)
    rows = "<tr><td>O26</td><td>รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567</td>" \
           "<td><a href='/files/o26-2567.pdf'>คลิก</a></td></tr>"
    site.text("index.html", html("ITA 2568", f"<table>{rows}</table>"))
    site.finish()
    result, report = audit(server.url, tmp_path / "out", "--no-ocr", "--no-cache")
    assert result.returncode == 0, result.stderr
    found = items(report)["o26"]
    assert found["status"] == "pass" and "unreadable_document" in codes(found, "info")
    assert report["links"]["broken"] == []


# -- long URLs ----------------------------------------------------------------------------------------------


def test_long_urls_are_checked_and_overlong_ones_listed(hosts):
    (site, server), = hosts(1)
    long_path = "/search/" + "ก" * 40 + "x" * 10000  # 10,000+ characters: browsers open it
    many = "/list.html?" + "&".join(f"p{n}={n}" for n in range(3000))  # 3,000 parameters
    huge = "/" + "y" * 40000  # past the 32 KiB limit: listed, not sent
    site.route("/search/", prefix=True, body=html("ผลการค้นหา"))
    site.text("list.html", html("รายการ"))
    home(site, long_path, many, huge)
    site.finish()
    records = crawl(server.url)["records"]
    by_length = {len(url): record for url, record in records.items()}
    assert len(by_length) == 3  # the homepage and the two links within URLLENGTH_LIMIT, fetched
    searched = next(r for r in records.values() if r["url"].startswith(server.url + "search/"))
    assert searched["status"] == 200 and searched["state"] == "ok"
    listed = next(r for r in records.values() if "p2999=2999" in r["url"])
    assert listed["status"] == 200 and listed["state"] == "ok"
    dropped = records[server.url]["dropped"]  # the page lists the overlong one: broken for every visitor, not sent
    assert [(d["reason"], d["url"][:4]) for d in dropped] == [("too_long", "/yyy")]
    assert not any(path.startswith("/yyy") for path in server.hits)


# -- what every page shows ----------------------------------------------------------------------------------


def test_every_pages_pictures_stylesheets_and_scripts_are_checked(hosts, tmp_path):
    (site, server), (cdn, cdn_server) = hosts(2)
    site.path("img/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    cdn.text("lib.js", "console.log(1)")
    cdn.finish()
    shown = (f"<img src='/img/logo.png'><img src='/img/missing.png'><script src='/js/gone.js'></script>"
             f"<script src='{cdn.link('lib.js')}'></script>")
    styles = "<link rel='stylesheet' href='/css/old.css'>"
    for name in ("a", "b"):
        site.text(f"{name}.html", html(f"หน้า {name}", shown, styles))
    home(site, "/a.html", "/b.html")
    site.finish()
    # --no-render: these pages are empty but for their pictures and scripts, so a browser would render them and
    # run (read) the scripts
    result, report = audit(server.url, tmp_path / "out", "--no-ocr", "--no-cache", "--no-render")
    assert result.returncode == 0, result.stderr
    broken = {entry["url"]: entry for entry in report["links"]["broken"]}
    assert set(broken) == {server.url + p for p in ("img/missing.png", "js/gone.js", "css/old.css")}
    for entry in broken.values():  # listed with every page that shows it
        assert sorted(entry["found_on"]) == [server.url + "a.html", server.url + "b.html"]
        assert entry["status"] == 404
    # Checked for status only (HEAD; GET only to confirm a failure), each once however many pages use it.
    assert server.methods("/img/logo.png") == ["HEAD"] and cdn_server.methods("/lib.js") == ["HEAD"]
    assert server.methods("/img/missing.png") == ["HEAD", "GET"]
    assert report["links"]["checked"] == 7  # two pages, two pictures, a stylesheet and two scripts


def test_page_assets_are_deduplicated_and_within_their_quota():
    settings = build_settings(CrawlOptions(cache_dir=""))
    settings.setdict({"OITCHECK_PARSE_IN_WORKER": False, "OITCHECK_PAGE_ASSETS": 2}, priority="cmdline")
    spider = SiteSpider.from_crawler(Crawler(SiteSpider, settings), start_url="http://agency.example/")
    page = PageRecord(url="http://agency.example/a.html", images=(Image("http://agency.example/1.png"),),
                      stylesheets=("http://agency.example/s.css",), scripts=("http://agency.example/1.png",
                                                                              "http://agency.example/j.js"))
    urls = shown_with(page, read_closely=False)
    assert [spider._take(url, spider.page_assets) for url in urls] == [True, True, False, False]
    assert spider.page_assets.used == 2  # the repeated picture was not counted: it was seen
    # The homepage's pictures and stylesheets are read whole (parse_home); only its scripts are status checks.
    assert shown_with(page, read_closely=True) == list(page.scripts)


def test_a_homepage_past_the_page_cap_is_read_as_far_as_it_came(hosts, tmp_path):
    """A page that declares more bytes than the page cap is read up to the cap, as a visitor sees its top, and
    the report names it; it is not "too large to crawl"."""
    (site, server), = hosts(1)
    filler = "<p>" + "ข่าวประชาสัมพันธ์ " * 200 + "</p>"
    body = "<a href='/top.html'>บนสุด</a>" + filler * 2000 + "<a href='/bottom.html'>ท้ายสุด</a>"  # about 7 MB
    site.text("index.html", html("เทศบาลตำบลทดสอบ", body))
    site.text("top.html", html("บนสุด"))
    site.text("bottom.html", html("ท้ายสุด"))
    result, report = audit(server.url, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "/top.html" in server.hits and "/bottom.html" not in server.hits
    assert [p["url"] for p in report["crawl"]["partial_pages"]] == [server.url]
    assert "cap" in report["crawl"]["partial_pages"][0]["reason"]
