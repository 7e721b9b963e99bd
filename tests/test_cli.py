"""Exit statuses and one-line errors of the command line (contract: 0 done, 1 below --fail-under,
2 bad input, 3 site not crawlable), and that a failed run writes nothing."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.conftest import SITES, audit, run_cli


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("url", ["ftp://example.go.th/", "http://", "http://exa mple.go.th/", "http://x:99999/"])
def test_bad_url_exits_2_with_one_line(url, tmp_path):
    result = run_cli("audit", url, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "error" in result.stderr
    assert not (tmp_path / "out" / "report.json").exists()


def test_private_address_is_refused_without_allow_private(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "private address" in result.stderr and "--allow-private" in result.stderr
    assert not any(tmp_path.iterdir())


def test_unreachable_site_exits_3(tmp_path):
    out = tmp_path / "out"
    result, report = audit(f"http://127.0.0.1:{_closed_port()}/", out)
    assert result.returncode == 3
    assert "connection refused" in result.stderr
    assert report is None and not (out / "report.html").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder_exits_2(tmp_path):  # pragma: no cover - CI runs as root
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(folder / "x"))
    assert result.returncode == 2 and "cannot write" in result.stderr


def test_output_folder_that_is_a_file_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(blocker / "sub"))
    assert result.returncode == 2 and "cannot write" in result.stderr


@pytest.mark.parametrize("args, words", [
    (["--as-of", "15/03/2025"], "not a date"),
    (["--max-pages", "0"], "at least 1"),
    (["--fail-under", "120"], "score"),
    (["--checklist", "ita-1999"], "unknown checklist"),
    (["--year", "2025"], "Buddhist-Era"),
])
def test_bad_options_exit_2(args, words, tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(tmp_path), *args)
    assert result.returncode == 2
    assert words in result.stderr


def test_broken_checklist_file_names_file_and_field(tmp_path):
    broken = tmp_path / "mine.yaml"
    broken.write_text("id: mine\ntitle: x\nindicators: {'9': a}\nsubs: {'9.1': b}\n"
                      "items:\n  - id: o1\n    sub: '9.9'\n", encoding="utf-8")
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(tmp_path / "o"),
                     "--checklist", str(broken))
    assert result.returncode == 2
    assert "mine.yaml" in result.stderr and "item o1" in result.stderr and "sub" in result.stderr


def test_fail_under_exits_1_but_writes_the_report(serve, tmp_path):
    server = serve(SITES / "per_item")
    result, report = audit(server.url, tmp_path, "--fail-under", "85")
    assert result.returncode == 1
    assert report is not None and report["scores"]["oit"] < 85
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.csv").exists()


def test_summary_on_stdout_names_the_files(serve, tmp_path):
    server = serve(SITES / "per_item")
    result, _ = audit(server.url, tmp_path)
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert "OIT" in lines[0]
    assert {Path(line).name for line in lines[1:]} == {"report.json", "report.html", "report.csv", "measures.docx",
                                                        "itas.xlsx", "itas.csv", "pages.csv"}


def test_interrupted_audit_writes_nothing(tmp_path):
    import json
    import signal
    import subprocess
    import sys

    from tests.support.server import SiteServer

    site = tmp_path / "slow"
    site.mkdir()
    (site / "index.html").write_text("".join(f'<a href="/p{i}.html">p{i}</a>' for i in range(20)), encoding="utf-8")
    routes = {f"/p{i}.html": {"body": "<title>x</title>", "delay": 1.5} for i in range(20)}
    (site / "_routes.json").write_text(json.dumps(routes), encoding="utf-8")
    out = tmp_path / "out"
    with SiteServer(site) as server:
        child = subprocess.Popen([sys.executable, "-m", "oitcheck", "audit", server.url, "--allow-private", "--out",
                                  str(out), "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert server.wait_for("/p")  # the crawl is under way: a page was asked for
        assert child.poll() is None
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130 and "interrupted" in stderr
    assert not (out / "report.json").exists()
