"""A real PostgreSQL server for the store's tests: ``$OITCHECK_TEST_PG`` (a server .ci/run started), else a
private cluster started here from Debian's server binaries (as the ``postgres`` user when running as root) on
a free port and a temporary data folder; None where PostgreSQL is not installed (those tests are skipped)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """The URL of a PostgreSQL server to create test databases on (user oitcheck, database postgres)."""
    if os.environ.get("OITCHECK_TEST_PG"):
        yield os.environ["OITCHECK_TEST_PG"]
        return
    bindir = _binaries()
    as_root = os.geteuid() == 0
    if bindir is None or as_root and not shutil.which("runuser"):
        yield None
        return
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="oitcheck-pg-"))
    if as_root:
        shutil.chown(folder, "postgres")
    port = _free_port()
    data = folder / "data"
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "oitcheck"],
                   check=True, capture_output=True)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://oitcheck@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str, name: str) -> str:
    """Create database ``name`` on ``server`` (dropping an old one) and return its URL."""
    import psycopg

    with psycopg.connect(server.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name
