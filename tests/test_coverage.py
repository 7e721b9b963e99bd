"""The coverage guard: a crawl that read too little of the site says so, and leaves items unknown, not failed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from oitcheck.checks.checklist import load
from oitcheck.checks.coverage import Coverage, CoverageCode, assess
from oitcheck.checks.engine import evaluate
from oitcheck.cli import EXIT_POOR_COVERAGE
from oitcheck.extract.emptiness import is_empty_page
from oitcheck.records import CrawlResult, Link, PageRecord, ResourceRecord
from oitcheck.report.model import build_report
from oitcheck.report.schema import validate_report
from tests.conftest import audit

HOME = "http://127.0.0.1:1/"
CHECKLIST = load("ita-2568")
AS_OF = date(2025, 3, 15)


def words(n: int, seed: str) -> str:
    """``n`` distinct words, different for each ``seed``: a page's own text."""
    return " ".join(f"{seed}{i}" for i in range(n))


def page(path: str, links: list[str] = (), text: str | None = None, chrome: bool = False, depth: int = 1,
         tag: str = "a") -> PageRecord:
    url = HOME + path
    body = words(60, path or "home") if text is None else text
    return PageRecord(url=url, final_url=url, status=200, depth=depth, title=path or "หน้าแรก", text=body,
                      main_text=body, links=tuple(Link(url=HOME + u, text=u, chrome=chrome, tag=tag) for u in links))


def site(home: PageRecord, *others: PageRecord | ResourceRecord, reason: str = "finished") -> CrawlResult:
    crawl = CrawlResult(start_url=HOME, finish_reason=reason)
    for record in (home, *others):
        crawl.add(record)
    return crawl


def codes(crawl: CrawlResult) -> list[str]:
    return [str(p.code) for p in assess(crawl, lambda code, **values: code).problems]


def healthy(n: int = 12) -> CrawlResult:
    paths = [f"p{i}.html" for i in range(n)]
    return site(page("", paths, depth=0), *(page(p, ["", *paths[:3]]) for p in paths))


def test_a_crawl_of_a_whole_site_is_trusted():
    assert codes(healthy()) == []


def test_nysso_one_page_and_no_links_is_named_and_leaves_items_unknown_not_fail():
    """nysso (github.com/sompawn/nysso): the parser found no link on the homepage, 1 page crawled, OIT 0.00 and every
    item "fail". Whatever the cause, the crawl's shape says it read nothing: every missing item is unknown."""
    crawl = site(page("", [], text=words(300, "ข่าว"), depth=0))
    assert codes(crawl) == ["one_page", "few_links"]
    outcome = evaluate(crawl, CHECKLIST, 2568, AS_OF)
    assert not outcome.crawl.coverage.ok
    assert {r.status for r in outcome.items} == {"unknown"}
    assert outcome.scores["oit"] is None  # not 0.00
    reason = outcome.items[0].findings[0]
    assert reason.code == "unknown" and "อ่านได้เพียงหน้าแรก" in reason.message
    now = datetime(2025, 3, 15, 9, 0)
    report = build_report(outcome, name="ทดสอบ", url=HOME, started_at=now, finished_at=now)
    validate_report(report)
    shown = report["crawl"]["coverage"]
    assert shown["ok"] is False and [p["code"] for p in shown["problems"]] == ["one_page", "few_links"]
    assert shown["problems"][1]["links"] == 0 and "0 ลิงก์" in shown["problems"][1]["detail"]


def test_found_and_failed_evidence_stays_a_failure_in_a_poor_crawl():
    """Only "not found" becomes unknown: a broken link that was found is a broken link however little was read."""
    home = page("", ["o1.pdf"], depth=0)
    home = replace(home, links=(Link(url=HOME + "o1.pdf", text="โครงสร้างหน่วยงาน แผนผังโครงสร้าง"),))
    crawl = site(home, ResourceRecord(url=HOME + "o1.pdf", final_url=HOME + "o1.pdf", status=404, kind="pdf"))
    outcome = evaluate(crawl, CHECKLIST, 2568, AS_OF)
    o1 = next(r for r in outcome.items if r.item.id == "o1")
    assert "broken_link" in {f.code for f in o1.findings} and o1.status != "unknown"


def test_a_page_cap_the_user_chose_is_not_a_coverage_problem():
    crawl = site(page("", [f"p{i}.html" for i in range(12)], depth=0))
    crawl.beyond_cap = 11  # --max-pages 1: the report names the cap already
    assert "one_page" not in codes(crawl) and "few_pages" not in codes(crawl)


def test_few_of_the_homepages_own_links_answered():
    paths = [f"p{i}.html" for i in range(12)]
    answered = [page(p, ["", *paths[:3]]) for p in paths[:3]]
    refused = [ResourceRecord(url=HOME + p, error="timeout") for p in paths[3:8]]  # no answer; the rest not fetched
    crawl = site(page("", [*paths, "report.pdf"], depth=0), *answered, *refused)
    problems = assess(crawl, lambda code, **values: f"{code} {values}").problems
    assert [p.code for p in problems] == [CoverageCode.FEW_PAGES]
    assert problems[0].values == {"links": 12, "reached": 3} and problems[0].urls[0] == HOME + "p10.html"
    answered += [page(p, [""]) for p in paths[3:6]]  # 6 of 12: half answered
    assert codes(site(page("", paths, depth=0), *answered)) == []


