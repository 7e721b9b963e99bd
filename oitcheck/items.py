"""Scrapy Items: what the crawl records about each fetched URL.

Two kinds leave the spider: a parsed HTML page (``PageItem``) and any other fetch (``ResourceItem``:
documents, images, external links, and failures of any kind). Together they are the crawl's
whole record; the checks never touch the network.
"""

from __future__ import annotations

import scrapy


class PageItem(scrapy.Item):
    """An HTML page that was fetched and parsed."""

    url = scrapy.Field()  # the URL as linked (before redirects)
    final_url = scrapy.Field()
    redirects = scrapy.Field()  # list of URLs in the redirect chain, [] when none
    status = scrapy.Field()
    depth = scrapy.Field()  # clicks from the homepage
    external = scrapy.Field()  # True when on another host than the audited site
    content_type = scrapy.Field()
    encoding = scrapy.Field()
    last_modified = scrapy.Field()
    title = scrapy.Field()
    headings = scrapy.Field()  # [{"level": 1, "text": ...}]
    text = scrapy.Field()  # visible text of the whole page
    main_text = scrapy.Field()  # visible text without navigation, sidebars and footers
    links = scrapy.Field()  # [{"url", "text", "row", "heading", "chrome", "tag"}]
    images = scrapy.Field()  # [{"url", "alt", "chrome"}]
    meta = scrapy.Field()  # selected <meta> values (article:modified_time, description, ...)
    forms = scrapy.Field()  # number of <form> elements with inputs
    tables = scrapy.Field()  # number of data tables (rows x columns >= 2 x 2)
    qr = scrapy.Field()  # QR codes decoded from this page's images: [{"image", "data"}]
    stylesheets = scrapy.Field()  # <link rel="stylesheet"> URLs (homepage CSS may hold the EIT QR background)
    svgs = scrapy.Field()  # inline <svg> markup that may be a QR code (homepage only is decoded)
    scripts = scrapy.Field()  # <script src> URLs (the homepage's are checked like its pictures)
    cached = scrapy.Field()  # True: another host's page taken from the link cache, not fetched this run


class ResourceItem(scrapy.Item):
    """Anything fetched that is not a parsed HTML page, including every failed fetch."""

    url = scrapy.Field()
    final_url = scrapy.Field()
    redirects = scrapy.Field()
    status = scrapy.Field()  # HTTP status, or None when no response came
    error = scrapy.Field()  # None, or a short code: dns, timeout, refused, private_address, ...
    error_detail = scrapy.Field()
    depth = scrapy.Field()
    external = scrapy.Field()
    kind = scrapy.Field()  # pdf, docx, xlsx, csv, image, html, other
    content_type = scrapy.Field()
    size = scrapy.Field()
    last_modified = scrapy.Field()
    body = scrapy.Field()  # raw bytes for documents; the document pipeline replaces them with text
    doc = scrapy.Field()  # extracted document facts: {"text", "pages", "tables", "title", "quality"}
    qr = scrapy.Field()  # for images: [{"image", "data"}]
    cached = scrapy.Field()  # True: another host's link taken from the link cache, not fetched this run
    retry_after = scrapy.Field()  # seconds a 429/503 asked for, when longer than oitcheck waits (else None)


class ProbeItem(scrapy.Item):
    """How a host answers a URL that cannot exist: the yardstick for soft 404s on that host."""

    host = scrapy.Field()  # site_of() of the probed host
    url = scrapy.Field()
    status = scrapy.Field()  # None when the probe failed (the host is down: nothing to compare)
    final_url = scrapy.Field()
    title = scrapy.Field()
    words = scrapy.Field()  # the first words of its main text, for a similarity test
