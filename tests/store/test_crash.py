"""A ``kill -9`` at any moment leaves the store consistent: every audit is there whole or not at all."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from oitcheck.store import open_store
from oitcheck.store.tables import audits, findings, items

WRITER = """
import sys
from oitcheck.store import open_store
from tests.store.reports import report
store = open_store(sys.argv[1])
run = store.start_run("audit-many")
statuses = {f"o{n}": ("pass", "fail", "partial")[n % 3] for n in range(1, 29)}
n = 0
while True:
    n += 1
    store.record_audit(report(statuses, url=f"https://agency{n}.go.th/"), run)
    print(n, flush=True)
"""


def test_kill_9_while_recording_leaves_only_whole_audits(tmp_path: Path):
    path = tmp_path / "history.sqlite"
    open_store(str(path)).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parent.parent.parent)
    assert writer.stdout is not None
    for _ in range(5):  # five audits committed, the sixth under way (or just committed): kill it mid-write
        assert writer.stdout.readline().strip()
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    store = open_store(str(path))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        count = connection.execute(select(func.count()).select_from(audits)).scalar()
        per_audit = connection.execute(select(items.c.audit_id, func.count()).group_by(items.c.audit_id)).all()
        assert count >= 5 and len(per_audit) == count and {n for _, n in per_audit} == {28}
        with_findings = connection.execute(select(func.count(func.distinct(findings.c.audit_id)))).scalar()
        assert with_findings == count
    store.start_run("audit")  # and it takes new writes
