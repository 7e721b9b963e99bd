"""Downloader middlewares: the private-address guard and Thai encoding repair."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from oitcheck.extract.encoding import effective_encoding
from oitcheck.net import private_address_of


class PrivateAddressRefused(IgnoreRequest):
    """A request to a private, loopback or link-local address without ``--allow-private``."""


class PrivateAddressMiddleware:
    """Refuses requests whose host resolves to a non-public address.

    An agency page can link to an intranet router or a cloud metadata address; a crawler run on an
    office network must not fetch those on the page's behalf. Tests and local demos opt in.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        return cls(crawler.settings.getbool("OITCHECK_ALLOW_PRIVATE"))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname
        if host and (address := private_address_of(host)):
            raise PrivateAddressRefused(f"{host} resolves to the private address {address}")
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
