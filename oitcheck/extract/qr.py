"""QR code decoding for the homepage EIT survey code.

The EIT QR is usually a small code inside a large banner; zxing-cpp finds it in the full image,
and failing that in an upscaled copy and in overlapping tiles.
"""

from __future__ import annotations

import io

MAX_PIXELS = 40_000_000


def decode_qr(body: bytes) -> list[str]:
    """Every distinct QR payload found in an image (PNG, JPEG, GIF, WebP); [] when none or unreadable."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:  # pragma: no cover - both are declared dependencies
        return []
    try:
        image = Image.open(io.BytesIO(body))
        if image.width * image.height > MAX_PIXELS:
            return []
        image = image.convert("RGB")
    except Exception:  # noqa: BLE001 - a corrupt image is simply not a QR code
        return []
    found: list[str] = []
    for candidate in _candidates(image):
        for result in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode):
            if result.text and result.text not in found:
                found.append(result.text)
        if found:
            break
    return found


def _candidates(image):  # type: ignore[no-untyped-def]
    yield image
    width, height = image.size
    if max(width, height) < 1600:
        yield image.resize((width * 2, height * 2))
    tile = max(200, min(width, height) // 2)
    step = tile // 2
    for top in range(0, max(1, height - step), step):
        for left in range(0, max(1, width - step), step):
            crop = image.crop((left, top, min(left + tile, width), min(top + tile, height)))
            yield crop.resize((crop.width * 2, crop.height * 2))
