"""Document and image extraction in separate, time- and memory-limited processes.

A hostile or simply huge file (a malformed PDF that sends PDFium into a loop, a decompression bomb, a
300-page scan) must not hang or kill the crawl. Each file is parsed in a worker process (pebble kills a
worker that overruns its time, and a crash is only that file's failure), and the crawl's own process
keeps fetching pages meanwhile: on a 2-core machine the parsing also runs beside the crawl, not in it.

Every failure of a task is that task's ``unreadable`` result, with its ``cause`` (``FailureCause``), never
an exception into the crawl and never a wait without end. A worker that dies while *receiving* a file
(out of memory after a bomb) leaves pebble's pool broken: it fails the tasks it had and no longer answers
the ones queued behind them, and refuses new ones. Such a pool is replaced, once per break, whichever task
notices first (a failed future, a refused ``schedule``, or the health check an awaiting task makes every
``HEALTH_CHECK_SECONDS``: not a time limit, pebble's per-task timeout is that). Blame: the oldest unfinished
tasks of the broken pool, one per worker, are the ones a worker was running or receiving; they get the
failure (cause ``pool``), every other task of that pool is run again on the new one (at most
``RERUNS_AFTER_BREAK`` times, so a file that breaks every pool still ends).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import multiprocessing
import os
import resource
import threading
from concurrent.futures import CancelledError as FutureCancelled
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from oitcheck.cache import DocumentCache
from oitcheck.extract.css import css_head, css_pictures
from oitcheck.extract.documents import extract_document, unreadable
from oitcheck.extract.html import parse_page
from oitcheck.extract.ocr import OcrOptions
from oitcheck.extract.qr import decode_qr, decode_svgs

EXTRACTOR_VERSION = 3  # bump when extraction changes, so cached results are not reused
# How often a task waiting for its result checks that its pool is still alive: a broken pool never
# resolves the tasks still queued in it. A liveness check, not a time limit on the task.
HEALTH_CHECK_SECONDS = 1.0
# A task queued in a pool that broke under another file is run again this many times at most.
RERUNS_AFTER_BREAK = 1
# How long the crawl waits for a retired pool's processes to end (in a background thread).
RETIRE_SECONDS = 10.0


class FailureCause(StrEnum):
    """Why a worker gave up on a file (``DocumentFacts.cause``)."""

    TIMEOUT = "timeout"  # pebble's per-task time limit
    CRASH = "crash"  # the worker process died while reading it (segfault in a C reader, killed)
    MEMORY = "memory"  # MemoryError: the file needs more than the worker's memory limit
    POOL = "pool"  # the pool broke while a worker was running or receiving it
    ERROR = "error"  # the reader raised an exception
    STOPPED = "stopped"  # the workers were closed before the file was read


@dataclass
class WorkerLimits:
    workers: int = 1
    seconds: float = 30.0  # per document, text extraction; OCR adds its own budget
    image_seconds: float = 20.0
    memory_mb: int = 2048
    ocr: OcrOptions = field(default_factory=OcrOptions)
    # A worker is replaced after this many files, so a leak in a reader cannot grow for a whole crawl;
    # a new worker costs about a second of imports (bench/), which matters for cheap tasks like pages.
    max_tasks: int = 500
    # A page too big to parse within the time limit is parsed again this far (about 30,000 links' worth).
    page_head_chars: int = 1_000_000


def _start_worker(memory_mb: int) -> None:
    """Worker initialiser: a bomb fails with MemoryError in the worker instead of swapping the machine, and
    the worker says nothing on the audit's stderr (a worker stopped while the interpreter tears down prints
    "Exception ignored" tracebacks there, which would break the one-line error promise); its failures come
    back through its tasks' results."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)


@dataclass(eq=False)
class _Task:
    """One call to run in the pool, and where it is."""

    function: Any
    args: tuple[Any, ...]
    seconds: float
    timeout_reason: str
    sequence: int
    generation: int = -1  # of the pool it was given to
    future: Future[Any] | None = None
    reruns: int = 0


class _Broken:
    """The outcome of a task whose pool broke or was stopped before it had a result."""

    def __init__(self, stopped: bool = False, reason: str = "") -> None:
        self.stopped, self.reason = stopped, reason


