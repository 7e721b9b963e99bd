"""QR code decoding for the homepage EIT survey code.

The EIT QR is usually a small code inside a large banner; zxing-cpp finds it in the full image,
and failing that in an upscaled copy and in overlapping tiles. Agencies also publish it as SVG (a
file or markup inline in the page): SVG is rasterised with cairosvg at a size where even a code
filling a tenth of the picture has modules of several pixels, then read the same way.

Decoding time is bounded: at most ``MAX_TILES`` crops, tried most QR-like first, within
``TIME_BUDGET`` seconds per image (the extraction worker's timeout is the hard limit behind it).
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

MAX_PIXELS = 40_000_000
MAX_SVG_BYTES = 2 * 1024 * 1024
SVG_SIDE = 2000  # long side of a rendered SVG: a 120-unit code in a 1600-unit banner gets ~4.5 px modules
MAX_SVG_PIXELS = 6_000_000
UPSCALE_BELOW = 1600  # images smaller than this on their long side are also tried at twice the size
MULTI_CODE_SIDE = 1000  # banners this wide may hold a second, smaller code: some tiles are read after a hit
MAX_TILES = 24
MAX_TILES_AFTER_HIT = 6
MIN_TILE = 200
UPSCALE_TILE_BELOW = 800  # tiles up to this side are read at twice the size (tiny modules need ~4 px)
TIME_BUDGET = 3.0

_RASTER_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM", b"II*\x00", b"MM\x00*")
_SVG_OPEN = re.compile(rb"<svg\b[^>]*>", re.I)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|pc|mm|cm|in)?\s*$", re.I)
_UNIT_PX = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
_XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def decode_qr(body: bytes) -> list[str]:
    """Every distinct QR payload found in an image (PNG, JPEG, GIF, WebP, BMP, SVG); [] when none or unreadable."""
    try:
        import zxingcpp
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    image = _open(body)
    if image is None:
        return []
    deadline = time.monotonic() + TIME_BUDGET
    found: list[str] = []
    tries = 0
    for stage, candidate in _candidates(image):
        if found and stage == "upscaled":
            continue
        if found and stage == "tile":
            if max(image.size) < MULTI_CODE_SIDE or tries >= MAX_TILES_AFTER_HIT:
                break
            tries += 1
        for result in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode):
            if result.text and result.text not in found:
                found.append(result.text)
        if time.monotonic() > deadline:
            break
    return found


def decode_svg(markup: str | bytes) -> list[str]:
    """QR payloads of SVG markup taken from an HTML page (inline ``<svg>``), which may lack the SVG namespace."""
    data = markup.encode("utf-8", errors="replace") if isinstance(markup, str) else markup
    match = _SVG_OPEN.search(data[:4096])
    if match is None:
        return []
    tag = match.group(0).decode("utf-8", errors="replace")
    fixed = tag
    if "xmlns=" not in tag:
        fixed = fixed[:4] + " " + _SVG_NS + fixed[4:]
    if "xlink:" in data.decode("utf-8", errors="replace") and "xmlns:xlink" not in tag:
        fixed = fixed[:4] + " " + _XLINK_NS + fixed[4:]
    if fixed != tag:
        data = data[:match.start()] + fixed.encode("utf-8") + data[match.end():]
    return decode_qr(data)


def decode_svgs(svgs: list[str]) -> list[str]:
    """Distinct QR payloads of a page's inline SVG markups (``parse_page``'s "svgs")."""
    found: list[str] = []
    for markup in svgs:
        found.extend(data for data in decode_svg(markup) if data not in found)
    return found


def is_svg(body: bytes) -> bool:
    """SVG markup rather than a raster image (servers often label SVG as text/xml or octet-stream)."""
    head = body[:4096]
    return not head.startswith(_RASTER_MAGIC) and _SVG_OPEN.search(head) is not None


def _open(body: bytes) -> Any:
    """A grayscale PIL image of ``body`` (transparency flattened onto white), or None."""
    from PIL import Image

    if is_svg(body):
        image = _render_svg(body)
        if image is None:
            return None
    else:
        try:
            image = Image.open(io.BytesIO(body))
            if image.width * image.height > MAX_PIXELS:
                return None
            image.load()
        except Exception:  # noqa: BLE001 - a corrupt image is simply not a QR code
            return None
    try:
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            # A transparent pixel is black underneath: a code drawn on transparency would vanish.
            rgba = image.convert("RGBA")
            image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
        return image.convert("L")
    except Exception:  # noqa: BLE001 - an odd mode (CMYK JPEG with a bad profile...) is not worth a crash
        return None


def _render_svg(body: bytes) -> Any:
    """The SVG rasterised on white with its long side at ``SVG_SIDE`` pixels; None when it cannot be."""
    if len(body) > MAX_SVG_BYTES:
        return None
    try:
        from cairosvg.parser import Tree
        from cairosvg.surface import PNGSurface
    except Exception:  # noqa: BLE001 - cairosvg missing, or libcairo missing (cairocffi raises OSError)
        return None
    from PIL import Image

    try:
        tree = Tree(bytestring=body, unsafe=False)  # safe mode: no entities, no external files or URLs
        width, height = _svg_size(tree)
        scale = SVG_SIDE / max(width, height)
        out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
        if out_w * out_h > MAX_SVG_PIXELS:  # a long strip: cap the pixels, keep the aspect ratio
            shrink = (MAX_SVG_PIXELS / (out_w * out_h)) ** 0.5
            out_w, out_h = max(1, int(out_w * shrink)), max(1, int(out_h * shrink))
        # Rendered in memory and read straight from cairo's pixel buffer: writing and re-reading a PNG
        # of 2000x2000 pixels would cost five times the drawing itself.
        surface = PNGSurface(tree, None, 96, parent_width=width, parent_height=height, output_width=out_w,
                             output_height=out_h, background_color="white")
        pixels = surface.cairo
        pixels.flush()
        raw = "BGRA" if sys.byteorder == "little" else "ARGB"  # cairo's ARGB32 is native-endian
        image = Image.frombuffer("RGBA", (pixels.get_width(), pixels.get_height()), bytes(pixels.get_data()),
                                 "raw", raw, pixels.get_stride(), 1)
        surface.finish()
        return image.convert("L")  # opaque: drawn on white
    except Exception:  # noqa: BLE001 - malformed or hostile SVG is simply not a QR code
        return None


def _svg_size(tree: Any) -> tuple[float, float]:
    """The SVG's own size in pixels, from width/height, else its viewBox, else a 1000-px square."""
    width, height = _length(tree.get("width")), _length(tree.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", (tree.get("viewBox") or "").strip()) if _is_number(v)]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width and not height:
            height = width * box[3] / box[2]
        elif height and not width:
            width = height * box[2] / box[3]
        elif not width and not height:
            width, height = box[2], box[3]
    return (width or 1000.0), (height or 1000.0)


def _length(value: str | None) -> float:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _UNIT_PX[(match.group(2) or "").lower()] if match else 0.0


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _candidates(image: Any) -> Iterator[tuple[str, Any]]:
    """Ever costlier ways to look: the whole image (and, if small, twice its size), then tiles."""
    width, height = image.size
    yield "whole", image
    if max(width, height) < UPSCALE_BELOW:
        yield "upscaled", image.resize((width * 2, height * 2))
    for tile in _tiles(image):
        yield "tile", tile


def _tiles(image: Any) -> Iterator[Any]:
    """At most ``MAX_TILES`` half-overlapping crops, those with the most black-and-white contrast first."""
    width, height = image.size
    tile = max(MIN_TILE, min(width, height) // 2)
    while _tile_count(width, height, tile) > MAX_TILES:
        tile = int(tile * 1.25) + 1
    if tile >= max(width, height):
        return
    step = max(1, tile // 2)
    boxes = [(left, top, min(left + tile, width), min(top + tile, height))
             for top in range(0, max(1, height - step), step) for left in range(0, max(1, width - step), step)]
    boxes.sort(key=lambda box: -_contrast(image.crop(box)))
    for box in boxes:
        crop = image.crop(box)
        if max(crop.size) <= UPSCALE_TILE_BELOW:
            crop = crop.resize((crop.width * 2, crop.height * 2))
        yield crop


def _tile_count(width: int, height: int, tile: int) -> int:
    step = max(1, tile // 2)
    return len(range(0, max(1, height - step), step)) * len(range(0, max(1, width - step), step))


def _contrast(crop: Any) -> float:
    """How much of a crop is near-black and near-white at once: a QR code is about half of each."""
    histogram = crop.reduce(4).histogram() if min(crop.size) >= 8 else crop.histogram()
    total = sum(histogram) or 1
    dark, light = sum(histogram[:80]) / total, sum(histogram[176:]) / total
    return min(dark, light)
