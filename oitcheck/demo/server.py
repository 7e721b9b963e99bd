"""A small static site server for the demo, the tests and the benchmarks (127.0.0.x only).

Serves a folder, plus per-path behaviours from ``_routes.json`` in it: a status code, a redirect,
a delay, a body, headers — enough to stand in for the broken, slow and odd servers agencies run.
"""

from __future__ import annotations

import io
import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROUTES_FILE = "_routes.json"


class _Handler(SimpleHTTPRequestHandler):
    routes: dict[str, dict[str, Any]] = {}
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8",
                      ".csv": "text/csv; charset=utf-8", ".json": "application/json",
                      ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _route(self) -> dict[str, Any] | None:
        parts = urlsplit(self.path)
        for key in (self.path, parts.path, unquote(parts.path)):
            if key in self.routes:
                return self.routes[key]
        return None

    def send_head(self):  # type: ignore[no-untyped-def]
        route = self._route()
        if route is None:
            path = Path(self.translate_path(self.path))
            if path.is_dir() and not (path / "index.html").exists():
                self.send_error(404, "Not Found")
                return None
            if path.name == ROUTES_FILE:
                self.send_error(404, "Not Found")
                return None
            return super().send_head()
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        status = int(route.get("status", 200))
        body = route.get("body", "")
        data = body.encode(route.get("encoding", "utf-8")) if isinstance(body, str) else bytes(body)
        if route.get("file"):
            data = (Path(self.directory) / route["file"]).read_bytes()
        self.send_response(status)
        if route.get("location"):
            self.send_header("Location", route["location"])
        headers = {"Content-Type": route.get("content_type", "text/html; charset=utf-8"), **route.get("headers", {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


class SiteServer:
    """Serve ``root`` on ``host`` (a loopback address) in a background thread; use as a context manager."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0,
                 routes: dict[str, dict[str, Any]] | None = None) -> None:
        self.root = Path(root)
        all_routes = dict(routes or {})
        routes_file = self.root / ROUTES_FILE
        if routes_file.exists():
            all_routes = {**json.loads(routes_file.read_text(encoding="utf-8")), **all_routes}
        handler = type("Handler", (_Handler,), {"routes": all_routes})
        self.httpd = ThreadingHTTPServer((host, port), partial(handler, directory=str(self.root)))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
