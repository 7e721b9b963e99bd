"""Documents (PDF, DOCX, XLSX, CSV): what kind a file is, and the facts the item rules read from it.

Most OIT evidence is a linked file. This module sniffs the kind, dispatches to the readers (``pdf``,
``office``, ``ocr``) and returns text, title, page and table counts, the years and dates its first pages
name, and a quality verdict. Files are hostile: every reader is capped, any failure becomes
``quality: unreadable``, and the crawl runs all of this in a separate, time-limited process
(``oitcheck/extract/workers.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from oitcheck.extract.dates import scan, years_of
from oitcheck.extract.ocr import OcrOptions, ocr_pdf_pages
from oitcheck.extract.office import BeyondCaps, ZipBomb, read_csv, read_docx, read_xlsx
from oitcheck.extract.pdf import PdfUnreadable, read_pdf
from oitcheck.extract.thai import clean_space

MAX_PAGES = 40  # pages of text read per PDF: titles, years and the item's content are in the first pages
MAX_CHARS = 300_000
OPENING_CHARS = 20_000  # "the first pages", where a report names its year
MIN_TEXT = 20
# Sniffing a ZIP's kind (docx, xlsx) reads member names from the last bytes of the file only.
ZIP_DIRECTORY_TAIL = 1024 * 1024
ZIP_NAMES = 2000
# A central directory record: its signature, 24 bytes, the name's length, 16 bytes, then the name.
_CENTRAL_RECORD = re.compile(rb"PK\x01\x02.{24}(..).{16}", re.DOTALL)

DOCUMENT_KINDS = {"pdf", "docx", "xlsx", "csv", "doc", "xls", "ppt", "pptx", "odt", "ods", "zip", "rar"}
IMAGE_KINDS = {"png", "jpg", "gif", "webp", "svg", "bmp"}
_EXTENSIONS = {"jpeg": "jpg", "htm": "html", "xhtml": "html", "php": "html", "asp": "html", "aspx": "html",
               "jsp": "html", "tif": "bmp", "tiff": "bmp", "7z": "zip"}
_CONTENT_TYPES = {
    "application/pdf": "pdf", "text/csv": "csv", "application/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc", "application/vnd.ms-excel": "xls", "application/zip": "zip",
    "text/html": "html", "application/xhtml+xml": "html", "image/svg+xml": "svg",
}
_PUA = re.compile("[\ue000-\uf8ff\ufffd]")
_LETTERS = re.compile("[A-Za-z\u0e01-\u0e2e]{3}")
_CID = re.compile(r"\(cid:\d+\)")
_MOJIBAKE = re.compile("[\u00c0-\u00ff][\u0080-\u00bf]")


def kind_from_url(url: str) -> str | None:
    """The file kind a URL's extension names (pdf, docx, png, html...), or None."""
    path = unquote(urlsplit(url).path).lower()
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return None
    ext = name.rsplit(".", 1)[-1]
    ext = _EXTENSIONS.get(ext, ext)
    if ext in DOCUMENT_KINDS or ext in IMAGE_KINDS or ext == "html":
        return ext
    return None


