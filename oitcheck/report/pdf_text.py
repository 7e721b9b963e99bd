"""Make report.pdf's Thai text read back as it was written (copy, search, screen readers, pypdfium2).

Chromium (Skia) writes each Thai cluster whose glyphs are not one per character (a consonant with its vowel and
tone mark, ``ที่``) inside ``/Span <</ActualText (...)>> BDC ... EMC`` with one text object per glyph, places a
zero-width mark a hair to the right of the next consonant's origin, and leaves the raised tone-mark variants
without a Unicode value. PDF readers that order glyphs by position (pdfium, in Chrome's and many other viewers)
then repeat or reorder the cluster's letters (``บริหาร`` reads ``บริหริ าร``). This pass, on the PDF bytes:

- gives each unmapped glyph the character every cluster it appears in says it stands for (``ToUnicode``);
- drops the ActualText of clusters whose glyphs now spell their text on their own (their glyph boxes stay real);
- moves a glyph back by the hair (under ``NUDGE`` text units, far below a printer's dot) that put it before the
  mark it follows, and the next glyph forward by the same, so nothing else moves.
Clusters still not spelled by their glyphs (``ำ`` drawn as nikhahit and aa) keep their ActualText, now read once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, StreamObject

NUDGE = 0.5  # text space units (0.375 pt on the page): how far a glyph may move, at most (3 dots at 600 dpi)
SPAN = re.compile(rb"^/Span<</ActualText <FEFF([0-9A-Fa-f]*)> >> BDC$")
GLYPH = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) Td <([0-9A-Fa-f]+)> Tj$")
# a string shown where the previous one ended (its advance): left as it is, it moves nothing
ANY_GLYPH = re.compile(rb"^(?:\S+ \S+ Td )?<[0-9A-Fa-f]+> Tj$")
FONT = re.compile(rb"^/(\S+) [\d.]+ Tf$")
HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


@dataclass
class Cluster:
    """One ActualText span: its text and the (font, glyph code) pairs drawn for it."""

    text: str
    glyphs: list[tuple[int, int]] = field(default_factory=list)


def fix_thai_text(pdf: bytes) -> bytes:
    """``pdf`` with its Thai clusters readable as text (see the module docstring); unchanged when it has none."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    pages = [(page, _fonts(page), page.get_contents()) for page in writer.pages]
    maps = {font_id: _read_cmap(font) for _, fonts, _ in pages for font_id, font in fonts.values()}
    clusters = [c for _, fonts, contents in pages if contents is not None
                for c in _clusters(contents.get_data(), fonts)]
    learnt = _learn(clusters, maps)
    if not clusters:
        return pdf
    for font_id, codes in learnt.items():
        maps[font_id].update(codes)
    for _, fonts, _ in pages:
        for font_id, font in fonts.values():
            if font_id in learnt:
                _write_cmap(writer, font, maps[font_id])
    for page, fonts, contents in pages:
        if contents is not None:
            contents.set_data(_rewrite(contents.get_data(), fonts, maps))
            page.replace_contents(contents)
            page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fonts(page: DictionaryObject) -> dict[bytes, tuple[int, DictionaryObject]]:
    """The page's fonts by resource name: (object number, font dictionary)."""
    found = {}
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    for name, ref in (fonts.get_object() if fonts is not None else {}).items():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        found[name[1:].encode("latin-1")] = (key, ref.get_object())
    return found