class ExtractionWorkers:
    """A small process pool for documents and images, with per-file timeouts and a result cache; a broken
    pool is replaced (see the module docstring)."""

    def __init__(self, limits: WorkerLimits, cache: DocumentCache | None = None) -> None:
        """``cache``: results kept by content hash (documents and QR codes, or pages' parses), reused when the
        very same bytes come again (a 304's stored body, or a server that sends no validators)."""
        self.limits = limits
        self.cache = cache
        self.pool: ProcessPool | None = None
        self.generation = 0  # the current pool's number; each restart or close moves on
        self.stats = {"documents": 0, "ocr_pages": 0, "cached": 0, "timeouts": 0, "crashes": 0, "memory": 0,
                      "errors": 0, "restarts": 0, "reruns": 0, "stopped": 0,
                      "pages_reused": 0, "qr_reused": 0}
        self._pending: set[_Task] = set()
        self._blamed: set[_Task] = set()
        self._stopped: set[int] = set()  # generations closed on purpose
        self._sequence = itertools.count()
        self.closed = False

    def start(self) -> None:
        """Start the workers now (pebble would on the first task), so their imports run while the crawl
        starts rather than while the first page waits."""
        if self.pool is not None or self.closed:
            return
        # spawn, not fork: the crawl's process runs a reactor and threads that a fork would copy half-way
        self.pool = ProcessPool(max_workers=self.limits.workers, max_tasks=self.limits.max_tasks,
                                initializer=_start_worker, initargs=(self.limits.memory_mb,),
                                context=multiprocessing.get_context("spawn"))
        self.pool.schedule(os.getpid)  # a no-op: makes pebble start its workers

    def start_early(self) -> None:
        """Start the workers now, unless the cache already holds results: on a re-audit most files or all of them
        are reused, and a pool that may never be needed costs a second of CPU to start (its imports); it then
        starts with the first file that needs reading."""
        if self.cache is not None and self.cache.root.is_dir() and any(self.cache.root.iterdir()):
            return
        self.start()

    def close(self) -> None:
        """Stop the workers now, killing those still reading (pebble's stop and join wait for no task); tasks
        still waiting, and any asked for later, get a ``stopped`` failure: no new pool starts after this."""
        self.closed = True
        if self.pool is not None:
            self._stopped.add(self.generation)
            self.generation += 1
            pool, self.pool = self.pool, None
            pool.stop()
            pool.join(timeout=RETIRE_SECONDS)

    def _budget(self, kind: str) -> float:
        ocr = self.limits.ocr
        return self.limits.seconds + (ocr.seconds + 10 if kind == "pdf" and ocr.enabled else 0)

    async def document(self, body: bytes, kind: str) -> dict[str, Any]:
        """Facts of one document (``extract_document``), from the cache when this very file was read before."""
        self.stats["documents"] += 1
        key = self._key(body, kind)
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            self.stats["cached"] += 1
            return cached
        budget = self._budget(kind)
        facts = await self._run(extract_document, (body, kind, self.limits.ocr), budget,
                                f"reading took longer than {budget:.0f} s")
        self.stats["ocr_pages"] += (facts.get("ocr") or {}).get("pages", 0)
        if self.cache is not None and _worth_caching(facts):
            self.cache.put(key, facts)
        return facts

    async def qr_codes(self, body: bytes) -> list[str]:
        key = f"{hashlib.sha256(body).hexdigest()}-qr-{code_version()}"
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            self.stats["qr_reused"] += 1
            return list(cached.get("codes") or [])
        found = await self._run(decode_qr, (body,), self.limits.image_seconds, "")
        if not isinstance(found, list):
            return []
        if self.cache is not None:
            self.cache.put(key, {"codes": found})
        return found

    async def page(self, html: str, url: str, encoding: str | None = None) -> dict[str, Any]:
        """``parse_page`` of one HTML page, or an unreadable verdict when it fails or overruns.

        A huge page that overruns (a generated list of 200,000 links) is parsed again as far as its first
        ``page_head_chars``, the way a visitor sees its top: the facts then say ``partial`` and why."""
        key = self._page_key(html, url, encoding)
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            self.stats["pages_reused"] += 1
            return cached
        facts = await self._parse(html, url, encoding)
        # not a page read only in part because its parse ran out of time: that depends on the machine's load
        if self.cache is not None and facts.get("quality") != "unreadable" and "partial" not in facts:
            self.cache.put(key, facts)
        return facts

    async def _parse(self, html: str, url: str, encoding: str | None) -> dict[str, Any]:
        seconds, head_chars = self.limits.seconds, self.limits.page_head_chars
        facts = await self._run(parse_page, (html, url, encoding), seconds, f"parsing took longer than {seconds:.0f} s")
        if facts.get("cause") != "timeout" or len(html) <= head_chars:
            return facts
        head = await self._run(parse_page, (html[:head_chars], url, encoding), seconds, facts.get("error", ""))
        if head.get("quality") == "unreadable":
            return facts
        return {**head, "partial": f"read only its first {head_chars:,} characters of {len(html):,}: the "
                                   f"whole page took longer than {seconds:.0f} s to parse"}

    async def stylesheet(self, css: str, url: str, max_bytes: int) -> tuple[list[tuple[str, str]], list[str]]:
        """``css_pictures`` of a stylesheet's first ``max_bytes``, under the page time limit: a hostile
        megabyte of CSS costs seconds of tokenizing, better spent here than in the crawl's process.
        ([], []) when it fails or overruns."""
        head = css_head(css, max_bytes)
        key = self._text_key("stylesheet", head, url, str(max_bytes))
        if self.cache is not None and (cached := self.cache.get(key)) is not None:
            self.stats["pages_reused"] += 1  # a theme's stylesheet: a re-audit starts no worker for it
            return [tuple(pair) for pair in cached["named"]], list(cached["imports"])
        found = await self._run(css_pictures, (head, url, max_bytes), self.limits.seconds, "")
        if not isinstance(found, tuple):
            return [], []
        if self.cache is not None:
            self.cache.put(key, {"named": found[0], "imports": found[1]})
        return found

    async def svg_qr_codes(self, svgs: list[str]) -> list[str]:
        found = await self._run(decode_svgs, (svgs,), self.limits.image_seconds, "")
        return found if isinstance(found, list) else []

    async def _run(self, function: Any, args: tuple[Any, ...], seconds: float, timeout_reason: str) -> Any:
        """``function(*args)`` in a worker: its result, or ``unreadable`` with the cause of its failure."""
        task = _Task(function, args, seconds, timeout_reason, next(self._sequence))
        try:
            while True:
                if self.closed:
                    return self._failure(FailureCause.STOPPED, "stopped", "reading was stopped with the crawl")
                refused = self._submit(task)
                if refused is not None:
                    return self._failure(FailureCause.POOL, "crashes", f"the reader's processes could not take "
                                         f"the file ({refused})")
                outcome = await self._outcome(task)
                if not isinstance(outcome, _Broken):
                    return outcome
                if outcome.stopped:
                    return self._failure(FailureCause.STOPPED, "stopped", "reading was stopped with the crawl")
                if task in self._blamed or task.reruns >= RERUNS_AFTER_BREAK:
                    return self._failure(FailureCause.POOL, "crashes", "the reader's process failed on this file "
                                         f"and took its pool down ({outcome.reason})")
                task.reruns += 1
                self.stats["reruns"] += 1
        finally:
            self._pending.discard(task)
            self._blamed.discard(task)

    def _submit(self, task: _Task) -> str | None:
        """Give the task to the current pool (a new one when it is broken); why not, when even a new pool
        refuses it."""
        self._pending.discard(task)
        reason = ""
        for _ in range(2):
            if self.pool is None:
                self.start()
            assert self.pool is not None
            try:
                task.future = self.pool.schedule(task.function, args=task.args, timeout=task.seconds)
            except RuntimeError as exc:  # "the pool is not running", "unexpected error within the pool"
                reason = f"{type(exc).__name__}: {exc}"
                self._restart(self.generation)
                continue
            task.generation = self.generation
            self._pending.add(task)
            return None
        return reason

    async def _outcome(self, task: _Task) -> Any:
        """The task's result or failure verdict; ``_Broken`` when its pool broke or stopped under it."""
        assert task.future is not None
        waiting = asyncio.wrap_future(task.future)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=HEALTH_CHECK_SECONDS)
                if done:
                    break
                if task.generation in self._stopped:
                    waiting.cancel()
                    return _Broken(stopped=True)
                if task.generation != self.generation or self.pool is None or not self.pool.active:
                    waiting.cancel()  # never resolved by a broken pool
                    self._restart(task.generation)
                    return _Broken(reason="the pool stopped answering")
        except asyncio.CancelledError:
            waiting.cancel()  # the crawl gave up on it: pebble stops the task
            raise
        try:
            return waiting.result()
        except TimeoutError:
            return self._failure(FailureCause.TIMEOUT, "timeouts", task.timeout_reason)
        except ProcessExpired as exc:
            return self._failure(FailureCause.CRASH, "crashes", f"the reader's process died on this file "
                                 f"(exit code {exc.exitcode})")
        except MemoryError:
            return self._failure(FailureCause.MEMORY, "memory", f"the file needs more than the reader's "
                                 f"{self.limits.memory_mb} MB of memory")
        except (BrokenProcessPool, asyncio.CancelledError, FutureCancelled) as exc:
            if task.generation in self._stopped:
                return _Broken(stopped=True)
            self._restart(task.generation)
            return _Broken(reason=f"{type(exc).__name__}: {exc}"[:200])
        except Exception as exc:  # noqa: BLE001 - whatever the reader raised is this file's failure
            return self._failure(FailureCause.ERROR, "errors", f"{type(exc).__name__}: {exc}"[:200])

    def _restart(self, generation: int) -> None:
        """Replace pool ``generation`` when it is still the current one (many tasks may see one break)."""
        if generation != self.generation or generation in self._stopped:
            return
        self._blame(generation)
        old, self.pool = self.pool, None
        self.generation += 1
        self.stats["restarts"] += 1
        if old is not None:  # its processes end in the background: the crawl does not wait for them
            threading.Thread(target=_retire, args=(old,), name="oitcheck-retire-pool", daemon=True).start()
        self.start()

    def _blame(self, generation: int) -> None:
        """The oldest unfinished tasks of a broken pool, one per worker: those its workers were running or
        receiving when it broke. The tasks behind them are innocent and run again."""
        unfinished = sorted((t for t in self._pending if t.generation == generation and not _finished(t.future)),
                            key=lambda t: t.sequence)
        self._blamed.update(unfinished[:max(1, self.limits.workers)])

    def _failure(self, cause: FailureCause, counter: str, reason: str) -> dict[str, Any]:
        self.stats[counter] += 1
        return unreadable(reason, cause=cause.value)

    def _key(self, body: bytes, kind: str) -> str:
        ocr = self.limits.ocr
        digest = hashlib.sha256(body).hexdigest()
        limits = f"t{self._budget(kind):g}-m{self.limits.memory_mb}"  # a failure under other limits may not recur
        return f"{digest}-{kind}-{code_version()}-ocr{int(ocr.enabled)}-{ocr.max_pages}-{ocr.dpi}-{limits}"

    def _page_key(self, html: str, url: str, encoding: str | None) -> str:
        """The page's text, its URL (its links resolve against it) and encoding, and the parser's version."""
        limits = self.limits
        return self._text_key("page", html, url, str(encoding), str(limits.page_head_chars), str(limits.seconds))

    @staticmethod
    def _text_key(kind: str, text: str, *context: str) -> str:
        """A cache key for what ``kind`` read from ``text`` in ``context``, in this version of the readers."""
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
        digest.update("".join(f"\0{part}" for part in context).encode("utf-8", "surrogatepass"))
        return f"{digest.hexdigest()}-{kind}-{code_version()}"


