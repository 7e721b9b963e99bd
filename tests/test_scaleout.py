"""audit-many spread over two real Scrapyd nodes sharing a real PostgreSQL history: 20 test-bed agencies get
the verdicts a local audit-many gives them, and when one node is killed (``kill -9``) mid-run, then the
coordinator too (finished with ``--resume``), every agency is still audited, recorded and reported exactly
once, never two audits on one server address at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oitcheck.store import open_store
from tests.conftest import AS_OF, SITES
from tests.store.postgres import new_database, postgres_server
from tests.support.server import SiteServer

pytest.importorskip("scrapyd")
from tests.support.scrapyd import ScrapydNode  # noqa: E402

AGENCIES = 12  # enough for two nodes with two slots each to be busy when one is killed
KINDS = ("per_item", "menu_pages", "index_table", "legacy_cp874")
SAFETY_NET_S = 900  # only a hang reaches it: every wait ends on a state
FAST = {"OITCHECK_JOB_HEARTBEAT": "1", "OITCHECK_JOB_STALE": "10", "OITCHECK_COORDINATOR_POLL": "0.3",
        "OITCHECK_PDF": "0"}
OPTIONS = ["--allow-private", "--as-of", AS_OF, "--no-pdf", "--no-render", "--jobs", "2"]


def _psql(url: str, query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(query).fetchall()


def _run(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "oitcheck", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, env={**os.environ, **env})


@pytest.fixture(scope="module")
def spread(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One local audit-many and one over two nodes (the second node killed mid-run) of the same AGENCIES agencies."""
    with postgres_server() as server:
        if server is None:
            pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
        db = new_database(server, "scaleout")
        open_store(db).close()  # the schema, before the test looks at the job table
        base = tmp_path_factory.mktemp("scaleout")
        # the first two agencies share one server address (two ports): they must never be audited at once; each
        # answer held 50 ms, so two audits at once would interleave their requests many times
        sites = []
        for n in (1, 2):
            shutil.copytree(SITES / "per_item", base / f"shared{n}")
            (base / f"shared{n}" / "_site.json").write_text('{"delay": 0.05}', encoding="utf-8")
            sites.append(SiteServer(base / f"shared{n}", host="127.0.0.60").start())
        sites += [SiteServer(SITES / KINDS[n % len(KINDS)], host=f"127.0.0.{20 + n}").start()
                  for n in range(AGENCIES - 2)]
        csv = base / "agencies.csv"
        csv.write_text("name,url,province,type\n" + "".join(f"อบต.ทดสอบ {n},{site.url},ลำพูน,อบต.\n"
                                                           for n, site in enumerate(sites, start=1)),
                       encoding="utf-8")
        nodes = [ScrapydNode(base / f"node{n}", slots=2, env=FAST).start() for n in (1, 2)]
        try:
            local = _run("audit-many", str(csv), "--out", str(base / "local"), "--no-history", *OPTIONS, env=FAST)
            local_out = local.communicate(timeout=SAFETY_NET_S)
            started = time.monotonic()
            command = ["audit-many", str(csv), "--out", str(base / "spread"), *OPTIONS, "--db", db,
                       "--scrapyd", ",".join(node.url for node in nodes)]
            coordinator = _run(*command, env=FAST)
            victim = nodes[1]
            _wait(coordinator, db, f"SELECT 1 FROM jobs WHERE node = '{victim.url}' AND state = 'running'")
            victim.kill()
            # then the coordinator itself, once a few agencies are in: --resume finishes the run
            _wait(coordinator, db, "SELECT 1 FROM jobs WHERE collected HAVING count(*) >= 4")
            coordinator.kill()
            coordinator.communicate()
            coordinator = _run(*command, "--resume", env=FAST)
            spread_out = coordinator.communicate(timeout=SAFETY_NET_S)
            yield {"base": base, "db": db, "sites": sites, "victim": victim, "started": started,
                   "local": (local.returncode, *local_out), "spread": (coordinator.returncode, *spread_out)}
        finally:
            for node in nodes:
                node.stop()
            for site in sites:
                site.stop()


def _wait(process: subprocess.Popen[str], db: str, query: str) -> None:
    """Until ``query`` returns a row (the run is still going; the limit only stops a hang)."""
    deadline = time.monotonic() + SAFETY_NET_S
    while not _psql(db, query):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.1)


