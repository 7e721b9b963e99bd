"""Console messages staff act on: a Buddhist-Era --as-of, far-off --year and future dates, https:// on a plain
HTTP port, inspect's 404 note and human errors, help text for every argument, and no English inside Thai
sentences of summary.html."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta

import pytest

from oitcheck.audit import human_detail
from oitcheck.cli import build_parser
from oitcheck.fiscal import date_warnings
from oitcheck.report.summary import RunContext, summarise
from oitcheck.report.writers import render_summary
from tests.conftest import SITES, run_cli


def test_a_buddhist_era_as_of_exits_2_with_the_ce_date(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(tmp_path), "--as-of",
                     "2568-03-15")
    assert result.returncode == 2
    assert "Buddhist-Era" in result.stderr and "2025-03-15" in result.stderr
    assert "3111" not in result.stderr and not any(tmp_path.iterdir())


def test_far_off_year_and_future_as_of_warn():
    assert date_warnings(date(2025, 3, 15), 2568) == []
    assert date_warnings(date(2025, 3, 15), 2569) == []  # next year's preparation is ordinary
    far = date_warnings(date(2025, 3, 15), 2580)
    assert len(far) == 1 and "--year 2580" in far[0] and "2568" in far[0] and far[0].startswith("warning:")
    future = date_warnings(date.today() + timedelta(days=400), None)
    assert any("in the future" in line for line in future)


def test_the_warning_reaches_stderr(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--allow-private", "--out", str(tmp_path), "--as-of",
                     "2025-03-15", "--year", "2580", "--checklist", "ita-1999")
    assert "warning: --year 2580" in result.stderr


def test_https_on_a_plain_http_port_says_try_http(serve, tmp_path):
    server = serve(SITES / "per_item")
    https = server.url.replace("http://", "https://")
    for command in (["audit", https, "--out", str(tmp_path / "out"), "--no-progress", "--no-history"],
                    ["inspect", https]):
        result = run_cli(*command, "--allow-private")
        assert result.returncode == 3
        assert "plain HTTP" in result.stderr and f"try {server.url}" in result.stderr
        assert "--insecure-tls" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_inspect_says_the_page_answered_404(serve):
    server = serve(SITES / "per_item")
    result = run_cli("inspect", server.url + "no-such-page.html", "--allow-private")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["http_status"] == 404
    assert "note: the page answered HTTP 404 (not found)" in result.stderr
    ok = run_cli("inspect", server.url, "--allow-private")
    assert json.loads(ok.stdout)["http_status"] == 200 and "note:" not in ok.stderr


def test_fetch_failures_are_worded_without_exception_class_names():
    raw = "[<twisted.python.failure.Failure twisted.internet.error.ConnectionLost: Connection to the other side " \
          "was lost in a non-clean fashion.>]"
    worded = human_detail(raw)
    assert "ConnectionLost" not in worded and "twisted" not in worded and worded.startswith("the connection was lost")
    assert human_detail("ResponseNeverReceived") == "no answer was received"
    assert human_detail("plain words") == "plain words"


def _actions(parser: argparse.ArgumentParser, name: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                yield from _actions(subparser, f"{name} {sub}")
        else:
            yield name, action


@pytest.mark.parametrize("command, dest", [
    (name, action.dest) for name, action in _actions(build_parser(), "oitcheck")])
def test_every_argument_has_help(command, dest):
    action = next(a for n, a in _actions(build_parser(), "oitcheck") if n == command and a.dest == dest)
    assert action.help, f"{command}: {dest} has no help text"


def test_summary_keeps_english_errors_out_of_thai_sentences():
    results = [{"row": 1, "folder": "001-a", "name": "อบต.ก", "url": "", "status": "error", "error": "no URL given",
                "oit": None}]
    summary = summarise(results, {}, RunContext("ita-2568", 85, "2025-03-15", 2568))
    text = render_summary(summary)["summary.html"]
    assert '<span class="small" lang="en">(no URL given)</span>' in text  # the English error set apart
    assert "ตรวจไม่ได้: no URL given" not in text
