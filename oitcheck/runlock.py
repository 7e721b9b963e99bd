"""One audit-many run at a time per output folder and per history database.

Two runs into one folder would overwrite each other's reports and summary, and the last writer would silently
win. A run holds ``fcntl.flock`` on ``OUT/.oitcheck.lock`` (and on the SQLite history file's ``.lock``) while it
lives; the kernel drops the lock with the process, however it ends, so a ``kill -9`` never leaves a run
locked out for good. The file says who holds it (JSON ``{pid, host, started_at, command}``) for the message a
second run prints; a file left by a dead run holds no flock and is simply taken over.

The lock files are never deleted: a run that deleted its file on the way out could leave a waiting run holding
the old, unlinked file while a third locked a new one. Releasing empties the file instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from oitcheck.errors import BadInput, RunLocked

LOCK_NAME = ".oitcheck.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a lock: what its file says."""

    pid: int
    host: str
    started_at: str
    command: str

    @classmethod
    def me(cls, command: str) -> Holder:
        return cls(os.getpid(), socket.gethostname(), datetime.now().astimezone().isoformat(timespec="seconds"),
                   command)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        """The holder a lock file names; None for an empty or unreadable one."""
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["started_at"]), str(data.get("command", "")))
        except (ValueError, TypeError, KeyError):
            return None

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host} since {self.started_at}"


class RunLock:
    """The flocks of one run on ``paths``, taken in order (``acquire``) and held until ``release``. ``note``
    hears of every lock taken over from a run that died holding it (for the run's log)."""

    def __init__(self, paths: list[Path], command: str, note: Callable[[str], None] = lambda _: None) -> None:
        self.paths = paths
        self.holder = Holder.me(command)
        self.note = note
        self._held: list[int] = []

    def acquire(self) -> None:
        """Lock every path; RunLocked (exit 4) naming the holder when another run has one (the locks taken so
        far are given back), BadInput when a lock file cannot be opened."""
        try:
            for path in self.paths:
                self._held.append(self._take(path))
        except BaseException:
            self.release()
            raise

    def _take(self, path: Path) -> int:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise BadInput(f"cannot open the run lock {path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            other = Holder.parse(_read(fd))
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                raise BadInput(f"cannot lock {path}: {exc.strerror or exc}") from None
            raise RunLocked(f"another audit-many run holds {path}: "
                            + (str(other) if other else "its details are not written yet")) from None
        if (left := Holder.parse(_read(fd))) is not None:
            self.note(f"lock {path} taken over from {left}, which ended without releasing it")
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(asdict(self.holder), ensure_ascii=False) + "\n").encode(), 0)
        return fd

    def release(self) -> None:
        """Empty and unlock every file held (closing the descriptor drops the flock)."""
        while self._held:
            fd = self._held.pop()
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""
