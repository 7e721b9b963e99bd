"""The job table of audit-many over Scrapyd nodes, on a real PostgreSQL: claims in CSV order, one live job per
server address, concurrent claimers never sharing a job or a server (SKIP LOCKED and the lease), and only the
job's newest attempt can finish it, so an agency is recorded exactly once whatever a lost node does later."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from oitcheck.errors import BadInput
from oitcheck.store import open_store
from oitcheck.store.jobs import MAX_ATTEMPTS, Jobs, JobSpec, JobState
from oitcheck.store.tables import audits, job_files, leases
from tests.store.postgres import new_database
from tests.store.reports import report


@pytest.fixture
def table(postgres, request):
    if postgres is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    store = open_store(new_database(postgres, "jobs_" + request.node.name.lower()[:40]))
    yield store, Jobs(store.engine, store.shown), store.start_run("audit-many", "/tmp/out")
    store.close()


def _specs(servers: list[str]) -> list[JobSpec]:
    return [JobSpec(f"agency{row}.go.th", row, server, "{}") for row, server in enumerate(servers, start=1)]


def test_sqlite_is_refused_in_one_line(tmp_path):
    store = open_store(str(tmp_path / "h.sqlite"))
    with pytest.raises(BadInput, match=r"^--scrapyd needs a PostgreSQL history database") as caught:
        Jobs(store.engine, store.shown)
    assert "\n" not in str(caught.value)
    store.close()


def test_claims_go_in_csv_order_one_per_server_and_a_resumed_run_keeps_its_jobs(table):
    _store, jobs, run = table
    assert jobs.add(run, _specs(["a", "a", "b", "c"])) == 4
    assert jobs.add(run, _specs(["a", "a", "b", "c"])) == 0  # --resume: nothing queued twice
    first = [jobs.claim(run, "node1") for _ in range(4)]
    assert [c.row for c in first if c] == [1, 3, 4]  # row 2 waits: server a is leased to row 1
    assert first[3] is None
    assert jobs.start(first[0].job_id, 1) and jobs.complete(first[0].job_id, 1, {"returncode": 0}, {}, None, None,
                                                            None)
    second = jobs.claim(run, "node2")
    assert second is not None and second.row == 2 and second.attempt == 1  # a's lease was given back


def test_concurrent_claimers_never_share_a_job_or_a_server(table):
    _store, jobs, run = table
    jobs.add(run, _specs([f"server{n % 10}" for n in range(40)]))
    taken: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def claimer(node: str) -> None:
        start.wait()
        while (claim := jobs.claim(run, node)) is not None or len(taken) < 10:
            if claim is not None:
                with lock:
                    taken.append((claim.row, node))
            if len(taken) >= 10:
                break

    threads = [threading.Thread(target=claimer, args=(f"node{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    rows = [row for row, _ in taken]
    assert len(rows) == len(set(rows)) == 10  # ten servers, ten live jobs, none claimed twice
    assert sorted((row - 1) % 10 for row in rows) == list(range(10))  # one per server
    with _store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(leases)).scalar() == 10


def test_only_the_newest_attempt_finishes_the_job_and_records_the_audit_once(table):
    store, jobs, run = table
    jobs.add(run, _specs(["a"]))
    lost = jobs.claim(run, "node1")
    assert jobs.start(lost.job_id, lost.attempt)
    assert jobs.requeue(lost.job_id, lost.attempt, "node1 stopped answering")
    again = jobs.claim(run, "node2")
    assert again.attempt == 2 and jobs.start(again.job_id, again.attempt)
    # the first node's orphan wakes up: it may neither beat nor finish
    assert not jobs.beat(lost.job_id, lost.attempt)
    assert not jobs.complete(lost.job_id, lost.attempt, {"returncode": 0}, {"report.json": b"old"},
                             report({"o1": "pass"}), None, run)
    assert jobs.beat(again.job_id, again.attempt)
    assert jobs.complete(again.job_id, again.attempt, {"returncode": 0, "token": "t"}, {"report.json": b"new"},
                         report({"o1": "fail"}), None, run)
    assert not jobs.requeue(again.job_id, again.attempt, "too late")  # a finished job stays finished
    [finished] = jobs.finished(run)
    assert finished.outcome == {"returncode": 0, "token": "t"}
    assert jobs.files(finished.job_id) == {"report.json": b"new"}
    jobs.collected(finished.job_id)
    assert jobs.finished(run) == [] and jobs.pending(run) == 0
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audits)).scalar() == 1
        assert connection.execute(select(func.count()).select_from(job_files)).scalar() == 0
        assert connection.execute(select(func.count()).select_from(leases)).scalar() == 0


def test_an_agency_lost_on_every_attempt_ends_as_not_audited(table):
    _store, jobs, run = table
    jobs.add(run, _specs(["a"]))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        claim = jobs.claim(run, f"node{attempt}")
        assert claim.attempt == attempt
        assert jobs.requeue(claim.job_id, claim.attempt, f"node{attempt} died")
    assert jobs.claim(run, "node9") is None
    [finished] = jobs.finished(run)
    assert finished.outcome["lost"] and "node3 died" in finished.outcome["stderr"]


def test_a_claimed_job_goes_stale_by_the_databases_clock(table):
    _store, jobs, run = table
    jobs.add(run, _specs(["a", "b"]))
    claim = jobs.claim(run, "node1")
    [live] = jobs.live(run, stale_after=3600)
    assert (live.job_id, live.state, live.stale) == (claim.job_id, JobState.CLAIMED, False)
    [live] = jobs.live(run, stale_after=-1)  # any heartbeat is older than "one second from now"
    assert live.stale


def test_a_dead_runs_lease_is_freed_once_stale_and_a_resumed_csv_drops_lost_agencies(table):
    store, jobs, dead = table
    jobs.add(dead, _specs(["a", "b"]))
    held = jobs.claim(dead, "node1")
    run = store.start_run("audit-many", "/tmp/other")
    jobs.add(run, _specs(["a"]))
    assert jobs.claim(run, "node2") is None  # server a is still leased to the dead run's job
    [old] = [live for live in jobs.live(None, stale_after=-1) if live.run_id == dead]
    assert old.stale and jobs.requeue(old.job_id, old.attempt, "its coordinator is gone")
    assert jobs.claim(run, "node2").row == 1 and held.row == 1
    assert jobs.drop_queued(dead, {"agency1.go.th"}) == 1  # agency2 left the CSV: its queued job goes
