"""Undeclared Thai encodings are detected; declared ones are respected."""

from __future__ import annotations

from oitcheck.extract.encoding import effective_encoding

THAI_PAGE = "<html><body><h1>ข่าวประชาสัมพันธ์</h1><p>องค์การบริหารส่วนตำบล ภาษาไทย ๒๕๖๘</p></body></html>"


def test_undeclared_cp874_is_detected():
    assert effective_encoding(THAI_PAGE.encode("cp874"), "text/html") == "cp874"


def test_western_declaration_on_thai_bytes_is_overridden():
    assert effective_encoding(THAI_PAGE.encode("cp874"), "text/html; charset=iso-8859-1") == "cp874"


def test_declared_thai_encodings_need_no_override():
    body = THAI_PAGE.encode("cp874")
    assert effective_encoding(body, "text/html; charset=tis-620") in (None, "cp874")
    assert effective_encoding(b'<meta charset="windows-874">' + body, "text/html") is None


def test_utf8_and_western_pages_are_left_alone():
    assert effective_encoding(THAI_PAGE.encode("utf-8"), "text/html") is None
    french = "<p>café olé, déjà vu à la crème brûlée</p>".encode("cp1252")
    assert effective_encoding(french, "text/html") is None
