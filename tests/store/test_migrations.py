"""The schema is created and upgraded by migrations: a database of the first version is upgraded in place,
with its audits kept, and the migrated schema is exactly the one the code writes to."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from oitcheck.store import open_store
from oitcheck.store.database import head, migrate, revision
from oitcheck.store.tables import audits, metadata
from tests.store.reports import report


def test_a_new_database_gets_the_newest_schema_and_it_matches_the_code(store_url):
    store = open_store(store_url)
    assert revision(store.engine) == head()
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    store.close()


def test_a_database_of_the_first_schema_is_upgraded_in_place_and_keeps_its_audits(store_url):
    engine = create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    migrate(engine, "0001")  # what the first release created
    assert "decisions" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO runs (id, kind, started_at, finished_at) VALUES (1, 'audit', '2025-03-14', '2025-03-14')")
        connection.exec_driver_sql(
            "INSERT INTO agencies (id, key, url, name, first_seen, last_seen) VALUES "
            "(1, 'example.go.th', 'https://www.example.go.th/', 'อบต.ตัวอย่าง', '2025-03-14', '2025-03-14')")
        connection.exec_driver_sql(
            "INSERT INTO audits (id, run_id, agency_id, started_at, finished_at, checklist, year, as_of, oit, "
            "passed, partial, failed, unknown, broken, pages) VALUES (1, 1, 1, '2025-03-14T02:00:00+07:00', "
            "'2025-03-14T02:00:00+07:00', 'ita-2568', 2568, '2025-03-14', 50.0, 1, 0, 1, 0, 0, 3)")
        connection.exec_driver_sql("INSERT INTO items (audit_id, item, status, score, title) VALUES "
                                   "(1, 'o1', 'pass', 100, 'x'), (1, 'o2', 'fail', 0, 'y')")
    engine.dispose()
    store = open_store(store_url)  # opening upgrades
    assert revision(store.engine) == head() != "0001"
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audits)).scalar() == 1
    # the old audit is the new one's previous: changes work across the upgrade
    changes = store.changes(report({"o1": "pass", "o2": "pass"}, finished="2025-03-15T02:00:00+07:00"))
    assert changes["fixed"] == [{"id": "o2", "from": "fail", "to": "pass"}] and changes["previous_oit"] == 50.0
    assert store.add_decision("https://example.go.th", "pin", "o1", None, target="https://example.go.th/a.pdf")
    store.close()


def test_two_processes_opening_one_new_file_both_get_the_schema(tmp_path):
    path = tmp_path / "fresh.sqlite"
    code = f"from oitcheck.store import open_store; open_store({str(path)!r}).start_run('audit')"
    processes = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [p.communicate()[1] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], errors
    assert revision(open_store(str(path)).engine) == head()
