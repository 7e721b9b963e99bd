"""The parts of a page record: its headings, links (working, dropped, and leading nowhere) and pictures.

Leaf types of ``oitcheck.records`` (which re-exports them), kept apart so each module stays small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

CAPTION_LEVEL = 7  # a bold caption line standing for a heading: below every h1-h6 level


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a page: ``level`` 1-6 (h1-h6, ARIA headings) or ``CAPTION_LEVEL`` for a short bold line
    alone in its block; ``chrome`` when it sits in a navigation, banner, footer or sidebar landmark."""

    level: int
    text: str
    chrome: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A link on a page, with the texts around it that may name what it points to."""

    url: str
    text: str = ""
    row: str = ""  # the table row it sits in
    heading: str = ""  # the heading above it
    label: str = ""  # the short text block just before it (a caption)
    chrome: bool = False  # in a menu, sidebar or footer
    tag: str = "a"


class DropReason(StrEnum):
    """Why a link on a page cannot be followed by any visitor, so it is reported broken without a fetch."""

    LOCAL_FILE = "local_file"  # file:///C:/..., C:\..., \\server\share: a path on the author's own computer
    MALFORMED = "malformed"  # http://localhost], a port that is not a number, a host with spaces
    NO_HOST = "no_host"  # http:// with nothing after it
    UNSUPPORTED_SCHEME = "unsupported_scheme"  # htp://x and other schemes no browser opens
    TOO_LONG = "too_long"  # longer than URLLENGTH_LIMIT: no server takes it


@dataclass(frozen=True, slots=True)
class DroppedLink:
    """A link a page shows that leads nowhere for anyone: ``url`` as written (cut when huge), and why."""

    url: str
    reason: DropReason
    text: str = ""
    tag: str = "a"

    @classmethod
    def from_value(cls, value: DroppedLink | Mapping[str, Any]) -> DroppedLink:
        if isinstance(value, DroppedLink):
            return value
        return cls(url=value["url"], reason=DropReason(value["reason"]), text=value.get("text") or "",
                   tag=value.get("tag") or "a")


@dataclass(frozen=True, slots=True)
class UnlinkedRow:
    """A link that goes nowhere (``href="#"``, ``javascript:void(0)``, empty or missing) with the words around
    it: an index row naming an item whose link was never filled in (reported on that item)."""

    text: str
    href: str = ""  # as written
    row: str = ""
    heading: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Image:
    """A picture a page shows: ``source`` tells where it was named (img, css, svg...)."""

    url: str
    alt: str = ""
    chrome: bool = False
    context: str = ""
    source: str = "img"
    stylesheet: str | None = None  # for pictures named by a stylesheet
    selector: str | None = None


@dataclass(frozen=True, slots=True)
class QrCode:
    image: str  # the picture's URL, or "inline-svg"
    data: str
