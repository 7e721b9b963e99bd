"""URL shapes: how a site answers an address that does not exist depends on its shape, not on the host alone.

PHP's built-in server and many CMSs answer an unknown folder (``/medical/medical/``) or extension-less path
with the homepage, an unknown ``.php`` file with a 404, and ``index.php?page=unknown`` with a 200 "not found"
page. One impossible URL per shape the site uses (the soft-404 probe, as GSA Site Scanning sends one per
host) is the yardstick for the URLs of that shape. Shared by the crawl (which shapes to probe, and whether
a page is its shape's not-found answer) and the checks (which probe a page is compared with).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PROBE_PREFIX = "oitcheck-probe-"
DEFAULT_SHAPE = ".html"  # every host's first probe: /oitcheck-probe-X/not-found-X.html
SAME_PAGE = 0.9  # word-set similarity above which two answers are the same page
_MAX_PARAMS = 5  # parameter names kept in a query shape
_MAX_EXTENSION = 6


def url_shape(url: str) -> str:
    """The shape of ``url``'s address: ``?/path/script.php?name&name`` for a query string on a script (its
    parameter names), ``/`` for a folder, ``.php``/``.html``/... for a file by extension, ``.`` for a file
    without one."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})[:_MAX_PARAMS]
        return f"?{path}?{'&'.join(names)}"
    if path.endswith("/"):
        return "/"
    last = path.rsplit("/", 1)[-1]
    stem, dot, extension = last.rpartition(".")
    if dot and stem and extension.isalnum() and len(extension) <= _MAX_EXTENSION:
        return f".{extension.lower()}"
    return "."


def probe_url(url: str, shape: str, token: str) -> str:
    """An address of ``shape`` on ``url``'s host that cannot exist (``token`` is random)."""
    parts = urlsplit(url)
    if shape.startswith("?"):
        path, _, names = shape[1:].rpartition("?")
        query = urlencode([(name, f"{PROBE_PREFIX}{token}") for name in names.split("&")] if names else
                          [(f"{PROBE_PREFIX}{token}", "1")])
        return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    folder = f"/{PROBE_PREFIX}{token}/"
    if shape == "/":
        path = folder
    elif shape == ".":
        path = f"{folder}not-found-{token}"
    else:
        path = f"{folder}not-found-{token}{shape}"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def probe_key(host: str, shape: str) -> str:
    """Where a host's probe of one shape is kept (``CrawlResult.probes``); the first probe (``DEFAULT_SHAPE``,
    or '') is the host's own key, the yardstick for shapes that were not probed."""
    return host if shape in ("", DEFAULT_SHAPE) else f"{host} {shape}"


def same_page(title: str, words: tuple[str, ...] | list[str], other_title: str,
              other_words: tuple[str, ...] | list[str]) -> bool:
    """Two answers are the same page: same title and (nearly) the same words."""
    if title != other_title:
        return False
    mine, theirs = set(words), set(other_words)
    if not mine and not theirs:
        return True
    return len(mine & theirs) / max(1, len(mine | theirs)) >= SAME_PAGE
