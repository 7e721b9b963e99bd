"""audit-many's child processes: each agency's audit runs as the leader of a process group of its own, so a
time limit or the parent's own interruption can stop it together with everything it started (its extraction
and parsing workers), and a terminal's Ctrl-C reaches only the parent, which stops the children itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from dataclasses import dataclass

# Only a safety net for reading what a killed child said: its pipes close when its group is dead.
DRAIN_SECONDS = 30.0


@dataclass
class ChildOutcome:
    """How one child ended: its exit status (negative: the signal that killed it) and what it printed."""

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False


class ChildProcesses:
    """The children running now, by process id; ``groups`` keeps every process group ever started (tests check
    that a stopped child's group is gone)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, subprocess.Popen[str]] = {}
        self.groups: list[int] = []

    def run(self, command: list[str], stdin: str, time_limit: float | None) -> ChildOutcome:
        """Run ``command`` with ``stdin``; after ``time_limit`` seconds kill its whole process group."""
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, process_group=0)
        with self._lock:
            self._running[process.pid] = process
            self.groups.append(process.pid)
        try:
            try:
                stdout, stderr = process.communicate(stdin, timeout=time_limit)
            except subprocess.TimeoutExpired:
                ended = process.poll() is not None  # it ended in time; only workers it left hold the pipes
                kill_group(process)
                stdout, stderr = _drain(process)
                return ChildOutcome(process.returncode, stdout, stderr, timed_out=not ended)
            kill_group(process)  # a worker that outlived its audit goes with it
            return ChildOutcome(process.returncode, stdout, stderr)
        finally:
            with self._lock:
                self._running.pop(process.pid, None)

    def stop_all(self) -> None:
        """Kill every running child's process group (the parent was interrupted or failed)."""
        with self._lock:
            running = list(self._running.values())
        for process in running:
            kill_group(process)


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process group ``process`` leads (Linux keeps a group's id from reuse while any member lives,
    so this never reaches a stranger)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _drain(process: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        stdout, stderr = process.communicate(timeout=DRAIN_SECONDS)
    except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipes: give up on them
        process.kill()
        for pipe in (process.stdout, process.stderr):
            if pipe:
                pipe.close()
        process.wait()
        return "", ""
    return stdout or "", stderr or ""
