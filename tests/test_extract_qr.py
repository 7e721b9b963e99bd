"""QR decoding of homepage pictures: small codes in large banners, transparency, SVG files and inline
SVG markup, and a bounded time for large pictures without any code."""

from __future__ import annotations

import base64
import io
import random
import sys

import segno
from PIL import Image, ImageDraw

from oitcheck.extract import qr
from oitcheck.extract.qr import decode_qr, decode_svg, decode_svgs

EIT = "https://itas.nacc.go.th/go/eit/ab12cd"
LINE = "https://line.me/R/ti/p/@agency123"


def code(size: int, data: str = EIT, resample: Image.Resampling = Image.Resampling.BILINEAR) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=10, border=2)
    return Image.open(buffer).convert("RGB").resize((size, size), resample)


def busy(width: int, height: int) -> Image.Image:
    """A banner-like picture: colour blocks everywhere (edges for the detector to reject)."""
    rnd = random.Random(7)
    image = Image.new("RGB", (width, height), (20, 80, 140))
    draw = ImageDraw.Draw(image)
    for _ in range(width * height // 4000):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.rectangle([x, y, x + rnd.randrange(4, 60), y + rnd.randrange(4, 30)],
                       fill=tuple(rnd.randrange(256) for _ in range(3)))
    return image


def paste(image: Image.Image, qr_image: Image.Image, left: int, top: int) -> Image.Image:
    ImageDraw.Draw(image).rectangle([left - 5, top - 5, left + qr_image.width + 5, top + qr_image.height + 5],
                                    fill="white")
    image.paste(qr_image, (left, top))
    return image


def encode(image: Image.Image, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **({"quality": 70} if kind == "JPEG" else {}))
    return buffer.getvalue()


def svg_text(data: str = EIT, namespace: bool = True, scale: int = 1) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", xmldecl=False, svgns=namespace, scale=scale)
    return buffer.getvalue().decode()


def test_120px_code_inside_a_1600x500_banner():
    banner = paste(busy(1600, 500), code(120), 1420, 190)
    assert decode_qr(encode(banner)) == [EIT]
    assert decode_qr(encode(banner, "JPEG")) == [EIT]


def test_64px_code_in_a_corner():
    banner = paste(busy(1600, 500), code(64), 1526, 426)
    assert decode_qr(encode(banner)) == [EIT]
    assert decode_qr(encode(banner, "JPEG")) == [EIT]


def test_two_codes_of_different_sizes_in_one_banner():
    banner = paste(paste(busy(1600, 500), code(400, LINE), 40, 50), code(64), 1510, 410)
    assert set(decode_qr(encode(banner))) == {EIT, LINE}


def test_code_drawn_on_transparency():
    dark = code(150).convert("L").point(lambda v: 255 if v < 128 else 0)  # alpha: opaque where the modules are
    image = Image.new("RGBA", (150, 150), (0, 0, 0, 0))
    image.putalpha(dark)  # black modules on transparent black: flattened naively, all black
    assert decode_qr(encode(image)) == [EIT]


def test_decode_time_is_bounded_for_large_pictures_without_a_code():
    photo = encode(busy(4000, 3000), "JPEG")
    width, height = 4000, 3000
    assert sum(1 for _ in qr._tiles(Image.new("L", (width, height)))) <= qr.MAX_TILES
    assert decode_qr(photo) == []  # the work is bounded by the tile cap above and the budget below, not timed here


def test_time_budget_stops_the_search(monkeypatch):
    monkeypatch.setattr(qr, "TIME_BUDGET", 0.0)
    calls = []
    original = qr._tiles
    monkeypatch.setattr(qr, "_tiles", lambda image: (calls.append(1), original(image))[1])
    assert decode_qr(encode(busy(1600, 500))) == []
    assert not calls  # out of time after the whole picture: no tile was cut


def test_svg_file_rendered_large_enough_to_read():
    body = svg_text(scale=1).encode()  # 37x37 units: at its own size a module is one pixel
    assert b'width="37"' in body
    assert qr.is_svg(body) and decode_qr(body) == [EIT]
    assert decode_qr(b'<?xml version="1.0"?>\n' + svg_text(scale=4).encode()) == [EIT]


def test_svg_banner_with_a_small_code():
    rects = "".join(f'<rect x="{x}" y="{y}" width="1" height="1"/>' for y, row in enumerate(segno.make(EIT).matrix)
                    for x, dark in enumerate(row) if dark)
    size = len(segno.make(EIT).matrix)
    banner = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="500"><rect width="1600" height="500" '
              f'fill="#164"/><rect x="1440" y="170" width="140" height="140" fill="#fff"/>'
              f'<g transform="translate(1450 180) scale({120 / size})">{rects}</g></svg>')
    assert decode_qr(banner.encode()) == [EIT]


def test_inline_svg_markup_without_namespace():
    markup = svg_text(namespace=False, scale=3)
    assert "xmlns" not in markup
    assert decode_svg(markup) == [EIT]
    assert decode_svgs([markup, svg_text(LINE, namespace=False), markup]) == [EIT, LINE]


def test_svg_with_an_embedded_png_but_no_external_fetch():
    png = base64.b64encode(encode(code(200))).decode()
    embedded = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" '
                f'height="200"><image width="200" height="200" xlink:href="data:image/png;base64,{png}"/></svg>')
    assert decode_qr(embedded.encode()) == [EIT]
    remote = embedded.replace(f"data:image/png;base64,{png}", "http://127.0.0.1:9/qr.png")
    assert decode_qr(remote.encode()) == []  # safe mode: only data: URLs are read
    entity = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    assert decode_qr(entity) == []


def test_svg_without_cairo_is_no_code_not_a_crash(monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg.parser", None)  # import fails as when libcairo is missing
    assert decode_qr(svg_text().encode()) == []
    assert decode_qr(encode(code(150))) == [EIT]  # raster pictures still decode


def test_unreadable_input_is_no_code():
    assert decode_qr(b"") == []
    assert decode_qr(b"not a picture") == []
    assert decode_qr(b"\x89PNG\r\n\x1a\n broken") == []
    assert decode_qr(b"<svg><unclosed") == []
    assert decode_svg("<div>no svg here</div>") == []
