"""Building blocks for the test-bed sites: files written into one host's folder.

Every site generator gets one ``SiteWriter`` per host (the agency's site, an external file host) and
writes pages, real documents (PDF with extractable Thai text, scanned-image PDF, XLSX, DOCX, CSV),
images (portraits, QR banners) and the server behaviours (``_routes.json``, ``_site.json``).
Output is deterministic: fixed document dates, fixed zip timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import segno
from docx import Document
from openpyxl import Workbook
from PIL import Image, ImageDraw, ImageFont

from tests.support.documents import FONT, Doc, fix_zip, render_pdf

EIT_PREFIX = "https://itas.nacc.go.th/go/eit/"


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


class SiteWriter:
    """Writes one host's files under ``root``; ``url`` is the host's base URL (``http://127.0.0.2:PORT/``)."""

    def __init__(self, root: Path, url: str) -> None:
        self.root, self.url = root, url
        self.routes: dict[str, dict[str, Any]] = {}
        self.site: dict[str, Any] = {}

    def path(self, rel: str) -> Path:
        path = self.root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def link(self, rel: str) -> str:
        """Absolute URL of ``rel`` on this host (for links from another host)."""
        return self.url.rstrip("/") + "/" + rel.lstrip("/")

    # -- text ---------------------------------------------------------------------------------

    def text(self, rel: str, content: str, encoding: str = "utf-8") -> None:
        self.path(rel).write_bytes(content.encode(encoding))

    def route(self, path: str, **behaviour: Any) -> None:
        """A server behaviour for ``path`` (see tests.support.server): status, location, delay, zeros..."""
        self.routes[path] = behaviour

    def finish(self) -> None:
        """Write the routes and site settings; call once after the generator wrote everything."""
        if self.routes:
            self.path("_routes.json").write_text(json.dumps(self.routes, ensure_ascii=False, indent=1), "utf-8")
        if self.site:
            self.path("_site.json").write_text(json.dumps(self.site), "utf-8")

    # -- documents ----------------------------------------------------------------------------

    def pdf(self, rel: str, title: list[str], blocks: list[Any], org: str = "") -> None:
        """A PDF with extractable Thai text: title lines, then blocks: str paragraphs,
        ("h", heading), ("table", [widths], [rows, first is header])."""
        self.path(rel).write_bytes(render_pdf(title, blocks, subtitle=org, author=org))

    def scanned_pdf(self, rel: str, lines: list[str]) -> None:
        """A PDF that is only a picture of a page (a scan): no extractable text at all."""
        page = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(page)
        for number, line in enumerate(lines):
            draw.text((110, 120 + number * 60), line, font=font(34), fill=20)
        buffer = io.BytesIO()
        page.save(buffer, format="PNG")
        doc = Doc()
        doc.add_page()
        doc.image(buffer, x=0, y=0, w=210, h=297)
        self.path(rel).write_bytes(bytes(doc.output()))

    def xlsx(self, rel: str, rows: list[list[Any]], sheet: str = "Sheet1") -> None:
        book = Workbook()
        book.properties.creator = "oitcheck test bed"
        from datetime import datetime

        book.properties.created = book.properties.modified = datetime(2025, 1, 1)
        ws = book.active
        ws.title = sheet[:31]
        for row in rows:
            ws.append(row)
        path = self.path(rel)
        book.save(path)
        fix_zip(path)

    def docx(self, rel: str, title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> None:
        document = Document()
        document.core_properties.title = title
        from datetime import datetime

        document.core_properties.created = document.core_properties.modified = datetime(2025, 1, 1)
        document.add_heading(title, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if table:
            grid = document.add_table(rows=0, cols=len(table[0]))
            for row in table:
                cells = grid.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = str(value)
        path = self.path(rel)
        document.save(path)
        fix_zip(path)

    def csv(self, rel: str, rows: list[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        self.path(rel).write_bytes(buffer.getvalue().encode("utf-8-sig"))

    # -- images -------------------------------------------------------------------------------

    def portrait(self, rel: str, seed: int) -> None:
        """A plain generated portrait (120x150) for executives' cards."""
        colours = [(200, 215, 235), (215, 225, 210), (230, 220, 205), (210, 210, 230)]
        image = Image.new("RGB", (120, 150), colours[seed % 4])
        draw = ImageDraw.Draw(image)
        draw.ellipse([10, 105, 110, 200], fill=(60, 70, 90))
        draw.ellipse([35, 30, 85, 95], fill=(224, 186, 150))
        draw.pieslice([33, 24, 87, 70], 180, 360, fill=(25, 20, 20))
        image.save(self.path(rel), format="PNG", optimize=True)

    def qr(self, rel: str, data: str, scale: int = 6) -> None:
        """A plain QR code image."""
        segno.make(data, error="m").save(str(self.path(rel)), kind="png", scale=scale, border=2)

    def banner(self, rel: str, lines: list[str], qr_data: str | None, size: tuple[int, int] = (1000, 260),
               qr_scale: int = 3) -> None:
        """A wide banner with Thai text and, when given, a small QR code inside it (no URL in the page)."""
        image = Image.new("RGB", size, (20, 80, 140))
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((30, 25 + number * 42), line, font=font(28 if number == 0 else 20), fill="white")
        if qr_data:
            buffer = io.BytesIO()
            segno.make(qr_data, error="m").save(buffer, kind="png", scale=qr_scale, border=2)
            code = Image.open(buffer).convert("RGB")
            left, top = size[0] - code.width - 40, (size[1] - code.height) // 2
            draw.rectangle([left - 6, top - 6, left + code.width + 6, top + code.height + 6], fill="white")
            image.paste(code, (left, top))
        image.save(self.path(rel), format="PNG", optimize=True)

    def chart(self, rel: str, boxes: list[str]) -> None:
        """An organisation chart picture: one box per unit name."""
        image = Image.new("RGB", (900, 360), "white")
        draw = ImageDraw.Draw(image)
        for number, label in enumerate(boxes):
            left = 20 + (number % 4) * 220
            top = 30 + (number // 4) * 110
            draw.rectangle([left, top, left + 200, top + 70], outline=(20, 60, 120), width=3)
            draw.text((left + 12, top + 22), label[:18], font=font(18), fill=(20, 30, 50))
        image.save(self.path(rel), format="PNG", optimize=True)
