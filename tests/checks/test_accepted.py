"""Accepted findings: staff's "we know, and it stays" (``oitcheck accept``) marks a finding with its reason and
expiry, keeps it out of the fix list and the measures, and never changes a status or a score."""

from __future__ import annotations

from datetime import date, datetime

from oitcheck.checks.decisions import Acceptance, Decisions
from oitcheck.checks.engine import evaluate
from oitcheck.checks.results import AuditOutcome, ItemResult, ItemStatus
from oitcheck.fiscal import BANGKOK
from oitcheck.report.model import build_report
from oitcheck.report.schema import validate_report
from tests.checks.records import AS_OF, HOME, YEAR, at, broken, checklist, home, link, site

GONE = broken(at("files/annual-report-2567.pdf"))
UNTIL = date(2025, 3, 31)
REASON = "ไฟล์รายงานอยู่ระหว่างย้ายเซิร์ฟเวอร์ จะนำขึ้นใหม่ภายในเดือนมีนาคม"


def audited(*accepted: Acceptance, as_of: date = AS_OF) -> AuditOutcome:
    crawl = site(home([link(GONE.url, "รายงานผลการดำเนินงานประจำปี 2567")]), GONE)
    return evaluate(crawl, checklist(), YEAR, as_of, guard=False, decisions=Decisions(accepted=accepted))


def item(outcome: AuditOutcome, item_id: str) -> ItemResult:
    return next(result for result in outcome.items if result.item.id == item_id)


def report(outcome: AuditOutcome) -> dict:
    now = datetime(2025, 3, 15, 2, 0, tzinfo=BANGKOK)
    built = build_report(outcome, name="หน่วยงานทดสอบ", url=HOME, started_at=now, finished_at=now)
    validate_report(built)
    return built


def test_an_accepted_finding_keeps_the_status_and_the_score():
    before = audited()
    after = audited(Acceptance("o7", REASON, code="broken_link", until=UNTIL))
    assert item(after, "o7").status == item(before, "o7").status == ItemStatus.FAIL
    assert item(after, "o7").score == 0 and after.scores == before.scores
    finding = next(f for f in item(after, "o7").findings if f.code == "broken_link")
    assert finding.accepted is not None and finding.accepted.reason == REASON
    o7 = next(i for i in report(after)["items"] if i["id"] == "o7")
    assert o7["status"] == "fail" and o7["score"] == 0 and o7["all_accepted"] is True
    accepted = next(f for f in o7["findings"] if f["code"] == "broken_link")
    assert accepted["accepted"] == {"reason": REASON, "until": "2025-03-31"}


def test_an_item_whose_every_failing_finding_is_accepted_leaves_the_measures():
    before, after = report(audited()), report(audited(Acceptance("o7", REASON, code="broken_link")))
    assert "o7" in {m["item"] for m in before["measures"]}
    assert "o7" not in {m["item"] for m in after["measures"]}
    assert {m["item"] for m in before["measures"]} - {"o7"} == {m["item"] for m in after["measures"]}
    assert next(i for i in after["items"] if i["id"] == "o7")["findings"][0]["accepted"]["until"] is None


def test_an_acceptance_of_another_code_or_url_covers_nothing():
    for decision in (Acceptance("o7", REASON, code="wrong_year"), Acceptance("o7", REASON, url=at("other.pdf")),
                     Acceptance("o8", REASON)):
        o7 = item(audited(decision), "o7")
        assert all(f.accepted is None for f in o7.findings) and not o7.all_accepted


def test_an_acceptance_by_url_is_compared_after_normalisation():
    o7 = item(audited(Acceptance("o7", REASON, code="broken_link", url=GONE.url + "#page=2")), "o7")
    assert o7.findings[0].accepted is not None


def test_an_acceptance_without_a_code_covers_every_finding_of_the_item():
    o7 = item(audited(Acceptance("o7", REASON)), "o7")
    assert o7.findings and all(f.accepted is not None for f in o7.findings)
    assert o7.all_accepted
    # an item named by its key (a renumbered layout) is covered too
    assert item(audited(Acceptance("o99", REASON, key="annual_report")), "o7").all_accepted


def test_an_acceptance_is_live_on_its_last_day_and_expired_the_day_after():
    decision = Acceptance("o7", REASON, code="broken_link", until=UNTIL)
    last_day = item(audited(decision, as_of=UNTIL), "o7")
    assert last_day.findings[0].accepted == decision and last_day.findings[0].expired is None
    day_after = item(audited(decision, as_of=date(2025, 4, 1)), "o7")
    assert day_after.findings[0].accepted is None and day_after.findings[0].expired == decision
    assert not day_after.all_accepted
    built = report(audited(decision, as_of=date(2025, 4, 1)))
    o7 = next(i for i in built["items"] if i["id"] == "o7")
    assert "accepted" not in o7["findings"][0]
    assert o7["findings"][0]["acceptance_expired"] == {"reason": REASON, "until": "2025-03-31"}
    assert "o7" in {m["item"] for m in built["measures"]}  # back in the fix list and the measures


def test_a_live_acceptance_wins_over_an_expired_one():
    old = Acceptance("o7", "เหตุผลเดิม", code="broken_link", until=date(2025, 1, 31))
    new = Acceptance("o7", REASON, code="broken_link", until=UNTIL)
    finding = item(audited(old, new), "o7").findings[0]
    assert finding.accepted == new and finding.expired is None
