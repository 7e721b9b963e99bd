"""Soft 404s of every URL shape: a server answers a wrong folder, file or query string each its own way, so
each shape the site uses is probed, pages like their shape's answer are soft 404s reported once per cause,
and the links of such a page (the homepage's, resolved against a wrong folder) are not followed."""

from __future__ import annotations

import shutil
from pathlib import Path

from oitcheck.shapes import probe_url, url_shape
from tests.conftest import audit

FIXTURE = Path(__file__).parent / "fixtures" / "real" / "phukamyao"
SAME = "the same page the site shows for any unknown address"


def test_url_shapes_and_their_probes():
    assert url_shape("http://h/medical/") == url_shape("http://h/") == "/"
    assert url_shape("http://h/a/ita.PHP") == ".php" and url_shape("http://h/x/page") == "."
    assert url_shape("http://h/index.php?page=news&id=3") == url_shape("http://h/index.php?id=9&page=x") == \
        "?/index.php?id&page"
    assert url_shape("http://h/other.php?page=news") != url_shape("http://h/index.php?page=news")
    assert probe_url("http://h/medical/", "/", "t1") == "http://h/oitcheck-probe-t1/"
    assert probe_url("http://h/a/b.php", ".php", "t1") == "http://h/oitcheck-probe-t1/not-found-t1.php"
    assert probe_url("http://h/a/b", ".", "t1") == "http://h/oitcheck-probe-t1/not-found-t1"
    assert probe_url("http://h/index.php?page=a", "?/index.php?page", "t1") == \
        "http://h/index.php?page=oitcheck-probe-t1"