def _read_cmap(font: DictionaryObject) -> dict[int, str]:
    """The font's ToUnicode map: glyph code -> text ("" where it maps to U+0000 or nothing)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    data = stream.get_object().get_data()
    codes: dict[int, str] = {}
    for kind, block in re.findall(rb"beginbf(char|range)(.*?)endbf\1", data, re.S):
        for line in block.splitlines():
            tokens = HEX.findall(line)
            if kind == b"range" and len(tokens) == 3 and tokens[0] and tokens[1] and tokens[2]:
                first, last, start = int(tokens[0], 16), int(tokens[1], 16), int(tokens[2], 16)
                codes.update({code: chr(start + code - first) for code in range(first, min(last, first + 4096) + 1)})
            elif kind == b"char" and len(tokens) == 2 and tokens[0]:
                codes[int(tokens[0], 16)] = bytes.fromhex(tokens[1].decode()).decode("utf-16-be", "replace")
    return {code: text.replace("\x00", "") for code, text in codes.items()}


def _write_cmap(writer: PdfWriter, font: DictionaryObject, codes: dict[int, str]) -> None:
    entries = [f"<{code:04X}> <{text.encode('utf-16-be').hex().upper() or '0000'}>"
               for code, text in sorted(codes.items())]
    chunks = "".join(f"{len(part)} beginbfchar\n" + "\n".join(part) + "\nendbfchar\n"
                     for part in (entries[i:i + 100] for i in range(0, len(entries), 100)))
    cmap = StreamObject()
    cmap.set_data(("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry "
                   "(Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 "
                   "def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + chunks +
                   "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii"))
    cmap = cmap.flate_encode()
    font[NameObject("/ToUnicode")] = writer._add_object(cmap)


def _clusters(content: bytes, fonts: dict[bytes, tuple[int, DictionaryObject]]) -> Iterator[Cluster]:
    font_id, cluster = None, None
    for line in content.split(b"\n"):
        if (m := FONT.match(line)) and m.group(1) in fonts:
            font_id = fonts[m.group(1)][0]
        elif m := SPAN.match(line):
            cluster = Cluster(bytes.fromhex(m.group(1).decode()).decode("utf-16-be", "replace"))
        elif line == b"EMC" and cluster is not None:
            yield cluster
            cluster = None
        elif cluster is not None and (m := GLYPH.match(line)) and font_id is not None:
            cluster.glyphs += [(font_id, code) for code in _codes(m.group(3))]


def _learn(clusters: list[Cluster], maps: dict[int, dict[int, str]]) -> dict[int, dict[int, str]]:
    """What each unmapped glyph stands for: the one character every cluster drawing it one glyph per character
    puts in its place (a glyph two clusters disagree on stays unmapped)."""
    seen: dict[tuple[int, int], set[str]] = {}
    for cluster in clusters:
        if len(cluster.text) != len(cluster.glyphs):
            continue
        known = [maps.get(font, {}).get(code, "") for font, code in cluster.glyphs]
        if any(text and text != char for text, char in zip(known, cluster.text, strict=True)):
            continue
        for (font, code), text, char in zip(cluster.glyphs, known, cluster.text, strict=True):
            if not text:
                seen.setdefault((font, code), set()).add(char)
    learnt: dict[int, dict[int, str]] = {}
    for (font, code), chars in seen.items():
        if len(chars) == 1:
            learnt.setdefault(font, {})[code] = chars.pop()
    return learnt


TM = re.compile(rb"^1 0 0 -1 (-?[\d.]+) (-?[\d.]+) Tm$")
FONT_SIZE = re.compile(rb"^/(\S+) ([\d.]+) Tf$")


@dataclass
class Pen:
    """Where glyphs go on the current line: as Chromium placed them (``true_x``) and as written (``written_x``,
    never a hair behind a glyph origin of the line before it, ``origins``)."""

    true_x: float = 0.0
    written_x: float = 0.0
    origins: list[float] = field(default_factory=list)
    y: float | None = None

    def place(self, step: float) -> tuple[float, float]:
        """The written step and origin of a glyph Chromium put ``step`` after the previous one."""
        self.true_x += step
        near = [x for x in self.origins if 0 < x - self.true_x < NUDGE]
        target = max(near) if near else self.true_x
        written, self.written_x = target - self.written_x, target
        self.origins.append(target)
        return written, target


def _rewrite(content: bytes, fonts: dict[bytes, tuple[int, DictionaryObject]],
             maps: dict[int, dict[int, str]]) -> bytes:
    """The content stream with glyph origins in reading order and each ActualText span dropped (its glyphs spell
    it, left to right) or drawn as one text object (so a reader takes its text once)."""
    out: list[bytes] = []
    pen = Pen()
    font_id: int | None = None
    size = 0.0
    span: list[bytes] | None = None
    glyphs: list[tuple[float, float, bytes]] = []  # in the open span: written step, origin, codes
    text = ""
    for line in content.split(b"\n"):
        if m := FONT_SIZE.match(line):
            font_id, size = (fonts[m.group(1)][0] if m.group(1) in fonts else None), float(m.group(2))
        elif m := TM.match(line):
            x, y = float(m.group(1)), float(m.group(2))
            if y != pen.y:
                pen = Pen(y=y)
            pen.true_x = pen.written_x = x
        elif (m := GLYPH.match(line)) and float(m.group(2)) == 0:
            step, target = pen.place(float(m.group(1)))
            line = b"%s 0 Td <%s> Tj" % (_number(step), m.group(3))
            if span is not None:
                glyphs.append((step, target, m.group(3)))
        elif GLYPH.match(line):
            pen = Pen()  # a vertical step: positions unknown from here on this line
        if m := SPAN.match(line):
            if span is not None:
                out.extend(span)
            span, glyphs = [line], []
            text = bytes.fromhex(m.group(1).decode()).decode("utf-16-be", "replace")
            continue
        if span is None:
            out.append(line)
            continue
        span.append(line)
        if line == b"EMC":
            out.extend(_settle(span, glyphs, text, maps.get(font_id, {}) if font_id is not None else {},
                               _widths(fonts, font_id), size))
            span = None
    if span is not None:
        out.extend(span)
    return b"\n".join(out)


def _settle(span: list[bytes], glyphs: list[tuple[float, float, bytes]], text: str, cmap: dict[int, str],
            widths: dict[int, float], size: float) -> list[bytes]:
    """One closed span's lines: without its markers when its glyphs, left to right, spell ``text``; else its
    glyphs as one TJ (same places) inside the markers; else as it was."""
    codes = [code for _, _, hexes in glyphs for code in _codes(hexes)]
    origins = [origin for _, origin, _ in glyphs]
    glyph_lines = [line for line in span if ANY_GLYPH.match(line)]
    if not glyphs or len(glyph_lines) != len(glyphs):
        return span
    if "".join(cmap.get(code, "") for code in codes) == text and origins == sorted(origins):
        return span[1:-1]
    first, last = span.index(glyph_lines[0]), len(span) - 1 - span[::-1].index(glyph_lines[-1])
    if size <= 0 or last - first + 1 != len(glyphs) or any(len(_codes(hexes)) != 1 for _, _, hexes in glyphs):
        return span  # another font or line between its glyphs, or a string of several: one TJ cannot draw it
    parts = [b"<%s>" % glyphs[0][2]]
    for (_, _, hexes), (step, _, following) in zip(glyphs, glyphs[1:], strict=False):
        width = widths.get(_codes(hexes)[0], widths.get(-1, 1000.0))
        parts += [_number(width - step * 1000 / size), b"<%s>" % following]
    rest = sum(step for step, _, _ in glyphs[1:])
    merged = [b"%s 0 Td [%s] TJ" % (_number(glyphs[0][0]), b" ".join(parts)), b"%s 0 Td" % _number(rest)]
    return [line for line in span[:first] if not GLYPH.match(line)] + merged + \
        [line for line in span[first:] if not GLYPH.match(line)]


def _widths(fonts: dict[bytes, tuple[int, DictionaryObject]], font_id: int | None) -> dict[int, float]:
    """Glyph widths (thousandths of the font size) of a Type0 font's descendant: its /W array, and its default
    width (/DW) under -1."""
    font = next((f for key, f in fonts.values() if key == font_id), None)
    if font is None or "/DescendantFonts" not in font:
        return {}
    descendant = font["/DescendantFonts"][0].get_object()
    widths: dict[int, float] = {-1: float(descendant.get("/DW", 1000))}
    entries = list(descendant.get("/W", []))
    i = 0
    while i + 1 < len(entries):
        first, second = entries[i], entries[i + 1]
        if isinstance(second, list) or hasattr(second, "__iter__"):
            widths.update({int(first) + n: float(w) for n, w in enumerate(second)})
            i += 2
        elif i + 2 < len(entries):
            widths.update({code: float(entries[i + 2]) for code in range(int(first), int(second) + 1)})
            i += 3
        else:
            break
    return widths


def _codes(hex_codes: bytes) -> list[int]:
    """The glyph codes of a Tj string (Identity-H: two bytes each)."""
    return [int(hex_codes[i:i + 4], 16) for i in range(0, len(hex_codes) - 3, 4)]


def _number(value: float) -> bytes:
    return (b"%.5f" % value).rstrip(b"0").rstrip(b".") or b"0"
