"""Responses and failures into crawl records: the spider's side of ``oitcheck.records``.

Kept apart from the spider's crawl logic (what to fetch next) so each is small and the record's
shape is decided in one place.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from oitcheck.budgets import BudgetRefused
from oitcheck.extract.documents import kind_from_url, sniff_kind
from oitcheck.records import ResourceRecord
from oitcheck.redirects import RedirectLoop, TooManyRedirects, UnsupportedScheme
from oitcheck.resolver import PrivateAddressRefused
from oitcheck.sizecap import TRUNCATED


def content_type(response: Response) -> str:
    return response.headers.get(b"Content-Type", b"").decode("latin-1")


def linked_url(request: Request) -> str:
    """The URL as it was linked: the first of its redirect chain."""
    redirects = request.meta.get("redirect_urls")
    return redirects[0] if redirects else request.url


def fetch_fields(response: Response, external: bool) -> dict[str, Any]:
    """The fields every record of a response has: the URL as linked (before redirects), where it ended,
    its status, click depth and headers."""
    meta = response.meta if response.request is not None else {}
    redirects = tuple(meta.get("redirect_urls", ()))
    url = linked_url(response.request) if response.request is not None else response.url
    return {"url": url, "final_url": response.url, "redirects": redirects,
            "status": response.status, "depth": meta.get("depth", 0), "external": external,
            "content_type": content_type(response), "last_modified": last_modified(response),
            "truncated": meta.get(TRUNCATED)}


def status_record(response: Response, external: bool) -> ResourceRecord:
    """The record of a link checked with HEAD: status, final URL, redirects and type (from the headers
    and the URL), never an empty document or page."""
    if response.status >= 400:
        kind = kind_from_url(response.url) or "html"
    else:
        kind = sniff_kind(b"", response.url, content_type(response))
        kind = "other" if kind == "empty" else kind
    length = response.headers.get(b"Content-Length", b"").decode("latin-1").strip()
    return ResourceRecord(**fetch_fields(response, external), kind=kind,
                          size=int(length) if length.isdigit() else None,
                          retry_after=response.meta.get("oit_retry_after"))


def failure_record(request: Request, failure: Failure, external: bool, kind: str | None = None) -> ResourceRecord:
    """The record of a request that got no usable response."""
    code, detail = classify_failure(failure)
    redirects = tuple(request.meta.get("redirect_urls", ()))
    final_url = request.url
    if target := request.meta.get("oit_redirected_to"):  # a redirect not followed (a loop, off the web): its target
        redirects, final_url = (*redirects, request.url), target
    return ResourceRecord(url=linked_url(request), final_url=final_url, redirects=redirects,
                          status=None, error=code, error_detail=detail, depth=request.meta.get("depth", 0),
                          external=external, kind=kind or kind_from_url(request.url) or "html")


def classify_failure(failure: Failure) -> tuple[str, str]:
    """A short error code and a one-line detail for a failed request."""
    detail = str(failure.value).splitlines()[0][:300] if str(failure.value) else type(failure.value).__name__
    if failure.check(PrivateAddressRefused):
        return "private_address", detail
    if failure.check(BudgetRefused):
        return str(failure.value.budget), detail
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns", detail
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout", detail
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "refused", detail
    # Redirects (oitcheck.redirects): a loop, a chain longer than browsers follow, a target that is not a web page.
    if failure.check(RedirectLoop):
        return "redirect_loop", detail
    if failure.check(TooManyRedirects):
        return "too_many_redirects", detail
    if failure.check(UnsupportedScheme):
        return "unsupported_scheme", detail
    text = detail.lower()
    if failure.check(DownloadCancelledError) and "max size" in text:
        return "too_large", detail
    if failure.check(ConnectionLost, ConnectError, DownloadFailedError, ResponseDataLossError):
        return "tls" if "ssl" in text or "certificate" in text else "connection", detail
    if "max redirections" in text:
        return "redirect_loop", detail
    if "robots.txt" in text:
        return "robots", detail
    if "larger than download max size" in text or "maxsize" in text:
        return "too_large", detail
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "tls", detail
    if "timed out" in text or "timeout" in text:
        return "timeout", detail
    return "error", detail


def last_modified(response: Response) -> str | None:
    """The ``Last-Modified`` header, unless it is just the time the page was generated."""
    value = response.headers.get(b"Last-Modified", b"").decode("latin-1") or None
    served = response.headers.get(b"Date", b"").decode("latin-1") or None
    return None if is_dynamic_last_modified(value, served) else value


def is_dynamic_last_modified(last_modified: str | None, served: str | None) -> bool:
    """A ``Last-Modified`` equal to the response's own ``Date`` is a page built on request: no information."""
    if not last_modified or not served:
        return False
    try:
        gap = parsedate_to_datetime(served) - parsedate_to_datetime(last_modified)
    except (TypeError, ValueError, IndexError):
        return False
    return abs(gap.total_seconds()) < 120

