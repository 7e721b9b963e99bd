"""``changes``: fixed, regressed and changed items, new and fixed broken links and the score's change, against
the agency's previous audit on the same checklist, and nothing else."""

from __future__ import annotations

from oitcheck.store import open_store
from oitcheck.store.changes import Snapshot, compare
from tests.store.reports import URL, report

BEFORE = {"o1": "pass", "o2": "pass", "o7": "fail", "o12": "fail", "o15": "pass", "o16": "partial"}
AFTER = {"o1": "pass", "o2": "pass", "o7": "pass", "o12": "partial", "o15": "fail", "o16": "partial"}


def test_planted_changes_are_reported_exactly(store_url):
    store = open_store(store_url)
    first = report(BEFORE, finished="2025-03-14T02:00:11+07:00", broken=(f"{URL}old.pdf", f"{URL}same.pdf"))
    assert store.changes(first) is None  # nothing earlier
    store.record_audit(first, store.start_run("audit"))
    second = report(AFTER, finished="2025-03-15T02:00:09+07:00", codes={"o15": ["broken_link"], "o12": ["x"]},
                    broken=(f"{URL}files/o15.pdf", "https://EXAMPLE.go.th/same.pdf".replace("EXAMPLE", "www.example")))
    assert store.changes(second) == {
        "since": "2025-03-14T02:00:11+07:00",
        "previous_oit": first["scores"]["oit"],
        "oit_delta": round(second["scores"]["oit"] - first["scores"]["oit"], 2),
        "fixed": [{"id": "o7", "from": "fail", "to": "pass"}],
        "regressed": [{"id": "o15", "from": "pass", "to": "fail", "codes": ["broken_link"]}],
        "changed": [{"id": "o12", "from": "fail", "to": "partial"}],
        "new_broken_links": [f"{URL}files/o15.pdf"],
        "fixed_broken_links": [f"{URL}old.pdf"],
    }
    store.close()


def test_changes_compare_with_the_same_checklist_and_agency_only(store_url):
    store = open_store(store_url)
    run = store.start_run("audit")
    store.record_audit(report(BEFORE, finished="2025-03-13T02:00:00+07:00"), run)
    store.record_audit(report(AFTER, finished="2025-03-14T02:00:00+07:00", checklist="ita-2569"), run)
    store.record_audit(report(AFTER, finished="2025-03-14T03:00:00+07:00", url="https://other.go.th/"), run)
    changes = store.changes(report(BEFORE, finished="2025-03-15T02:00:00+07:00"))
    assert changes is not None and changes["since"] == "2025-03-13T02:00:00+07:00"
    assert changes["fixed"] == changes["regressed"] == changes["changed"] == [] and changes["oit_delta"] == 0
    # the same agency under another spelling of its URL
    again = report(AFTER, url="http://example.go.th", finished="2025-03-16T02:00:00+07:00")
    assert store.changes(again)["since"] == "2025-03-13T02:00:00+07:00"
    store.close()


def test_items_new_to_the_layout_and_unscored_audits_are_not_changes():
    before = Snapshot("2025-03-14", None, {"o1": "pass"})
    after = Snapshot("2025-03-15", 80.0, {"o1": "pass", "o29": "fail"})
    assert compare(before, after) == {"since": "2025-03-14", "previous_oit": None, "oit_delta": None, "fixed": [],
                                      "regressed": [], "changed": [], "new_broken_links": [],
                                      "fixed_broken_links": []}
    assert compare(None, after) is None


def test_unknown_to_pass_is_fixed_and_pass_to_unknown_is_regressed():
    changes = compare(Snapshot("a", 50.0, {"o1": "unknown", "o2": "pass", "o3": "partial"}),
                      Snapshot("b", 50.0, {"o1": "pass", "o2": "unknown", "o3": "fail"}))
    assert [c["id"] for c in changes["fixed"]] == ["o1"]
    assert [c["id"] for c in changes["regressed"]] == ["o2"]
    assert changes["changed"] == [{"id": "o3", "from": "partial", "to": "fail"}]
