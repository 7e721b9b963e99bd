"""Alembic's entry point for oitcheck's history store: always run on the connection ``oitcheck.store`` opens."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from oitcheck.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":  # two processes upgrading one database wait for each other
        connection.execute(text("SELECT pg_advisory_xact_lock(7026150001)"))
    context.run_migrations()
