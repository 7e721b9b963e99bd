"""Results never lie: an interrupted crawl writes no report (130) and leaves the previous one untouched; an
unexpected failure is one line and exit 5 with its traceback saved; an output folder that fails at the end
costs no crawl (the reports go to a fallback folder, exit 5)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError

from oitcheck.audit import ended_by_itself
from oitcheck.checks.checklist import load
from oitcheck.cli import with_exit_status
from oitcheck.errors import BadInput, Interrupted, ReportsNotSaved
from oitcheck.report.writers import check_writable, remove_created, save_reports, unsaved_folder
from oitcheck.settings import CONCURRENT_REQUESTS_PER_DOMAIN
from tests.conftest import AS_OF, SITES
from tests.support.gate import GatedServer

OLD = {"report.json": '{"old": true}\n', "report.html": "<p>old</p>\n", "report.csv": "old\n"}


def _old_reports(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in OLD.items():
        (folder / name).write_text(text, encoding="utf-8")


def _contents(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}


@pytest.mark.parametrize("reason, complete", [
    ("finished", True), ("closespider_pagecount", True), ("closespider_timeout", True), ("budget_time", True),
    ("shutdown", False), ("", False), (None, False), ("cancelled", False), ("finished_early", False),
])
def test_only_a_crawl_that_ended_by_itself_or_by_a_budget_is_complete(reason, complete):
    assert ended_by_itself(reason) is complete


def _hanging_site(folder: Path, pages: int = 10) -> Path:
    """A homepage linking pages that never answer (behind a GatedServer's gate on /slow/)."""
    folder.mkdir()
    (folder / "index.html").write_text("".join(f'<a href="/slow/p{i}.html">p{i}</a>' for i in range(pages)),
                                       encoding="utf-8")
    return folder


@contextlib.contextmanager
def _audit_process(url: str, out: Path, *options: str) -> Iterator[subprocess.Popen[str]]:
    """``oitcheck audit`` in a process of its own, killed on the way out should a failed test leave it running."""
    child = subprocess.Popen([sys.executable, "-m", "oitcheck", "audit", url, "--allow-private", "--out", str(out),
                              "--no-ocr", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def test_ctrl_c_stops_the_crawl_at_once(tmp_path):
    """Scrapy's graceful stop waited for the hanging downloads (the download timeout, then their retries) and
    still sent the requests it had queued. Now no request leaves after the signal: the crawl is stopped while
    every download slot holds a page that never answers, so nothing can be on its way at that moment, and the
    server must see no request after it. The process must end without the gate ever opening (the 60 s bound
    only catches a hang); its fresh output folder is gone."""
    out = tmp_path / "fresh" / "out"
    with GatedServer(_hanging_site(tmp_path / "site"), gated=("/slow/",)) as server, \
            _audit_process(server.url, out, "--progress") as child:
        # every slot of the site's host busy with a hanging page: the crawl can send nothing more by itself
        assert server.wait_for("/slow/", count=CONCURRENT_REQUESTS_PER_DOMAIN), "the crawl never filled its slots"
        asked = server.requests
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
        assert server.requests == asked, server.hits
    assert child.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "oitcheck: interrupted (Ctrl-C); nothing written"
    assert "crawled:" not in stderr  # the progress display stopped; it did not close as after a crawl
    assert not (tmp_path / "fresh").exists()  # created by the audit, left empty: removed


def test_a_second_ctrl_c_exits_130_and_keeps_the_previous_report(tmp_path):
    """A second Ctrl-C while the first stops the crawl forces the stop (Scrapy's): the crawl has no finish
    reason at all, which once passed for a finished crawl (exit 0, the good report overwritten by a partial
    one)."""
    out = tmp_path / "out"
    _old_reports(out)
    with GatedServer(_hanging_site(tmp_path / "site", pages=5), gated=("/slow/",)) as server, \
            _audit_process(server.url, out, "--no-progress", "--verbose") as child:
        assert server.wait_for("/slow/")  # the crawl is under way and its slow pages never answer
        child.send_signal(signal.SIGINT)
        assert child.stderr is not None
        stopping = next((line for line in child.stderr if "stopping the crawl at once" in line), None)
        assert stopping, "the first Ctrl-C did not stop the crawl"
        child.send_signal(signal.SIGINT)  # a no-op when the process already ended
        _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("oitcheck: interrupted") and "nothing written" in last, last
    assert _contents(out) == OLD  # untouched, and no temporary file left beside it


@pytest.mark.parametrize("existed", [False, True])
def test_exit_3_leaves_no_empty_folder_of_its_own(tmp_path, existed):
    """A dead port: exit 3. The output folder the audit created (and its parents) goes again; one that existed
    before, empty or not, stays."""
    out = tmp_path / "new" / "out"
    if existed:
        out.mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "oitcheck", "audit", "http://127.0.0.1:9/", "--allow-private",
                             "--out", str(out), "--no-progress", "--no-ocr"],
                            capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert result.returncode == 3, result.stderr
    assert "connection refused" in result.stderr
    if existed:
        assert out.is_dir() and list(out.iterdir()) == []
    else:
        assert not (tmp_path / "new").exists() and tmp_path.is_dir()


def test_an_unexpected_exception_is_one_line_exit_5_and_a_saved_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken() -> int:
        raise ZeroDivisionError("division by zero\nsecond line")

    assert with_exit_status(broken) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("oitcheck: internal error: ZeroDivisionError: division by zero")
    saved = next(tmp_path.glob("oitcheck-traceback-*.txt"))
    assert str(saved) in err and "ZeroDivisionError" in saved.read_text(encoding="utf-8")


def test_own_errors_and_interruptions_keep_their_statuses(capsys):
    def raising(exc: BaseException):  # noqa: ANN202
        def run() -> int:
            raise exc
        return run

    assert with_exit_status(raising(BadInput("no such file"))) == 2
    assert with_exit_status(raising(ReportsNotSaved("cannot write"))) == 5
    assert with_exit_status(raising(KeyboardInterrupt())) == 130
    assert with_exit_status(raising(Interrupted("shutdown"))) == 130
    assert "Traceback" not in capsys.readouterr().err


HOOK = """
import shutil, sys
from pathlib import Path
import oitcheck.audit as audit
from oitcheck.cli import main

crawl, out, mode = audit.run_crawl, Path(sys.argv[1]), sys.argv[2]

def crawl_then_break(url, options):
    if mode == "crash":
        raise RuntimeError("a bug in the crawl")
    result = crawl(url, options)
    shutil.rmtree(out)  # the folder went away after prepare() checked it: a file is there now
    out.write_text("not a folder any more", encoding="utf-8")
    return result

audit.run_crawl = crawl_then_break
raise SystemExit(main(sys.argv[3:]))
"""


def _hooked_audit(url: str, out: Path, mode: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``oitcheck audit`` in a real process whose crawl step is wrapped: the fault happens at one known point."""
    tmp.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-c", HOOK, str(out), mode, "audit", url, "--allow-private", "--as-of",
                           AS_OF, "--out", str(out), "--no-progress", "--no-ocr"],
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
                          env={**os.environ, "TMPDIR": str(tmp)})


def test_a_crash_in_a_real_audit_exits_5_not_1(tmp_path):
    result = _hooked_audit("http://127.0.0.1:9/", tmp_path / "out", "crash", tmp_path / "tmp")
    assert result.returncode == 5
    assert result.stderr.count("\n") == 1 and "internal error: RuntimeError: a bug in the crawl" in result.stderr
    assert list((tmp_path / "tmp").glob("oitcheck-traceback-*.txt"))


def test_an_output_folder_gone_at_the_end_loses_no_crawl(serve, tmp_path):
    server = serve(SITES / "per_item")
    out = tmp_path / "out"
    result = _hooked_audit(server.url, out, "break", tmp_path / "tmp")
    assert result.returncode == 5, result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("oitcheck: error: cannot write the reports to")
    assert str(out) in line and "FileExistsError" in line
    fallback = next((tmp_path / "tmp").glob("oitcheck-unsaved-127.0.0.1-*"))
    assert f"saved in {fallback}" in line
    report = json.loads((fallback / "report.json").read_text(encoding="utf-8"))
    assert report["agency"]["url"] == server.url and len(report["items"]) == 28
    assert (fallback / "report.html").exists() and (fallback / "report.csv").exists()
    assert out.read_text(encoding="utf-8") == "not a folder any more"


def test_save_reports_falls_back_when_the_folder_cannot_be_made(audited, tmp_path, monkeypatch):
    """Root writes into read-only folders, so the failing folder here is one whose parent is a file."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    labels = load("ita-2568").messages
    with pytest.raises(ReportsNotSaved) as caught:
        save_reports(audited("index_table")[1], blocker / "out", labels, "agency.example:8080")
    fallback = next((tmp_path / "tmp").glob("oitcheck-unsaved-agency.example-8080-*"))
    assert str(blocker / "out") in str(caught.value) and str(fallback) in str(caught.value)
    assert "NotADirectoryError" in str(caught.value)
    assert sorted(p.name for p in fallback.iterdir()) == ["itas.csv", "itas.xlsx", "measures.docx", "pages.csv",
                                                          "report.csv", "report.html", "report.json"]


def test_save_reports_says_so_when_the_fallback_fails_too(audited, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(blocker / "tmp"))  # no temporary folder either
    with pytest.raises(ReportsNotSaved, match="nor to a temporary folder.*no report was kept"):
        save_reports(audited("index_table")[1], blocker / "out", load("ita-2568").messages, "x")


def test_a_failed_write_leaves_the_previous_reports_untouched(tmp_path):
    """Every format is rendered and staged before any is moved into place."""
    out = tmp_path / "out"
    _old_reports(out)
    with pytest.raises(UndefinedError):  # a report the HTML template cannot render
        save_reports({"items": []}, out, load("ita-2568").messages, "x")
    assert _contents(out) == OLD


def test_the_fallback_folder_is_named_for_the_site_and_the_time(tmp_path, monkeypatch):
    from datetime import datetime

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = unsaved_folder("www.example.go.th", datetime(2025, 3, 15, 1, 2, 3))
    assert folder.parent == tmp_path and folder.name.startswith("oitcheck-unsaved-www.example.go.th-20250315-010203-")
    assert unsaved_folder("../../etc").name.startswith("oitcheck-unsaved-etc-")


def test_only_the_folders_check_writable_made_are_removed_and_only_when_empty(tmp_path):
    made = check_writable(tmp_path / "a" / "b" / "c")
    assert made == (tmp_path / "a" / "b" / "c", tmp_path / "a" / "b", tmp_path / "a")
    (tmp_path / "a" / "keep.txt").write_text("x", encoding="utf-8")
    remove_created(made)
    assert not (tmp_path / "a" / "b").exists() and (tmp_path / "a" / "keep.txt").exists()
    assert check_writable(tmp_path / "a") == ()
