"""report.pdf: report.html printed to A4 by a real headless Chromium, Thai set in the bundled Sarabun, and the
print stylesheet as the browser applies it. Three browser launches in all: the PDF, one page for the layout, and a
report with a hostile script and beacon printed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps

from oitcheck import settings as defaults
from oitcheck.browser import BROWSER_ARGS
from oitcheck.checks.checklist import load
from oitcheck.report.writers import css_string, write_reports

CHROMIUM = Path(defaults.OITCHECK_BROWSER)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason=f"no Chromium at {CHROMIUM} (CI installs Debian's chromium)")
# The PDF's text is read with poppler (what Evince, Okular and pdftotext use): pdfium's text extraction misorders
# some Thai clusters of any Chromium-made PDF (its rendering is right), so it would test pdfium, not our PDF.
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                   reason="no pdftotext (CI installs Debian's poppler-utils)")


def _poppler(tool: str, path: Path) -> str:
    return subprocess.run([tool, str(path), *(["-"] if tool == "pdftotext" else [])], check=True,
                          capture_output=True, text=True).stdout
OTHERS = {"report.json", "report.html", "report.csv", "measures.docx", "itas.xlsx", "itas.csv", "pages.csv"}


@pytest.fixture(scope="module")
def printed(audited, tmp_path_factory):
    """The demo site's report written with report.pdf: (report, folder, the PDF's text, the PDF)."""
    _, report, _ = audited("demo")
    out = tmp_path_factory.mktemp("pdf")
    write_reports(report, out, load(report["checklist"]).messages, pdf=True)
    document = pdfium.PdfDocument(out / "report.pdf")
    text = _poppler("pdftotext", out / "report.pdf") if shutil.which("pdftotext") else ""
    return report, out, text, document


@needs_chromium
def test_report_pdf_is_a4_in_sarabun_beside_the_other_reports(printed):
    report, out, text, document = printed
    assert {p.name for p in out.iterdir()} >= OTHERS | {"report.pdf"}
    assert len(document) >= 2
    for n in range(len(document)):
        width, height = document[n].get_size()
        assert abs(width - 595) <= 1 and abs(height - 842) <= 1


@needs_chromium
@needs_poppler
def test_pdf_embeds_only_sarabun_and_every_glyph_has_its_character(printed):
    _, out, text, _ = printed
    fonts = [line.split()[0] for line in _poppler("pdffonts", out / "report.pdf").splitlines()[2:]]
    assert fonts and all("Sarabun" in name for name in fonts), fonts  # no fallback font
    assert "\ufffd" not in text and "\x00" not in text


@needs_chromium
@needs_poppler
def test_pdf_text_reads_back_the_thai_of_the_html(printed):
    report, out, text, document = printed
    html = (out / "report.html").read_text(encoding="utf-8")
    for words in (report["agency"]["name"], "ผู้รับผิดชอบ", "ที่", "ผู้บริหาร", "การเปิดเผยข้อมูล", "ตัวชี้วัดย่อย",
                  "สิ่งที่ต้องแก้ไข", "เพิ่มขึ้น"):
        assert words in html and words in text, words
    # the footer: agency, as-of date and page number; never the file's path
    assert f"{report['agency']['name']} · ข้อมูล ณ วันที่ 15 มี.ค. 2568" in text
    assert f"หน้า 1 / {len(document)}" in text and f"หน้า {len(document)} / {len(document)}" in text
    assert str(out) not in text and "file:" not in text


def _ink(image: Image.Image) -> tuple[int, int, int, int]:
    return ImageOps.invert(image.convert("L")).getbbox()


@needs_chromium
def test_tone_marks_stack_above_upper_vowels_in_the_pdf_as_in_the_browser(printed):
    from playwright.sync_api import sync_playwright

    # the browser, print media, same font: the tone mark adds ink above the vowel, none beside it
    html = (printed[1] / "report.html").read_text(encoding="utf-8")
    head = html[:html.index("</style>")] + "</style></head><body>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("data:")
                       else route.abort())
            page.emulate_media(media="print")
            word = "<div id={} style='font-size:60px;padding:40px;display:inline-block;{}'>{}</div>"
            page.set_content(head + word.format("a", "", "ที") + "<div style='break-before:page'></div>"
                             + word.format("b", "", "ที่") + "</body></html>")
            page.evaluate("document.fonts.ready")
            without = _ink(Image.open(io.BytesIO(page.locator("#a").screenshot())))
            with_tone = _ink(Image.open(io.BytesIO(page.locator("#b").screenshot())))
            assert with_tone[1] < without[1]  # higher ink: the tone mark is above
            assert abs(with_tone[2] - without[2]) <= 2  # and adds no width: not beside the vowel
            # the same two words printed to PDF (one a page) and drawn from the PDF: the same stacking
            pdf = pdfium.PdfDocument(page.pdf(format="A4"))
            scale = 96 / 72  # PDF points to the screenshot's CSS pixels
            drawn = [_ink(pdf[n].render(scale=scale).to_pil()) for n in range(2)]
            assert drawn[1][1] < drawn[0][1]  # the mark stands higher
            assert abs((drawn[1][2] - drawn[1][0]) - (drawn[0][2] - drawn[0][0])) <= 2  # and adds no width
            assert abs((drawn[1][3] - drawn[1][1]) - (with_tone[3] - with_tone[1])) <= 3  # as tall as on screen
            _check_print_layout(page, html)
            assert errors == []
        finally:
            browser.close()


def _check_print_layout(page, html: str) -> None:
    """The print stylesheet as Chromium applies it to the report (print media)."""
    page.set_viewport_size({"width": 703, "height": 1000})  # A4's width less the page margins, in CSS pixels
    page.set_content(html)
    page.evaluate("document.fonts.ready")
    layout = page.evaluate("""() => {
        const tables = [...document.querySelectorAll('table')];
        const rows = [...document.querySelectorAll('table.items tr.item')];
        const bare = [...document.querySelectorAll('tr.no-findings')].map(tr => {
            const list = tr.querySelector('td.ev ul'), cell = tr.querySelector('td.fd');
            return {spans: list ? list.getBoundingClientRect().right > cell.getBoundingClientRect().left : true,
                    height: tr.getBoundingClientRect().height,
                    line: parseFloat(getComputedStyle(tr).lineHeight)};
        });
        const targets = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'));
        return {
            tables: tables.length,
            headers: tables.filter(t => t.tHead && getComputedStyle(t.tHead).display === 'table-header-group').length,
            rows: rows.length,
            kept: rows.filter(tr => getComputedStyle(tr).breakInside === 'avoid').length,
            headings: [...document.querySelectorAll('h2')]
                .filter(h => getComputedStyle(h).breakAfter === 'avoid').length,
            h2: document.querySelectorAll('h2').length,
            bare,
            missing: targets.filter(href => href.length < 2 || !document.getElementById(href.slice(1))),
            links: [...document.querySelectorAll('a')]
                .filter(a => getComputedStyle(a).color !== getComputedStyle(a.parentElement).color).length,
        };
    }""")
    assert layout["tables"] >= 3 and layout["headers"] == layout["tables"]
    assert layout["rows"] == 28 and layout["kept"] == layout["rows"]
    assert layout["headings"] == layout["h2"]
    assert layout["bare"] and all(row["spans"] for row in layout["bare"])  # evidence runs over the empty column
    lines = sorted(row["height"] / row["line"] for row in layout["bare"])
    assert lines[len(lines) // 2] <= 3, lines  # a passing item: two lines (more only for its parts listed)
    assert layout["missing"] == [] and layout["links"] == 0


def test_a_missing_browser_leaves_every_other_report_and_says_so_in_one_line(audited, tmp_path, monkeypatch,
                                                                             capsys):
    _, report, _ = audited("demo")
    (tmp_path / "report.pdf").write_bytes(b"%PDF- an earlier audit's")
    monkeypatch.setenv("OITCHECK_BROWSER", str(tmp_path / "no-chromium"))
    paths = write_reports(report, tmp_path, load(report["checklist"]).messages, pdf=True)
    assert set(paths) == OTHERS and all(path.exists() for path in paths.values())
    assert not (tmp_path / "report.pdf").exists()  # no stale printout beside the new reports
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"warning: report.pdf not written: no browser at {tmp_path / 'no-chromium'} "
                   "(install Debian's chromium, or use --no-pdf)"]


def test_the_footer_name_cannot_leave_its_css_string():
    quoted = str(css_string('x"; } </style><script>alert(1)</script> ก'))
    assert quoted.startswith('"') and quoted.endswith('"')
    assert '"' not in quoted[1:-1] and "<" not in quoted and "}" not in quoted
    name = 'x"; } </style><script>alert(1)</script> ก'
    assert quoted.count("\\") == sum(1 for c in name if not (c.isascii() and c.isalnum()))


@needs_chromium
@needs_poppler
def test_the_printed_report_runs_no_script_and_loads_nothing(printed, tmp_path):
    """Crawled text in the report is escaped; should an escape ever fail, report.html's own policy still keeps a
    script from running and a picture from loading, in the browser that prints it as in a visitor's."""
    from oitcheck.report.pdf import print_pdf
    from tests.support.server import SiteServer

    _, out, _, _ = printed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    (tmp_path / "site").mkdir()
    with SiteServer(tmp_path / "site") as server:
        hostile = (f"<img src='{server.url}beacon.png'><link rel=stylesheet href='{server.url}beacon.css'>"
                   "<p id=p>ไม่มีสคริปต์</p><script>document.getElementById('p').textContent = 'SCRIPT RAN'</script>")
        (tmp_path / "r.pdf").write_bytes(print_pdf(html.replace("</body>", hostile + "</body>")))
        assert server.requests == 0
    text = _poppler("pdftotext", tmp_path / "r.pdf")
    assert "ไม่มีสคริปต์" in text and "SCRIPT RAN" not in text
