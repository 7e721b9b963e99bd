"""Hostile input costs only itself: the extraction workers survive any failure of a task (a replaced pool
when one breaks), and a crawl of a site full of document bombs ends with each one recorded unreadable and
the normal documents after them read."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from oitcheck.extract.workers import ExtractionWorkers, FailureCause, WorkerLimits


def _echo(value: Any) -> Any:
    return value


def _raise(message: str) -> None:
    raise ValueError(message)


def _hog_memory() -> bytes:
    return b"x" * (4 * 1024 * 1024 * 1024)  # past the worker's address-space limit


class _ExitOnArrival:
    """Unpickled by the worker as it receives its task: the worker dies before it acknowledges it, which
    pebble answers with "All workers expired" and a broken pool (as a worker out of memory after a bomb
    does on the next large file)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return os._exit, (3,)


def _workers(**limits: Any) -> ExtractionWorkers:
    return ExtractionWorkers(WorkerLimits(workers=1, **limits))


def test_a_worker_dying_as_it_receives_a_file_breaks_the_pool_once_and_only_that_file_fails():
    async def scenario() -> tuple[list[Any], dict[str, int]]:
        workers = _workers(seconds=20)
        workers.start()
        try:
            first = await workers._run(_echo, ("before",), 20, "")
            results = await asyncio.gather(workers._run(_echo, (_ExitOnArrival(),), 20, ""),
                                           *(workers._run(_echo, (f"queued {n}",), 20, "") for n in range(3)))
            after = await workers._run(_echo, ("after",), 20, "")
            return [first, *results, after], dict(workers.stats)
        finally:
            workers.close()

    results, stats = asyncio.run(scenario())
    first, killer, *queued, after = results
    assert first == "before" and after == "after"
    assert killer["quality"] == "unreadable" and killer["cause"] == FailureCause.POOL
    assert "BrokenProcessPool" in killer["error"] or "pool" in killer["error"]
    assert queued == ["queued 0", "queued 1", "queued 2"]  # run again on the new pool
    assert stats["restarts"] == 1 and stats["crashes"] == 1


def test_a_stopped_pool_is_replaced_and_the_next_task_runs():
    async def scenario() -> tuple[Any, dict[str, int]]:
        workers = _workers()
        workers.start()
        try:
            assert workers.pool is not None
            workers.pool.stop()  # what pebble's "the pool is not running" comes from
            return await workers._run(_echo, ("fine",), 20, ""), dict(workers.stats)
        finally:
            workers.close()

    result, stats = asyncio.run(scenario())
    assert result == "fine" and stats["restarts"] == 1


def test_an_exception_or_memory_error_is_the_tasks_failure_not_the_crawls():
    async def scenario() -> tuple[Any, Any, Any, dict[str, int]]:
        workers = _workers(memory_mb=1024)
        workers.start()
        try:
            raised = await workers._run(_raise, ("bad file",), 20, "")
            hog = await workers._run(_hog_memory, (), 20, "")
            fine = await workers._run(_echo, ("fine",), 20, "")
            return raised, hog, fine, dict(workers.stats)
        finally:
            workers.close()

    raised, hog, fine, stats = asyncio.run(scenario())
    assert raised["cause"] == FailureCause.ERROR and raised["error"] == "ValueError: bad file"
    assert hog["cause"] == FailureCause.MEMORY and "1024 MB" in hog["error"]
    assert fine == "fine"
    assert (stats["errors"], stats["memory"], stats["restarts"]) == (1, 1, 0)