def test_folders_answered_with_the_homepage_are_one_soft_404_cause_and_no_ghost_paths(serve, tmp_path):
    """PHP's built-in server answers the footer's "wsm/" and "medical/" (no such folders) with the homepage:
    both are soft 404s (the folder probe gets the same page; the first probe, a .html file, got a 404), one
    cause in the report, and the homepage's links and style sheet below them (/medical/medical/...,
    /medical/dist/css/style.css) are never requested: they are that one cause's echoes, not broken links."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    (root / "_site.json").write_text('{"not_found": "php"}', encoding="utf-8")
    server = serve(root)
    result, report = audit(server.url, tmp_path / "out", "--max-pages", "30")
    assert result.returncode == 0, result.stderr
    soft = {entry["url"]: entry["reason"] for entry in report["links"]["soft_404"]}
    assert soft == {server.url + "wsm/": SAME, server.url + "medical/": SAME}
    assert [(g["count"], g["reason"], g["title"]) for g in report["links"]["soft_404_groups"]] == [
        (2, SAME, "โรงพยาบาลภูกามยาว")]
    assert sorted(report["links"]["soft_404_groups"][0]["examples"]) == sorted(soft)
    broken = {entry["url"]: entry["status"] for entry in report["links"]["broken"]}
    assert broken == {server.url + "book/user.html": 404}  # a file of an unknown path: a plain 404
    assert not any(p.startswith(("/wsm/", "/medical/")) and p not in ("/wsm/", "/medical/") for p in server.hits)
    assert "/dist/css/style.css" in server.hits  # the homepage's own style sheet is checked
    assert report["crawl"]["truncated_by"] == [] and report["crawl"]["ghost_pages"] == 2
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "2 ลิงก์</b> ได้หน้าเดียวกัน" in html
    # Had the page cap gone on such pages, the report would not advise raising it.
    from oitcheck.checks.checklist import load
    from oitcheck.report.writers import render_html

    report["crawl"].update(truncated=True, truncated_by=["max_pages"], beyond_cap=5, pages=3)
    capped = render_html(report, load("ita-2568").messages)
    assert "การเพิ่มค่า --max-pages จะยิ่งอ่านหน้าซ้ำ" in capped and "ค่า --max-pages ที่สูงขึ้น" not in capped


def test_a_query_string_not_found_page_is_a_soft_404_unless_the_parameter_changes_nothing(serve, tmp_path):
    """``news.html?id=N`` shows the news item, or a template that never says "not found" for an unknown id:
    the query probe gets that template, so the unknown ids are soft 404s. ``about.html?lang=xx`` shows the
    same page for every value, and ``events.html?m=N`` this month for a wrong one: their probes are no
    yardstick, and their pages are not soft 404s."""
    from tests.testbed.kit import SiteWriter

    site = SiteWriter(tmp_path / "site", "")
    page = "<html><head><meta charset='utf-8'><title>{t}</title></head><body><h1>{h}</h1><p>{p}</p>{a}</body></html>"
    site.text("index.html", page.format(t="เทศบาลตำบลทดสอบ", h="หน้าแรก", p="ยินดีต้อนรับสู่เทศบาลตำบลทดสอบ", a=(
        "<a href='news.html?id=1'>ข่าวประชุมสภา</a><a href='news.html?id=2'>ข่าวตลาดนัด</a>"
        "<a href='news.html?id=77'>ข่าวเก่า</a><a href='about.html?lang=th'>เกี่ยวกับเรา</a>"
        "<a href='events.html?m=3'>ปฏิทินเดือนนี้</a><a href='events.html?m=4'>ปฏิทินเดือนหน้า</a>")))
    site.text("news.html", page.format(t="ข่าว เทศบาลตำบลทดสอบ", h="ข่าวประชาสัมพันธ์", p="", a=""))
    site.text("news-1.html", page.format(t="ข่าว เทศบาลตำบลทดสอบ", h="ประชุมสภาสมัยสามัญ",
                                         p="เทศบาลตำบลทดสอบเชิญประชาชนร่วมรับฟังการประชุมสภาสมัยสามัญที่สองของปี", a=""))
    site.text("news-2.html", page.format(t="ข่าว เทศบาลตำบลทดสอบ", h="ตลาดนัดชุมชน",
                                         p="ตลาดนัดชุมชนเปิดทุกวันเสาร์ที่ลานหน้าสำนักงานเทศบาลตำบลทดสอบ", a=""))
    site.text("about.html", page.format(t="เกี่ยวกับเรา", h="เกี่ยวกับเทศบาล", p="ประวัติและที่ตั้งของเทศบาล", a=""))
    # A calendar shows this month for a wrong value: as full a page as any other month, not a "not found".
    month = "<table><tr>" + "".join(f"<td>{day} กิจกรรมของเทศบาล</td>" for day in range(1, 29)) + "</tr></table>"
    site.text("events.html", page.format(t="ปฏิทินกิจกรรม", h="ปฏิทินกิจกรรม เดือนมีนาคม", p=month, a=""))
    site.text("events-4.html", page.format(t="ปฏิทินกิจกรรม", h="ปฏิทินกิจกรรม เดือนเมษายน ตลาดนัด",
                                           p=month.replace("กิจกรรมของเทศบาล", "ตลาดนัดชุมชน"), a=""))
    site.routes["/events.html?m=4"] = {"file": "events-4.html"}
    site.routes["/news.html?id=1"] = {"file": "news-1.html"}
    site.routes["/news.html?id=2"] = {"file": "news-2.html"}
    site.finish()
    server = serve(site.root)
    result, report = audit(server.url, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    soft = {entry["url"]: entry["reason"] for entry in report["links"]["soft_404"]}
    assert soft == {server.url + "news.html?id=77": SAME}
    assert len(server.hits["/about.html"]) == 2  # the page and its shape's probe, which is no yardstick


def test_no_raise_max_pages_advice_when_the_cap_went_on_ghost_pages():
    from oitcheck.console import _budget_note

    crawl = {"beyond_cap": 40, "not_fetched": 900, "pages": 30, "ghost_pages": 25}
    assert "raise --max-pages" not in _budget_note("max_pages", crawl) and "ghost" in _budget_note("max_pages", crawl)
    assert "raise --max-pages" in _budget_note("max_pages", {**crawl, "ghost_pages": 2})
