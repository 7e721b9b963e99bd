"""The accuracy gate: every rule change is judged on the labelled test bed (``make eval``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.testbed.sites import SITES

MIN_ITEM_ACCURACY = 0.95


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval") / "summary.json"
    done = subprocess.run([sys.executable, "-m", "tests.testbed.run", "--jobs", "2", "--json", str(out)],
                          capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("item accuracy: ")
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_test_bed_is_big_enough():
    assert len(SITES) >= 6


def test_item_accuracy_stays_above_the_gate(summary):
    assert summary["n"] >= 6 * 28
    assert not [s["name"] for s in summary["sites"] if s["error"]]
    assert summary["accuracy"] >= MIN_ITEM_ACCURACY, [m for s in summary["sites"] for m in s["mismatches"]]


def test_planted_broken_links_are_all_found_and_nothing_else(summary):
    assert summary["broken_recall"] == 1.0, summary["broken_missed"]
    assert summary["broken_precision"] == 1.0, summary["broken_extra"]


def test_eit_detection_matches_the_truth(summary):
    assert all(s["eit_ok"] is not False for s in summary["sites"])
