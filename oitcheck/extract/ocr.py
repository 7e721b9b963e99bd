"""OCR of scanned or garbled PDF pages with Tesseract (Thai + English), capped in pages and seconds.

Many agency reports are scans. Tesseract is a system program (Debian: tesseract-ocr, tesseract-ocr-tha),
so oitcheck runs without it and says so; ``ocr_status()`` tells which case this machine is in.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache

from oitcheck.extract.pdf import render_pages
from oitcheck.extract.thai import repair_extracted

LANGUAGES = "tha+eng"


@dataclass(frozen=True)
class OcrOptions:
    """Caps per document: OCR costs 2-10 s a page, and a 300-page scanned plan must not stall an audit."""

    enabled: bool = True
    max_pages: int = 5
    seconds: float = 90.0
    dpi: int = 200


@lru_cache(maxsize=1)
def ocr_status() -> str:
    """``ok``, ``no_tesseract`` or ``no_thai`` (Tesseract without the Thai language data)."""
    binary = shutil.which("tesseract")
    if not binary:
        return "no_tesseract"
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "no_tesseract"
    languages = set((listed.stdout + listed.stderr).split())
    return "ok" if "tha" in languages else "no_thai"


@dataclass
class OcrResult:
    texts: dict[int, str]  # page index -> text read
    status: str  # done, partial (caps reached), unavailable, failed
    seconds: float


def ocr_pdf_pages(body: bytes, indexes: list[int], options: OcrOptions) -> OcrResult:
    """Read the given pages (at most ``max_pages``) within ``seconds`` in all."""
    if ocr_status() != "ok":
        return OcrResult({}, "unavailable", 0.0)
    import pytesseract

    started = time.monotonic()
    texts: dict[int, str] = {}
    wanted = indexes[:options.max_pages]
    status = "done" if len(wanted) == len(indexes) else "partial"
    try:
        for index, image in zip(wanted, render_pages(body, wanted, options.dpi), strict=False):
            left = options.seconds - (time.monotonic() - started)
            if left <= 1:
                status = "partial"
                break
            try:
                texts[index] = repair_extracted(pytesseract.image_to_string(image, lang=LANGUAGES, timeout=left))
            except RuntimeError:  # pytesseract's timeout
                status = "partial"
                break
    except (pytesseract.TesseractError, OSError, ValueError):
        status = "partial" if texts else "failed"
    return OcrResult(texts, status, round(time.monotonic() - started, 2))
