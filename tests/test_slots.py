"""Download slots by server address (oitcheck.slots), tested the way Scrapy tests its components: a crawler
from ``get_crawler`` with the audit's settings, the middleware and the scheduler queue from
``build_from_crawler``, hand-made requests. Names resolve from Scrapy's DNS cache or a stand-in for the
crawl's resolver; nothing is looked up on the network and no connection is made."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import twisted.internet
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.exceptions import CannotResolveHostError
from scrapy.resolver import dnscache
from scrapy.squeues import FifoMemoryQueue
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.error import DNSLookupError

from oitcheck.slots import AddressAwarePriorityQueue, AddressSlotMiddleware
from tests.support.crawler import NetworkGuard, give_engine, guarded, make_crawler


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    yield from guarded(monkeypatch)


@pytest.fixture(autouse=True)
def cached() -> Iterator[dict[str, str]]:
    """Scrapy's process-wide DNS cache, as the crawl's resolver fills it; restored after each test."""
    before = dict(dnscache)
    dnscache.clear()
    yield dnscache
    dnscache.clear()
    dnscache.update(before)


class Resolver:
    """Stands in for the reactor's resolver, the one the download itself would use."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names, self.asked = names, []

    def resolve(self, name: str) -> Deferred[str]:
        self.asked.append(name)
        if name in self.names:
            return succeed(self.names[name])
        return fail(DNSLookupError(name))


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """``from twisted.internet import reactor`` gets the stand-in; no reactor is installed in this process."""
    stand_in = Resolver({"localhost": "127.0.0.1"})
    monkeypatch.setitem(sys.modules, "twisted.internet.reactor", stand_in)
    monkeypatch.setattr(twisted.internet, "reactor", stand_in, raising=False)
    return stand_in


def slot_of(request: Request, **settings: Any) -> str | None:
    middleware = build_from_crawler(AddressSlotMiddleware, make_crawler(**settings))
    assert asyncio.run(middleware.process_request(request)) is None  # it never answers, only files
    return request.meta.get("download_slot")


# --- AddressSlotMiddleware: each request goes to its server's slot ------------------------------------------
def test_a_known_name_goes_to_its_servers_slot(cached, resolver):
    cached["www.agency.example"] = "8.8.8.8"
    assert slot_of(Request("https://www.agency.example/ita")) == "8.8.8.8"
    assert resolver.asked == []  # the cached lookup is used


def test_a_new_name_is_looked_up_through_the_crawls_resolver(resolver):
    assert slot_of(Request("http://localhost:8000/")) == "127.0.0.1"
    assert resolver.asked == ["localhost"]


def test_a_name_that_does_not_resolve_fails_as_its_download_would(resolver):
    with pytest.raises(CannotResolveHostError, match="nowhere.invalid"):
        slot_of(Request("http://nowhere.invalid/"))


@pytest.mark.parametrize("request_", [
    Request("http://127.0.0.1:8080/"),  # an address is its own slot
    Request("http://[::1]/"),
    Request("ftp://files.agency.example/o12.pdf"),
    Request("http://www.agency.example/", meta={"download_slot": "chosen"}),
], ids=["ipv4", "ipv6", "ftp", "chosen"])
def test_addresses_other_schemes_and_chosen_slots_are_left_alone(resolver, request_: Request):
    before = dict(request_.meta)
    slot_of(request_)
    assert request_.meta == before and resolver.asked == []


def test_slots_stay_by_name_when_switched_off(cached, resolver):
    cached["www.agency.example"] = "8.8.8.8"
    assert slot_of(Request("http://www.agency.example/"), OITCHECK_SLOTS_BY_IP=False) is None
    assert slot_of(Request("http://new.agency.example/"), OITCHECK_SLOTS_BY_IP=False) is None
    assert resolver.asked == []


# --- AddressAwarePriorityQueue: the scheduler weighs servers, not names -----------------------------------
def queue(**settings: Any) -> tuple[AddressAwarePriorityQueue, Any]:
    crawler = make_crawler(**settings)
    downloader = give_engine(crawler)
    return build_from_crawler(AddressAwarePriorityQueue, crawler, downstream_queue_cls=FifoMemoryQueue,
                              key=""), downloader


def test_names_of_one_server_share_one_queue_and_a_busy_server_waits(cached):
    cached.update({"www.a.example": "8.8.4.4", "a.example": "8.8.4.4", "b.example": "8.8.8.8"})
    pending, downloader = queue()
    first, second, other = (Request("http://www.a.example/1"), Request("http://a.example/2"),
                            Request("http://b.example/3"))
    for request in (first, second, other):
        pending.push(request)
    assert len(pending) == 3 and "8.8.4.4" in pending and "8.8.8.8" in pending
    assert [r.meta["download_slot"] for r in (first, second, other)] == ["8.8.4.4", "8.8.4.4", "8.8.8.8"]
    assert pending.peek() is first  # both servers idle: the tie goes by slot
    # a download from one name of the server keeps the server's other name waiting too
    downloader.slots["8.8.4.4"] = busy = Slot(concurrency=4, delay=0, jitter=0)
    busy.active.add(Request("http://www.a.example/downloading"))
    assert [pending.pop(), pending.pop(), pending.pop()] == [other, first, second]


def test_a_name_not_looked_up_yet_is_queued_under_its_name(cached):
    pending, _ = queue()
    request = Request("http://new.agency.example/")
    pending.push(request)
    assert "new.agency.example" in pending and "download_slot" not in request.meta


def test_the_queue_files_by_name_when_switched_off(cached):
    cached["www.a.example"] = "8.8.8.8"
    pending, _ = queue(OITCHECK_SLOTS_BY_IP=False)
    request = Request("http://www.a.example/")
    pending.push(request)
    assert "www.a.example" in pending and "8.8.8.8" not in pending and "download_slot" not in request.meta
