"""audit-many run by cron or systemd, with nobody watching: no audit outlives a killed run (even ``kill -9``),
SIGTERM stops it like Ctrl-C and keeps what finished, one run at a time per folder and history database
(exit 4 naming the holder), duplicates audited once, options wrong for every agency refused once (exit 2),
the contract's exit statuses, the run's log, and ``--resume`` after a ``kill -9`` giving the summary an
uninterrupted run gives without auditing the finished agencies again.

Every wait is on a state (a request reaching a server, a line of output, a process's end), with a generous
limit only so a broken run fails instead of hanging."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from oitcheck.agencies import Agency, unique_agencies
from oitcheck.errors import RunLocked
from oitcheck.runlock import LOCK_NAME, Holder, RunLock
from oitcheck.store import open_store
from tests.conftest import AS_OF, SITES, run_cli
from tests.support.gate import GatedServer
from tests.support.processes import Lines, group_of, marked, stop, wait_gone

OPTIONS = ("--allow-private", "--as-of", AS_OF, "--no-ocr", "--no-progress")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _csv(path: Path, *rows: tuple[str, str]) -> Path:
    path.write_text("name,url\n" + "".join(f"{name},{url}\n" for name, url in rows), encoding="utf-8")
    return path


def _stalled_site(tmp_path: Path) -> Path:
    site = tmp_path / "stalled-site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("<title>x</title>", encoding="utf-8")
    return site


def _start(agencies: Path, out: Path, mark: str, *extra: str) -> tuple[subprocess.Popen[str], Lines]:
    """``oitcheck audit-many`` in the background, its processes marked; its stderr lines as they come."""
    parent = subprocess.Popen([sys.executable, "-m", "oitcheck", "audit-many", str(agencies), "--out", str(out),
                               *OPTIONS, *extra], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "OITCHECK_TEST_MARK": mark})
    return parent, Lines(parent.stderr)


def _children(parent: subprocess.Popen[str], mark: str) -> list[int]:
    """The audits ``parent`` started: its marked processes that lead process groups of their own."""
    return [pid for pid in marked(mark) if pid != parent.pid and group_of(pid) == pid]


def _finished(count: int):  # noqa: ANN202 - a predicate for Lines.wait_for
    return lambda lines: sum(1 for line in lines if line.startswith("[") and ": done " in line) >= count


def kill_9_leaves_nothing(parent: subprocess.Popen[str], mark: str) -> bool:
    """``kill -9`` the run: every process it started (by the environment mark they inherit) ends too."""
    everything = [pid for pid in marked(mark) if pid != parent.pid]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    return wait_gone(everything) == []


def test_kill_9_of_audit_many_leaves_no_audit_running(tmp_path):
    """The audits lead process groups of their own, so nothing the parent's death does to its group reaches
    them: their lifeline does. Every one of their processes ends."""
    site, mark = _stalled_site(tmp_path), uuid.uuid4().hex
    with GatedServer(site, gated=("/",), host="127.0.0.2") as one, \
            GatedServer(site, gated=("/",), host="127.0.0.3") as two:
        agencies = _csv(tmp_path / "a.csv", ("หนึ่ง", one.url), ("สอง", two.url))
        parent, _ = _start(agencies, tmp_path / "out", mark, "--jobs", "2")
        try:
            assert one.wait_for("/") and two.wait_for("/")  # both audits are under way, waiting on their servers
            children = _children(parent, mark)
            assert len(children) == 2
            assert kill_9_leaves_nothing(parent, mark)
        finally:
            stop(parent)
    assert marked(mark) == []


def test_sigterm_stops_the_audits_keeps_what_finished_and_exits_143(serve, tmp_path):
    good, mark = serve(SITES / "per_item"), uuid.uuid4().hex
    out = tmp_path / "out"
    with GatedServer(_stalled_site(tmp_path), gated=("/",), host="127.0.0.2") as stalled:
        agencies = _csv(tmp_path / "a.csv", ("ดี", good.url), ("ค้าง", stalled.url))
        parent, lines = _start(agencies, out, mark, "--jobs", "2")
        try:
            assert lines.wait_for(_finished(1)) and stalled.wait_for("/")
            parent.send_signal(signal.SIGTERM)
            assert parent.wait(timeout=120) == 143
        finally:
            stop(parent)
        stderr = lines.rest()
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("oitcheck: terminated; the audits under way were stopped and no summary written; 1 ")
    assert "--resume continues the run" in last and "Traceback" not in stderr
    assert wait_gone(marked(mark)) == [] and marked(mark) == []
    assert json.loads((out / "001-127.0.0.1" / "report.json").read_text(encoding="utf-8"))["run_token"]
    assert not (out / "summary.json").exists()
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert "end 001-127.0.0.1 done exit 0" in log and "run stopped (Terminated)" in log
    assert "end 002-" not in log


def test_a_second_run_on_the_folder_or_the_history_database_exits_4_naming_the_holder(tmp_path):
    mark = uuid.uuid4().hex
    out = tmp_path / "out"
    with GatedServer(_stalled_site(tmp_path), gated=("/",), host="127.0.0.2") as stalled:
        agencies = _csv(tmp_path / "a.csv", ("ค้าง", stalled.url))
        first, _ = _start(agencies, out, mark)
        try:
            assert stalled.wait_for("/")  # the first run holds its locks while its audit waits
            same_folder = run_cli("audit-many", str(agencies), "--out", str(out), *OPTIONS)
            same_db = run_cli("audit-many", str(agencies), "--out", str(tmp_path / "other"), "--db",
                              str(out / "history.sqlite"), *OPTIONS)
            stalled.release()
            assert first.wait(timeout=300) == 0
        finally:
            stop(first)
    for second, path in ((same_folder, out / LOCK_NAME), (same_db, out / "history.sqlite.lock")):
        assert second.returncode == 4, second.stderr
        line = second.stderr.strip()
        assert "\n" not in line and line.startswith(f"oitcheck: error: another audit-many run holds {path}: "
                                                    f"pid {first.pid} on {socket.gethostname()} since ")
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert log.count("run started") == 1 and log.count(" start ") == 1  # the second runs wrote nothing
    assert not (tmp_path / "other" / "oitcheck.log").exists()


def test_a_lock_left_by_a_dead_run_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process id no run holds any more
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": "old-host", "started_at": "2026-01-01T02:00:00",
                                             "command": "oitcheck audit-many a.csv"}), encoding="utf-8")
    agencies = _csv(tmp_path / "a.csv", ("ปิด", f"http://127.0.0.1:{_closed_port()}/"))
    result = run_cli("audit-many", str(agencies), "--out", str(out), *OPTIONS)
    assert result.returncode == 3, result.stderr  # the run went ahead; its one agency could not be audited
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert f"taken over from pid {dead.pid} on old-host since 2026-01-01T02:00:00" in log
    assert (out / LOCK_NAME).read_text(encoding="utf-8") == ""  # released at the end


def test_run_lock_in_one_process(tmp_path):
    """flock locks belong to open files: a second open of the same file, even in this process, is refused."""
    path = tmp_path / LOCK_NAME
    notes: list[str] = []
    with RunLock([path], "first", notes.append) as first:
        assert Holder.parse(path.read_text(encoding="utf-8")) == first.holder
        with pytest.raises(RunLocked, match=f"holds {path}: pid {os.getpid()} on "):
            RunLock([path], "second").acquire()
        other = tmp_path / "other.lock"
        with pytest.raises(RunLocked):  # the locks taken before the refused one are given back
            RunLock([other, path], "third").acquire()
        with RunLock([other], "fourth"):
            pass
    assert notes == [] and path.read_text(encoding="utf-8") == ""
    with RunLock([path], "fifth"):
        pass


def test_duplicate_agencies_are_audited_and_reported_once(tmp_path):
    port = _closed_port()
    agencies = _csv(tmp_path / "a.csv", ("ก", f"http://127.0.0.1:{port}/"), ("ข", f"http://127.0.0.1:{_closed_port()}/"),
                    ("ก อีกครั้ง", f"HTTP://127.0.0.1:{port}"), ("ก หน้าแรก", f"http://127.0.0.1:{port}/index.php"))
    out = tmp_path / "out"
    result = run_cli("audit-many", str(agencies), "--out", str(out), *OPTIONS)
    assert result.returncode == 3, result.stderr  # none could be audited
    warning = f"warning: rows 1, 3, 4 list one agency (127.0.0.1:{port}): audited and reported once, as row 1"
    assert warning in result.stderr.splitlines()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [a["row"] for a in summary["agencies"]] == [1, 2]
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert warning in log and log.count(" start ") == 2
    # the run's start (pid, options) and end are logged around each agency's start and end
    assert "run started pid " in log and '"as_of": "2025-03-15"' in log and log.rstrip().endswith("run finished exit 3")


def test_unique_agencies_keeps_the_first_row():
    rows = [Agency(1, "a", "https://www.example.go.th/"), Agency(2, "b", "http://example.go.th"),
            Agency(3, "c", "http://example.go.th/tambon/"), Agency(4, "d", ""), Agency(5, "e", "")]
    warnings: list[str] = []
    assert [a.row for a in unique_agencies(rows, warnings.append)] == [1, 3, 4, 5]
    assert warnings == ["rows 1, 2 list one agency (example.go.th): audited and reported once, as row 1"]


@pytest.mark.parametrize("option, words", [
    (("--year", "1999"), "--year 1999 is not a Buddhist-Era fiscal year"),
    (("--as-of", "1900-01-01"), "--as-of 1900-01-01 falls in fiscal year 2443"),
    (("--checklist", "ita-1999"), "ita-1999"),
])
def test_options_wrong_for_every_agency_are_refused_once_before_any_audit(tmp_path, option, words):
    agencies = _csv(tmp_path / "a.csv", ("ก", "http://127.0.0.2/"), ("ข", "http://127.0.0.3/"))
    out = tmp_path / "out"
    result = run_cli("audit-many", str(agencies), "--out", str(out), "--allow-private", *option)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("oitcheck: error: ") and words in result.stderr
    assert not out.exists()  # no log, no lock, no agency folder: no audit ran


def test_resume_needs_the_history_and_starts_anew_when_nothing_is_left(tmp_path):
    agencies = _csv(tmp_path / "a.csv", ("ปิด", f"http://127.0.0.1:{_closed_port()}/"))
    out = tmp_path / "out"
    refused = run_cli("audit-many", str(agencies), "--out", str(out), "--resume", "--no-history", *OPTIONS)
    assert refused.returncode == 2 and "--resume needs the history database" in refused.stderr
    fresh = run_cli("audit-many", str(agencies), "--out", str(out), "--resume", *OPTIONS)
    assert fresh.returncode == 3 and f"note: nothing to resume in {out}: a new run starts" in fresh.stderr


def _comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without what differs between two runs of the same audits: times and durations."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith(("_at", "_s")) and k != "generated"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(summary)


def test_resume_after_kill_9_gives_the_uninterrupted_summary_without_auditing_the_finished_again(serve, tmp_path):
    one, two, mark = serve(SITES / "per_item"), serve(SITES / "menu_pages"), uuid.uuid4().hex
    out = tmp_path / "out"
    with GatedServer(SITES / "index_table", gated=("/",), host="127.0.0.2") as late:
        agencies = _csv(tmp_path / "a.csv", ("หนึ่ง", one.url), ("สาม", late.url), ("สอง", two.url))
        parent, lines = _start(agencies, out, mark, "--jobs", "2")
        try:
            assert lines.wait_for(_finished(2)) and late.wait_for("/")  # rows 1 and 3 done, row 2 waiting
            assert kill_9_leaves_nothing(parent, mark)
        finally:
            stop(parent)
        assert not (out / "summary.json").exists()
        before = (one.hits, two.hits)
        late.release()
        resumed = run_cli("audit-many", str(agencies), "--out", str(out), "--resume", "--jobs", "2", *OPTIONS,
                          timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert (one.hits, two.hits) == before  # the finished agencies were not crawled again
        whole = run_cli("audit-many", str(agencies), "--out", str(tmp_path / "whole"), "--jobs", "2", *OPTIONS,
                        timeout=300)
        assert whole.returncode == 0, whole.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["audited"] == 3 and sorted(a["row"] for a in summary["agencies"]) == [1, 2, 3]
    assert _comparable(summary) == _comparable(json.loads((tmp_path / "whole" / "summary.json").read_text("utf-8")))
    log = (out / "oitcheck.log").read_text(encoding="utf-8")
    assert "resuming run 1: 2 agencies already finished" in log
    assert "resumed 001-127.0.0.1 done: finished before, not audited again" in log
    assert log.count("start 002-127.0.0.2") == 2 and log.rstrip().endswith("run finished exit 0")
    store = open_store(str(out / "history.sqlite"))
    assert store.unfinished_run("audit-many", str(out.resolve())) is None  # finished: nothing left to resume
    store.close()
