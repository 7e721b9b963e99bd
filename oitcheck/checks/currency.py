"""Date currency: how new a page or document is, for the news rule and for every item's evidence.

The dates a page shows to people come first. Page metadata (``article:modified_time``, HTTP
``Last-Modified``) is only a fallback: CMSs rewrite it whenever anything on the site changes, so it says
when the page was generated, not when its news was.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta
from email.utils import parsedate_to_datetime

from oitcheck.checks.results import Dated
from oitcheck.extract.dates import find_years, scan
from oitcheck.records import PageRecord, Record, ResourceRecord, body_text

_THAI_DIGITS = re.compile(r"[\u0e50-\u0e59]")
_ARABIC_DIGITS = re.compile(r"[0-9]")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
FUTURE_SLACK = timedelta(days=1)  # a post dated tomorrow is a time-zone slip, not a future event
META_DATE_KEYS = ("article:modified_time", "og:updated_time", "article:published_time", "dc.date", "date",
                  "last-modified")


def newest_date(text: str, as_of: date) -> date | None:
    """The newest date in ``text`` that is not after the as-of date and not one end of a period:
    news lists date their posts, while excerpts name event days and application periods."""
    dates = [m.date for m in scan(text) if m.kind == "date" and not m.in_range and m.date <= as_of + FUTURE_SLACK]
    return max(dates, default=None)


def metadata_date(record: Record, as_of: date) -> date | None:
    """The newest date in a page's metadata, a document's own dates (PDF ModDate, DOCX/XLSX last saved) or
    the HTTP ``Last-Modified`` (not after as-of)."""
    found: list[date] = []
    meta = record.meta if isinstance(record, PageRecord) else {}
    for key in META_DATE_KEYS:
        value = meta.get(key)
        if value:
            found.extend(m.date for m in scan(value) if m.kind == "date")
    doc = record.doc if isinstance(record, ResourceRecord) else None
    written = (doc.modified if doc else None) or ""
    if pdf_date := _PDF_DATE.match(written):  # a PDF's ModDate/CreationDate, D:20250101000000Z
        with contextlib.suppress(ValueError):
            found.append(date(int(pdf_date[1]), int(pdf_date[2]), int(pdf_date[3])))
    elif written:  # a DOCX/XLSX "last saved" time, ISO
        with contextlib.suppress(ValueError):
            found.append(date.fromisoformat(written[:10]))
    if record.last_modified:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            found.append(parsedate_to_datetime(record.last_modified).date())
    return max((d for d in found if d <= as_of + FUTURE_SLACK), default=None)


def record_date(record: Record | None, as_of: date) -> tuple[date | None, str]:
    """(newest date, where it came from: ``text``, ``metadata`` or ``""``) for a fetched page or document."""
    if record is None:
        return None, ""
    shown = newest_date(body_text(record)[:20000], as_of)
    if shown:
        return shown, "text"
    meta = metadata_date(record, as_of)
    return (meta, "metadata") if meta else (None, "")


def dated(record: Record | None, as_of: date) -> Dated:
    """``record_date`` as the reports show it, with whether the record is a document or a web page."""
    return Dated(*record_date(record, as_of), document=record is not None and not isinstance(record, PageRecord))


def older_than_previous_year(years: set[int], ay: int) -> bool:
    """Evidence naming years, all before AY-1, is out of date (spec: date currency)."""
    return bool(years) and max(years) < ay - 1



def both_readings(text: str) -> set[int]:
    """Years ``text`` writes both in Thai digits and in Arabic digits: two readings that agree (an OCR
    misreading of one form rarely makes the same year as the other)."""
    thai = find_years(_ARABIC_DIGITS.sub(" ", text), fiscal=True)
    arabic = find_years(_THAI_DIGITS.sub(" ", text), fiscal=True)
    return thai & arabic
