"""An audit's use of the store when the store fails after the reports were written: exit 5 saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from oitcheck.errors import HistoryNotSaved
from oitcheck.recording import record
from oitcheck.store import open_store
from tests.store.reports import report


def test_a_store_that_fails_after_the_reports_were_written_says_where_they_are(tmp_path: Path):
    path = tmp_path / "history.sqlite"
    store = open_store(str(path))
    store.engine.dispose()
    path.unlink()  # the database went away under the run (its tables with it)
    with pytest.raises(HistoryNotSaved, match=r"the reports are in .*out, but this audit is not in the history") as e:
        record(store, report({"o1": "pass"}), None, tmp_path / "out" / "report.json")
    assert e.value.exit_status == 5


def test_an_audit_of_an_audit_many_run_is_recorded_into_that_run(tmp_path: Path):
    store = open_store(str(tmp_path / "history.sqlite"))
    run = store.start_run("audit-many")
    record(store, report({"o1": "pass"}), run, None)
    record(store, report({"o1": "fail"}, finished="2025-03-16T02:00:00+07:00"), run, None)
    assert [r["items"]["o1"] for r in store.history("example.go.th")["runs"]] == ["fail", "pass"]
    assert store.newest_unfinished("audit-many")["run"] == run  # the parent finishes it, not its audits


def test_an_agency_keeps_its_name_unless_a_new_one_is_given(tmp_path: Path):
    store = open_store(str(tmp_path / "history.sqlite"))
    run = store.start_run("audit")
    store.record_audit(report({"o1": "pass"}, name="อบต.ตัวอย่าง"), run)
    store.record_audit(report({"o1": "pass"}, name="www.example.go.th"), run)  # `oitcheck audit` without --name
    assert store.history("example.go.th")["agency"]["name"] == "อบต.ตัวอย่าง"
    store.record_audit(report({"o1": "pass"}, name="เทศบาลตำบลตัวอย่าง"), run)  # upgraded to a municipality
    assert store.history("example.go.th")["agency"]["name"] == "เทศบาลตำบลตัวอย่าง"
