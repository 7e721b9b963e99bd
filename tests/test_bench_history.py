"""The nightly benchmark's pure parts, without running audit-many (bench/history.py does that): the /proc tree
sampler on this test's own processes, and the agency sites with the changes planted between the nights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.agencies import O15, O23, O24, expected_changes, matches, plant_changes, write_site
from bench.proctree import PeakSampler, sample, tree

# A child that starts a grandchild, says its id, and waits for its stdin to close (a state, not a time).
PARENT = ("import subprocess, sys\n"
          "grandchild = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], "
          "stdin=subprocess.PIPE)\n"
          "print(grandchild.pid, flush=True)\n"
          "sys.stdin.read()\n"
          "grandchild.stdin.close()\n"
          "grandchild.wait()\n")


def test_the_tree_holds_children_and_grandchildren_and_sums_their_memory():
    child = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        grandchild = int(child.stdout.readline())
        assert {os.getpid(), child.pid, grandchild} <= set(tree(os.getpid()))
        assert set(tree(child.pid)) == {child.pid, grandchild}  # not its parent, nor its siblings
        now = sample(os.getpid())
        assert now.processes >= 3 and 0 < now.largest_kb < now.total_kb
        with PeakSampler(child.pid) as sampler:
            sampler.take()
        assert sampler.peak.processes == 2 and sampler.peak.total_kb > sampler.peak.largest_kb > 0
        assert 0 < sampler.peak.pss_kb <= sampler.peak.total_kb
    finally:
        child.stdin.close()
        child.wait()
    assert tree(child.pid) == [child.pid] and sample(child.pid).processes == 0  # gone: nothing counted


def test_agency_sites_differ_and_the_planted_changes_are_the_expected_ones(tmp_path: Path):
    sites = {n: write_site(tmp_path / str(n), n) for n in (3, 5, 10)}
    assert len({s.host for s in sites.values()}) == 3 and sites[3].host == "127.0.0.4"
    assert [len(list((s.root / "news").glob("extra-*.html"))) for s in sites.values()] == [3, 5, 10]
    assert all(0.05 <= json.loads((s.root / "_site.json").read_text())["delay"] <= 0.1 for s in sites.values())
    assert not (sites[3].root / O24).exists() and (sites[5].root / O24).exists()  # 3 % 4 == 3
    assert (sites[10].root / O15).exists() and not (sites[5].root / O15).exists()  # 10 % 3 == 1
    for site in sites.values():
        plant_changes(site)
    assert (sites[3].root / O23).exists()  # not planted: unchanged
    assert not (sites[5].root / O23).exists() and (sites[5].root / O15).exists()
    url = "http://127.0.0.6:8000/"
    assert expected_changes(sites[5], url) == {
        "fixed": [{"id": "o15", "from": "fail", "to": "pass"}],
        "regressed": [{"id": "o23", "from": "pass", "to": "fail", "codes": ["broken_link"]}], "changed": [],
        "new_broken_links": [url + O23], "fixed_broken_links": [url + O15]}
    assert expected_changes(sites[10], url)["fixed"] == []  # o15 was published before the first night
    unchanged = {"oit_delta": 0.0, **expected_changes(sites[3], url)}
    assert matches(sites[3], url, unchanged) == []
    assert matches(sites[3], url, {**unchanged, "oit_delta": 1.5}) == ["oit_delta 1.5 on an unchanged site"]
    assert matches(sites[5], url, unchanged)[0].startswith("fixed: []")
    assert matches(sites[5], url, None) == ["changes is null: no earlier audit found"]
