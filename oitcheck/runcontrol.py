"""audit-many's run control, for runs nobody watches (cron, a systemd timer): the run's log, its locks, its
record in the history store (so ``--resume`` continues it after a crash or a ``kill -9`` without auditing the
finished agencies again) and SIGTERM handled like Ctrl-C.

``controlled_run`` wraps a whole run: it takes the locks (``oitcheck.runlock``: one run at a time per output
folder and per history database), logs the run's start, opens or resumes its run in the store, and yields a
``ManyRun`` that records each agency's entry as it ends and the run's end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from oitcheck.errors import BadInput, OitcheckError, RunLocked, Terminated
from oitcheck.fiscal import today
from oitcheck.runlock import LOCK_NAME, RunLock

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest
    from oitcheck.store import Store

LOG_NAME = "oitcheck.log"
RUN_KIND = "audit-many"  # the store's name for these runs
DB_LOCK = "oitcheck audit-many"  # PostgreSQL: the advisory lock one run at a time holds


class RunLog:
    """``OUT/oitcheck.log``: the run's start (options, pid) and end, each agency's start and end, status and
    error, a line each as they happen, appended (every run of the folder, resumed ones too)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        line = f"{datetime.now().astimezone().isoformat(timespec='seconds')} {' '.join(text.split())}\n"
        with self._lock:
            try:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError:  # the log never stops a run: summary.json holds every outcome
                pass


@dataclass
class ManyRun:
    """One audit-many run: its log, and its run in the store (none with --no-history). ``finished`` holds the
    entries of agencies a resumed run already audited (by ``net.agency_key``); they are not audited again."""

    out: Path
    log: RunLog
    store: Store | None = None
    run_id: int | None = None
    finished: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, key: str, entry: dict[str, Any]) -> None:
        """Keep an agency's summary entry in the store as soon as its audit ended (``--resume`` skips it)."""
        if self.store is not None and self.run_id is not None:
            self.store.record_entry(self.run_id, key, json.loads(json.dumps(entry, ensure_ascii=False)))

    def finish(self, status: int) -> None:
        """The run ended with exit ``status`` (summary written, or none could be audited): never resumed; the
        store then prunes what the retention policy no longer keeps."""
        if self.store is not None and self.run_id is not None:
            self.store.finish_run(self.run_id, status)
            try:
                self.store.prune(today())
            except OitcheckError as exc:  # the run is done and recorded: pruning waits for the next one
                self.log.write(f"history not pruned: {exc}")
        self.log.write(f"run finished exit {status}")

    def stopped(self, exc: BaseException) -> None:
        self.log.write(f"run stopped ({type(exc).__name__}): the agencies still running were stopped, no summary "
                       "written" + ("; --resume continues the run" if self.run_id is not None else ""))


@contextlib.contextmanager
def controlled_run(out: Path, csv_path: Path, shared: AuditRequest, resume: bool,
                   options: dict[str, Any]) -> Iterator[ManyRun]:
    """Lock ``out`` (and the history database of ``shared.db``), log the run's start, open or resume its run
    in the store, and turn SIGTERM into ``Terminated`` for the block."""
    if resume and shared.db is None:
        raise BadInput("--resume needs the history database, which keeps the agencies a run finished; drop "
                       "--no-history")
    log = RunLog(out / LOG_NAME)
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_raises())
        store = None
        if shared.db is not None:
            from oitcheck.store import open_store

            store = open_store(shared.db)
            stack.callback(store.close)
        paths = [out / LOCK_NAME] + ([store.lock_path] if store is not None and store.lock_path else [])
        stack.enter_context(RunLock(paths, shlex.join(["oitcheck", *sys.argv[1:]]), log.write))
        if store is not None and not stack.enter_context(store.advisory_lock(DB_LOCK)):
            holder = store.newest_unfinished(RUN_KIND)
            who = "" if holder is None else (f": pid {holder['pid']} on {holder['host']} since "
                                             f"{holder['started_at']}, into {holder['out']}")
            raise RunLocked(f"another audit-many run holds the history database {store.shown}{who}")
        log.write(f"run started pid {os.getpid()} csv {csv_path} out {out} history "
                  f"{store.shown if store else 'none'} options {json.dumps(options, ensure_ascii=False)}")
        yield _begin(ManyRun(out, log, store), csv_path, resume, options)


def _begin(run: ManyRun, csv_path: Path, resume: bool, options: dict[str, Any]) -> ManyRun:
    """The run in the store: the newest unfinished one of this folder with ``resume``, else a new one."""
    store = run.store
    if store is None:
        return run
    folder = str(run.out.resolve())
    left = store.unfinished_run(RUN_KIND, folder)
    if resume and left is not None:
        run.run_id, run.finished = left, store.run_entries(left)
        run.log.write(f"resuming run {left}: {len(run.finished)} agencies already finished")
        return run
    if resume:
        note(run.log, f"nothing to resume in {run.out}: a new run starts")
    elif left is not None:
        note(run.log, f"run {left} into {run.out} did not finish; a new run starts (--resume would continue it)")
    run.run_id = store.start_run(RUN_KIND, folder, str(csv_path.resolve()), options)
    return run


def note(log: RunLog, text: str, kind: str = "note") -> None:
    """A note (or a warning) on stderr and in the log."""
    print(f"{kind}: {text}", file=sys.stderr)
    log.write(f"{kind}: {text}")


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM (``kill``, systemd's stop) raises ``Terminated`` in the main thread, as Ctrl-C raises
    KeyboardInterrupt, so the run stops its audits and keeps what finished; a second one while it stops is
    ignored. Elsewhere than in the main thread (where no handler can be set) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        signal.signal(signum, signal.SIG_IGN)
        raise Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
