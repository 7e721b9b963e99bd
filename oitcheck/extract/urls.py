"""Resolving the URLs a page or a stylesheet names, spelled once, as a browser sends them.

Its own module because both ``html`` and ``css`` resolve URLs, and ``html`` imports ``css``.

A browser encodes a link before it asks for it: the path as UTF-8, the query in the page's own encoding
(a windows-874 page's Thai search link is sent as TIS-620 bytes), spaces and other unsafe characters
percent-escaped. ``resolve`` does the same (w3lib's ``safe_url_string``) and then writes each escape one
way (``%7e`` and ``%7E`` are ``~``, ``%fc`` is ``%FC``), so one URL linked under two spellings is one link.

Links no visitor can follow (a pasted ``file:///C:/`` path, ``http://`` with no host, ``htp://``, a URL
longer than servers accept) are not fetched, but they are not silently dropped either: ``resolve`` says
why (``DropReason``), and the page records them to be reported broken.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from w3lib.url import safe_url_string

from oitcheck import settings
from oitcheck.records import DropReason

MAX_URL_CHARS = settings.URLLENGTH_LIMIT
# Not links to check: scripts, inline data, in-page anchors.
_IGNORED_SCHEMES = frozenset({"javascript", "vbscript", "data", "about", "blob"})
# Links a visitor's browser hands to another program (mail, phone, chat apps...): kept, never fetched.
OTHER_SCHEMES = frozenset({
    "mailto", "tel", "sms", "callto", "fax", "skype", "facetime", "line", "lineit", "whatsapp", "viber", "tg",
    "fb", "fb-messenger", "msteams", "zoommtg", "zoomus", "slack", "intent", "market", "itms-apps",
    "itms-services", "maps", "geo", "webcal", "ftp", "ftps", "sftp", "ssh", "news", "nntp", "irc", "ircs",
    "rtsp", "rtmp", "mms", "magnet", "urn", "xmpp", "ms-word", "ms-excel", "ms-powerpoint", "spotify",
    "instagram", "twitter", "youtube", "zalo", "weixin", "discord", "steam", "bitcoin", "ms-settings",
})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")  # C:\Users\..., C:/Documents/...
_INSIDE_SPACE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~")
# What safe_url_string would change (or the escapes spelled one way): anything outside ASCII's URL characters,
# a percent sign. (A host in upper case is checked apart.)
_NEEDS_ESCAPING = re.compile(r"[^A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=]")
_HOST = re.compile(r"^([0-9A-Fa-f:.]+|[A-Za-z0-9_.-]+)$")  # after IDNA encoding; IPv6 without its brackets


def resolve(base: str, href: str, encoding: str | None = None) -> str | DropReason | None:
    """``href`` as the browser of a page at ``base`` (in ``encoding``) would ask for it, without fragment;
    a ``DropReason`` when no visitor can follow it; None when it is not a link to check (``javascript:``,
    ``data:``, a fragment). Links for other programs (``mailto:``, ``tel:``...) come back as written."""
    href = _INSIDE_SPACE.sub("", href.strip(" \t\n\r\f\v\x00"))
    if not href or href.startswith("#"):
        return None
    if len(href) > MAX_URL_CHARS:
        return DropReason.TOO_LONG
    if href.startswith(("\\\\", "//\\", "\\/")) or _DRIVE.match(href):
        return DropReason.LOCAL_FILE
    if (match := _SCHEME.match(href)) is not None:
        scheme = match.group(1).lower()
        if scheme in _IGNORED_SCHEMES:
            return None
        if scheme == "file":
            return DropReason.LOCAL_FILE
        if scheme in OTHER_SCHEMES:
            return href
        if scheme not in ("http", "https"):
            return DropReason.UNSUPPORTED_SCHEME
        if href[match.end():].startswith(("//", "\\\\")) and not _own_host(href):
            return DropReason.NO_HOST  # "http://" alone (urljoin would make it the page itself)
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return DropReason.MALFORMED
    if parts.scheme not in ("http", "https"):  # relative to a base that is not a web page (a saved file)
        return url
    if not parts.hostname:
        return DropReason.NO_HOST
    host = parts.hostname
    if _NEEDS_ESCAPING.search(url) or parts.netloc != parts.netloc.lower():
        url = _browser_form(url, encoding)
        host = urlsplit(url).hostname
    if not _HOST.match(host or ""):
        return DropReason.MALFORMED
    if len(url) > MAX_URL_CHARS:  # up to it, the server says whether it takes the URL
        return DropReason.TOO_LONG
    return url


def absolute_url(base: str, href: str, encoding: str | None = None) -> str | None:
    """``resolve``'s URL, or None for anything that is not one to fetch (non-navigational or dead)."""
    url = resolve(base, href, encoding)
    return None if url is None or isinstance(url, DropReason) else url  # (a DropReason is a str too)


def _own_host(href: str) -> bool:
    try:
        return bool(urlsplit(href).hostname)
    except ValueError:
        return True  # malformed: said below


@lru_cache(maxsize=65536)  # a menu's links repeat on every page; safe_url_string is ~0.1 ms a URL
def _browser_form(url: str, encoding: str | None) -> str:
    """Percent-escaped as a browser sends it (the query in the page's encoding), each escape spelled one way."""
    try:
        url = safe_url_string(url, encoding=encoding or "utf-8")
    except (LookupError, UnicodeError):  # an encoding Python does not know, a character it cannot hold
        url = safe_url_string(url, encoding="utf-8")
    if "%" not in url:
        return url
    return _ESCAPE.sub(_one_spelling, url)


def _one_spelling(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()
