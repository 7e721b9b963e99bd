"""The pure parts of ``make eval-real`` (bench/real): labels, scoring, the plain breadth-first crawl and the
broken-link truth, on tiny sites served by SiteServer (no PHP, no MariaDB, no real site needed)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from bench.real.bfs import coverage, crawl, site_key
from bench.real.run import score, sites_folder
from bench.real.servers import PhpServer
from bench.real.sites import LABELS, Site, label_site, load_label, load_sites, validate_label
from bench.real.truth_links import broken_links
from oitcheck.fiscal import assessment_year
from tests.support.server import SiteServer
from tests.testbed.scoring import summarise

SITE = Site(name="tiny", repository="someone/tiny", commit="0" * 40, kind="local")


def _label() -> dict:
    items = {f"o{n}": {"status": "fail", "findings": ["missing"], "reason": "ไม่มี", "evidence": None,
                       "contested": False} for n in range(1, 29)}
    items["o1"] = {"status": "pass", "findings": [], "reason": "มีผัง", "evidence": "/org.html", "contested": False}
    items["o2"] = {"status": "pass", "findings": [], "reason": "ก้ำกึ่ง", "evidence": "/exec.html", "contested": True}
    return {"agency": "อบต.ทดสอบ", "repository": "someone/tiny", "commit": "0" * 40, "kind": "local",
            "as_of": "2025-03-15", "year": 2568, "items": items, "broken_links": ["/gone.pdf", "/ghost/"]}


def test_every_committed_label_is_valid_and_matches_its_site():
    sites = {s.name: s for s in load_sites()}
    names = [p.stem for p in LABELS.glob("*.json")]
    assert {"nysso", "saiyoi", "kpic"} <= set(names)
    for name in names:
        label, site = load_label(name), sites[label_site(name)]
        assert label["commit"] == site.commit and label["repository"] == site.repository
        assert label["kind"] == site.kind
        assert label.get("checklist", "ita-2568") == (name.split("@", 1)[1] if "@" in name else "ita-2568")
        assert label["year"] == assessment_year(date.fromisoformat(label["as_of"]))


def test_a_bad_label_is_refused_with_each_problem_named():
    label = _label()
    del label["items"]["o28"]
    label["items"]["o3"]["status"] = "maybe"
    label["items"]["o4"]["contested"] = "no"
    label["items"]["o5"]["evidence"] = "http://elsewhere/"
    label["broken_links"] = ["gone.pdf"]
    problems = validate_label(label)
    assert any("o28" in p for p in problems)
    assert any(p.startswith("o3: status") for p in problems)
    assert any(p.startswith("o4: contested") for p in problems)
    assert any(p.startswith("o5: evidence") for p in problems)
    assert any(p.startswith("broken_links") for p in problems)
    assert validate_label(_label()) == []


def test_scoring_skips_contested_items_and_counts_soft_404s_as_broken_on_the_site_only():
    base = "http://127.0.0.1:8999/"
    report = {"crawl": {"duration_s": 3.5, "pages": 7},
              "items": [{"id": f"o{n}", "status": "fail"} for n in range(1, 29)],
              "links": {"broken": [{"url": base + "gone.pdf"}, {"url": base + "extra%20file.pdf"},
                                   {"url": "https://cdn.example.com/x.js"}],
                        "soft_404": [{"url": base + "ghost/"}]}}
    result = score(SITE, _label(), report, base)
    assert [i for i, *_ in result.items] == [f"o{n}" for n in range(1, 29) if n != 2]
    assert result.correct == 26  # o1 wrong; o2 contested, not scored
    assert result.broken_found == {"/gone.pdf", "/ghost/", "/extra file.pdf"}
    result.pages_bfs, result.pages_covered = 10, 8
    summary = summarise([result])
    site = summary["sites"][0]
    assert (site["n"], site["correct"]) == (27, 26)
    assert site["broken"]["recall"] == 1.0 and site["broken"]["precision"] == pytest.approx(2 / 3)
    assert site["pages"] == {"crawled": 7, "bfs": 10, "covered": 8, "coverage": 0.8}
    assert summary["confusion"] == {"fail->fail": 26, "pass->fail": 1}


def test_a_label_without_contested_items_scores_all_28():
    label = copy.deepcopy(_label())
    label["items"]["o2"]["contested"] = False
    report = {"crawl": {"duration_s": 1, "pages": 1}, "items": [], "links": {"broken": []}}
    assert len(score(SITE, label, report, "http://127.0.0.1:1/").items) == 28


def _tiny_site(root: Path) -> None:
    """Home -> a page, a folder, a PDF, an image and a dead link; unknown paths answer the homepage (200), whose
    links are root-relative so the ghosts do not multiply."""
    (root / "docs").mkdir()
    (root / "index.html").write_text(
        "<html><body><a href='/a.html#top'>A</a> <a href='/docs/'>Docs</a> <a href='/file.pdf'>PDF</a>"
        "<img src='/logo.png'> <a href='/gone.pdf'>dead</a> <a href='/ghost/'>ghost</a>"
        "<a href='mailto:x@example.com'>mail</a> <a href='http://127.0.0.2:9/x.html'>other host</a>"
        "<iframe src='/frame.html'></iframe></body></html>", encoding="utf-8")
    (root / "a.html").write_text("<a href='/'>home</a><a href='a.html'>self</a><a href='ghost2/'>g</a>",
                                 encoding="utf-8")
    (root / "frame.html").write_text("<p>frame</p>", encoding="utf-8")
    (root / "docs" / "index.html").write_text("<p>docs</p><a href='../file.pdf'>pdf</a>", encoding="utf-8")
    (root / "file.pdf").write_bytes(b"%PDF-1.4 <a href='hidden.html'>")
    (root / "logo.png").write_bytes(b"\x89PNG")
    (root / "_routes.json").write_text(json.dumps({"/gone.pdf": {"status": 404}}), encoding="utf-8")
    (root / "_site.json").write_text(json.dumps({"not_found": "home200"}), encoding="utf-8")


def test_bfs_follows_html_links_on_its_host_and_counts_identical_bodies_once(tmp_path):
    _tiny_site(tmp_path)
    with SiteServer(tmp_path) as server:
        result = crawl(server.url)
        keys = {site_key(u) for u in result.fetches}
        assert keys == {"/", "/a.html", "/docs/", "/file.pdf", "/gone.pdf", "/ghost/", "/ghost2/", "/frame.html"}
        assert "/hidden.html" not in keys and "/logo.png" not in keys  # PDFs are not parsed; images not followed
        assert server.methods("/x.html") == []
        pages = result.pages()
        assert len(pages) == 4  # home (with its two ghosts), a.html, docs/, frame.html
        assert {"/", "/ghost/", "/ghost2/"} in pages.values()
        assert coverage(result, {"/ghost2/", "/a.html"}) == (4, 2)
        assert server.url + "logo.png" in result.links

        capped = crawl(server.url, cap=2)
        assert len(capped.fetches) == 2 and capped.truncated


def test_truth_links_are_missing_paths_soft_404s_and_error_answers(tmp_path):
    _tiny_site(tmp_path)
    with SiteServer(tmp_path) as server:
        broken = broken_links(SITE, tmp_path, crawl(server.url))
    assert broken == {"/gone.pdf": 404, "/ghost/": 200, "/ghost2/": 200}
    routed = Site(**{**SITE.__dict__, "router": "router.php"})  # a router answers its own paths
    with SiteServer(tmp_path) as server:
        assert broken_links(routed, tmp_path, crawl(server.url)) == {"/gone.pdf": 404}


def test_the_request_log_gives_the_urls_the_audit_fetched_not_those_it_only_checked(tmp_path):
    server = PhpServer(SITE, tmp_path, tmp_path)
    router = server._router()
    assert "return false;" in router.read_text(encoding="utf-8")  # no router of its own: php -S serves it
    server.request_log.write_text(
        "GET /\nGET /robots.txt\nHEAD /only-checked.html\nGET /2.Organizational%20structure.php?x=1\n",
        encoding="utf-8")
    assert server.requested() == {"/", "/robots.txt", "/2.Organizational structure.php?x=1"}
    assert server.requested(since=server.log_size()) == set()
    routed = PhpServer(Site(**{**SITE.__dict__, "router": "it's/router.php"}), tmp_path, tmp_path)
    assert "return require '" + str(tmp_path) + "/it\\'s/router.php';" in routed._router().read_text(encoding="utf-8")


def test_a_missing_sites_folder_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.delenv("REAL_SITES", raising=False)
    with pytest.raises(SystemExit) as stop:
        sites_folder(tmp_path / "nowhere")
    assert "REAL_SITES" in str(stop.value) and "\n" not in str(stop.value)
    with pytest.raises(SystemExit):
        sites_folder(None)
    assert sites_folder(tmp_path) == tmp_path


def test_a_label_on_another_layout_must_list_that_layouts_items():
    label = _label()
    label["checklist"] = "moit-2568"
    assert any("moit1..moit22 of moit-2568" in p for p in validate_label(label))
    label["items"] = {f"moit{n}": label["items"]["o3"] for n in range(1, 23)}
    assert validate_label(label) == []
    label["checklist"] = "moit-2499"
    assert any(p.startswith("checklist:") for p in validate_label(label))
