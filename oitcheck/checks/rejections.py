"""Where oitcheck looked for an item it did not find: the index rows naming it, the candidates it turned down
and why, and the words it accepts.

A bare "ไม่พบ" cannot be checked by staff; these records let them see which row, which link and which rule made
the tool say so, and catch a false "missing". Types only: the checks fill them (``checks.judge``,
``checks.looked``), the report formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

CANDIDATES_KEPT = 5  # rejected candidates kept per item, best-ranked first
ROWS_KEPT = 5  # index rows kept per item
WORDS_KEPT = 10  # accepted words shown per component
TEXT_CHARS = 200  # of a row's or a candidate's text (crawled content: capped)


class Rejection(StrEnum):
    """Why a candidate was not taken as the component's evidence (wording: messages.th.yaml ``rejections``)."""

    BROKEN = "broken"  # the link answers an error or nothing
    SOFT_404 = "soft_404"  # it answers a not-found page, or sends visitors to the homepage
    PLACEHOLDER = "placeholder"  # a page that holds nothing yet, or only its template's code
    INDEX = "index"  # a page listing other items, not this item's document
    GHOST = "ghost"  # a link seen only on a not-found page, never fetched
    LEADS_HOME = "leads_home"  # a working link whose target is the homepage
    OTHER_SECTION = "other_section"  # found only in another year's ITA section
    WRONG_YEAR = "wrong_year"  # names only years the year rule does not accept
    OCR_YEAR = "ocr_year"  # its year was read by OCR alone: not trusted either way
    UNCHECKED = "unchecked"  # could not be opened this time (robots.txt, 429, a budget)
    OFF_TOPIC = "off_topic"  # names the item but none of the component's words
    MISSING_ELEMENTS = "missing_elements"  # a page lacking required elements (executives, contact details)
    STALE = "stale"  # news whose newest date is too old
    NOT_MACHINE_READABLE = "not_machine_readable"  # a PDF or picture where a spreadsheet or table is required


class RowLink(StrEnum):
    """What an index row's link gave: a LinkState's value, or ``none`` for a row with no link at all."""

    OK = "ok"
    BROKEN = "broken"
    SOFT_404 = "soft_404"
    UNKNOWN = "unknown"
    EMPTY = "empty"
    NONE = "none"


@dataclass(frozen=True)
class Rejected:
    """One candidate turned down for one component."""

    url: str
    text: str
    found_on: str | None
    reason: Rejection
    detail: str = ""  # the status, the years, the missing elements... as the rule saw them
    component: str = ""  # the component's id


@dataclass(frozen=True)
class IndexRow:
    """A row of an ITA/OIT index (or a link in one) that names the item, and where its link led."""

    text: str
    page: str  # the index page it is on
    link: str | None  # its link's URL; None: no link at all
    state: RowLink
    detail: str = ""  # the link's status or error; for a row without a link, its href as written ("#")
    section: int | None = None  # the ITA year of the index, when it is another year's


@dataclass
class Looked:
    """Everything the tool considered for one item that did not pass."""

    rows: list[IndexRow] = field(default_factory=list)
    candidates: list[Rejected] = field(default_factory=list)
    # the words naming the item (key: the item's id), then each failing component's own (key: its id)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
