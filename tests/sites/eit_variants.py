"""One generator for the EIT-QR homepages (tests/test_eit_variants.py): each variant is a homepage in its
own folder that publishes the agency's EIT survey QR code in one of the ways agencies do, with no URL
in the page, so it is found only by decoding the picture.

Variants (served from one folder; each audit starts at ``/<variant>/``):
- ``css_inline``: a banner as the CSS background of a box (style attribute).
- ``css_stylesheet``: a banner named by a linked stylesheet, through an ``@import`` in another folder
  (URLs resolved against each stylesheet); the theme stylesheet also names a web font (not fetched) and,
  before the banner, 150 icons no element of the page uses (missing files): past the cap of 100 pictures
  unless the rule the page uses is fetched first. A second stylesheet link is missing (404).
- ``lazy``: an ``<img>`` whose src is a placeholder and whose real picture is in ``data-src``.
- ``inline_svg``: the code drawn as inline ``<svg>`` markup, without the SVG namespace (as HTML allows).
- ``svg_file``: ``<img src="....svg">``.
- ``modal``: a JPEG banner inside a hidden pop-up (``display:none`` modal).
- ``iframe``: the banner is in a page shown in an ``<iframe>`` of the homepage.
- ``frameset``: an old frameset homepage; the banner is in the main frame's page.
- ``wrong_target``: a CSS-background banner whose code decodes to an IIT survey, not the EIT.
- ``none``: a banner without any code (control).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno

from tests.testbed.kit import EIT_PREFIX, SiteWriter

EIT_URL = EIT_PREFIX + "qv7t3k"
WRONG_SURVEY = "https://itas.nacc.go.th/go/iit/xyz"
ORG = "องค์การบริหารส่วนตำบลทดสอบคิวอาร์"
BANNER_LINES = ["ร่วมประเมินคุณธรรมและความโปร่งใส ITA 2568", "สแกนเพื่อตอบแบบวัด EIT"]

# variant -> the QR payload the homepage must yield (None: none is there)
VARIANTS: dict[str, str | None] = {
    "css_inline": EIT_URL,
    "css_stylesheet": EIT_URL,
    "lazy": EIT_URL,
    "inline_svg": EIT_URL,
    "svg_file": EIT_URL,
    "modal": EIT_URL,
    "iframe": EIT_URL,
    "frameset": EIT_URL,
    "wrong_target": WRONG_SURVEY,
    "none": None,
}

PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def page(title: str, body: str, head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><header class="site-header"><h1>{ORG}</h1></header>
<main><h2>ข่าวประชาสัมพันธ์</h2><p>10 มี.ค. 2568 ประชุมประชาคมหมู่บ้าน ประจำปี 2568</p>
{body}
</main><footer class="site-footer">{ORG}</footer></body></html>"""


def svg_markup(data: str, namespace: bool = True) -> str:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=3, xmldecl=False, svgns=namespace)
    return buffer.getvalue().decode("utf-8")


def build(root: Path) -> None:
    """Write every variant's homepage (and its pictures and stylesheets) under ``root/<variant>/``."""
    for variant, data in VARIANTS.items():
        w = SiteWriter(root / variant, "http://127.0.0.1/")
        write = _WRITERS[variant]
        write(w, data)


def _css_inline(w: SiteWriter, data: str | None) -> None:
    w.banner("img/ita-banner.png", BANNER_LINES, data, size=(1600, 500))
    w.text("index.html", page("หน้าแรก", """<div class="ita-banner" style="width:100%;height:300px;
background-image: url('img/ita-banner.png'); background-size: cover"><span>ร่วมประเมิน ITA</span></div>"""))


