"""The demo site's identity, layout and output folder: every page goes through ``DemoSite``."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PIL import Image

from tests.support.documents import render_pdf

ORG = "องค์การบริหารส่วนตำบลบ้านตัวอย่าง"
ORG_SHORT = "อบต.บ้านตัวอย่าง"
ADDRESS = "เลขที่ 99 หมู่ที่ 4 ตำบลบ้านตัวอย่าง อำเภอเมืองลำพูน จังหวัดลำพูน 51000"
PHONE = "053-000-123"
FAX = "053-000-124"
EMAIL = "saraban@bantuayang.go.th"
EIT_URL = "https://itas.nacc.go.th/go/eit/dm7x2k"

E = html.escape
F68 = "/files/ita2568/"  # this year's ITA evidence files


class DemoSite:
    """The folder the site is written into (``oitcheck/demo/site`` or a temporary one to compare with it)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, rel: str) -> Path:
        """Where ``rel`` goes, its folder made."""
        path = self.root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.path(rel)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    def png(self, rel: str, img: Image.Image) -> None:
        img.save(self.path(rel), format="PNG", optimize=True)

    def pdf(self, rel: str, title: list[str], blocks: list[Any], *, subtitle: str = ORG, author: str = ORG,
            landscape: bool = False) -> None:
        """A PDF with extractable Thai text from the agency (see ``render_pdf`` for the blocks)."""
        self.write(rel, render_pdf(title, blocks, subtitle=subtitle, author=author, landscape=landscape))

    def page(self, rel: str, title: str, body: str, *, aside: bool = True) -> None:
        self.write(rel, page_html(title, body, aside=aside))


CSS = """body{margin:0;font-family:Tahoma,"Garuda",sans-serif;font-size:15px;color:#222;background:#eef2f6}
header{background:#124a85;color:#fff;padding:12px 24px;display:flex;align-items:center;gap:14px}
header h1{font-size:22px;margin:0}header p{margin:2px 0 0;font-size:13px;color:#cfe0f5}
nav{background:#0d3766}nav>ul{list-style:none;margin:0;padding:0 16px;display:flex;flex-wrap:wrap}
nav li{position:relative}nav a{display:block;color:#fff;text-decoration:none;padding:10px 14px}
nav li ul{display:none;position:absolute;background:#0d3766;list-style:none;padding:0;margin:0;min-width:200px;
z-index:5}
nav li:hover ul{display:block}nav a:hover{background:#f0b428;color:#111}
.wrap{display:flex;gap:20px;max-width:1180px;margin:18px auto;padding:0 12px}
main{flex:1;background:#fff;padding:18px 24px;border-radius:6px;min-width:0}
aside{width:250px;background:#fff;padding:14px;border-radius:6px;align-self:flex-start}
aside h3{font-size:16px;border-bottom:2px solid #f0b428;padding-bottom:4px}aside ul{padding-left:18px}
footer{background:#0d3766;color:#dde;padding:16px 24px;font-size:13px;text-align:center}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbc;padding:6px 8px;vertical-align:top}
th{background:#dfe8f2}tr.sub td{background:#fdf1d0;font-weight:bold}
.news li{margin:6px 0}.date{color:#777;font-size:13px}.card{display:inline-block;width:200px;
vertical-align:top;text-align:center;margin:10px;padding:10px;border:1px solid #dde;border-radius:6px}
form label{display:block;margin-top:8px}form input[type=text],form textarea{width:95%;padding:6px}
"""

NAV = [("หน้าแรก", "/", []),
       ("ข้อมูลพื้นฐาน", "/about/history.html", [("ประวัติความเป็นมา", "/about/history.html"),
                                                ("ข้อมูลสภาพทั่วไป", "/about/general.html"),
                                                ("วิสัยทัศน์ / พันธกิจ", "/about/vision.html"),
                                                ("โครงสร้างองค์กร", "/about/structure.html"),
                                                ("อำนาจหน้าที่", "/about/duties.html")]),
       ("คณะผู้บริหาร", "/about/executives.html", [("คณะผู้บริหาร", "/about/executives.html"),
                                                  ("สมาชิกสภา อบต.", "/about/council.html")]),
       ("ข่าวประชาสัมพันธ์", "/news/index.html", []),
       ("ITA", "/ita/2568/index.html", [("ITA 2568", "/ita/2568/index.html"),
                                        ("ITA 2567", "/ita/2567/index.html")]),
       ("ร้องเรียน/ร้องทุกข์", "/complaint/index.html", []),
       ("ติดต่อเรา", "/contact.html", [])]


def nav_html() -> str:
    out = []
    for label, href, sub in NAV:
        inner = "".join(f'<li><a href="{h}">{E(t)}</a></li>' for t, h in sub)
        out.append(f'<li><a href="{href}">{E(label)}{" ▸" if sub else ""}</a>'
                   + (f"<ul>{inner}</ul>" if sub else "") + "</li>")
    return "<nav><ul>" + "".join(out) + "</ul></nav>"


ASIDE = """<aside>
<h3>บริการประชาชน</h3>
<ul>
<li><a href="/eservice/index.html">E-Service ยื่นคำร้องออนไลน์</a></li>
<li><a href="/download/index.html">ดาวน์โหลดเอกสาร</a></li>
<li><a href="/complaint/index.html">ร้องเรียน/ร้องทุกข์</a></li>
<li><a href="/complaint/corruption.html">แจ้งเรื่องร้องเรียนการทุจริต</a></li>
</ul>
<h3>ITA</h3>
<ul><li><a href="/ita/2568/index.html">การเปิดเผยข้อมูลสาธารณะ (OIT)</a></li></ul>
<h3>เวลาทำการ</h3>
<p>วันจันทร์ - วันศุกร์<br>เวลา 08.30 - 16.30 น.<br>(เว้นวันหยุดราชการ)</p>
<p class="date">ผู้เข้าชมเว็บไซต์ 48,215 ครั้ง</p>
</aside>"""


def page_html(title: str, body: str, *, aside: bool = True) -> str:
    """A page in the site's layout: header, menu, the body, the side column, footer."""
    doc = f"""<!DOCTYPE html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(title)} - {ORG}</title>
<link rel="stylesheet" href="/css/style.css">
</head>
<body>
<header><img src="/images/logo.png" alt="ตราสัญลักษณ์ {ORG_SHORT}" width="72" height="72">
<div><h1>{ORG}</h1><p>อำเภอเมืองลำพูน จังหวัดลำพูน</p></div></header>
{nav_html()}
<div class="wrap">
<main>
{body}
</main>
{ASIDE if aside else ""}
</div>
<footer>{ORG}<br>{ADDRESS}<br>โทรศัพท์ {PHONE} โทรสาร {FAX} อีเมล {EMAIL}<br>© 2568 {ORG_SHORT}</footer>
</body>
</html>
"""
    return doc


def table_html(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{E(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{E(c)}</td>" for c in r) + "</tr>\n" for r in rows)
    return f"<table>\n<tr>{th}</tr>\n{trs}</table>"
