"""audit-many's run control on both databases: one run at a time per history database (a SQLite file's lock
file, PostgreSQL's advisory lock), and the run ``--resume`` continues with the agencies it finished."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oitcheck.audit import AuditRequest
from oitcheck.errors import RunLocked
from oitcheck.runcontrol import RUN_KIND, controlled_run
from oitcheck.store import open_store


def _run(tmp_path: Path, folder: str, db: str, resume: bool = False):  # noqa: ANN202 - the context manager
    out = tmp_path / folder
    out.mkdir(exist_ok=True)
    return controlled_run(out, tmp_path / "agencies.csv", AuditRequest(url="", out=out, db=db), resume,
                          {"year": 2568})


def test_one_run_at_a_time_per_history_database(store_url, tmp_path):
    with _run(tmp_path, "first", store_url) as first:
        assert first.run_id is not None
        with pytest.raises(RunLocked, match="another audit-many run holds") as refused, _run(
                tmp_path, "second", store_url):
            pass  # another folder, the same database
        assert f"pid {os.getpid()} " in str(refused.value)  # the holder, on either database
        first.finish(0)
    with _run(tmp_path, "second", store_url) as second:  # released with the first run
        second.finish(0)


def test_resume_continues_the_folders_unfinished_run_with_what_it_finished(store_url, tmp_path, capsys):
    entry = {"row": 1, "name": "ก", "status": "done", "oit": 91.5, "folder": "001-example.go.th"}
    with _run(tmp_path, "out", store_url) as killed:
        killed.record("example.go.th", entry)  # then the run dies: never finished
    with _run(tmp_path, "out", store_url, resume=True) as resumed:
        assert resumed.run_id == killed.run_id and resumed.finished == {"example.go.th": entry}
        resumed.finish(0)
    with _run(tmp_path, "out", store_url, resume=True) as fresh:  # nothing left to resume: a new run
        assert fresh.run_id != killed.run_id and fresh.finished == {}
    assert "note: nothing to resume in" in capsys.readouterr().err
    with _run(tmp_path, "out", store_url) as newer:  # without --resume: a new run, and a note of the one left
        assert newer.run_id not in (killed.run_id, fresh.run_id)
    assert f"run {fresh.run_id} into" in capsys.readouterr().err
    store = open_store(store_url)
    assert store.unfinished_run(RUN_KIND, str((tmp_path / "out").resolve())) == newer.run_id
    store.close()
