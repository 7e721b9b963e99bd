"""Downloader middlewares: the private-address guard, Thai encoding repair, and the link checker's manners
(HEAD with a GET fallback, retries with a backoff that honours ``Retry-After``, certificates reported under
``--insecure-tls``). Per-server download slots
are in ``oitcheck.slots``."""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadFailedError, NotConfigured, ResponseDataLossError
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectionDone, ConnectionLost, DNSLookupError

from oitcheck.extract.documents import IMAGE_KINDS, kind_from_url
from oitcheck.extract.encoding import effective_encoding
from oitcheck.net import AddressPolicy, is_ip, private_address_of
from oitcheck.records import Role
from oitcheck.resolver import GuardedResolver, PrivateAddressRefused, installed_resolver, refusal_detail

logger = logging.getLogger(__name__)

# Files nobody reads for evidence: a link to one needs only its status (no OIT item is a video or an installer).
BINARY_EXTENSIONS = frozenset({
    "mp4", "m4v", "mov", "avi", "wmv", "flv", "mkv", "webm", "mpg", "mpeg", "3gp", "mp3", "wav", "wma", "m4a",
    "aac", "ogg", "oga", "flac", "exe", "msi", "apk", "dmg", "iso", "bin", "tar", "gz", "tgz", "bz2", "xz",
    "ico", "heic", "avif",
})


class PrivateAddressMiddleware:
    """Refuses requests to non-public addresses, and names the refusal in the record.

    An agency page can link to an intranet router or a cloud metadata address; a crawler run on an
    office network must not fetch those on the page's behalf. Tests and local demos opt in
    (``--allow-private``, or ``OITCHECK_ALLOWED_NETWORKS`` for chosen networks).

    The authority is the crawl's resolver (``oitcheck.resolver``), which checks the addresses it hands to
    every connection. This middleware refuses address literals before any traffic (pages, redirects,
    stylesheets and robots.txt all pass here), and turns the DNS failure of a host the resolver refused into
    ``PrivateAddressRefused``, so the record says ``private_address``. Without the guarded resolver installed
    (another ``TWISTED_DNS_RESOLVER``, unit tests) it checks names itself, once per name.
    """

    def __init__(self, policy: AddressPolicy, resolver: GuardedResolver | None = None) -> None:
        self.policy = policy
        self.resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        return cls(AddressPolicy.of(crawler.settings.getbool("OITCHECK_ALLOW_PRIVATE"),
                                    crawler.settings.getlist("OITCHECK_ALLOWED_NETWORKS")))

    def guarded_resolver(self) -> GuardedResolver | None:
        return self.resolver or installed_resolver()

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.policy.allow_private:
            return None
        host = urlsplit(request.url).hostname
        if not host:
            return None
        if is_ip(host):
            address: str | None = host if self.policy.refuses(host) else None
        elif self.guarded_resolver() is not None:
            return None  # judged by the resolver when connecting, on the very answer connected to
        else:
            address = private_address_of(host, self.policy)
        if address:
            raise PrivateAddressRefused(refusal_detail(host, address))
        return None

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return None
        host = urlsplit(request.url).hostname or ""
        resolver = self.guarded_resolver()
        address = resolver.refused.get(host) if resolver is not None else None
        if address:
            raise PrivateAddressRefused(refusal_detail(host, address)) from exception
        return None


