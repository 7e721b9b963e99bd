"""PDF text, metadata and page images, with pypdfium2 (PDFium: fast, permissively licensed, renders too).

Text comes per page, so the caller can tell which pages are empty or garbled (scans, broken Thai fonts)
and send only those to OCR, rendered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from oitcheck.extract.thai import clean_space, repair_extracted

# Pixels of one page rendered for OCR: A4 at 300 dpi is 8.7 million; a page that declares itself metres wide
# (a hostile MediaBox) is rendered smaller rather than allocating gigabytes.
MAX_RENDER_PIXELS = 40_000_000


class PdfUnreadable(ValueError):
    """The file is not a PDF PDFium can open: corrupt, truncated, or protected by a password."""


@dataclass
class PdfText:
    pages: int
    texts: list[str] = field(default_factory=list)  # one per page read (at most max_pages)
    title: str = ""
    modified: str = ""  # metadata ModDate/CreationDate as written (D:20250101000000Z)


def _open(body: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise PdfUnreadable("encrypted PDF (password required)") from None
        raise PdfUnreadable(f"not a readable PDF: {reason}"[:200]) from None


def read_pdf(body: bytes, max_pages: int) -> PdfText:
    """Text of the first ``max_pages`` pages (Thai repaired), page count, title and date from metadata."""
    document = _open(body)
    try:
        count = len(document)
        texts = []
        for index in range(min(count, max_pages)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                texts.append(repair_extracted(textpage.get_text_bounded() or ""))
            finally:
                textpage.close()
                page.close()
        meta = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    title = clean_space(meta.get("Title", ""))
    return PdfText(count, texts, title, meta.get("ModDate") or meta.get("CreationDate") or "")


def render_scale(size: tuple[float, float], dpi: int) -> float:
    """PDFium's scale for a page of ``size`` points at ``dpi``, lowered to keep ``MAX_RENDER_PIXELS``."""
    scale = dpi / 72
    pixels = max(size[0], 1.0) * max(size[1], 1.0) * scale * scale
    return scale * (MAX_RENDER_PIXELS / pixels) ** 0.5 if pixels > MAX_RENDER_PIXELS else scale


def render_pages(body: bytes, indexes: list[int], dpi: int) -> Iterator[Any]:
    """PIL images of the given pages at ``dpi``, one at a time (a rendered A4 page is ~25 MB at 300 dpi)."""
    document = _open(body)
    try:
        for index in indexes:
            if index >= len(document):
                break
            page = document[index]
            try:
                bitmap = page.render(scale=render_scale(page.get_size(), dpi), grayscale=True)
                yield bitmap.to_pil()
            finally:
                page.close()
    finally:
        document.close()