def _summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_every_agency_gets_the_verdicts_of_a_local_run(spread):
    assert spread["local"][0] == 0, spread["local"][2]
    assert spread["spread"][0] == 0, spread["spread"][2]
    local, far = _summary(spread["base"] / "local"), _summary(spread["base"] / "spread")
    assert far["audited"] == local["audited"] == AGENCIES
    assert far["matrix"] == local["matrix"]
    assert [a["oit"] for a in far["agencies"]] == [a["oit"] for a in local["agencies"]]
    assert far["common_gaps"] == local["common_gaps"] and far["indicators"] == local["indicators"]
    for agency in far["agencies"]:  # each report reached the coordinator's folder
        reports = [json.loads((spread["base"] / run / agency["folder"] / "report.json").read_text("utf-8"))
                   for run in ("local", "spread")]
        local_items, far_items = ({i["id"]: i["status"] for i in r["items"]} for r in reports)
        assert far_items == local_items
        assert reports[1]["run_token"] and (spread["base"] / "spread" / agency["folder"] / "report.html").exists()


def test_a_killed_node_loses_no_agency_and_none_is_audited_twice(spread):
    db = spread["db"]
    [(run,)] = _psql(db, "SELECT id FROM runs WHERE kind = 'audit-many'")
    jobs = _psql(db, f"SELECT state, collected, attempt FROM jobs WHERE run_id = {run}")
    assert len(jobs) == AGENCIES and all(state == "done" and collected for state, collected, _ in jobs)
    assert max(attempt for *_, attempt in jobs) >= 2  # the killed node's jobs were audited again elsewhere
    audits = _psql(db, f"SELECT agency_id, count(*) FROM audits WHERE run_id = {run} GROUP BY agency_id")
    assert len(audits) == AGENCIES and {count for _, count in audits} == {1}
    assert _psql(db, "SELECT count(*) FROM job_files") == [(0,)]
    assert _psql(db, "SELECT count(*) FROM leases") == [(0,)]
    log = (spread["base"] / "spread" / "oitcheck.log").read_text(encoding="utf-8")
    assert f"on {spread['victim'].url}" in log and "requeued job" in log
    ends = [line.split(" end ", 1)[1].split()[0] for line in log.splitlines() if " end " in line]
    assert len(ends) == len(set(ends))  # the killed coordinator's and the resumed one's: no agency twice
    assert f"resuming run {run}" in log


def test_two_agencies_on_one_server_address_were_never_audited_at_once(spread):
    """The spread run's requests to the two sites on 127.0.0.60, in order of arrival, switch from one site to
    the other at most three times: one audit after the other, with room for one attempt lost with the killed
    node and audited again (a, b, a) and no more; audits at once would interleave them all along."""
    events = sorted((hit.at, n) for n, site in enumerate(spread["sites"][:2])
                    for hits in site.hits.values() for hit in hits if hit.at > spread["started"])
    sequence = [n for _, n in events]
    assert set(sequence) == {0, 1}
    assert sum(1 for x, y in zip(sequence, sequence[1:], strict=False) if x != y) <= 3


def test_scrapyd_mode_refuses_sqlite_and_bad_node_urls_in_one_line(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("name,url\nก,http://agency.example.org/\n", encoding="utf-8")
    sqlite = subprocess.run([sys.executable, "-m", "oitcheck", "audit-many", str(csv), "--out", str(tmp_path / "o"),
                             "--scrapyd", "http://127.0.0.1:6800"], capture_output=True, text=True, timeout=120)
    assert sqlite.returncode == 2 and "--scrapyd needs a PostgreSQL history database" in sqlite.stderr
    assert len(sqlite.stderr.strip().splitlines()) == 1
    bad = subprocess.run([sys.executable, "-m", "oitcheck", "audit-many", str(csv), "--out", str(tmp_path / "o"),
                          "--scrapyd", "ftp://node", "--db", "postgresql://x@127.0.0.1:1/x"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "is not a Scrapyd URL" in bad.stderr


def test_a_node_behind_scrapyds_basic_authentication_is_reached_with_the_urls_credentials(tmp_path):
    from oitcheck.coordinator import check_nodes, shown
    from oitcheck.errors import BadInput

    node = ScrapydNode(tmp_path / "node", slots=1, auth="oit:s3cret").start()
    try:
        with_password = f"http://oit:s3cret@127.0.0.1:{node.port}"
        assert [n.url for n in check_nodes([with_password], 1)] == [with_password]
        with pytest.raises(BadInput, match="answers with the project") as refused:
            check_nodes([f"http://oit:wrong@127.0.0.1:{node.port}"], 1)
        assert "wrong" not in str(refused.value) and shown(with_password).endswith(f"oit:***@127.0.0.1:{node.port}")
    finally:
        node.stop()
