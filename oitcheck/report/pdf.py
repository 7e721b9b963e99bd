"""report.pdf: report.html printed to A4 by Debian's headless Chromium (the browser ``oitcheck.browser`` finds,
started as the crawl starts it), with its print stylesheet (``templates/print.css.j2``: the footer with the agency,
the as-of date and "หน้า X / Y", repeated table headers, rows kept whole) and its embedded Sarabun font.

The audit runs Scrapy on an asyncio reactor, where Playwright's sync API refuses to run, and a browser can crash
or hang: so the printing runs in a child process of its own (``python -m oitcheck.report.pdf IN.html OUT.pdf``)
in a process group that a time limit kills whole. The report carries crawled text (escaped, but
hostile all the same), so the page runs no JavaScript and every request but a data: URI (the fonts) is aborted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from oitcheck import settings as default_settings
from oitcheck.browser import BROWSER_ARGS, browser_missing, browser_path
from oitcheck.children import LIFELINE_OPTION, ChildProcesses, watch_lifeline

PDF_NAME = "report.pdf"


class PdfNotPrinted(Exception):
    """Why report.pdf could not be made, in one line."""


def print_pdf(html: str, seconds: float = default_settings.OITCHECK_PDF_SECONDS) -> bytes:
    """``html`` printed to PDF in a child process, within ``seconds``; PdfNotPrinted says why not."""
    browser = browser_path()
    if (missing := browser_missing(browser)) is not None:
        raise PdfNotPrinted(f"{missing} (install Debian's chromium, or use --no-pdf)")
    try:
        with tempfile.TemporaryDirectory(prefix="oitcheck-pdf-") as folder:
            source, out = Path(folder) / "report.html", Path(folder) / PDF_NAME
            source.write_text(html, encoding="utf-8")
            done = ChildProcesses().run([sys.executable, "-m", "oitcheck.report.pdf", str(source), str(out),
                                         "--browser", browser, "--seconds", str(seconds)], "", seconds)
            if done.timed_out:
                raise PdfNotPrinted(f"the browser did not finish within {seconds:g} seconds")
            if done.returncode != 0 or not out.is_file():
                said = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), "")
                raise PdfNotPrinted(said.strip()[:300] or f"the printing process ended with status {done.returncode}")
            return out.read_bytes()
    except OSError as exc:
        raise PdfNotPrinted(f"{type(exc).__name__}: {exc.strerror or exc}") from None


def print_in_browser(html: str, out: Path, browser: str, seconds: float) -> None:
    """In the child: load ``html`` into a page with JavaScript off and the network shut, print it to ``out``."""
    from playwright.sync_api import Route, sync_playwright

    def only_data(route: Route) -> None:
        if route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    limit_ms = seconds * 1000
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, headless=True, args=BROWSER_ARGS,
                                              timeout=limit_ms)
        try:
            context = chromium.new_context(java_script_enabled=False, service_workers="block", offline=True)
            context.route("**/*", only_data)
            page = context.new_page()
            page.set_default_timeout(limit_ms)
            page.set_content(html, wait_until="load")
            printed = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            chromium.close()
    out.write_bytes(printed)


def main(argv: list[str] | None = None) -> int:
    """``python -m oitcheck.report.pdf IN.html OUT.pdf [--browser PATH] [--seconds N]``; a failure is one line on
    stderr and exit 1."""
    parser = argparse.ArgumentParser(prog="python -m oitcheck.report.pdf")
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--browser", default=None)
    parser.add_argument("--seconds", type=float, default=default_settings.OITCHECK_PDF_SECONDS)
    parser.add_argument(LIFELINE_OPTION, type=int, default=None)
    args = parser.parse_args(argv)
    if args.lifeline is not None:
        watch_lifeline(args.lifeline)
    try:
        html = args.source.read_text(encoding="utf-8")
        print_in_browser(html, args.out, args.browser or browser_path(), args.seconds)
    except Exception as exc:  # noqa: BLE001 - the parent shows one line, never a traceback
        print(f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
