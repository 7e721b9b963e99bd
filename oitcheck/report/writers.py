"""Write report.json, report.html, report.csv and the exports staff edit and submit (measures.docx, itas.xlsx,
itas.csv, pages.csv), and audit-many's summary files, atomically: a crash never leaves half a report, and an output
folder that fails at the end never loses the audit (the reports go to a fallback folder, exit 5)."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from oitcheck.checks.messages import Messages
from oitcheck.errors import ReportsNotSaved
from oitcheck.extract.dates import format_thai_date
from oitcheck.report.charts import summary_charts
from oitcheck.report.fonts import font_faces
from oitcheck.report.itas import render_itas_csv, render_itas_xlsx
from oitcheck.report.measures_docx import render_measures_docx
from oitcheck.report.pdf import PDF_NAME, PdfNotPrinted, print_pdf
from oitcheck.report.summary_xlsx import render_summary_csv, render_summary_xlsx
from oitcheck.report.tables import guard_cell as _cell  # noqa: F401  (kept importable from here)
from oitcheck.report.tables import render_csv, render_pages_csv
from oitcheck.report.vocabulary import CELL_STYLES, province_words, status_words

# Links listed in the HTML report's "what changed" block before "and N more" (report.json lists them all).
LINKS_SHOWN = 10


def safe_href(url: Any) -> str:
    """Only http(s) URLs become links in the HTML report; anything else is rendered inert."""
    text = str(url or "")
    return text if urlsplit(text).scheme in ("http", "https") else "#"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("oitcheck.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = safe_href
    env.filters["thai_date"] = _thai_date
    env.filters["css_string"] = css_string
    env.globals["font_faces"] = Markup(font_faces())
    return env


def css_string(value: Any) -> Markup:
    """``value`` as a quoted CSS string for a <style> block (the print footer's agency name): every character but
    a letter or digit becomes a hex escape, so crawled text can neither end the string nor the style element."""
    text = str(value or "")
    return Markup('"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"')


def _thai_date(value: Any) -> str:
    """ISO date (or date-time) -> ``15 มี.ค. 2568``; anything else unchanged."""
    try:
        return format_thai_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value or "")


def render_html(report: dict[str, Any], labels: Messages) -> str:
    """The staff report, worded by the checklist the audit used (``labels``)."""
    return environment().get_template("report.html.j2").render(
        r=report, status_th=labels.section("status"), soft_th=labels.section("soft_404_reasons"),
        budget_th=labels.section("budgets"), code_th=labels.section("codes"), links_shown=LINKS_SHOWN)


def render_summary(summary: dict[str, Any]) -> dict[str, str | bytes]:
    """audit-many's summary files: summary.json, summary.html (charts as inline SVG), summary.xlsx, summary.csv."""
    reasons = {n["folder"]: n["reason"] for n in summary["not_audited"]}
    html = environment().get_template("summary.html.j2").render(
        s=summary, charts=summary_charts(summary, _thai_date), cell_styles=CELL_STYLES, status_th=status_words(),
        bands_th=province_words().bands, reasons=reasons)
    return {"summary.json": json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "summary.html": html,
            "summary.xlsx": render_summary_xlsx(summary), "summary.csv": render_summary_csv(summary)}


def check_writable(folder: Path) -> tuple[Path, ...]:
    """Raise OSError early when ``folder`` cannot be created or written (before a long crawl). Returns the
    folders it had to create, innermost first: an audit that ends without a report removes them again
    (``remove_created``), so a failed run leaves no empty folder behind."""
    missing = tuple(path for path in (folder, *folder.parents) if not path.exists())
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".oitcheck-probe-"):
        pass
    return missing


def remove_created(created: tuple[Path, ...]) -> None:
    """Remove the folders ``check_writable`` created (innermost first) that are still empty; a folder that holds
    anything, and every folder that existed before, is left alone (``rmdir`` never removes contents)."""
    for path in created:
        try:
            path.rmdir()
        except OSError:  # not empty (or gone, or now a file): it and its parents stay
            return


