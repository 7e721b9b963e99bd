"""The history store's commands through the real CLI on a real SQLite file: pin, accept, decisions, unpin,
unaccept, history and prune, and their one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oitcheck.store import open_store
from tests.conftest import run_cli
from tests.store.reports import URL, report


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "history.sqlite"
    store = open_store(str(path))
    run = store.start_run("audit")
    store.record_audit(report({"o1": "pass", "o7": "fail"}, finished="2025-03-14T02:00:00+07:00"), run)
    store.record_audit(report({"o1": "fail", "o7": "pass"}, finished="2025-03-15T02:00:00+07:00",
                              name="องค์การบริหารส่วนตำบลตัวอย่าง"), run)
    store.close()
    return str(path)


def test_history_lists_the_runs_newest_first_with_what_changed(db):
    result = run_cli("history", "example.go.th", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["agency"]["name"] == "องค์การบริหารส่วนตำบลตัวอย่าง"  # the newest name
    assert [r["finished_at"] for r in data["runs"]] == ["2025-03-15T02:00:00+07:00", "2025-03-14T02:00:00+07:00"]
    assert data["runs"][0]["items"] == {"o1": "fail", "o7": "pass"}
    assert data["runs"][0]["counts"] == {"pass": 1, "partial": 0, "fail": 1, "unknown": 0}
    assert data["runs"][0]["changed"] == [{"id": "o1", "from": "pass", "to": "fail"},
                                          {"id": "o7", "from": "fail", "to": "pass"}]
    text = run_cli("history", "ตัวอย่าง", "--db", db)  # by (part of) its name
    assert text.returncode == 0 and "changed: o1 pass->fail, o7 fail->pass" in text.stdout


def test_decisions_are_added_listed_and_removed(db):
    pinned = run_cli("pin", URL, "O12", f"{URL}files/spp1.pdf", "--note", "ส่งใน ITAS", "--db", db)
    assert pinned.returncode == 0, pinned.stderr
    accepted = run_cli("accept", "example.go.th", "o7", "wrong_year", "--reason", "รายงานปี 2567 อยู่ระหว่างจัดทำ",
                       "--until", "2025-04-30", "--db", db)
    assert accepted.returncode == 0, accepted.stderr
    listed = json.loads(run_cli("decisions", URL, "--json", "--db", db).stdout)
    assert [(d["kind"], d["item"], d["key"], d["code"], d["until"]) for d in listed] == [
        ("pin", "o12", "procurement_monthly", None, None), ("accept", "o7", "annual_report", "wrong_year",
                                                            "2025-04-30")]
    assert run_cli("unpin", URL, "o12", "--db", db).returncode == 0
    assert run_cli("unaccept", URL, "o7", "--db", db).returncode == 0
    assert json.loads(run_cli("decisions", URL, "--json", "--db", db).stdout) == []


@pytest.mark.parametrize("args, words", [
    (["pin", URL, "o99", f"{URL}x.pdf"], "no item 'o99' in ita-2568"),
    (["pin", URL, "o3", "ftp://example.go.th/x"], "unsupported URL scheme"),
    (["accept", URL, "o7", "--reason", " "], "--reason must say why"),
    (["accept", URL, "o7", "--reason", "x", "--until", "30/04/2025"], "is not a date"),
    (["unpin", URL, "o3"], "no pinned evidence"),
    (["history", "nowhere.go.th"], "no agency 'nowhere.go.th'"),
])
def test_bad_decisions_are_one_line_and_exit_2(db, args, words):
    result = run_cli(*args, "--db", db)
    assert result.returncode == 2 and words in result.stderr.strip().splitlines()[-1], result.stderr


def test_a_database_that_cannot_be_opened_is_exit_2(tmp_path):
    (tmp_path / "file").write_text("x")
    for db in ("mysql://x@y/z", str(tmp_path / "file" / "history.sqlite"), "postgresql://nobody@127.0.0.1:1/x"):
        result = run_cli("history", URL, "--db", db)
        assert result.returncode == 2 and "history database" in result.stderr, (db, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


def test_prune_reports_what_it_removed(db):
    result = run_cli("prune", "--db", db, "--keep-days", "0", "--keep-weeks", "0")
    assert result.returncode == 0 and "pruned" in result.stdout, result.stderr
