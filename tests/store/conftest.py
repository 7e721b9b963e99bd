"""The store's tests run on both databases: a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.postgres import new_database, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[str | None]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgres: str | None) -> str:
    """A new, empty history database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite'}"
    if postgres is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    return new_database(postgres, "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50])
