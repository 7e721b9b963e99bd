"""A site server whose chosen paths never answer until the test opens the gate: a stalled agency server,
driven by state (the test waits for the request to arrive, then acts) instead of by delays."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

from tests.support.server import SiteServer

SAFETY_NET_S = 300  # a gated request is answered at the latest then, so a forgotten gate never hangs a run


class _Gated:
    """Handler mixin: a request for a gated path waits for the gate before it is answered."""

    gate: threading.Event
    gated: tuple[str, ...]
    path: str

    def send_head(self) -> Any:
        if self.path.startswith(self.gated):
            self.gate.wait(SAFETY_NET_S)
        return super().send_head()  # type: ignore[misc]


class GatedServer(SiteServer):
    """``SiteServer`` of ``root`` whose paths starting with one of ``gated`` hang until ``release()``; use as
    a context manager (leaving it releases the gate first)."""

    def __init__(self, root: Path | str, gated: tuple[str, ...], host: str = "127.0.0.1") -> None:
        super().__init__(root, host=host)
        self.gate = threading.Event()
        built = self.httpd.RequestHandlerClass
        handler = type("GatedHandler", (_Gated, built.func), {"gate": self.gate, "gated": tuple(gated)})
        self.httpd.RequestHandlerClass = partial(handler, *built.args, **built.keywords)

    def release(self) -> None:
        self.gate.set()

    def stop(self) -> None:
        self.release()
        super().stop()
