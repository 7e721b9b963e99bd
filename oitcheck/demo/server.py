"""The small static server ``oitcheck demo`` serves the bundled sample site with (127.0.0.1 only).

Plain files with the content types agency sites send, and a 404 where a folder has no ``index.html``
(a directory listing would hand the crawler pages no agency publishes). The tests' server
(tests/support/server.py) builds its odd and hostile behaviours on this one, so the demo and the
tests are served alike.
"""

from __future__ import annotations

import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Self


class StaticHandler(SimpleHTTPRequestHandler):
    """Serves the files under the server's folder; silent, since the audit's own log is what matters."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8",
                      ".csv": "text/csv; charset=utf-8", ".json": "application/json",
                      ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if not self.is_servable(Path(self.translate_path(self.path))):
            return self.not_found()
        return super().send_head()

    def is_servable(self, path: Path) -> bool:
        """A file, or a folder with an ``index.html`` (never a directory listing)."""
        return path.exists() and not (path.is_dir() and not (path / "index.html").exists())

    def not_found(self) -> BinaryIO | None:
        """What an unknown path gets: a plain 404 (the tests' server adds soft 404s)."""
        self.send_error(404, "Not Found")
        return None


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-download (a crawler refusing a huge file) is normal here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StaticServer:
    """Serve ``root`` on ``host`` (a loopback address) in a background thread; use as a context manager."""

    scheme = "http"

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0,
                 handler: type[StaticHandler] = StaticHandler) -> None:
        self.root = Path(root)
        self.httpd = QuietServer((host, port), partial(handler, directory=str(self.root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}/"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
