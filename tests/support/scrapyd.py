"""Real Scrapyd nodes for the tests and the benchmark: ``scrapyd`` started on 127.0.0.1, a free port and a
folder of its own (its scrapyd.conf, logs and queues), running the installed oitcheck as the project
``oitcheck`` (``[settings] oitcheck = oitcheck.node.settings`` in the scrapy.cfg of its folder), as the
README tells an operator to."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STARTUP_LIMIT_S = 120.0  # only a node that never comes up waits this long

CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
max_proc = {slots}
poll_interval = 0.2
logs_dir = {folder}/logs
dbs_dir = {folder}/dbs
eggs_dir = {folder}/eggs
jobs_to_keep = 100
finished_to_keep = 1000
"""
# Scrapy (``scrapy list``, ``scrapy crawl`` in each job) and Scrapyd both read the scrapy.cfg of the folder
# they run in: the installed package's settings module is the project.
PROJECT_CFG = "[settings]\noitcheck = oitcheck.node.settings\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ScrapydNode:
    """One Scrapyd process (leader of its own process group, so its jobs can be stopped with it)."""

    def __init__(self, folder: Path, slots: int, env: dict[str, str] | None = None, auth: str = "") -> None:
        """``auth``: "user:password" for Scrapyd's HTTP basic authentication."""
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        self.auth = auth
        user, _, password = auth.partition(":")
        conf = CONF.format(port=self.port, slots=slots, folder=folder) + (
            f"username = {user}\npassword = {password}\n" if auth else "")
        (folder / "scrapyd.conf").write_text(conf, encoding="utf-8")
        (folder / "scrapy.cfg").write_text(PROJECT_CFG, encoding="utf-8")
        root = str(Path(__file__).resolve().parents[2])  # this checkout's oitcheck, in the jobs too
        self.env = {**os.environ, **(env or {}),
                    "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ScrapydNode:
        log = (self.folder / "scrapyd.out").open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=self.folder, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        process_group=0)
        log.close()
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while self.call("daemonstatus.json") is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"scrapyd did not start: {(self.folder / 'scrapyd.out').read_text()[-2000:]}")
            time.sleep(0.1)
        return self

    def call(self, endpoint: str) -> dict | None:
        headers = {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()} if self.auth else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{self.url}/{endpoint}", headers=headers),
                                        timeout=10) as answer:
                return json.loads(answer.read())
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """``kill -9`` of the Scrapyd process alone: its running jobs are orphaned, as when the daemon dies."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop the node and every job it started (its whole process group)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
