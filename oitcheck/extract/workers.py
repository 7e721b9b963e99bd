"""Document and image extraction in separate, time- and memory-limited processes.

A hostile or simply huge file (a malformed PDF that sends PDFium into a loop, a decompression bomb, a
300-page scan) must not hang or kill the crawl. Each file is parsed in a worker process (pebble kills a
worker that overruns its time, and a crash is only that file's failure), and the crawl's own process
keeps fetching pages meanwhile: on a 2-core machine the parsing also runs beside the crawl, not in it.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import resource
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from pebble import ProcessExpired, ProcessPool

from oitcheck.cache import DocumentCache
from oitcheck.extract.documents import extract_document, unreadable
from oitcheck.extract.html import parse_page
from oitcheck.extract.ocr import OcrOptions
from oitcheck.extract.qr import decode_qr, decode_svgs

EXTRACTOR_VERSION = 1  # bump when extraction changes, so cached results are not reused


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


def _limit_memory(memory_mb: int) -> None:
    """Worker initialiser: a bomb fails with MemoryError in the worker instead of swapping the machine."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class ExtractionWorkers:
    """A small process pool for documents and images, with per-file timeouts and a result cache."""

    def __init__(self, limits: WorkerLimits, cache: DocumentCache | None = None) -> None:
        self.limits = limits
        self.cache = cache
        self.pool: ProcessPool | None = None
        self.stats = {"documents": 0, "ocr_pages": 0, "cached": 0, "timeouts": 0, "crashes": 0}

    def start(self) -> None:
        """Start the workers now (pebble would on the first task), so their imports run while the crawl
        starts rather than while the first page waits."""
        if self.pool is not None:
            return
        # spawn, not fork: the crawl's process runs a reactor and threads that a fork would copy half-way
        self.pool = ProcessPool(max_workers=self.limits.workers, max_tasks=self.limits.max_tasks,
                                initializer=_limit_memory, initargs=(self.limits.memory_mb,),
                                context=multiprocessing.get_context("spawn"))
        self.pool.schedule(os.getpid)  # a no-op: makes pebble start its workers

    def close(self) -> None:
        if self.pool is not None:
            self.pool.stop()
            self.pool.join(timeout=10)
            self.pool = None

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
        found = await self._run(decode_qr, (body,), self.limits.image_seconds, "")
        return found if isinstance(found, list) else []

    async def page(self, html: str, url: str, encoding: str | None = None) -> dict[str, Any]:
        """``parse_page`` of one HTML page, or an unreadable verdict when it fails or overruns."""
        return await self._run(parse_page, (html, url, encoding), self.limits.seconds, f"parsing took longer than "
                               f"{self.limits.seconds:.0f} s")

    async def svg_qr_codes(self, svgs: list[str]) -> list[str]:
        found = await self._run(decode_svgs, (svgs,), self.limits.image_seconds, "")
        return found if isinstance(found, list) else []

    async def _run(self, function: Any, args: tuple[Any, ...], seconds: float, timeout_reason: str) -> Any:
        if self.pool is None:
            self.start()
        assert self.pool is not None
        future = self.pool.schedule(function, args=args, timeout=seconds)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            self.stats["timeouts"] += 1
            return unreadable(timeout_reason, cause="timeout")
        except (ProcessExpired, MemoryError) as exc:
            self.stats["crashes"] += 1
            return unreadable(f"the reader failed on this file ({type(exc).__name__})", cause="crash")

    def _key(self, body: bytes, kind: str) -> str:
        ocr = self.limits.ocr
        digest = hashlib.sha256(body).hexdigest()
        return f"{digest}-{kind}-v{EXTRACTOR_VERSION}-ocr{int(ocr.enabled)}-{ocr.max_pages}-{ocr.dpi}"


def _worth_caching(facts: dict[str, Any]) -> bool:
    """OCR results and files that timed out or crashed: the costly ones a nightly run should not redo."""
    return bool(facts.get("ocr", {}).get("pages")) or facts.get("cause") in ("timeout", "crash")
