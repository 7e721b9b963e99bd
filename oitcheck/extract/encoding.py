"""Character-set detection for Thai pages.

Scrapy falls back to cp1252 for a page that declares no charset, which never fails and silently
turns Thai into mojibake. Legacy agency sites (and some that declare ISO-8859-1 by mistake) serve
TIS-620/windows-874 bytes, so those cases are detected here and decoded as cp874.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

_WESTERN = {"cp1252", "latin_1", "iso8859_1", "ascii"}
_THAI = {"cp874", "tis_620", "iso8859_11"}
_THAI_BYTES = re.compile(rb"[\xa1-\xfb]")
_THAI_CONSONANTS = re.compile(rb"[\xa1-\xce]")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_SAMPLE = 64 * 1024


def canonical(name: str | None) -> str | None:
    """Python's canonical codec name, or None for an unknown one."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None


def declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """The encoding a page declares through BOM, HTTP header or <meta>, canonicalised."""
    bom, _ = read_bom(body)
    if bom:
        return canonical(bom)
    return canonical(http_content_type_encoding(content_type or "")) or canonical(
        html_body_declared_encoding(body[:_SAMPLE])
    )


def looks_thai_single_byte(body: bytes) -> bool:
    """True when the bytes are not UTF-8 and read as Thai in cp874."""
    sample = body[:_SAMPLE]
    high = len(_HIGH_BYTES.findall(sample))
    if high == 0:
        return False
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a UTF-8 character cut by the sample boundary
            return False
    thai = len(_THAI_BYTES.findall(sample))
    consonants = len(_THAI_CONSONANTS.findall(sample))
    if high >= 20 and thai / high >= 0.95 and consonants / thai >= 0.4:
        return True
    best = from_bytes(sample, cp_isolation=["utf_8", "cp874", "cp1252"]).best()
    return best is not None and canonical(best.encoding) in _THAI


def effective_encoding(body: bytes, content_type: str | None) -> str | None:
    """The encoding to decode with when it differs from what Scrapy would choose, else None.

    Undeclared or declared-western pages whose bytes read as Thai get cp874; a declared
    tis-620 is mapped to its superset cp874 too.
    """
    declared = declared_encoding(body, content_type)
    if declared in _THAI:
        return "cp874" if declared != "cp874" else None
    if declared is None or declared in _WESTERN:
        return "cp874" if looks_thai_single_byte(body) else None
    return None
