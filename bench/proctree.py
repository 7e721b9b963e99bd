"""Resident memory of a process and every process under it, read from /proc (Linux).

audit-many runs each agency's audit in a child process, and the children start workers of their own, in
process groups of their own: the whole run's memory is the sum over the parent and all its descendants,
found by parent id (not by session or group). ``PeakSampler`` polls it in a thread and keeps the peaks.

The summed VmRSS counts the pages processes share (the interpreter, its libraries) once per process, so it
overstates what the tree holds; the summed PSS (each shared page divided among its sharers) is kept beside it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Self


@dataclass
class TreeSample:
    """One look at a process tree: its summed and largest resident set, its summed proportional set size
    (kB) and how many processes."""

    total_kb: int = 0
    largest_kb: int = 0
    processes: int = 0
    pss_kb: int = 0


def parents() -> dict[int, int]:
    """Process id -> its parent's id, for every process visible now."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # the name may hold spaces and ")"
            found[int(entry.name)] = int(fields[1])  # field 4 of stat, the parent's id
        except (OSError, ValueError, IndexError):  # it ended while we looked
            continue
    return found


def tree(root: int) -> list[int]:
    """``root`` and all its descendants alive now."""
    children: dict[int, list[int]] = {}
    for pid, parent in parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _proc_kb(pid: int, name: str, field: bytes) -> int:
    """``field`` of ``/proc/PID/name`` in kB (0 once the process has ended, for a zombie, or where the kernel
    does not say)."""
    try:
        with open(f"/proc/{pid}/{name}", "rb") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_kb(pid: int) -> int:
    """A process's VmRSS in kB."""
    return _proc_kb(pid, "status", b"VmRSS:")


def pss_kb(pid: int) -> int:
    """A process's proportional set size in kB."""
    return _proc_kb(pid, "smaps_rollup", b"Pss:")


def sample(root: int) -> TreeSample:
    pids = tree(root)
    sizes = [size for size in (rss_kb(pid) for pid in pids) if size]
    return TreeSample(sum(sizes), max(sizes, default=0), len(sizes), sum(pss_kb(pid) for pid in pids))


class PeakSampler:
    """Samples ``root``'s tree every ``interval`` seconds in a thread while in the ``with`` block; keeps the
    largest sum, the largest single process and the most processes seen (each at its own moment)."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root, self.interval = root, interval
        self.peak = TreeSample()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.take()
            if self._stop.wait(self.interval):
                return

    def take(self) -> TreeSample:
        now = sample(self.root)
        self.samples += 1
        self.peak = TreeSample(max(self.peak.total_kb, now.total_kb), max(self.peak.largest_kb, now.largest_kb),
                               max(self.peak.processes, now.processes), max(self.peak.pss_kb, now.pss_kb))
        return now

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
