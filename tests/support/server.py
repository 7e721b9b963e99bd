"""The tests', the test bed's and the benchmarks' site server (127.0.0.x only): the demo's static server
(``oitcheck.demo.server``) plus per-path behaviours from ``_routes.json`` in it, enough to stand in for the
broken, slow and odd servers agencies run:

- ``{"/x": {"status": 500}}``, ``{"location": "/y", "status": 302}``, ``{"delay": 3}``, ``{"body": "..."}``,
  ``{"file": "a.html"}``, ``{"content_type": "text/html"}`` (no charset), ``{"headers": {...}}``; a route with
  no body, file or zeros serves the file at its own path (so a route can change only the headers);
- ``{"prefix": true}`` makes a route match every path below it;
- ``{"zeros": 52428800}`` streams that many bytes without storing them (huge-file traps);
- ``{"chunked": true}`` sends the body chunked (HTTP/1.1 ``Transfer-Encoding: chunked``, no
  ``Content-Length``: the size is known only at the end); ``{"gzip": true}`` sends it gzip-compressed with
  ``Content-Encoding: gzip`` (with ``zeros``: a decompression bomb, a few KB that inflate to that size);
- ``{"generate": "calendar"}`` answers an endless month-by-month calendar (crawler traps);
- ``{"head": 405}`` answers HEAD requests with that status and no body, ``{"head": "drop"}`` hangs up on
  them without an answer (servers that refuse or mishandle HEAD); GET is served as usual;
- ``{"status": 429, "retry_after": 2, "times": 1}``: the first ``times`` requests to the path get
  ``status`` (with a ``Retry-After`` header when ``retry_after`` is given: seconds or an HTTP date), later
  ones the route's content with 200 (overloaded and rate-limiting servers); without ``times`` every
  request gets ``status``, and ``retry_after`` alone only adds the header.

``_site.json`` ``{"validators": "none"}`` makes the server send no ``Last-Modified`` and ignore
``If-Modified-Since`` (every answer in full); ``"etag"`` adds an ``ETag`` (size and modification time, as
Apache's) and answers a matching ``If-None-Match`` with 304; by default files carry ``Last-Modified`` and
``If-Modified-Since`` is honoured (Python's own server). ``SiteServer.bytes_sent`` counts what was sent.
``{"keep_alive": true}`` keeps connections open between requests (HTTP/1.1 persistent connections, as Apache and
nginx do by default); by default every answer closes its connection (HTTP/1.0, Python's own server).

``_site.json`` sets what unknown paths get: ``{"not_found": "plain"}`` (404, the default),
``"soft"`` (200 with a Thai "page not found" text), ``"home"`` (302 to the homepage), ``"home200"`` (the
homepage itself with 200), ``"php"`` (PHP's built-in server: the homepage with 200 for an unknown folder or
extension-less path, 404 for an unknown file) or ``"file:errors/oops.html"`` (that page with 200), the soft
404s real agency CMSs produce; ``{"head": 405}`` (or ``"drop"``) there applies to HEAD on every path, and
``{"delay": 0.08}`` holds every answer (pages, files, 404s) that many seconds, like a real agency's slow
hosting (bench/history.py), before any route's own ``delay``. Both files are
re-read when they change, so a site may be written after its server started (the test bed needs the
server's port to write cross-host links).

Every request is counted, so tests can check how politely a crawler behaved: ``SiteServer.hits`` maps
each path (without the query) to the requests it received, in order, as ``Hit(method, at, conditional)``
(``at``: ``time.monotonic()`` when it arrived; ``conditional``: its If-None-Match or If-Modified-Since);
``SiteServer.methods(path)`` lists just the methods;
``SiteServer.max_in_flight`` is the most requests it was answering at once.
"""

from __future__ import annotations

import io
import json
import ssl
import threading
import time
import zlib
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from oitcheck.demo.server import StaticHandler, StaticServer

