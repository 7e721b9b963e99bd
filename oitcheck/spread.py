"""Which of audit-many's agencies run at once: ``--jobs`` at a time, never two on one hosting server."""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import urlsplit

from oitcheck.agencies import Agency, AgencyStatus
from oitcheck.net import is_ip

THREAD_NAME = "audit-many"  # of the threads that run the agencies' audits


def server_keys(agencies: list[Agency], timeout: float = 10.0) -> dict[int, str]:
    """Agency row -> the address of the server its site is on (its host name when that does not resolve).

    Many small agencies share one hosting server. Each audit keeps to a few connections per server
    address; two audits of one server at once would double them, so ``run_spread`` never runs two."""
    hosts = {agency.row: _host(agency.url) for agency in agencies}
    names = sorted({host for host in hosts.values() if host and not is_ip(host)})
    addresses: dict[str, str] = {}
    if names:
        pool = ThreadPoolExecutor(max_workers=min(16, len(names)))
        futures = {name: pool.submit(_first_address, name) for name in names}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:  # a slow resolver costs seconds once, never the run: an unresolved name is its own key
                addresses[name] = future.result(timeout=max(0.0, deadline - time.monotonic())) or name
            except (FutureTimeout, OSError):
                addresses[name] = name
        pool.shutdown(wait=False, cancel_futures=True)
    return {row: addresses.get(host, host) or f"row-{row}" for row, host in hosts.items()}


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _first_address(name: str) -> str | None:
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    return str(infos[0][4][0]) if infos else None


def run_spread(agencies: list[Agency], jobs: int, servers: dict[int, str],
               work: Callable[[Agency], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``work`` on every agency, ``jobs`` at a time but never two on one server (``servers``: row -> key) at
    once; results as they finish. Agencies start in CSV order, skipping those whose server is busy. When the
    caller stops reading (Ctrl-C, SIGTERM, a failure), no further agency starts."""
    pending = list(agencies)
    busy: set[str] = set()
    lock = threading.Condition()
    finished: queue.Queue[dict[str, Any]] = queue.Queue()

    def take() -> Agency | None:
        with lock:
            while pending:
                agency = next((a for a in pending if servers[a.row] not in busy), None)
                if agency is not None:
                    pending.remove(agency)
                    busy.add(servers[agency.row])
                    return agency
                lock.wait()
            return None

    def run() -> None:
        while (agency := take()) is not None:
            try:
                result = work(agency)
            except Exception as exc:  # noqa: BLE001 - one agency's failure never stops the others
                result = {**agency.entry(), "status": AgencyStatus.ERROR, "exit": None, "oit": None,
                          "error": str(exc)[:300]}
            with lock:
                busy.discard(servers[agency.row])
                lock.notify_all()
            finished.put(result)

    threads = [threading.Thread(target=run, name=f"{THREAD_NAME}-{number}", daemon=True)
               for number in range(max(1, min(jobs, len(agencies))))]
    for thread in threads:
        thread.start()
    try:
        for _ in agencies:
            yield finished.get()
    finally:
        with lock:
            pending.clear()
            lock.notify_all()