class ThaiEncodingMiddleware:
    """Re-decodes Thai pages that declare no charset (or a western one) as cp874."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ThaiEncodingMiddleware:
        return cls()

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not isinstance(response, TextResponse):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        encoding = effective_encoding(response.body, content_type)
        if encoding:
            return response.replace(encoding=encoding)
        return response


def is_status_only(role: Role, url: str) -> bool:
    """Whether a request's body is never read, so it may be sent as HEAD.

    Links past the page cap (``Role.CHECK``) and links to other hosts' images and media/binary files
    need only status, final URL, redirects and type. Pages, documents (their text is evidence),
    homepage images (the EIT QR code) and stylesheets are read, so they stay GET."""
    if role in (Role.CHECK, Role.ASSET):  # ASSET: the homepage's scripts, checked, never read
        return True
    if role != Role.EXTERNAL:
        return False
    if kind_from_url(url) in IMAGE_KINDS:
        return True
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1].lower()
    return "." in name and name.rsplit(".", 1)[-1] in BINARY_EXTENSIONS


class HeadFallbackMiddleware:
    """Retries a HEAD request once as GET when the server refuses HEAD (405, 501) or mishandles it.

    Some agency CMSs answer HEAD with 400, 403 or 404, or hang up on it, while GET works: a link that
    fails costs the agency an item, so a HEAD failure is never believed until GET confirms it; the GET's
    answer is what is recorded (the spider treats it like any GET). A HEAD that times out is not asked
    again with GET here (a slow server is slow for both); the retry middleware retries it."""

    # Connection failures a server's broken HEAD handling can cause (it answers GET fine).
    DROPPED = (DownloadFailedError, ResponseDataLossError, ConnectionDone, ConnectionLost)

    def __init__(self, statuses: set[int], crawler: Crawler | None = None) -> None:
        self.statuses = statuses
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HeadFallbackMiddleware:
        return cls({int(s) for s in crawler.settings.getlist("OITCHECK_HEAD_FALLBACK_CODES")}, crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Request | Response:
        if request.method != "HEAD" or response.status not in self.statuses:
            return response
        return self._as_get(request, str(response.status))

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None
                          ) -> Request | None:
        if request.method != "HEAD" or not isinstance(exception, self.DROPPED):
            return None
        return self._as_get(request, "dropped")

    def _as_get(self, request: Request, why: str) -> Request:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"oitcheck/head_fallback/{why}")
        retry = request.replace(method="GET", dont_filter=True)
        retry.meta.pop("retry_times", None)  # the GET gets its own retries
        retry.meta["oit_head_refused"] = why
        return retry


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), None if absent or invalid."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:  # float() also reads "inf", "1e400" and "nan", which are no number of seconds
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a pause before each: an exponential backoff, or the server's ``Retry-After``.

    An overloaded agency server (429, 503, gateway errors, timeouts) is asked again only after
    ``OITCHECK_RETRY_BACKOFF`` x 1, 2, 4... seconds; the wait is an async sleep, so other downloads go on.
    A 429/503 with ``Retry-After`` up to ``OITCHECK_RETRY_AFTER_MAX`` is waited out and its host's download
    slot is slowed to one request per that many seconds for the rest of the crawl (AutoThrottle may not
    lower it); a longer ``Retry-After`` is not waited for: the 429/503 answer is kept as the link's record
    (the rules count a 429, and a 503 that said when to come back, as "unknown", not broken)."""

    RETRY_AFTER_CODES = frozenset({429, 503})

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("OITCHECK_RETRY_BACKOFF")
        self.retry_after_max = settings.getfloat("OITCHECK_RETRY_AFTER_MAX")
        self.max_gap = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 10.0)
        self.slot_floors: dict[str, float] = {}  # download slot -> the least delay its server asked for

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None
                               ) -> Request | Response:
        self._keep_floor(request)  # AutoThrottle has just adjusted this slot's delay
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = self._backoff(request)
        if response.status in self.RETRY_AFTER_CODES:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None:
                if asked > self.retry_after_max:
                    self._inc("oitcheck/retry/retry_after_too_long")
                    request.meta["oit_retry_after"] = round(asked)  # "come back later": not a broken link
                    logger.info("not waiting %.0f s (Retry-After) for %s", asked, request.url)
                    return response
                # the wait is the server's; the lasting gap is capped at AutoThrottle's own maximum delay,
                # or one "Retry-After: 30" would stretch a 2,000-page audit to 17 hours
                self._slow_down(request, min(asked, self.max_gap))
                wait = max(wait, asked)
        reason = response_status_message(response.status)
        if self._exhausted(request):
            return self._retry(request, reason) or response  # counts and logs the give-up
        await self._pause(wait)
        return self._retry(request, reason) or response

    async def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None
                                ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        if not self._exhausted(request):
            await self._pause(self._backoff(request))
        return self._retry(request, exception)

    def _backoff(self, request: Request) -> float:
        return self.backoff * 2 ** request.meta.get("retry_times", 0)

    def _exhausted(self, request: Request) -> bool:
        return request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times)

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self._inc("oitcheck/retry/waited_ms", int(seconds * 1000))
            await sleep(seconds)

    def _slow_down(self, request: Request, seconds: float) -> None:
        """At least ``seconds`` between two requests to this request's slot (its host, or IP) from now on."""
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None or seconds <= 0:
            return
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        self.slot_floors[key] = max(self.slot_floors.get(key, 0.0), seconds)
        # A slot idle for a minute is dropped and made anew from these settings: keep the floor there too.
        downloader.per_slot_settings.setdefault(key, {}).update(delay=self.slot_floors[key], jitter=0)
        self._keep_floor(request)

    def _keep_floor(self, request: Request) -> None:
        key = request.meta.get("download_slot")
        floor = self.slot_floors.get(key or "")
        if not floor or self.crawler.engine is None:
            return
        slot = self.crawler.engine.downloader.slots.get(key or "")
        if slot is not None:
            slot.delay = max(slot.delay, floor)
            slot.jitter = 0  # the jitter would shorten some gaps below what the server asked

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)



class CertificateCheckMiddleware:
    """With ``--insecure-tls``, pages behind a bad certificate are still read, and the problem is still
    reported: each HTTPS host's certificate is verified once, on the side, with Python's ``ssl``.

    Without the switch Scrapy's browser-like context factory verifies every connection, and a bad
    certificate is the link's failure (``tls``), as a browser would show it to a citizen."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.problems: dict[str, str] = {}
        self.checked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CertificateCheckMiddleware:
        if not crawler.settings.getbool("OITCHECK_INSECURE_TLS"):
            raise NotConfigured("certificates are verified on every connection")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        parts = urlsplit(response.url)
        if parts.scheme == "https" and parts.hostname:
            key = f"{parts.hostname}:{parts.port or 443}"
            if key not in self.checked:
                self.checked.add(key)
                # The side connection goes to the address the crawl checked (oitcheck.resolver), never to a new
                # lookup a rebinding name could answer with a private address.
                resolver = installed_resolver()
                address = resolver.checked_address(parts.hostname) if resolver is not None else parts.hostname
                if address is None:
                    return response
                problem = await asyncio.to_thread(certificate_problem, parts.hostname, parts.port or 443, address)
                if problem:
                    self.problems[parts.hostname] = problem
        return response

    def spider_closed(self, spider: Spider | None = None) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("oitcheck/tls_problems", dict(self.problems))


def certificate_problem(host: str, port: int, address: str | None = None, timeout: float = 10.0) -> str:
    """Why a browser would refuse ``host``'s certificate ('' when it would not, or the host cannot be reached),
    connecting to ``address`` (default: ``host``) and asking for ``host``'s certificate."""
    context = ssl.create_default_context()
    try:
        with socket.create_connection((address or host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return ""
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message or str(exc)
    except ssl.SSLError as exc:
        return exc.reason or str(exc)
    except OSError:
        return ""