def sniff_kind(body: bytes, url: str = "", content_type: str | None = None) -> str:
    """The kind of a fetched file, by magic bytes first (servers mislabel), then type, then name."""
    head = body[:8].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if body[:4] == b"PK\x03\x04":
        names = _zip_names(body)
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return kind_from_url(url) or "zip"
    if body[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if body[:3] == b"\xff\xd8\xff":
        return "jpg"
    if body[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp"
    if body[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        by_name = kind_from_url(url)
        return by_name if by_name in ("doc", "xls", "ppt") else "doc"
    mime = (content_type or "").split(";")[0].strip().lower()
    lowered = body[:512].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:  # before svg: pages carry inline SVG icons
        return "html"
    if b"<svg" in lowered and mime in ("image/svg+xml", ""):
        return "svg"
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if mime.startswith("image/"):
        return mime.split("/", 1)[1].replace("jpeg", "jpg")
    return kind_from_url(url) or ("empty" if not body else "other")


def _zip_names(body: bytes) -> list[str]:
    """Member names from the central directory records at the end of the archive, at most
    ``ZIP_NAMES`` of them: this runs in the crawl's own process, where parsing a hostile archive's whole
    directory (a million members) would cost seconds and hundreds of MB."""
    names = []
    for record in _CENTRAL_RECORD.finditer(body, max(0, len(body) - ZIP_DIRECTORY_TAIL)):
        length = int.from_bytes(record.group(1), "little")
        names.append(body[record.end():record.end() + length].decode("utf-8", "replace"))
        if len(names) >= ZIP_NAMES:
            break
    return names


def text_quality(text: str) -> str:
    """ok / garbled / empty. Garbled: broken font maps (Private Use Area glyphs, replacement marks,
    pdfminer-style ``(cid:12)``) or Thai read as Latin-1 (``à¸``) - a page to send to OCR."""
    stripped = text.strip()
    if len(stripped) < MIN_TEXT:
        return "empty"
    bad = len(_PUA.findall(stripped)) + 4 * len(_CID.findall(stripped)) + len(_MOJIBAKE.findall(stripped))
    if bad / len(stripped) > 0.05:
        return "garbled"
    return "ok"


def extract_document(body: bytes, kind: str, ocr: OcrOptions | None = None,
                     max_pages: int = MAX_PAGES) -> dict[str, Any]:
    """The facts the rules read from one document: ``text``, ``title``, ``pages``, ``tables``, ``sheets``,
    ``years`` and ``dates`` named in its first pages, ``quality`` (ok, garbled, empty, ocr, unreadable),
    ``ocr`` (what OCR did, when a page needed it) and ``error``. Never raises: a hostile file is unreadable."""
    if kind not in READABLE:
        return _facts("", quality="empty")
    if not body:
        return unreadable("empty file (0 bytes)")
    try:
        facts = _read_pdf(body, max_pages, ocr) if kind == "pdf" else _OFFICE_READERS[kind](body)
    except MemoryError:  # the worker's memory limit: a bomb no cap caught
        return unreadable("the file needs more memory than the reader may use (MemoryError)")
    except RecursionError:
        return unreadable("the file nests deeper than the reader follows (RecursionError)")
    except Exception as exc:  # noqa: BLE001 - any parser failure on a hostile file is 'unreadable'
        return unreadable(str(exc) if isinstance(exc, (PdfUnreadable, ZipBomb, BeyondCaps)) else
                           f"{type(exc).__name__}: {exc}"[:200])
    facts["text"] = clean_space(facts["text"])[:MAX_CHARS]
    facts.setdefault("quality", text_quality(facts["text"]))
    opening = facts["text"][:OPENING_CHARS]
    mentions = scan(f"{facts.get('title', '')}\n{opening}")
    facts["years"] = sorted(years_of(mentions))
    facts["dates"] = [m.date.isoformat() for m in mentions if m.kind == "date"][:20]
    return _facts(**facts)


def _read_pdf(body: bytes, max_pages: int, ocr: OcrOptions | None) -> dict[str, Any]:
    """Text per page; pages that are empty or garbled (scans, broken Thai fonts) go to OCR when it is on."""
    pdf = read_pdf(body, max_pages)
    texts = list(pdf.texts)
    needs = [i for i, text in enumerate(texts) if text_quality(text) != "ok"]
    facts: dict[str, Any] = {"pages": pdf.pages, "tables": 0, "title": pdf.title, "modified": pdf.modified}
    whole = "\n".join(texts)
    if needs and text_quality(whole) != "ok":  # a stray empty page in a good report needs no OCR
        if ocr is None or not ocr.enabled:
            facts["ocr"] = {"status": "disabled", "pages": 0, "seconds": 0.0, "needed": len(needs)}
        else:
            done = ocr_pdf_pages(body, needs, ocr)
            for index, text in done.texts.items():
                texts[index] = text
            facts["ocr"] = {"status": done.status, "pages": len(done.texts), "seconds": done.seconds,
                            "needed": len(needs)}
            whole = "\n".join(texts)
            if done.texts and text_quality(whole) == "ok":
                facts["quality"] = "ocr"
    facts["text"] = whole
    if not facts["title"]:
        facts["title"] = next((line.strip() for line in whole.splitlines() if _LETTERS.search(line)), "")[:300]
    return facts


def _facts(text: str = "", *, pages: int | None = None, tables: int = 0, title: str = "", quality: str = "ok",
           error: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"text": text, "pages": pages, "tables": tables, "title": title, "quality": quality, "error": error,
            **extra}


def unreadable(reason: str, **extra: Any) -> dict[str, Any]:
    """The facts of a file that could not be read, with why (and, from the workers, ``cause``)."""
    return _facts("", quality="unreadable", error=reason, **extra)


_OFFICE_READERS: dict[str, Callable[[bytes], dict[str, Any]]] = {"docx": read_docx, "xlsx": read_xlsx, "csv": read_csv}
READABLE = {"pdf", *_OFFICE_READERS}
