"""Links on a ghost page (the homepage a server shows at an unknown folder) are the homepage's links resolved
against a wrong folder: the crawl does not follow them, and the checks do not wait for them."""

from __future__ import annotations

import dataclasses

from oitcheck.checks.results import ComponentState
from oitcheck.extract.html import page_words
from oitcheck.records import ProbeRecord
from oitcheck.shapes import probe_key
from tests.checks.records import HOME, at, broken, codes, home, link, run_check, site

HOST = "127.0.0.1:1"


def test_an_item_link_seen_only_on_a_ghost_page_is_not_unknown():
    front = home([link(at("medical/"), "WSM เครื่องมือแพทย์"),
                  link(at("files/o23.pdf"), "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568")])
    ghost = dataclasses.replace(front, url=at("medical/"), final_url=at("medical/"), depth=1,
                                links=(link(at("medical/files/o23.pdf"), "O23 การประเมินความเสี่ยงการทุจริต ประจำปี 2568"),))
    crawl = site(front, ghost, broken(at("files/o23.pdf")))
    probe = ProbeRecord(host=HOST, url=at("oitcheck-probe-1/"), status=200, final_url=at("oitcheck-probe-1/"),
                        title=front.title, words=tuple(page_words(front.main_text)), shape="/")
    crawl.probes[probe_key(HOST, "/")] = probe
    assert front.url == HOME
    result = run_check(crawl, "o23")
    assert result.state == ComponentState.FAIL and codes(result) == ["broken_link"]
    crawl.probes.clear()  # without the folder probe the ghost is a page like any other: its link is undecided
    assert run_check(crawl, "o23").state == ComponentState.UNKNOWN
