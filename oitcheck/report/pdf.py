"""report.pdf: report.html printed to A4 by Debian's headless Chromium (the browser ``oitcheck.browser`` finds,
started as the crawl starts it), with its print stylesheet (``templates/print.css.j2``: the footer with the agency,
the as-of date and "หน้า X / Y", repeated table headers, rows kept whole) and its embedded Sarabun font.

Chromium prints it itself (``--print-to-pdf``): no driver process, a second of CPU less than printing through
Playwright on every nightly audit (bench/incremental.py). A browser can crash or hang, so it runs under a small
child process of ours (``python -m oitcheck.report.pdf IN.html OUT.pdf``) in a process group that a time limit,
or the audit's own death (the lifeline, ``oitcheck.children``), kills whole. The report carries crawled text
(escaped, but hostile all the same): its Content-Security-Policy lets it run no script and load nothing but its
own data: fonts, and no host name resolves for the browser.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from oitcheck import settings as default_settings
from oitcheck.browser import BROWSER_ARGS, browser_missing, browser_path
from oitcheck.children import LIFELINE_OPTION, ChildProcesses, watch_lifeline

PDF_NAME = "report.pdf"
# A4 and the footer come from the print stylesheet; no header or footer of the browser's own, and no name lookup
# answers (the page's policy already forbids any load; this stops the browser's own traffic too).
PRINT_ARGS = ["--no-pdf-header-footer", "--host-resolver-rules=MAP * ~NOTFOUND"]


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


def print_in_browser(source: Path, out: Path, browser: str, seconds: float) -> None:
    """In the child: Chromium prints ``source`` to ``out``, within ``seconds``, with a profile of its own."""
    with tempfile.TemporaryDirectory(prefix="oitcheck-chromium-") as profile:
        try:
            done = subprocess.run([browser, *BROWSER_ARGS, f"--user-data-dir={profile}", *PRINT_ARGS,
                                   f"--print-to-pdf={out}", source.resolve().as_uri()],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            raise PdfNotPrinted(f"the browser did not finish within {seconds:g} seconds") from None
    if not out.is_file() or out.stat().st_size == 0:
        said = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and ":ERROR:dbus" not in line]  # Chromium's complaint about a missing bus is noise
        raise PdfNotPrinted(said[-1].strip()[:300] if said else f"the browser printed nothing ({done.returncode})")


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
        print_in_browser(args.source, args.out, args.browser or browser_path(), args.seconds)
    except Exception as exc:  # noqa: BLE001 - the parent shows one line, never a traceback
        print(f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
