"""Ctrl-C (or SIGTERM) stops a crawl at once.

Scrapy's own first Ctrl-C is a graceful stop: it closes the spider only after every request already handed to the
downloader has finished, so a site whose pages hang keeps the audit alive for the download timeout and its
retries (40 s and more), while the downloader still sends the requests it had queued and the progress counter
keeps rising. An interrupted audit writes nothing, so none of that work is worth waiting for. Here the first
signal instead:

- closes the downloader's gate (``HaltingDownloader``): no request is sent after it, queued ones are dropped;
- tells the crawl's components (``INTERRUPTED``): the progress display stops, the extraction workers are killed
  without waiting for their tasks;
- stops the reactor without Scrapy's graceful close; the reactor's shutdown drops every open connection, which
  cancels the downloads in flight.

The crawl then has no finish reason, which ``oitcheck.audit`` reads as interrupted (exit 130, nothing written).
A second signal while this runs is Scrapy's forced stop, as before.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.crawler import CrawlerProcess
from scrapy.utils.ossignal import install_shutdown_handlers

logger = logging.getLogger(__name__)

# Sent (``crawler.signals``) in the reactor's thread when a signal interrupts the crawl, before the reactor stops;
# the receivers stop at once whatever they run. No spider_closed follows.
INTERRUPTED = object()
# How the console names the signal that interrupted an audit.
SIGNAL_WORDS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


def signal_words(signum: int) -> str:
    try:
        return SIGNAL_WORDS.get(signal.Signals(signum), signal.Signals(signum).name)
    except ValueError:
        return f"signal {signum}"


class HaltingDownloader(Downloader):
    """Scrapy's downloader with a gate that ``halt`` closes: every request reaches the network through
    ``_process_queue``, which then sends nothing more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.halted = False

    def halt(self) -> None:
        """Send no request from now on and drop the queued ones (their crawl is over)."""
        self.halted = True
        for slot in self.slots.values():
            slot.queue.clear()
        self.close()  # delayed queue processing and the slots' cleanup loop

    def _process_queue(self, slot: Slot) -> None:
        if self.halted:
            slot.queue.clear()
            return
        super()._process_queue(slot)


class InterruptibleProcess(CrawlerProcess):
    """``CrawlerProcess`` whose first shutdown signal stops the crawl at once (see the module docstring);
    ``interrupted_by`` names that signal (None: the crawl ended otherwise)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interrupted_by: int | None = None

    def _signal_shutdown(self, signum: int, _: Any) -> None:
        # A signal handler: no logging, no work beyond handing the stop to the reactor's thread.
        from twisted.internet import reactor

        install_shutdown_handlers(self._signal_kill)  # a second signal forces the stop, as in Scrapy
        self.interrupted_by = signum
        reactor.callFromThread(self.stop_now, signum)

    def stop_now(self, signum: int) -> None:
        """In the reactor's thread: close every downloader's gate, tell the components, stop the reactor."""
        logger.info("Received %s: stopping the crawl at once (send again to force)", signal_words(signum))
        for crawler in list(self.crawlers):
            crawler.crawling = False  # the reactor's shutdown then skips Scrapy's graceful stop of this crawler
            engine = crawler.engine
            if engine is not None:
                engine.pause()  # no request leaves the scheduler
                if isinstance(engine.downloader, HaltingDownloader):
                    engine.downloader.halt()
            crawler.signals.send_catch_log(signal=INTERRUPTED)
        # The downloads, parses and reads under way are abandoned on purpose: asyncio's "Task was destroyed but
        # it is pending!" for each of them when the process ends would bury the audit's one line (--verbose).
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        self._stop_reactor()
