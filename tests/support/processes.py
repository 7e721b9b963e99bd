"""Finding and watching the processes a test started (audit-many, its child audits and their workers), by
state: the environment mark they inherit, their process group, their end (a pidfd), never by sleeping."""

from __future__ import annotations

import contextlib
import os
import queue
import select
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path


def marked(mark: str) -> list[int]:
    """Running processes whose environment carries ``OITCHECK_TEST_MARK=mark`` (zombies are not running)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"OITCHECK_TEST_MARK={mark}".encode() not in environ.read_bytes().split(b"\0"):
                continue
            state = (environ.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(environ.parent.name))
    return found


def live_members(group: int) -> list[int]:
    """Processes of process group ``group`` that are still running (zombies waiting for init are not)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            live.append(int(stat.parent.name))
    return live


def group_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


def wait_gone(pids: list[int], limit: float = 120.0) -> list[int]:
    """Block until every process of ``pids`` has ended (each one's pidfd turns readable); returns those still
    running when ``limit`` seconds passed first, so a leak fails the test instead of hanging it."""
    fds = {}
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            fds[os.pidfd_open(pid)] = pid
    deadline = time.monotonic() + limit
    try:
        while fds:
            ready, _, _ = select.select(list(fds), [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            for fd in ready:
                os.close(fd)
                fds.pop(fd)
        return sorted(fds.values())
    finally:
        for fd in fds:
            os.close(fd)


class Lines:
    """The lines a process writes to a pipe, read by a thread as they come, so a test can wait for one."""

    def __init__(self, pipe: object) -> None:
        self.seen: list[str] = []
        self.ended = False
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, wanted: Callable[[list[str]], bool], limit: float = 180.0) -> bool:
        """Block until ``wanted(lines so far)``; False at the end of the output or after ``limit`` seconds."""
        deadline = time.monotonic() + limit
        while not wanted(self.seen):
            if self.ended:
                return False
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return False
            if line is None:
                self.ended = True
                return wanted(self.seen)
            self.seen.append(line)
        return True

    def rest(self, limit: float = 180.0) -> str:
        """Everything written, once the pipe closed."""
        self.wait_for(lambda _: False, limit)
        return "".join(self.seen)


def stop(process: subprocess.Popen[str]) -> None:
    """Kill a process a test started and everything marked with it, if a test failed half way."""
    if process.poll() is None:
        process.kill()
    process.wait()
