"""A deterministic synthetic Thai agency website for the benchmarks.

The bundled demo site is 40-odd pages; crawl speed, memory and broken-link recall only show on a site
the size of a real provincial agency's (a couple of thousand pages). This writes one: home -> sections ->
categories -> list pages -> detail pages -> annexes (click depth up to 5), a menu and footer on every page,
Thai text with Thai dates, an ITA (OIT) index page with 28 rows linking to small PDF/XLSX files, and a
known set of planted broken links (missing pages and files -> 404, paths routed to 500 by ``_routes.json``)
so a run can tell whether a checker found exactly those.

Same ``pages`` -> byte-identical output. Usage::

    python bench/site.py OUT [--pages 2000]

writes ``OUT/www/`` (serve it with ``tests.support.server.SiteServer``) and ``OUT/planted.json``.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import random
import shutil
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

SEED = 2568
MIN_PAGES = 120
ORG = "องค์การบริหารส่วนตำบลบ้านทดสอบ"
ORG_SHORT = "อบต.บ้านทดสอบ"
MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
E = html.escape

SECTIONS = [
    ("about", "ข้อมูลหน่วยงาน", "ข้อมูล"),
    ("news", "ข่าวประชาสัมพันธ์", "ข่าว "),
    ("procurement", "จัดซื้อจัดจ้าง", "ประกาศผู้ชนะการเสนอราคา "),
    ("announce", "ประกาศและคำสั่ง", "ประกาศ เรื่อง "),
    ("activities", "กิจกรรมและโครงการ", "ภาพกิจกรรม "),
    ("services", "งานบริการประชาชน", "ขั้นตอนการขอรับบริการ "),
    ("law", "กฎหมายและระเบียบ", "ระเบียบว่าด้วย"),
    ("complaint", "ร้องเรียนร้องทุกข์", "ผลการดำเนินการเรื่อง"),
]
CATEGORIES = ["ทั่วไป", "กองคลัง", "กองช่าง", "สำนักปลัด", "กองการศึกษา", "กองสาธารณสุข", "งานพัฒนาชุมชน",
              "งานป้องกันและบรรเทาสาธารณภัย"]
SUBJECTS = ["องค์การบริหารส่วนตำบลบ้านทดสอบ", "นายกองค์การบริหารส่วนตำบล", "กองช่าง", "กองคลัง", "สำนักปลัด",
            "คณะกรรมการชุมชน", "อาสาสมัครสาธารณสุขประจำหมู่บ้าน", "เจ้าหน้าที่งานป้องกันและบรรเทาสาธารณภัย",
            "ผู้นำชุมชนทั้ง 12 หมู่บ้าน", "คณะผู้บริหารและสมาชิกสภา"]
VERBS = ["ได้จัดกิจกรรม", "ขอประชาสัมพันธ์", "ดำเนินโครงการ", "ร่วมประชุมเพื่อพิจารณา", "ลงพื้นที่ตรวจสอบ",
         "ประกาศรับสมัคร", "มอบเบี้ยยังชีพให้แก่ผู้สูงอายุตาม", "สรุปผลการดำเนินงาน", "เปิดรับฟังความคิดเห็นเรื่อง",
         "รายงานความก้าวหน้าของ"]
OBJECTS = ["โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 5", "การจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง ประจำปี",
           "การป้องกันและควบคุมโรคไข้เลือดออก", "การคัดแยกขยะมูลฝอยในครัวเรือน", "โครงการผู้สูงอายุสุขภาพดี",
           "การซ่อมแซมระบบประปาหมู่บ้าน", "การจัดซื้อวัสดุสำนักงาน", "แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)",
           "โครงการอบรมเยาวชนต้านยาเสพติด", "การขุดลอกลำเหมืองสาธารณะ", "โครงการส่งเสริมอาชีพกลุ่มแม่บ้าน",
           "การติดตั้งไฟฟ้าส่องสว่างริมทาง", "การรับชำระภาษีป้ายผ่านระบบออนไลน์", "โครงการปลูกต้นไม้เฉลิมพระเกียรติ",
           "การป้องกันไฟป่าและหมอกควัน", "การรับลงทะเบียนเบี้ยยังชีพคนพิการ"]
PLACES = ["ณ ห้องประชุมสภาองค์การบริหารส่วนตำบล", "ณ ศาลาอเนกประสงค์ หมู่ที่ 3 บ้านหนองบัว",
          "ณ โรงเรียนบ้านทดสอบ", "ณ ศูนย์พัฒนาเด็กเล็กบ้านทดสอบ", "ณ วัดศรีสุพรรณ", "ในพื้นที่ทั้ง 12 หมู่บ้าน"]
CLOSERS = ["เพื่อให้ประชาชนได้รับประโยชน์อย่างทั่วถึง", "จึงประกาศมาเพื่อทราบโดยทั่วกัน",
           "โดยมีประชาชนเข้าร่วมเป็นจำนวนมาก", "ทั้งนี้ สามารถสอบถามรายละเอียดเพิ่มเติมได้ที่กองคลัง",
           "ตามนโยบายของผู้บริหารท้องถิ่น", "เพื่อความโปร่งใสและตรวจสอบได้"]
ITA_ITEMS = [
    "โครงสร้างและอำนาจหน้าที่", "ข้อมูลผู้บริหาร", "ข้อมูลการติดต่อ", "ข่าวประชาสัมพันธ์",
    "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี",
    "รายงานผลการดำเนินงานประจำปี", "คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่", "คู่มือหรือแนวทางการขอรับบริการ",
    "E-Service", "ข้อมูลสถิติการให้บริการ", "รายการและความก้าวหน้าการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ",
    "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี", "แผนการบริหารและพัฒนาทรัพยากรบุคคล",
    "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม",
    "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "การเปิดโอกาสให้เกิดการมีส่วนร่วม",
    "ประกาศเจตนารมณ์และการสร้างวัฒนธรรม No Gift Policy", "รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา",
    "การประเมินความเสี่ยงการให้หรือรับสินบน", "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริต",
    "แผนปฏิบัติการป้องกันการทุจริต", "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
    "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส",
]
XLSX_ITEMS = {11, 12}  # O11 and O12 as spreadsheets, like the machine-readable evidence O12 asks for
MISSING_PAGES = 16  # planted 404 pages (the 4 missing files below make 20 planted 404s)
MISSING_FILES = 4
ERROR_PATHS = 5  # planted paths routed to HTTP 500


@dataclass
class Planted:
    """One planted broken URL (a site-absolute path), the status the server gives it and where it is linked."""

    path: str
    status: int
    found_on: list[str] = field(default_factory=list)


@dataclass
class SiteInfo:
    """What was written: counts the benchmark reports and the broken links it expects the checkers to find."""

    root: str
    pages: int
    links: int
    documents: int
    max_depth: int
    broken: list[Planted]


@dataclass
class _Page:
    path: str
    title: str
    depth: int
    section: int
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    date: str = ""


def thai_date(rng: random.Random) -> str:
    """A Thai short date up to 15 Mar 2568 (the benchmark's --as-of), e.g. ``10 มี.ค. 2568``."""
    year = rng.choice([2566, 2567, 2567, 2568])
    month = rng.randint(1, 3) if year == 2568 else rng.randint(1, 12)
    return f"{rng.randint(1, 28 if year < 2568 or month < 3 else 15)} {MONTHS[month - 1]} {year}"


def paragraph(rng: random.Random) -> str:
    """A few sentences of plausible agency prose (word-cut free, like real Thai pages)."""
    sentences = []
    for _ in range(rng.randint(2, 4)):
        sentences.append(f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)} {rng.choice(PLACES)} "
                         f"เมื่อวันที่ {thai_date(rng)} {rng.choice(CLOSERS)}")
    return " ".join(sentences)