@functools.cache
def code_version() -> str:
    """``EXTRACTOR_VERSION`` and a digest of the extraction code and the Thai word lists it reads: any change to
    them is a new version, so no result of the old code is reused (a forgotten bump cannot serve stale facts)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(str(EXTRACTOR_VERSION).encode())
    for path in sorted([*(package / "extract").glob("*.py"), *(package / "checklists").glob("*.th.yaml")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"v{EXTRACTOR_VERSION}-{digest.hexdigest()[:16]}"


def _finished(future: Future[Any] | None) -> bool:
    """Done with a result or its own failure; not one the broken pool aborted."""
    if future is None or not future.done() or future.cancelled():
        return False
    return not isinstance(future.exception(), BrokenProcessPool)


def _retire(pool: ProcessPool) -> None:
    try:
        pool.stop()
        pool.join(timeout=RETIRE_SECONDS)
    except Exception:  # noqa: BLE001, S110 - a dead pool's cleanup has nothing left to report
        pass


def _worth_caching(facts: dict[str, Any]) -> bool:
    """Every file's facts, so the same bytes are never read twice (a nightly run's documents are mostly the same),
    failures included when they are the file's own (a timeout, crash, memory or reader error); not a pool's break
    or a stopped crawl, which may have been another file's or no file's fault, nor a scan OCR could not read on
    this machine (Tesseract missing or failing: installed later, it should read it)."""
    if (facts.get("ocr") or {}).get("status") in ("unavailable", "failed"):
        return False
    return facts.get("cause") not in (FailureCause.POOL, FailureCause.STOPPED)
