"""o4 (b): the EIT QR code found on the homepage however it is published, through the real spider.

tests/sites/eit_variants.py writes one homepage per way agencies publish the code (CSS background,
linked stylesheet, lazy-loaded picture, inline SVG, SVG file, hidden pop-up, iframe, frameset), plus a
code pointing to the wrong survey and a banner without a code; each is audited through the CLI on
127.0.0.1, and ``homepage.eit`` and o4's findings are checked against what the page publishes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import audit, codes, items
from tests.sites.eit_variants import EIT_URL, VARIANTS, WRONG_SURVEY, build

FOUND = [name for name, data in VARIANTS.items() if data == EIT_URL]


@pytest.fixture(scope="module")
def reports(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every variant's report.json: one generated folder, one server, the audits run side by side."""
    site = tmp_path_factory.mktemp("eit-variants")
    build(site)
    server = serve(site)

    def run(variant: str) -> tuple[str, Any]:
        return variant, audit(server.url + variant + "/", tmp_path_factory.mktemp(f"eit-report-{variant}"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(pool.map(run, VARIANTS))
    out = {}
    for variant, (result, report) in results.items():
        assert result.returncode == 0 and report is not None, (variant, result.stderr[-2000:])
        out[variant] = report
    return out


@pytest.mark.parametrize("variant", FOUND)
def test_eit_qr_is_found_on_the_homepage(reports: dict[str, dict[str, Any]], variant: str):
    eit = reports[variant]["homepage"]["eit"]
    assert eit["found"] is True, eit
    assert eit["via"] == "qr" and eit["url"] == EIT_URL, eit
    assert "qr_missing" not in codes(items(reports[variant])["o4"])


def test_where_each_code_was_read(reports: dict[str, dict[str, Any]]):
    image = {variant: reports[variant]["homepage"]["eit"].get("image", "") for variant in FOUND}
    assert image["inline_svg"] == "inline-svg"
    assert image["css_stylesheet"].endswith("/css_stylesheet/img/popup/eit.png")  # resolved against the CSS file
    assert reports["css_stylesheet"]["crawl"]["errors"] <= 100  # at most 100 stylesheet pictures fetched
    assert image["lazy"].endswith("/lazy/img/eit-lazy.png")
    assert image["svg_file"].endswith(".svg")
    assert image["iframe"].endswith("/iframe/img/eit.png")
    assert image["frameset"].endswith("/frameset/images/eit.png")


def test_code_for_another_survey_is_the_wrong_target(reports: dict[str, dict[str, Any]]):
    report = reports["wrong_target"]
    assert report["homepage"]["eit"]["found"] is False
    o4 = items(report)["o4"]
    assert "qr_wrong_target" in codes(o4, "fail"), o4["findings"]
    wrong = next(f for f in o4["findings"] if f["code"] == "qr_wrong_target")
    assert wrong["target"] == WRONG_SURVEY and wrong["url"].endswith("/wrong_target/img/ita-banner.png")


def test_banner_without_a_code_is_missing(reports: dict[str, dict[str, Any]]):
    report = reports["none"]
    assert report["homepage"]["eit"] == {"found": False, "url": None, "via": None}
    assert "qr_missing" in codes(items(report)["o4"], "fail")
