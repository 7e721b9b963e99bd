"""Scrapy components as a crawl builds them, without a crawl, a server or the network.

Unit tests of the downloader middlewares and the scheduler queue take a Crawler from Scrapy's own
``get_crawler`` with the settings a real audit runs with (``oitcheck.crawl.build_settings``), build the
component with ``build_from_crawler`` and hand it made-up requests and responses. ``NetworkGuard``
answers name lookups from a table and records every connection attempt, so "no traffic leaves the
test" is checked, not assumed.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Spider
from scrapy.core.downloader import Downloader
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.test import get_crawler

from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.net import resolve


def oitcheck_settings(options: CrawlOptions | None = None, **overrides: Any) -> dict[str, Any]:
    """What oitcheck sets for a crawl with ``options`` (Scrapy's own defaults left to ``get_crawler``,
    which picks the reactor settings that suit this test process)."""
    settings = build_settings(options or CrawlOptions())
    values = settings.copy_to_dict()
    chosen = {name: value for name, value in values.items()
              if (settings.getpriority(name) or 0) > SETTINGS_PRIORITIES["default"]}
    return {**chosen, **overrides}


def make_crawler(options: CrawlOptions | None = None, **overrides: Any) -> Crawler:
    """A configured crawler with a spider (retries and redirects ask it for settings), not started, with no
    download handlers: nothing built from it can download."""
    overrides = {"DOWNLOAD_HANDLERS": {"http": None, "https": None}, **overrides}
    crawler = get_crawler(Spider, oitcheck_settings(options, **overrides))
    crawler.spider = crawler._create_spider("agency")  # as Scrapy's own middleware tests do
    return crawler


def give_engine(crawler: Crawler) -> Downloader:
    """The engine and downloader a crawl would have by its first response; nothing is started."""
    crawler.engine = ExecutionEngine(crawler, lambda _: None)
    return crawler.engine.downloader


class NetworkGuard:
    """Stands in for name lookups and connections while a test runs.

    ``names`` maps host names to the addresses they "resolve" to; ``localhost`` is looked up for real (the
    hosts file) and numeric forms such as ``0x7f000001`` are parsed by the system without any lookup. Every
    other name does not resolve. Connection attempts fail and are recorded in ``connections``."""

    def __init__(self, names: dict[str, list[str]] | None = None) -> None:
        self.names = dict(names or {})
        self.lookups: list[str] = []
        self.connections: list[Any] = []
        self._getaddrinfo = socket.getaddrinfo

    def getaddrinfo(self, host: str, port: Any, family: int = 0, type: int = 0,  # noqa: A002 - socket's name
                    proto: int = 0, flags: int = 0) -> list[Any]:
        self.lookups.append(host)
        if host in self.names:
            return [(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM,
                     socket.IPPROTO_TCP, "", (address, port or 0)) for address in self.names[host]]
        if host == "localhost":
            return self._getaddrinfo(host, port, family, type, proto, flags)
        return self._getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    def create_connection(self, address: Any, *args: Any, **kwargs: Any) -> Any:
        self.connections.append(address)
        raise ConnectionRefusedError("tests/support/crawler.py: no connections from unit tests")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", self.create_connection)
        for method in ("connect", "connect_ex"):  # a function, so the socket binds as its first argument
            monkeypatch.setattr(socket.socket, method, lambda sock, address: self.create_connection(address))
        return self


def guarded(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]] | None = None) -> Iterator[NetworkGuard]:
    """Body of a test module's network fixture: the guard for one test, the lookup cache emptied before
    and after (``oitcheck.net.resolve`` caches per process), and no connection left unexplained."""
    resolve.cache_clear()
    guard = NetworkGuard(names).install(monkeypatch)
    yield guard
    resolve.cache_clear()
    assert guard.connections == [], "a unit test tried to connect"