def render_reports(report: dict[str, Any], labels: Messages, pdf: bool = False) -> dict[str, str | bytes]:
    """Every report file's name and content; report.pdf too when ``pdf`` and the browser printed it (else one
    warning line on stderr says why, and the other reports stand)."""
    contents: dict[str, str | bytes] = {
        "report.json": json.dumps(report, ensure_ascii=False, indent=2) + "\n",
        "report.html": render_html(report, labels),
        "report.csv": render_csv(report, labels),
        "measures.docx": render_measures_docx(report),
        "itas.xlsx": render_itas_xlsx(report, labels),
        "itas.csv": render_itas_csv(report, labels),
        "pages.csv": render_pages_csv(report),
    }
    if pdf:
        try:
            contents[PDF_NAME] = print_pdf(str(contents["report.html"]))
        except PdfNotPrinted as exc:
            print(f"warning: {PDF_NAME} not written: {exc}", file=sys.stderr)
    return contents


def write_reports(report: dict[str, Any], folder: Path, labels: Messages, pdf: bool = False,
                  contents: dict[str, str | bytes] | None = None) -> dict[str, Path]:
    """Render every file (or take ``contents``, ``render_reports``') and stage each beside its final name, then
    move them into place together; returns their paths. A failure while rendering or staging (disk full,
    read-only) leaves the old reports untouched. A report.pdf of an earlier audit goes when this one has none,
    so no stale printout is left beside the new reports."""
    if contents is None:
        contents = render_reports(report, labels, pdf)
    folder.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, str] = {}
    try:
        for name, text in contents.items():
            staged[folder / name] = _stage(folder / name, text)
        for path, tmp in staged.items():
            os.replace(tmp, path)
    finally:
        for tmp in staged.values():
            Path(tmp).unlink(missing_ok=True)
    if PDF_NAME not in contents:
        (folder / PDF_NAME).unlink(missing_ok=True)
    return {name: folder / name for name in contents}


def save_reports(report: dict[str, Any], folder: Path, labels: Messages, label: str,
                 pdf: bool = False) -> dict[str, Path]:
    """``write_reports`` into ``folder``; when that fails (read-only, disk full, removed), into a fresh
    ``unsaved_folder(label)`` instead, then raise ReportsNotSaved (exit 5) naming the folder, the error and
    where the reports are, so a whole crawl is never lost to a folder that broke at the end. ``pdf``: report.pdf
    too (printed once, whichever folder gets it)."""
    contents = None
    try:
        contents = render_reports(report, labels, pdf)
        return write_reports(report, folder, labels, contents=contents)
    except OSError as exc:
        reason = f"{type(exc).__name__}: {exc.strerror or exc}"
        try:
            fallback = unsaved_folder(label)
            write_reports(report, fallback, labels, contents=contents)
        except OSError as again:
            raise ReportsNotSaved(f"cannot write the reports to {folder} ({reason}), nor to a temporary folder "
                                  f"({type(again).__name__}: {again.strerror or again}); no report was kept") from exc
        raise ReportsNotSaved(f"cannot write the reports to {folder} ({reason}); "
                              f"the reports were saved in {fallback}") from exc


def unsaved_folder(label: str, now: datetime | None = None) -> Path:
    """A new private folder in the temporary directory ($TMPDIR) for reports their own folder refused:
    ``oitcheck-unsaved-<label>-<YYYYmmdd-HHMMSS>-<random>`` (``label``: the site's host)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.")[:60] or "site"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix=f"oitcheck-unsaved-{safe}-{stamp}-"))


def atomic_write(path: Path, text: str | bytes) -> Path:
    """Write through a temporary file and a rename, so readers see the old file or the new one, never half."""
    tmp = _stage(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _stage(path: Path, text: str | bytes) -> str:
    """``text`` (UTF-8, or bytes as they are) in a new temporary file beside ``path`` (removed again on any
    failure); returns its name.

    mkstemp makes the file 0600 whatever the umask; reports are shared (a web server, colleagues), so the
    file gets the mode any new file would: 0666 less the umask."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux: /proc/self/status).

    Elsewhere os.umask must set it to read it; it is set to 0o077 for that instant, so a file another thread
    creates meanwhile comes out more private, never more open."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o077)
    os.umask(current)
    return current
