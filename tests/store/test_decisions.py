"""Staff decisions in the store: added, listed, handed to the next audit as the rules' records, removed."""

from __future__ import annotations

from datetime import date

from oitcheck.checks.decisions import Acceptance, Pin
from oitcheck.store import open_store
from tests.store.reports import URL, report


def test_pins_and_acceptances_reach_the_next_audit(store_url):
    store = open_store(store_url)
    store.record_audit(report({"o12": "fail"}), store.start_run("audit"))
    store.add_decision(URL, "pin", "o12", "procurement_monthly", target=f"{URL}old.pdf", text="ก่อน")
    pin = store.add_decision("http://example.go.th", "pin", "o12", "procurement_monthly", target=f"{URL}spp1.pdf",
                             text="ส่งใน ITAS")  # the same agency: a second pin replaces the first
    accept = store.add_decision(URL, "accept", "o7", "annual_report", code="wrong_year", text="อยู่ระหว่างจัดทำ",
                                until=date(2025, 4, 30))
    decisions = store.decisions_for("example.go.th/")
    assert decisions.pins == (Pin(item="o12", url=f"{URL}spp1.pdf", key="procurement_monthly", note="ส่งใน ITAS",
                                  id=pin),)
    assert decisions.accepted == (Acceptance(item="o7", reason="อยู่ระหว่างจัดทำ", code="wrong_year",
                                             until=date(2025, 4, 30), key="annual_report", id=accept),)
    assert [d.kind for d in store.decisions(URL)] == ["pin", "accept"]
    assert store.remove_decision(URL, "pin", item="o12") == 1
    assert store.remove_decision(URL, "pin", item="o12") == 0
    assert store.decisions_for(URL).pins == ()
    assert store.remove_decision(URL, "accept", item="o7", code="other") == 0
    assert store.remove_decision(URL, "accept", item="o7") == 1
    assert store.decisions_for(URL).accepted == ()
    assert store.decisions_for("https://never.go.th/").pins == ()
    store.close()