ROUTES_FILE = "_routes.json"
SITE_FILE = "_site.json"
SOFT_404 = ("<html><head><meta charset='utf-8'><title>ไม่พบหน้าที่ต้องการ</title></head>"
            "<body><h1>ขออภัย ไม่พบหน้าที่คุณต้องการ</h1><p>Page not found</p><a href='/'>กลับหน้าแรก</a></body></html>")
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


class Hit(NamedTuple):
    """One request a server received."""

    method: str
    at: float  # time.monotonic() when it arrived
    conditional: str = ""  # the If-None-Match or If-Modified-Since it carried ("" when none)


class _Traffic:
    """What a server was asked, shared by its handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.hits: dict[str, list[Hit]] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.bytes_sent = 0
        self.connections = 0

    def arrive(self, method: str, path: str, conditional: str = "") -> int:
        """Count a request; returns how many requests this path has had, this one included."""
        with self.lock:
            hits = self.hits.setdefault(path, [])
            hits.append(Hit(method, time.monotonic(), conditional))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.lock.notify_all()
            return len(hits)

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


class _CountingWriter(io.RawIOBase):
    """The connection's writer, counting the bytes a server sends (headers and bodies) into its traffic."""

    def __init__(self, inner: Any, traffic: _Traffic) -> None:
        self.inner, self.traffic = inner, traffic

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self.inner.write(data)
        with self.traffic.lock:
            self.traffic.bytes_sent += len(data)
        return written

    def flush(self) -> None:
        self.inner.flush()


class _JsonFile:
    """A JSON file re-read when its modification time changes."""

    def __init__(self, path: Path) -> None:
        self.path, self.stamp, self.data = path, None, {}
        self.lock = threading.Lock()

    def get(self) -> dict[str, Any]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        with self.lock:
            if stamp != self.stamp:
                self.data, self.stamp = json.loads(self.path.read_text(encoding="utf-8")), stamp
            return self.data


