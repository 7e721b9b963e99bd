"""The servers ``make eval-real`` runs for itself: a private MariaDB (only when a site has a dump) and one
``php -S`` per site, all on 127.0.0.1 free ports, all stopped on exit (Ctrl-C included)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bench.real.sites import Site

START_TIMEOUT = 60.0  # seconds a server may take to answer its first connection
PHP_PACKAGES = "php-cli php-mysql php-intl php-mbstring php-gd"
REQUEST_LINE = re.compile(r"^GET (\S+)$", re.M)  # a page read, not a HEAD link check
# php -S logs only what it serves itself, not what a site's router script answers (a CodeIgniter site's pages),
# so every site is served through this router: it writes each request to the request log, then hands it on to
# the site's own router, or back to php -S (``false``).
LOGGING_ROUTER = """<?php
file_put_contents({log}, $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\\n", FILE_APPEND | LOCK_EX);
return {then};
"""


def php_string(value: str) -> str:
    """``value`` as a single-quoted PHP string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class MissingTool(RuntimeError):
    """A program the harness needs is not installed (the message names the Debian package)."""


def need(program: str, package: str) -> str:
    path = shutil.which(program) or next((p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}")
                                          if os.access(p, os.X_OK)), None)
    if path is None:
        raise MissingTool(f"{program} not found: install the Debian package(s) {package}")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(ready, process: subprocess.Popen, what: str, log: Path) -> None:
    """Poll ``ready()`` until it holds; a server that exits or never answers is an error naming its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
            raise RuntimeError(f"{what} did not start (see {log}): {tail.strip()}")
        time.sleep(0.2)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _stop(process: subprocess.Popen) -> None:
    """Stop a server we started (its own process group), politely first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class MariaDB:
    """A throw-away MariaDB: its own data folder, socket and port; root without a password."""

    def __init__(self, workdir: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="mariadb-", dir=workdir))
        self.socket = str(self.folder / "mysql.sock")
        self.port = free_port()
        self.log = self.folder / "server.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> MariaDB:
        server = need("mariadbd", "mariadb-server")
        install = need("mariadb-install-db", "mariadb-server")
        data = self.folder / "data"
        user = ["--user=root"] if os.geteuid() == 0 else []
        with open(self.folder / "install.log", "w") as out:
            subprocess.run([install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
                            "--skip-test-db", *user], stdout=out, stderr=subprocess.STDOUT, check=True)
        self.process = subprocess.Popen(
            [server, "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", f"--port={self.port}",
             "--bind-address=127.0.0.1", "--skip-name-resolve", f"--log-error={self.log}",
             f"--pid-file={self.folder / 'mariadbd.pid'}", *user],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_for(lambda: Path(self.socket).exists() and _listening(self.port), self.process, "mariadbd", self.log)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            _stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)

    def load(self, database: str, dump: Path) -> None:
        """Create ``database`` and load ``dump`` into it (errors in old dumps are skipped, as phpMyAdmin would)."""
        client = need("mariadb", "mariadb-client")
        base = [client, "--no-defaults", f"--socket={self.socket}", "-uroot"]
        quoted = database.replace("`", "``")
        subprocess.run([*base, "-e", f"CREATE DATABASE IF NOT EXISTS `{quoted}` CHARACTER SET utf8mb4"], check=True)
        with open(dump, "rb") as source, open(self.folder / f"load-{database}.log", "wb") as out:
            subprocess.run([*base, "--force", "--default-character-set=utf8mb4", database], stdin=source,
                           stdout=out, stderr=subprocess.STDOUT, check=False)


@dataclass
class PhpServer:
    """``php -S 127.0.0.1:<free port>`` for one site's tree; its request log says which URLs were requested."""

    site: Site
    tree: Path
    workdir: Path
    database: MariaDB | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / f"php-{self.site.name}.log"

    @property
    def request_log(self) -> Path:
        return self.workdir / f"requests-{self.site.name}.log"

    def _router(self) -> Path:
        """The logging router in front of the site's own (``LOGGING_ROUTER``)."""
        own = self.tree / self.site.router if self.site.router else None
        then = f"require {php_string(str(own))}" if own else "false"
        router = self.workdir / f"router-{self.site.name}.php"
        router.write_text(LOGGING_ROUTER.format(log=php_string(str(self.request_log)), then=then), encoding="utf-8")
        self.request_log.write_bytes(b"")
        return router

    def __enter__(self) -> PhpServer:
        php = need("php", PHP_PACKAGES)
        ini = ["-d", "display_errors=1", "-d", "error_reporting=E_ALL&~E_DEPRECATED&~E_NOTICE&~E_WARNING"]
        if self.database is not None:
            ini += ["-d", f"mysqli.default_socket={self.database.socket}",
                    "-d", f"pdo_mysql.default_socket={self.database.socket}",
                    "-d", f"mysqli.default_port={self.database.port}"]
        docroot = self.tree / self.site.docroot
        router = [str(self._router())]
        env = {**os.environ, **{k: str(v).format(port=self.port) for k, v in self.site.env.items()}}
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen([php, *ini, "-S", f"127.0.0.1:{self.port}", "-t", str(docroot), *router],
                                            cwd=docroot, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        _wait_for(lambda: _listening(self.port), self.process, f"php -S for {self.site.name}", self.log)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            _stop(self.process)

    def log_size(self) -> int:
        return self.request_log.stat().st_size

    def requested(self, since: int = 0) -> set[str]:
        """The targets (``/path?query``, percent-decoded) fetched with GET since byte ``since`` of the request log."""
        with open(self.request_log, "rb") as log:
            log.seek(since)
            text = log.read().decode("utf-8", errors="replace")
        return {unquote(m.group(1)) for m in REQUEST_LINE.finditer(text)}


class Servers:
    """The servers of one run: MariaDB started the first time a site needs it (stopped when the ``with``
    block ends, however it ends), and a PHP server per site that its caller runs as a context manager."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.database: MariaDB | None = None

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.database is not None:
            self.database.__exit__()

    def php(self, site: Site, tree: Path) -> PhpServer:
        """Load the site's dumps (if any) and return its PHP server, to be started with ``with``."""
        if site.databases:
            if self.database is None:
                self.database = MariaDB(self.workdir)
                self.database.__enter__()
            for name, dump in site.databases.items():
                self.database.load(name, tree / dump)
        return PhpServer(site, tree, self.workdir, self.database if site.databases else None)
