"""Opening the history store: which database, its connection settings, and its schema brought up to date.

SQLite (the default) runs in WAL mode, so the nightly audit-many's children record their audits while the
parent reads; every transaction starts with ``BEGIN IMMEDIATE``, so two writers queue on the busy timeout
instead of failing on a lock upgrade. PostgreSQL is reached with psycopg 3 (``postgresql://`` URLs are
read as ``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from oitcheck.errors import BadInput, HistoryNotSaved

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 60_000  # a writer waits this long for another (an audit's whole record is one transaction)

T = TypeVar("T")


def in_transaction(engine: Engine, where: str, work: Callable[[Connection], T]) -> T:
    """``work`` in one transaction of ``engine``; a database error is one line naming the database (``where``):
    HistoryNotSaved (exit 5), never a traceback."""
    try:
        with engine.begin() as connection:
            return work(connection)
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise HistoryNotSaved(f"history database {where}: {reason}") from None


def default_path() -> Path:
    """``$XDG_DATA_HOME/oitcheck/history.sqlite``, else ``~/.local/share/oitcheck/history.sqlite``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oitcheck" / "history.sqlite"


def resolve_url(db: str | None, default: Path | None = None) -> str:
    """The SQLAlchemy URL of ``db`` (a URL or a file path), else ``$OITCHECK_DB``, else ``default`` (else the
    per-user default file)."""
    text = (db or os.environ.get("OITCHECK_DB") or "").strip()
    if not text:
        return f"sqlite:///{(default or default_path()).expanduser().absolute()}"
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain):]
    return text


def shown(url: str) -> str:
    """The URL for messages: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for another database, or SQLite in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def connect(url: str) -> Engine:
    """An engine for ``url``, its schema migrated to the newest version; BadInput when it cannot be opened."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(f"history database {url!r} is not a database URL (sqlite:///PATH or "
                       "postgresql://USER@HOST:PORT/DB) or a file path") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BadInput(f"history database {shown(url)}: only SQLite and PostgreSQL are supported")
    try:
        if backend == "sqlite":
            engine = _sqlite(url)
        else:
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
        migrate(engine)
    except (SQLAlchemyError, OSError) as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise BadInput(f"cannot open the history database {shown(url)}: {reason}") from None
    return engine


def _sqlite(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt; a power cut may lose the last run
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, target: str = "head") -> None:
    """Bring the schema to ``target`` in place (an old database is upgraded, never dropped); nothing to do at
    the newest version, the everyday case, costs one query."""
    if target == "head" and revision(engine) == head():
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