class _Zeros(io.RawIOBase):
    """``size`` zero bytes, produced as they are read."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


class _Gzipped(io.RawIOBase):
    """Another stream's bytes gzip-compressed, as they are read (a bomb's zeros are never all in memory)."""

    def __init__(self, source: Any) -> None:
        self.source, self.pending, self.done = source, b"", False
        self.packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip container

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.done:
            block = self.source.read(1 << 20)
            if block:
                self.pending = self.packer.compress(block)
            else:
                self.pending, self.done = self.packer.flush(), True
        count = min(len(buffer), len(self.pending))
        buffer[:count], self.pending = self.pending[:count], self.pending[count:]
        return count


class _Chunks:
    """Another stream in HTTP/1.1 chunked framing (``shutil.copyfileobj`` reads it)."""

    def __init__(self, source: Any) -> None:
        self.source, self.finished = source, False

    def read(self, size: int = -1) -> bytes:
        if self.finished:
            return b""
        block = self.source.read(64 * 1024)
        if not block:
            self.finished = True
            return b"0\r\n\r\n"
        return f"{len(block):x}\r\n".encode() + block + b"\r\n"

    def close(self) -> None:
        self.source.close()


class _Handler(StaticHandler):
    routes_file: _JsonFile
    site_file: _JsonFile
    extra_routes: dict[str, dict[str, Any]] = {}
    traffic: _Traffic
    hit_number = 0  # requests to this path so far, this one included (set per request)

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._counted(super().do_GET)

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's name
        self._counted(super().do_HEAD)

    def _counted(self, handle: Any) -> None:
        conditional = self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since") or ""
        self.hit_number = self.traffic.arrive(self.command, unquote(urlsplit(self.path).path), conditional)
        try:
            handle()
        finally:
            self.traffic.leave()

    def _route(self) -> dict[str, Any] | None:
        routes = {**self.routes_file.get(), **self.extra_routes}
        parts = urlsplit(self.path)
        for key in (self.path, parts.path, unquote(parts.path)):
            if key in routes:
                return routes[key]
        for key, route in routes.items():
            if route.get("prefix") and unquote(parts.path).startswith(key):
                return route
        return None

    def send_head(self):  # type: ignore[no-untyped-def]
        site = self.site_file.get()
        if site.get("delay"):
            time.sleep(float(site["delay"]))
        route = self._route()
        head = (route or {}).get("head") or site.get("head")
        if head and self.command == "HEAD":
            if head == "drop":  # hang up without an answer
                self.close_connection = True
                return None
            return self._send(int(head), {"headers": {"Allow": "GET"}}, None, 0)
        if route is not None:
            return self._send_route(route)
        validators = site.get("validators")
        if validators == "none":  # a server that sends no Last-Modified and answers every request in full
            del self.headers["If-Modified-Since"]
        elif validators == "etag" and (tag := self._etag()) and self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return None
        return super().send_head()

    def _etag(self) -> str | None:
        """The file's ETag as Apache makes it (size and modification time), for ``{"validators": "etag"}``."""
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        try:
            info = path.stat()
        except OSError:
            return None
        return f'"{info.st_size:x}-{info.st_mtime_ns:x}"'

    def send_header(self, keyword: str, value: str) -> None:
        validators = self.site_file.get().get("validators")
        if keyword == "Last-Modified" and validators == "none":
            return
        super().send_header(keyword, value)
        if keyword == "Last-Modified" and validators == "etag" and (tag := self._etag()):
            super().send_header("ETag", tag)

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.traffic)
        with self.traffic.lock:
            self.traffic.connections += 1
        if self.site_file.get().get("keep_alive"):  # every answer below carries its length, or closes
            self.protocol_version = "HTTP/1.1"

    def is_servable(self, path: Path) -> bool:
        """The behaviour files are the server's, not the site's."""
        return path.name not in (ROUTES_FILE, SITE_FILE) and super().is_servable(path)

    def not_found(self):  # type: ignore[no-untyped-def]
        mode = self.site_file.get().get("not_found", "plain")
        if mode == "soft":
            return self._send_route({"body": SOFT_404})
        if mode == "home":
            return self._send_route({"status": 302, "location": "/"})
        if mode == "home200":  # the homepage itself, at the unknown address, with 200 (no redirect)
            return self._send_route({"file": "index.html"})
        if mode == "php" and "." not in unquote(urlsplit(self.path).path).rsplit("/", 1)[-1]:
            # PHP's built-in server: an unknown folder or extension-less path gets the homepage (a file: 404)
            return self._send_route({"file": "index.html"})
        if mode.startswith("file:"):  # a page of the site's own, with 200, that does not say "not found"
            return self._send_route({"file": mode[5:]})
        return super().not_found()

    def _send_route(self, route: dict[str, Any]):  # type: ignore[no-untyped-def]
        if "times" in route and self.hit_number > int(route["times"]):  # past ``times``: the content, 200
            route = {k: v for k, v in route.items() if k not in ("status", "retry_after", "times")}
        if "retry_after" in route:
            route = {**route, "headers": {"Retry-After": str(route["retry_after"]), **route.get("headers", {})}}
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        if route.get("zeros"):
            return self._send(int(route.get("status", 200)), route, _Zeros(int(route["zeros"])), int(route["zeros"]))
        if route.get("generate") == "calendar":
            data = self._calendar().encode("utf-8")
        elif route.get("file"):
            data = (Path(self.directory) / route["file"]).read_bytes()
        elif "body" not in route and (own := Path(self.translate_path(self.path))).is_file():
            data = own.read_bytes()  # a route that only sets status or headers serves the file at its path
        else:
            body = route.get("body", "")
            data = body.encode(route.get("encoding", "utf-8")) if isinstance(body, str) else bytes(body)
        return self._send(int(route.get("status", 200)), route, io.BytesIO(data), len(data))

    def _send(self, status: int, route: dict[str, Any], stream: Any, length: int):  # type: ignore[no-untyped-def]
        chunked = bool(route.get("chunked")) and stream is not None
        if route.get("gzip") and stream is not None:
            stream = io.BufferedReader(_Gzipped(stream))
            if not chunked:  # the compressed size: compress once to count it (tests' bodies are small or zeros)
                data = stream.read()
                stream, length = io.BytesIO(data), len(data)
            route = {**route, "headers": {"Content-Encoding": "gzip", **route.get("headers", {})}}
        if chunked:
            self.protocol_version = "HTTP/1.1"  # chunked framing is HTTP/1.1's; the connection still closes after
            self.close_connection = True
        self.send_response(status)
        if route.get("location"):
            self.send_header("Location", route["location"])
        headers = {"Content-Type": route.get("content_type", "text/html; charset=utf-8"), **route.get("headers", {})}
        for name, value in headers.items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            return None if self.command == "HEAD" else _Chunks(stream)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        return stream  # None: nothing to send after the headers

    def _calendar(self) -> str:
        """One month of an events calendar linking to the months before and after, forever."""
        query = parse_qs(urlsplit(self.path).query)
        try:
            year, month = (int(v) for v in query.get("ym", ["2568-3"])[0].split("-"))
        except ValueError:
            year, month = 2568, 3
        month = min(max(month, 1), 12)
        before = (year - 1, 12) if month == 1 else (year, month - 1)
        after = (year + 1, 1) if month == 12 else (year, month + 1)
        path = urlsplit(self.path).path
        days = "".join(f"<td>{d}</td>" for d in range(1, 29))
        return (f"<html><head><meta charset='utf-8'><title>ปฏิทินกิจกรรม {THAI_MONTHS[month - 1]} {year}</title></head>"
                f"<body><h1>ปฏิทินกิจกรรม เดือน{THAI_MONTHS[month - 1]} {year}</h1><table><tr>{days}</tr></table>"
                f"<a href='{path}?ym={before[0]}-{before[1]}'>เดือนก่อน</a> "
                f"<a href='{path}?ym={after[0]}-{after[1]}'>เดือนถัดไป</a></body></html>")


