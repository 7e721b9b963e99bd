"""The Scrapyd job spider: ``audit`` with the arguments ``request`` (an AuditRequest as JSON), ``job`` and
``attempt`` (the job table's row and the attempt it was claimed for) and ``time_limit`` (seconds).

It sends no request of its own: the audit runs in a child process (``oitcheck.audit_child``: Twisted's reactor
runs once per process, and this one is Scrapy's), awaited off the reactor's thread, then the spider closes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from oitcheck.node.job import JobOrder, run_job


class AuditJob(scrapy.Spider):
    name = "audit"

    def __init__(self, request: str = "", job: str = "", attempt: str = "", time_limit: str = "0",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.order = JobOrder.parse(request, job, attempt, time_limit)

    async def start(self) -> AsyncIterator[Any]:
        ended = await maybe_deferred_to_future(deferToThread(run_job, self.order, self.logger.info))
        self.logger.info("job %s attempt %s: %s", self.order.job_id, self.order.attempt, ended)
        return
        yield  # an async generator that yields nothing: the spider closes once the audit is done