def tiny_pdf(title: str, text: str) -> bytes:
    """A minimal valid one-page PDF (Helvetica, ASCII text) written by hand so no PDF library is needed."""
    def esc(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = f"BT /F1 14 Tf 72 720 Td ({esc(title)}) Tj 0 -24 Td /F1 11 Tf ({esc(text)}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        f"<< /Title ({esc(title)}) /Producer (oitcheck bench) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_xlsx(rows: list[list[str]]) -> bytes:
    """A minimal valid XLSX (inline strings, fixed zip timestamps) so the bytes never change between runs."""
    def cell(col: int, row: int, value: str) -> str:
        return f'<c r="{chr(65 + col)}{row}" t="inlineStr"><is><t>{E(value)}</t></is></c>'

    sheet_rows = "".join(f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row)) + "</row>"
                         for r, row in enumerate(rows, start=1))
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        f'xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text.encode("utf-8"),
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _nav() -> str:
    items = [("/", "หน้าหลัก"), *((f"/{slug}/", name) for slug, name, _ in SECTIONS), ("/ita/", "ITA 2568")]
    return ('<nav class="menu"><ul>' + "".join(f'<li><a href="{href}">{E(text)}</a></li>' for href, text in items)
            + "</ul></nav>")


NAV = _nav()
FOOTER = (f'<footer class="footer"><p>{E(ORG)} เลขที่ 99 หมู่ที่ 4 ตำบลบ้านทดสอบ อำเภอเมืองลำพูน จังหวัดลำพูน 51000 '
          'โทรศัพท์ 053-000-123</p><p><a href="/contact.html">ติดต่อเรา</a></p></footer>')


