"""Retention keeps what it promises: every audit of the last 30 days, the newest of each week for a year, then
the newest of each month; an agency's newest audit, audits a decision refers to, and unfinished runs are
never pruned."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from oitcheck.fiscal import BANGKOK
from oitcheck.store import open_store
from oitcheck.store.retention import Retention
from oitcheck.store.tables import audits, findings, items
from tests.store.reports import URL, report

TODAY = date(2026, 12, 2)


def stamp(day: date) -> str:
    return datetime.combine(day, datetime.min.time().replace(hour=2), BANGKOK).isoformat()


def finished_days(store) -> list[date]:
    with store.engine.connect() as connection:
        return sorted(datetime.fromisoformat(row[0]).date() for row in connection.execute(
            select(audits.c.finished_at)))


def test_pruning_keeps_the_promised_audits(store_url):
    store = open_store(store_url)
    run = store.start_run("audit-many")
    days = [TODAY - timedelta(days=n) for n in range(0, 500)]
    statuses = {"o1": "pass", "o2": "fail"}
    for day in reversed(days):
        store.record_audit(report(statuses, finished=stamp(day)), run)
    store.finish_run(run, 0)
    removed = store.prune(TODAY)
    kept = finished_days(store)
    assert removed == len(days) - len(kept)
    recent = [d for d in days if (TODAY - d).days < 30]
    assert set(recent) <= set(kept)  # every audit of the last 30 days
    weekly = [d for d in kept if 30 <= (TODAY - d).days < 30 + 7 * 52]
    weeks = {d.isocalendar()[:2] for d in days if 30 <= (TODAY - d).days < 30 + 7 * 52}
    assert sorted(d.isocalendar()[:2] for d in weekly) == sorted(weeks)  # one a week, every week
    for day in weekly:  # the newest of its week (within the window)
        later = [d for d in days if d.isocalendar()[:2] == day.isocalendar()[:2] and d > day
                 and (TODAY - d).days >= 30]
        assert later == []
    monthly = [d for d in kept if (TODAY - d).days >= 30 + 7 * 52]
    assert len({(d.year, d.month) for d in monthly}) == len(monthly) >= 3  # one a month, kept for ever
    with store.engine.connect() as connection:  # nothing hangs on a pruned audit
        ids = select(audits.c.id)
        assert connection.execute(select(func.count()).select_from(items).where(~items.c.audit_id.in_(ids))
                                  ).scalar() == 0
        assert connection.execute(select(func.count()).select_from(findings).where(
            ~findings.c.audit_id.in_(ids))).scalar() == 0
    assert store.prune(TODAY) == 0  # pruning again changes nothing
    store.close()


def test_decisions_unfinished_runs_and_the_newest_audit_are_never_pruned(store_url):
    store = open_store(store_url)
    old = TODAY - timedelta(days=400)
    finished = store.start_run("audit")
    for n in range(3):  # three audits in one old week: only one would be kept
        store.record_audit(report({"o1": "pass"}, finished=stamp(old + timedelta(days=n))), finished)
    store.add_decision(URL, "accept", "o1", None, text="เหตุผล")  # refers to the newest audit of then
    store.finish_run(finished, 0)
    unfinished = store.start_run("audit-many")
    store.record_audit(report({"o1": "pass"}, finished=stamp(old + timedelta(days=3))), unfinished)
    store.record_audit(report({"o1": "pass"}, url="https://lonely.go.th/", finished=stamp(old)), finished)
    store.prune(TODAY, Retention(days=30, weeks=4, months=1))
    kept = finished_days(store)
    assert old + timedelta(days=2) in kept  # the decision's audit
    assert old + timedelta(days=3) in kept  # an unfinished run's (newest, too)
    assert kept.count(old) == 1  # lonely.go.th's only audit; example.go.th's of that day is gone
    store.close()


def test_the_policy_buckets():
    policy = Retention(days=30, weeks=52, months=0)
    assert policy.keeps(TODAY - timedelta(days=29), TODAY) is None
    assert policy.keeps(TODAY - timedelta(days=30), TODAY).startswith("w")
    assert policy.keeps(TODAY - timedelta(days=30 + 7 * 52), TODAY).startswith("m")
    assert Retention(30, 52, 12).keeps(TODAY - timedelta(days=30 + 7 * 52 + 31 * 12), TODAY) == "drop"