def test_links_all_taken_for_chrome():
    """patong_news (github.com/Witsanu2001/patong_news): Bootstrap's nav-link on content links made every link of
    the ITA page menu chrome; whatever the cause, a site whose every link is chrome is named."""
    paths = [f"p{i}.html" for i in range(40)]
    crawl = site(page("", paths, chrome=True, depth=0), *(page(p, paths, chrome=True) for p in paths))
    assert codes(crawl) == ["chrome_links"]
    content = replace(page("p0.html", [f"doc{i}.html" for i in range(5)]), url=HOME + "p0.html")
    crawl.pages[1] = content
    crawl._index = None
    assert codes(crawl) == []  # 5 content links of 45 targets: the rule is the chrome-only share


def test_most_pages_one_template():
    """web-phukamyao-hospital (github.com/sakulsak-dev/web-phukamyao-hospital): the server answers any folder path
    with the homepage; pages that all show (nearly) the homepage's text are one template, not a site."""
    home_text = words(200, "หน้าแรก")
    paths = [f"medical/{'medical/' * i}x.html" for i in range(12)]
    ghosts = [page(p, ["", *paths[:4]], text=f"{home_text} {i}") for i, p in enumerate(paths)]
    crawl = site(page("", paths, text=home_text, depth=0), *ghosts)
    assert codes(crawl) == ["one_template"]
    distinct = [page(p, ["", *paths[:4]]) for p in paths]
    assert codes(site(page("", paths, text=home_text, depth=0), *distinct)) == []


def test_pages_empty_without_javascript():
    paths = [f"p{i}.html" for i in range(12)]
    crawl = site(page("", paths, depth=0), *(page(p, [], text="Loading...") for p in paths[:8]),
                 *(page(p, ["", *paths]) for p in paths[8:]))
    problems = assess(crawl, lambda code, **values: code).problems
    assert [p.code for p in problems] == [CoverageCode.EMPTY_PAGES]
    assert problems[0].values == {"pages": 13, "empty": 8}


def test_an_empty_page_has_almost_no_text_and_links_and_is_not_a_frameset():
    assert is_empty_page("", [])
    assert is_empty_page("Loading...", ["a", "a"])
    assert not is_empty_page("", ["a", "a", "a"])
    assert not is_empty_page("", ["frame"])  # a frameset's text is in its frames
    assert not is_empty_page("ข้อความ " * 20, [])


def test_the_guard_can_be_left_out_for_record_fragments():
    crawl = site(page("", [], depth=0))
    assert evaluate(crawl, CHECKLIST, 2568, AS_OF, guard=False).crawl.coverage == Coverage()


SCRIPTED_HOME = """<!doctype html><html><head><meta charset="utf-8"><title>อบต.ทดสอบ</title></head><body>
<div id="app"></div>
<script>
  var menu = [["/structure.html", "โครงสร้างหน่วยงาน"], ["/ita.html", "ข้อมูลสาธารณะ ITA"],
              ["/news.html", "ข่าวประชาสัมพันธ์"], ["/contact.html", "ติดต่อเรา"], ["/about.html", "ประวัติความเป็นมา"],
              ["/laws.html", "กฎหมายที่เกี่ยวข้อง"]];
  var app = document.getElementById("app");
  menu.forEach(function (m) { var a = document.createElement("a"); a.href = m[0]; a.textContent = m[1];
                              var p = document.createElement("p"); p.appendChild(a); app.appendChild(p); });
  var h = document.createElement("h1"); h.textContent = "องค์การบริหารส่วนตำบลทดสอบ ยินดีต้อนรับ"; app.prepend(h);
</script></body></html>"""


def scripted_site(writer) -> None:
    """A homepage whose every link is written by a script; the pages it names are plain HTML."""
    writer.text("index.html", SCRIPTED_HOME)
    writer.text("structure.html", "<html><head><meta charset='utf-8'><title>โครงสร้างหน่วยงาน</title></head><body>"
                                  "<h1>แผนผังโครงสร้างหน่วยงาน</h1><p>นายก อบต. ปลัด อบต. กองคลัง กองช่าง</p></body></html>")
    for name in ("ita", "news", "contact", "about", "laws"):
        writer.text(f"{name}.html", f"<html><head><meta charset='utf-8'><title>{name}</title></head><body>"
                                    f"<h1>{name}</h1><p>{words(40, name)}</p><a href='/'>หน้าแรก</a></body></html>")


def test_an_audit_that_read_too_little_says_so_on_the_console_and_in_every_report(hosts, tmp_path):
    (writer, server), = hosts(1)
    scripted_site(writer)
    result, report = audit(server.url, tmp_path / "out", "--no-render")
    assert result.returncode == 0, result.stderr  # an audit done: the contract's 0
    assert report["crawl"]["pages"] == 1 and "/structure.html" not in server.hits
    coverage = report["crawl"]["coverage"]
    assert coverage["ok"] is False and {"one_page", "few_links", "empty_pages"} <= {
        p["code"] for p in coverage["problems"]}
    assert "warning: the crawl read too little to judge the site: only the homepage was read" in result.stderr
    assert not [i for i in report["items"] if i["status"] == "fail" and {f["code"] for f in i["findings"]} == {
        "missing"}]
    assert report["scores"]["oit"] is None
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "โปรแกรมอ่านเว็บไซต์นี้ได้น้อยเกินไป" in html and "อ่านได้เพียงหน้าแรกหน้าเดียว" in html
    csv = (tmp_path / "out" / "report.csv").read_text(encoding="utf-8-sig")
    assert "อ่านได้เพียงหน้าแรกหน้าเดียว" in csv  # each unknown item's message says why
    strict, _ = audit(server.url, tmp_path / "strict", "--no-render", "--require-coverage")
    assert strict.returncode == EXIT_POOR_COVERAGE == 6