def render(page: _Page) -> str:
    """One page in a typical Thai CMS layout: header, menu, breadcrumb, content, footer."""
    crumbs = "".join(f'<a href="{href}">{E(text)}</a> &gt; ' for href, text in page.crumbs)
    return (f'<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8"><title>{E(page.title)} | {E(ORG_SHORT)}'
            '</title><link rel="stylesheet" href="/css/style.css"></head>\n<body><header class="header"><p>'
            f'{E(ORG)}</p></header>\n{NAV}\n<div class="breadcrumb">{crumbs}{E(page.title)}</div>\n'
            f'<main><h1>{E(page.title)}</h1>\n' + "\n".join(page.body) + f"\n</main>\n{FOOTER}\n</body></html>\n")


def _links(items: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f'<li><a href="{href}">{E(text)}</a></li>' for href, text in items) + "</ul>"


def generate(out: Path | str, pages: int = 2000) -> SiteInfo:
    """Write the site into ``out/www`` and the planted broken links into ``out/planted.json``."""
    if pages < MIN_PAGES:
        raise ValueError(f"--pages must be at least {MIN_PAGES}")
    out = Path(out)
    www = out / "www"
    if www.exists():
        shutil.rmtree(www)
    www.mkdir(parents=True)
    rng = random.Random(SEED)
    n_cats = max(len(SECTIONS), pages // 60)
    n_lists = max(n_cats, pages // 20)
    rest = pages - 3 - len(SECTIONS) - n_cats - n_lists  # 3: home, ITA index, contact
    n_annex = rest // 5
    n_details = rest - n_annex

    home = _Page("/", f"หน้าหลัก {ORG}", 0, -1)
    ita = _Page("/ita/", "การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568", 1, -1, [("/", "หน้าหลัก")])
    contact = _Page("/contact.html", "ติดต่อเรา", 1, -1, [("/", "หน้าหลัก")])
    sections = [_Page(f"/{slug}/", name, 1, i, [("/", "หน้าหลัก")]) for i, (slug, name, _) in enumerate(SECTIONS)]
    cats: list[_Page] = []
    for c in range(n_cats):
        sec = sections[c % len(SECTIONS)]
        slug = SECTIONS[sec.section][0]
        unit = CATEGORIES[(c // len(SECTIONS)) % len(CATEGORIES)]
        cats.append(_Page(f"/{slug}/cat-{c + 1:02d}/", f"{sec.title} {unit} ({c + 1})", 2, sec.section,
                          [*sec.crumbs, (sec.path, sec.title)]))
    cat_lists: list[list[_Page]] = [[] for _ in cats]
    lists: list[_Page] = []
    for j in range(n_lists):
        cat = cats[j % n_cats]
        k = len(cat_lists[j % n_cats]) + 1
        page = _Page(f"{cat.path}page-{k}.html", f"{cat.title} หน้า {k}", 3, cat.section,
                     [*cat.crumbs, (cat.path, cat.title)])
        cat_lists[j % n_cats].append(page)
        lists.append(page)
    list_details: list[list[_Page]] = [[] for _ in lists]
    details: list[_Page] = []
    for d in range(n_details):
        parent = lists[d % n_lists]
        cat = cats[(d % n_lists) % n_cats]
        date = thai_date(rng)
        title = f"{SECTIONS[parent.section][2]}{rng.choice(OBJECTS)}"
        page = _Page(f"{cat.path}{date.rsplit(' ', 1)[1]}/item-{d + 1:05d}.html", title, 4, parent.section,
                     [*parent.crumbs, (parent.path, parent.title)], date=date)
        page.body.append(f'<p class="date">วันที่ {date}</p>')
        page.body.extend(f"<p>{E(paragraph(rng))}</p>" for _ in range(rng.randint(2, 4)))
        list_details[d % n_lists].append(page)
        details.append(page)
    annexes: list[_Page] = []
    for a in range(n_annex):
        parent = details[a * n_details // max(n_annex, 1)]
        page = _Page(parent.path.replace(".html", "-annex.html"), f"เอกสารประกอบ: {parent.title}", 5, parent.section,
                     [*parent.crumbs, (parent.path, parent.title)])
        page.body.append(f"<p>{E(paragraph(rng))}</p>")
        page.body.append(f'<p><a href="{parent.path}">กลับไปยังเรื่องหลัก</a></p>')
        parent.body.append(f'<p>เอกสารแนบ: <a href="{page.path.rsplit("/", 1)[1]}">ดูเอกสารประกอบ</a></p>')
        annexes.append(page)

    # Content links (the menu, breadcrumb and footer come with every page).
    newest = details[-12:]
    home.body.append(f"<p>{E(paragraph(rng))}</p>")
    home.body.append("<h2>ข่าวล่าสุด</h2>" + _links([(p.path, p.title) for p in newest]))
    home.body.append('<p><a href="/ita/">การประเมินคุณธรรมและความโปร่งใส (ITA) ประจำปี 2568</a></p>')
    for sec in sections:
        own = [c for c in cats if c.section == sec.section]
        latest = [p for p in details if p.section == sec.section][-5:]
        sec.body.append(f"<p>{E(paragraph(rng))}</p>")
        sec.body.append("<h2>หมวดหมู่</h2>" + _links([(c.path, c.title) for c in own]))
        sec.body.append("<h2>เรื่องล่าสุด</h2>" + _links([(p.path, p.title) for p in latest]))
    for cat, own_lists in zip(cats, cat_lists, strict=True):
        cat.body.append(f"<p>{E(paragraph(rng))}</p>")
        cat.body.append(_links([(p.path.rsplit("/", 1)[1], p.title) for p in own_lists]))
    for own_lists in cat_lists:
        for k, page in enumerate(own_lists):
            entries = list_details[lists.index(page)]
            page.body.append(_links([(p.path, f"{p.title} ({p.date})") for p in entries]))
            pager = [(p.path.rsplit("/", 1)[1], label) for p, label in
                     ((own_lists[k - 1] if k else None, "หน้าก่อนหน้า"),
                      (own_lists[k + 1] if k + 1 < len(own_lists) else None, "หน้าถัดไป")) if p]
            page.body.append('<div class="pager">' + " ".join(f'<a href="{h}">{t}</a>' for h, t in pager) + "</div>")
    for page in details:
        related = rng.sample(details, 3)
        page.body.append("<h2>เรื่องที่เกี่ยวข้อง</h2>" + _links([(p.path, p.title) for p in related if p is not page]))

    # ITA index: 28 rows, one file each.
    rows = []
    for n, title in enumerate(ITA_ITEMS, start=1):
        name = f"o{n}-2568.{'xlsx' if n in XLSX_ITEMS else 'pdf'}"
        path = www / "files" / "ita2568" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if n in XLSX_ITEMS:
            path.write_bytes(tiny_xlsx([["ลำดับ", "รายการ", "วันที่", "จำนวนเงิน (บาท)"],
                                        *([str(i), rng.choice(OBJECTS), thai_date(rng), f"{rng.randint(5, 500)}000"]
                                          for i in range(1, 11))]))
        else:
            path.write_bytes(tiny_pdf(f"ITA 2568 O{n}", f"Ban Thodsob SAO, fiscal year 2568, OIT item O{n}"))
        rows.append(f'<tr><td>O{n}</td><td>{E(title)}</td><td><a href="/files/ita2568/{name}">คลิก</a></td></tr>')
    ita.body.append("<table><tr><th>ข้อ</th><th>ข้อมูล</th><th>ลิงก์</th></tr>" + "".join(rows) + "</table>")
    contact.body.append(f"<p>{E(ORG)} โทรศัพท์ 053-000-123 โทรสาร 053-000-124 อีเมล saraban (at) bantest.go.th</p>")

    # Planted broken links, spread over deep and shallow pages.
    broken: list[Planted] = []
    hosts = rng.sample(details + annexes + lists, MISSING_PAGES + MISSING_FILES)
    for i, host in enumerate(hosts):
        if i < MISSING_PAGES:
            slug = SECTIONS[host.section][0]
            target = f"/{slug}/removed/item-{90001 + i}.html"
            text = "อ่านรายละเอียด (ข่าวเก่า)"
        else:
            target = f"/files/attach/missing-{i - MISSING_PAGES + 1}-2567.pdf"
            text = "ดาวน์โหลดเอกสาร"
        host.body.append(f'<p><a href="{target}">{text}</a></p>')
        broken.append(Planted(target, 404, [host.path]))
    service_pages = [p for p in details if SECTIONS[p.section][0] == "services"] or details
    # LinkChecker spaces requests to one host 0.1-0.6 s apart unless the server sends a "LinkChecker" header
    # (its documented opt-in for maxrequestspersecond > 10); one response sets it for the whole host.
    routes: dict[str, dict[str, object]] = {"/": {"file": "index.html", "headers": {"LinkChecker": "oitcheck-bench"}}}
    for i in range(ERROR_PATHS):
        target = f"/services/eservice/request-{i + 1}.php"
        host = service_pages[(i * 7) % len(service_pages)]
        host.body.append(f'<p><a href="{target}">ยื่นคำร้องออนไลน์ (E-Service)</a></p>')
        broken.append(Planted(target, 500, [host.path]))
        routes[target] = {"status": 500, "body": "<h1>500 Internal Server Error</h1>"}

    all_pages = [home, ita, contact, *sections, *cats, *lists, *details, *annexes]
    links = 0
    for page in all_pages:
        text = render(page)
        links += text.count("<a href=")
        target = www / (page.path.lstrip("/") + ("index.html" if page.path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (www / "css").mkdir(exist_ok=True)
    (www / "css" / "style.css").write_text("body{font-family:sans-serif}nav ul{display:flex;gap:1em}\n")
    (www / "_routes.json").write_text(json.dumps(routes, indent=1, sort_keys=True), encoding="utf-8")
    info = SiteInfo(root=str(www), pages=len(all_pages), links=links, documents=len(ITA_ITEMS),
                    max_depth=max(p.depth for p in all_pages), broken=broken)
    (out / "planted.json").write_text(json.dumps(asdict(info), ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic agency site for the benchmarks.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    info = generate(args.out, args.pages)
    print(f"{info.pages} pages, {info.links} links, {info.documents} documents, {len(info.broken)} planted broken "
          f"links, depth up to {info.max_depth}: {info.root}")


if __name__ == "__main__":
    main()