class SiteServer(StaticServer):
    """Serve ``root`` on ``host`` (a loopback address) in a background thread; use as a context manager."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0,
                 routes: dict[str, dict[str, Any]] | None = None, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: serve HTTPS with this server-side context (tests of certificate checks)."""
        root = Path(root)
        self.traffic = _Traffic()
        handler = type("Handler", (_Handler,), {
            "routes_file": _JsonFile(root / ROUTES_FILE),
            "site_file": _JsonFile(root / SITE_FILE),
            "extra_routes": dict(routes or {}),
            "traffic": self.traffic,
        })
        super().__init__(root, host, port, handler)
        if tls:
            self.scheme = "https"
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)

    @property
    def hits(self) -> dict[str, list[Hit]]:
        """Path -> the requests it received, in order (a snapshot)."""
        with self.traffic.lock:
            return {path: list(hits) for path, hits in self.traffic.hits.items()}

    def wait_for(self, prefix: str, limit: float = 60.0, count: int = 1) -> bool:
        """Block until paths starting with ``prefix`` were asked for ``count`` times (a state, not a time); False
        when ``limit`` seconds passed first, so a broken crawler fails the test instead of hanging it."""
        def arrived() -> bool:
            return sum(len(hits) for path, hits in self.traffic.hits.items() if path.startswith(prefix)) >= count

        with self.traffic.lock:
            return self.traffic.lock.wait_for(arrived, limit)

    @property
    def requests(self) -> int:
        """Every request received so far."""
        with self.traffic.lock:
            return sum(len(hits) for hits in self.traffic.hits.values())

    @property
    def bytes_sent(self) -> int:
        """Bytes sent to clients so far, headers and bodies."""
        with self.traffic.lock:
            return self.traffic.bytes_sent

    @property
    def connections(self) -> int:
        """Connections accepted so far (fewer than ``requests`` only with ``keep_alive``)."""
        with self.traffic.lock:
            return self.traffic.connections

    @property
    def max_in_flight(self) -> int:
        """The most requests this server was answering at once."""
        return self.traffic.max_in_flight

    def methods(self, path: str) -> list[str]:
        """The methods of the requests ``path`` received, in order: ``["HEAD", "GET"]``."""
        return [hit.method for hit in self.hits.get(path, [])]