def _css_stylesheet(w: SiteWriter, data: str | None) -> None:
    w.banner("img/popup/eit.png", BANNER_LINES, data, size=(1600, 500))
    icons = "\n".join(f".icon-{n} {{ background: url(../img/icons/{n}.png) }}" for n in range(150))
    w.text("css/theme.css", f"""@import url("parts/popup.css");
@font-face {{ font-family: "Sarabun"; src: url("../fonts/sarabun.woff2") format("woff2"); }}
body {{ font-family: Sarabun, Tahoma, sans-serif; }}
{icons}""")
    w.text("css/parts/popup.css", ".eit-qr { width: 800px; height: 250px; background: url(../../img/popup/eit.png) "
                                  "no-repeat center / contain; }")
    w.text("index.html", page("หน้าแรก", '<div class="eit-qr"></div>',
                              head='<link rel="stylesheet" href="css/missing.css">'
                                   '<link rel="stylesheet" href="css/theme.css">'))


def _lazy(w: SiteWriter, data: str | None) -> None:
    w.banner("img/eit-lazy.png", BANNER_LINES, data, size=(1600, 500), qr_scale=2)
    w.text("index.html", page("หน้าแรก", f'<p><img class="lazyload" src="{PLACEHOLDER}" data-src="img/eit-lazy.png" '
                                       'alt="ประชาสัมพันธ์"></p>'))


def _inline_svg(w: SiteWriter, data: str | None) -> None:
    assert data
    w.text("index.html", page("หน้าแรก", f'<div class="qr-box"><p>สแกนเพื่อตอบแบบวัด EIT</p>'
                                       f'{svg_markup(data, namespace=False)}</div>'))


def _svg_file(w: SiteWriter, data: str | None) -> None:
    assert data
    w.text("img/eit-qr.svg", svg_markup(data))
    w.text("index.html", page("หน้าแรก", '<p><img src="img/eit-qr.svg" width="150" height="150" alt="QR"></p>'))


def _modal(w: SiteWriter, data: str | None) -> None:
    from PIL import Image

    w.banner("img/popup.png", BANNER_LINES, data, size=(1200, 400))
    png = w.path("img/popup.png")
    Image.open(png).convert("RGB").save(w.path("img/popup.jpg"), format="JPEG", quality=85)
    png.unlink()
    w.text("index.html", page("หน้าแรก", """<div class="modal fade" id="popup" tabindex="-1" style="display:none">
<div class="modal-dialog"><div class="modal-content"><div class="modal-body">
<img src="img/popup.jpg" class="img-fluid" alt=""></div>
<button type="button" class="close" data-dismiss="modal">ปิด</button></div></div></div>"""))


def _iframe(w: SiteWriter, data: str | None) -> None:
    w.banner("img/eit.png", BANNER_LINES, data, size=(1000, 260))
    w.text("widget/eit.html", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>EIT</title></head>'
                              '<body><img src="../img/eit.png" alt=""></body></html>')
    w.text("index.html", page("หน้าแรก", '<iframe src="widget/eit.html" width="1000" height="270" '
                                       'frameborder="0" scrolling="no"></iframe>'))


def _frameset(w: SiteWriter, data: str | None) -> None:
    w.banner("images/eit.png", BANNER_LINES, data, size=(1000, 260))
    w.text("index.html", f"""<html><head><meta charset="utf-8"><title>{ORG}</title></head>
<frameset rows="90,*" frameborder="0"><frame src="top.html" name="top" scrolling="no">
<frame src="main.html" name="main"></frameset></html>""")
    w.text("top.html", f'<html><head><meta charset="utf-8"></head><body><b>{ORG}</b></body></html>')
    w.text("main.html", page("หน้าหลัก", '<p><img src="images/eit.png" alt=""></p>'))


def _none(w: SiteWriter, data: str | None) -> None:
    w.banner("img/ita-banner.png", BANNER_LINES, None, size=(1600, 500))
    w.text("index.html", page("หน้าแรก", '<p><img src="img/ita-banner.png" alt="ร่วมประเมิน ITA"></p>'))


_WRITERS = {
    "css_inline": _css_inline,
    "css_stylesheet": _css_stylesheet,
    "lazy": _lazy,
    "inline_svg": _inline_svg,
    "svg_file": _svg_file,
    "modal": _modal,
    "iframe": _iframe,
    "frameset": _frameset,
    "wrong_target": _css_inline,
    "none": _none,
}
