"""audit-many's child processes: each agency's audit runs as the leader of a process group of its own, so a
time limit or the parent's own interruption can stop it together with everything it started (its extraction
and parsing workers), and a terminal's Ctrl-C reaches only the parent, which stops the children itself.

A parent that dies without stopping them (``kill -9``, the OOM killer) must not leave them running, and being
leaders of their own groups they outlive it. So each child holds a lifeline: the read end of a pipe whose
write end only the parent holds (the parent's pipes are close-on-exec, so no sibling inherits it). When the
parent is gone, however it ended, the kernel closes that write end; the child reads end-of-file and kills its
own process group.
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
# How a child is told which of its file descriptors is its lifeline (appended to its command).
LIFELINE_OPTION = "--lifeline"


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
        self._stopped = False
        self.groups: list[int] = []

    def run(self, command: list[str], stdin: str, time_limit: float | None) -> ChildOutcome:
        """Run ``command`` with ``stdin`` and ``--lifeline FD`` appended (see ``watch_lifeline``); after
        ``time_limit`` seconds kill its whole process group."""
        lifeline, held = os.pipe()  # both close-on-exec: only this child gets the read end, no child the write end
        try:
            process = subprocess.Popen([*command, LIFELINE_OPTION, str(lifeline)], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0,
                                       pass_fds=(lifeline,))
        except BaseException:
            os.close(held)
            raise
        finally:
            os.close(lifeline)
        with self._lock:
            self._running[process.pid] = process
            self.groups.append(process.pid)
            if self._stopped:  # started while stop_all ran: it goes too
                kill_group(process)
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
            os.close(held)  # the child is gone (or its group killed): its lifeline can go too

    def stop_all(self) -> None:
        """Kill every running child's process group, and any started from now on (the parent was interrupted
        or failed)."""
        with self._lock:
            self._stopped = True
            running = list(self._running.values())
        for process in running:
            kill_group(process)


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process group ``process`` leads (Linux keeps a group's id from reuse while any member lives,
    so this never reaches a stranger)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def watch_lifeline(fd: int) -> None:
    """In a child: when file descriptor ``fd`` (the lifeline's read end) reaches end-of-file, the parent is gone:
    SIGKILL this process's group (the audit and its workers) before anything else. A process that does not lead
    its own group (started by hand) kills only itself, never its caller's group."""

    def wait() -> None:
        while True:
            try:
                if os.read(fd, 1024):
                    continue  # nothing is ever written; only the end matters
            except OSError:
                pass  # a closed or broken descriptor: the lifeline is cut all the same
            if os.getpgid(0) == os.getpid():
                os.killpg(0, signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=wait, name="lifeline", daemon=True).start()


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
