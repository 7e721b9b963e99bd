"""CSS: the pictures a stylesheet or a style attribute names, the stylesheets it imports, and whether a rule
may apply to a page.

A homepage's EIT banner or QR code is often a CSS background: in a style attribute, a ``<style>`` block or
the theme's stylesheet. CSS is read with tinycss2's tokenizer, as a browser reads it: comments, strings and
escapes hide no ``url()`` and break none, and the work is linear even on hostile input (an unclosed ``/*``
ends the stylesheet; a regular expression searched for its end again at every later ``/*``). The work is
also capped: the first ``OITCHECK_STYLESHEET_MAXSIZE`` bytes (pictures named after them are ignored),
``MAX_CSS_RULES`` rule blocks, ``MAX_CSS_URLS`` urls. Tokenizing costs about 10 microseconds a token, so a
hostile megabyte of one-character tokens still costs seconds: callers run it in a worker process
(``ExtractionWorkers.stylesheet``) where its time is limited.

A picture keeps the selector of its rule as written, because a theme's stylesheet names pictures for every
page of the site and only the page's classes and ids tell which rules apply to it (``selector_used``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tinycss2 import parse_component_value_list, parse_declaration_list
from tinycss2.ast import (
    AtKeywordToken,
    CurlyBracketsBlock,
    Declaration,
    FunctionBlock,
    HashToken,
    IdentToken,
    LiteralToken,
    Node,
    ParenthesesBlock,
    SquareBracketsBlock,
    StringToken,
    URLToken,
    WhitespaceToken,
)

from oitcheck import settings as default_settings
from oitcheck.extract.thai import clean_space
from oitcheck.extract.urls import absolute_url

MAX_CSS_CHARS = default_settings.OITCHECK_STYLESHEET_MAXSIZE  # bytes (UTF-8) of CSS read: see settings.py
MAX_CSS_RULES = 50_000  # rule blocks read ({...}, nested ones included)
MAX_CSS_URLS = 10_000  # url()s read, before duplicates and fonts are dropped
MAX_SELECTOR_CHARS = 200
MAX_URL_CHARS = 2048  # a url() longer than this is no picture's address (an unclosed ``url(`` runs to the end)
# Set by lazy-loading scripts as an element's background: a path, or a url().
BACKGROUND_ATTRS = ("data-bg", "data-background", "data-background-image", "data-bg-src")
_MAX_SELECTOR_SOURCE = 4_000  # characters of source read for one selector (its comments and spaces collapse)
_NOT_PICTURE = re.compile(r"\.(woff2?|ttf|otf|eot|css|htc|cur|ico|js)([?#]|$)", re.I)
_HTML_COMMENT_MARKS = ("<!--", "-->")  # around old pages' <style> blocks, for browsers without CSS
_T = TypeVar("_T")
_CLASS_OR_ID = re.compile(r"""\b(?:class|id)\s*=\s*["']([^"']*)["']""", re.I)


def css_urls(css: str, base: str) -> tuple[list[str], list[str]]:
    """(picture URLs, imported stylesheet URLs) named in CSS text, resolved against ``base`` (the stylesheet's
    own URL for a linked file); fonts, cursors and data: URIs are left out."""
    pictures, imports = css_pictures(css, base)
    return [url for url, _ in pictures], imports


def css_pictures(css: str, base: str, max_bytes: int | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """Like ``css_urls``, with each picture's selector (``.popup .qr``): whether the page uses the rule is
    known only from the page's classes and ids. Commented-out rules are skipped. Only the first ``max_bytes``
    (default ``MAX_CSS_CHARS``, the ``OITCHECK_STYLESHEET_MAXSIZE`` setting) are read."""
    css = css_head(css, MAX_CSS_CHARS if max_bytes is None else max_bytes)
    lowered = css.lower()
    if "url(" not in lowered and "@import" not in lowered:  # nothing to find: skip the tokenizer
        return [], []
    named, imported = _without_gc(_read_stylesheet, _normalized(css))
    imports: list[str] = []
    for href in imported:
        url = absolute_url(base, href) if len(href) <= MAX_URL_CHARS else None
        if url and url not in imports:
            imports.append(url)
    pictures: list[tuple[str, str]] = []
    seen: set[str] = set()
    for href, selector in named:
        url = picture_url(base, href) if len(href) <= MAX_URL_CHARS else None
        if url and url not in seen and url not in imports:
            seen.add(url)
            pictures.append((url, selector))
    return pictures, imports


def css_head(css: str, max_bytes: int) -> str:
    """The text of the first ``max_bytes`` bytes of ``css`` in UTF-8 (a character cut in two is dropped)."""
    head = css[:max_bytes]
    data = head.encode("utf-8", "surrogatepass")
    return data[:max_bytes].decode("utf-8", "ignore") if len(data) > max_bytes else head


def picture_url(base: str, href: str) -> str | None:
    """``href`` resolved, or None when it cannot be a picture: a font, cursor, icon, script or stylesheet,
    a data: URI or a fragment (``filter: url(#blur)``)."""
    url = absolute_url(base, href)
    return url if url and not _NOT_PICTURE.search(url) else None


def background_hrefs(attrs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The pictures an element's attributes make its background, as written, each with how: "css" for the
    url()s of its style attribute, "lazy" for the attributes a lazy-loading script turns into one."""
    style = attrs.get("style")
    found = [(href, "css") for href in style_urls(style)] if isinstance(style, str) and "url(" in style else []
    for attr in BACKGROUND_ATTRS:
        value = attrs.get(attr)
        if isinstance(value, str):
            found.append((first_url(value) or value, "lazy"))
    return found


def style_urls(style: str) -> list[str]:
    """The url()s of a style attribute's declarations, as written (not resolved), in order."""
    found: list[str] = []
    for node in parse_declaration_list(style[:MAX_CSS_CHARS], skip_comments=True, skip_whitespace=True):
        if isinstance(node, Declaration):
            found.extend(_urls(node.value))
            if len(found) >= MAX_CSS_URLS:
                break
    return found[:MAX_CSS_URLS]


def first_url(value: str) -> str | None:
    """The first url() in a CSS value (lazy-load attributes hold ``url(/img/a.jpg)`` or just the path)."""
    return next(_urls(parse_component_value_list(value[:MAX_CSS_CHARS], skip_comments=True)), None)


def page_names(html: str) -> set[str]:
    """The class names and ids used in a page's markup, to tell which CSS rules may apply to it."""
    return {name for value in _CLASS_OR_ID.findall(html) for name in value.split()}


def selector_used(selector: str, names: set[str]) -> bool:
    """Whether a CSS rule may apply to a page: one of its classes or ids is on the page, or it names none
    (``body``, ``header``)."""
    wanted = _selector_names(selector)
    return not wanted or any(name in names for name in wanted)


def _selector_names(selector: str) -> list[str]:
    """The classes (``.qr``) and ids (``#eit``) a selector names, unescaped, also inside ``:not(...)``."""
    found: list[str] = []
    stack = [iter(parse_component_value_list(selector, skip_comments=True))]
    previous: Node | None = None
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
            previous = None
            continue
        if _names_element(token, previous):
            found.append(token.value)
        elif (inner := _inner(token)) is not None:
            stack.append(iter(inner))
        previous = token
    return found


def _names_element(token: Node, previous: Node | None) -> bool:
    """An id (``#eit``) or the name of a class (``.qr``: an ident right after a ``.``)."""
    if isinstance(token, HashToken):
        return token.is_identifier
    return isinstance(token, IdentToken) and isinstance(previous, LiteralToken) and previous.value == "."


def _without_gc(function: Callable[[str], _T], css: str) -> _T:
    """``function(css)`` with the cyclic garbage collector paused: deeply nested blocks are hundreds of
    thousands of live objects, which the collector would walk again and again (half the time of a hostile
    stylesheet); tokens hold no cycles, so nothing is left for it afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(css)
    finally:
        if enabled:
            gc.enable()


def _normalized(css: str) -> str:
    """The text as tinycss2's tokenizer sees it, so that token positions index into it."""
    return css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


@dataclass
class _Frame:
    """One list of component values being walked: a stylesheet, a rule's block, a function's arguments."""

    tokens: Iterator[Node]
    selector: str | None  # of the rule the values are in; None outside any rule
    start: Node | None = None  # the first token of the prelude read so far (the selector of a coming block)


def _read_stylesheet(css: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(url()s with the selector of their rule, @import targets), as written, in order.

    The walk keeps its own stack: a stylesheet nests blocks as deep as its author wants. A rule's selector
    is the text from the first token after the last ``;`` or block to its ``{``, as written."""
    newlines = _newlines(css)
    named: list[tuple[str, str]] = []
    imports: list[str] = []
    rules = 0
    importing = False
    stack = [_Frame(iter(parse_component_value_list(css, skip_comments=True)), None)]
    while stack:
        frame = stack[-1]
        token = next(frame.tokens, None)
        if token is None:
            stack.pop()
            continue
        if isinstance(token, WhitespaceToken) or (len(stack) == 1 and isinstance(token, LiteralToken)
                                                  and token.value in _HTML_COMMENT_MARKS):
            continue
        if importing:  # the token after a top-level @import: its string or url()
            importing = False
            if (target := _import_target(token)) is not None:
                imports.append(target)
                continue
        if isinstance(token, CurlyBracketsBlock):
            rules += 1
            if rules > MAX_CSS_RULES:
                break
            selector = _selector(css, newlines, frame.start, token)
            frame.start = None
            stack.append(_Frame(iter(token.content), selector))
            continue
        if isinstance(token, LiteralToken) and token.value == ";":
            frame.start = None
            continue
        if frame.start is None:
            frame.start = token
        if len(stack) == 1 and isinstance(token, AtKeywordToken) and token.lower_value == "import":
            importing = True
        elif (href := _href(token)) is not None:
            if frame.selector is not None:  # not @namespace url(...) nor a stray declaration
                named.append((href, frame.selector))
                if len(named) >= MAX_CSS_URLS:
                    break
        elif (inner := _inner(token)) is not None:
            stack.append(_Frame(iter(inner), frame.selector))
    return named, imports


def _urls(tokens: Iterable[Node]) -> Iterator[str]:
    """The url()s among component values and inside their functions and blocks, as written, in order."""
    stack = [iter(tokens)]
    count = 0
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
        elif (href := _href(token)) is not None:
            yield href
            count += 1
            if count >= MAX_CSS_URLS:
                return
        elif (inner := _inner(token)) is not None:
            stack.append(iter(inner))


def _href(token: Node) -> str | None:
    """What a ``url(...)`` names: an unquoted url token, or the string of a url() function ('' if it has
    none); None for any other token."""
    if isinstance(token, URLToken):
        return token.value
    if isinstance(token, FunctionBlock) and token.lower_name == "url":
        return next((arg.value for arg in token.arguments if isinstance(arg, StringToken)), "")
    return None


def _import_target(token: Node) -> str | None:
    """``@import "a.css"``, ``@import url(a.css)``, ``@import url("a.css")``."""
    return token.value if isinstance(token, StringToken) else _href(token)


def _inner(token: Node) -> list[Node] | None:
    if isinstance(token, FunctionBlock):
        return token.arguments
    if isinstance(token, (ParenthesesBlock, SquareBracketsBlock, CurlyBracketsBlock)):
        return token.content
    return None


def _newlines(css: str) -> list[int]:
    """Where each line starts, less one: token positions are given as (line, column)."""
    found = [-1]
    position = css.find("\n")
    while position != -1:
        found.append(position)
        position = css.find("\n", position + 1)
    return found


def _offset(newlines: list[int], token: Node) -> int:
    return newlines[token.source_line - 1] + token.source_column


def _selector(css: str, newlines: list[int], start: Node | None, block: Node) -> str:
    """The prelude of a block as written, comments and runs of white space made single spaces."""
    if start is None:
        return ""
    begin = _offset(newlines, start)
    source = css[begin:min(_offset(newlines, block), begin + _MAX_SELECTOR_SOURCE)]
    return clean_space(_without_comments(source))[:MAX_SELECTOR_CHARS]


def _without_comments(text: str) -> str:
    parts: list[str] = []
    position = 0
    while (opened := text.find("/*", position)) != -1:
        parts += [text[position:opened], " "]
        closed = text.find("*/", opened + 2)
        position = len(text) if closed == -1 else closed + 2
    parts.append(text[position:])
    return "".join(parts)
