"""One generator for the item-matrix sites (tests/test_item_matrix.py): a small เทศบาล site with an
ITA 2568 index table, one row per item O1-O28, written in variants that each plant one kind of defect.

Variants (as of 2025-03-15, AY 2568):
- ``complete``: every item's evidence published correctly (real Thai PDFs, XLSX, HTML pages, news
  with a recent date on the homepage and an EIT QR banner).
- ``missing``: the rows are there but carry no links; no news and no QR on the homepage.
- ``broken``: every evidence link (and the homepage's news link) 404s; no QR.
- ``wrong_year``: every evidence that needs a year names only 2564; the news is dated 2564 only.
- ``soft_404``: like ``broken`` on a server that answers unknown paths with a 200 "not found" page.
- ``half``: one component missing in O1, O6, O12 (PDF only), O16, O21; O2 without photos, O3 without
  e-mail, O4 with a QR that decodes to another ITAS survey.
- ``stale``: complete, but the newest news is 20 Dec 2567 (in AY 2568, 85 days before the as-of date).
- ``deep``: complete, but O28's row has no link; its report sits 5 clicks from the homepage.
- ``scans``: complete, but every PDF is a scanned image without text (read from its link only).
- ``old``: complete, but the evidence of items without a year rule names only พ.ศ. 2560.
- ``far``: complete, but the ITA page is reachable only through three menu pages (evidence 5 clicks deep).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from tests.testbed.kit import EIT_PREFIX, SiteWriter

VARIANTS = ("complete", "missing", "broken", "wrong_year", "soft_404", "half", "stale", "deep", "scans", "old",
            "far")

ORG = "เทศบาลตำบลห้วยทรายงาม"
ADDRESS = "เลขที่ 99 หมู่ที่ 4 ตำบลห้วยทรายงาม อำเภอเมืองลำพูน จังหวัดลำพูน 51000"
PHONE = "053-511-111"
EMAIL = "saraban@huaysaingam.go.th"
EIT_URL = EIT_PREFIX + "hs7k2m"
WRONG_SURVEY = "https://itas.nacc.go.th/go/iit/abc123"

# How each year rule's evidence names its year, and the only year the wrong_year variant names.
PHRASE = {"2568": "ประจำปีงบประมาณ พ.ศ. 2568", "2567": "ประจำปีงบประมาณ พ.ศ. 2567",
          "range": "(พ.ศ. 2566 - 2570)", "2564": "ประจำปีงบประมาณ พ.ศ. 2564"}
SUFFIX = {"2568": "-2568", "2567": "-2567", "range": "-2566-2570", "2564": "-2564", None: ""}

NEWS = {  # variant -> dates shown on the homepage and the news list (newest first)
    "default": ["10 มี.ค. 2568", "25 ก.พ. 2568", "3 ก.พ. 2568"],
    "wrong_year": ["10 มี.ค. 2564", "25 ก.พ. 2564", "3 ก.พ. 2564"],
    "stale": ["20 ธ.ค. 2567", "2 ธ.ค. 2567", "15 ต.ค. 2567"],
}
NEWS_TITLES = ["เทศบาลจัดกิจกรรมวันเด็กแห่งชาติ ณ สนามกีฬาเทศบาล", "แจ้งกำหนดชำระภาษีที่ดินและสิ่งปลูกสร้าง",
               "รณรงค์ป้องกันโรคไข้เลือดออกในชุมชน"]


@dataclass(frozen=True)
class Ev:
    """One evidence link in an item's row: ``name`` + the year phrase is its link text and title."""

    slug: str
    name: str
    year: str | None = None  # "2568", "2567", "range" or None (no year rule)
    kind: str = "pdf"  # pdf, xlsx, executives, contact, news, form, manual_page
    body: str = ""


ITEMS: list[tuple[str, str, list[Ev]]] = [
    ("o1", "โครงสร้างและอำนาจหน้าที่", [
        Ev("structure", "แผนผังโครงสร้างหน่วยงาน", body="สำนักปลัดเทศบาล กองคลัง กองช่าง กองสาธารณสุขและสิ่งแวดล้อม"),
        Ev("duties", "อำนาจหน้าที่ของหน่วยงาน",
           body="จัดให้มีน้ำสะอาด รักษาความสะอาดของถนนและที่สาธารณะ ป้องกันและระงับโรคติดต่อ ตามพระราชบัญญัติเทศบาล")]),
    ("o2", "ข้อมูลผู้บริหาร", [Ev("executives", "ข้อมูลผู้บริหาร", kind="executives")]),
    ("o3", "ข้อมูลการติดต่อ", [Ev("contact", "ข้อมูลการติดต่อ", kind="contact")]),
    ("o4", "ข่าวประชาสัมพันธ์", [Ev("news", "ข่าวประชาสัมพันธ์", kind="news")]),
    ("o5", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", [Ev("plan", "แผนพัฒนาท้องถิ่น", "range")]),
    ("o6", "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี", [
        Ev("plan", "แผนการดำเนินงานและแผนการใช้จ่ายงบประมาณ", "2568",
           body="ประกอบด้วยโครงการตามข้อบัญญัติ จำนวน 42 โครงการ วงเงินรวม 38,500,000 บาท"),
        Ev("progress", "รายงานความก้าวหน้าการดำเนินงานและการใช้จ่ายงบประมาณ รอบ 6 เดือน", "2568",
           body="ดำเนินการแล้ว 18 โครงการ เบิกจ่ายแล้ว 14,200,000 บาท")]),
    ("o7", "รายงานผลการดำเนินงานประจำปี", [Ev("report", "รายงานผลการดำเนินงาน", "2567")]),
    ("o8", "คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่",
     [Ev("manual", "คู่มือการปฏิบัติงานของเจ้าหน้าที่ งานจัดเก็บรายได้")]),
    ("o9", "คู่มือหรือแนวทางการขอรับบริการ", [Ev("manual", "คู่มือสำหรับประชาชน งานขออนุญาตก่อสร้างอาคาร")]),
    ("o10", "E-Service", [Ev("eservice", "E-Service ยื่นคำร้องออนไลน์", kind="form")]),
    ("o11", "ข้อมูลสถิติการให้บริการ", [Ev("stats", "สถิติการให้บริการ", "2568",
                                          body="Walk-in 1,204 ครั้ง E-Service 388 ครั้ง")]),
    ("o12", "รายการและความก้าวหน้าการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", [
        Ev("list", "สรุปผลการจัดซื้อจัดจ้างรายเดือน (สขร.1)", "2568"),
        Ev("list", "สรุปผลการจัดซื้อจัดจ้างรายเดือน (สขร.1) ไฟล์ Excel", "2568", kind="xlsx")]),
    ("o13", "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี",
     [Ev("report", "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ", "2567")]),
    ("o14", "แผนการบริหารและพัฒนาทรัพยากรบุคคล", [Ev("plan", "แผนการบริหารและพัฒนาทรัพยากรบุคคล", "range")]),
    ("o15", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี",
     [Ev("report", "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล", "2567")]),
    ("o16", "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม", [
        Ev("code", "ประมวลจริยธรรมของพนักงานเทศบาล", body="พนักงานเทศบาลพึงยึดมั่นในสถาบันหลักของประเทศ"),
        Ev("dos", "Dos & Don'ts สิ่งที่ควรทำและไม่ควรทำของพนักงานเทศบาล", "2568")]),
    ("o17", "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
     [Ev("guideline", "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ")]),
    ("o18", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
     [Ev("channel", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", kind="form")]),
    ("o19", "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
     [Ev("stats", "สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "2567", body="ไม่มีเรื่องร้องเรียน")]),
    ("o20", "การเปิดโอกาสให้เกิดการมีส่วนร่วม", [Ev("participation", "กิจกรรมการมีส่วนร่วมของประชาชน", "2568")]),
    ("o21", "ประกาศเจตนารมณ์และการสร้างวัฒนธรรม No Gift Policy", [
        Ev("declaration", "ประกาศเจตนารมณ์ No Gift Policy", "2568",
           body="คณะผู้บริหารและพนักงานเทศบาลทุกคนจะไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่"),
        Ev("activity", "กิจกรรมเสริมสร้างวัฒนธรรม No Gift Policy", "2568")]),
    ("o22", "รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา",
     [Ev("report", "รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา", "2568")]),
    ("o23", "การประเมินความเสี่ยงการให้หรือรับสินบน", [Ev("risk", "การประเมินความเสี่ยงการทุจริต", "2568")]),
    ("o24", "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริต",
     [Ev("report", "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริต", "2567")]),
    ("o25", "แผนปฏิบัติการป้องกันการทุจริต", [Ev("plan", "แผนปฏิบัติการป้องกันการทุจริต", "2568")]),
    ("o26", "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
     [Ev("report", "รายงานผลการดำเนินการป้องกันการทุจริต", "2567")]),
    ("o27", "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
     [Ev("measures", "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "2568")]),
    ("o28", "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส",
     [Ev("report", "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส", "2567")]),
]

# half: the component-level defects (item -> slugs left out); O2, O3, O4 are changed in their pages.
HALF_DROP = {"o1": {"duties"}, "o6": {"progress"}, "o16": {"dos"}, "o21": {"activity"}}
DEEP_CHAIN = [("docs/index.html", "คลังเอกสาร"), ("docs/2567/index.html", "เอกสารเผยแพร่ พ.ศ. 2567"),
              ("docs/2567/office/index.html", "สำนักปลัดเทศบาล"), ("docs/2567/office/list.html", "รายการเอกสาร")]
E = html.escape


FAR_CHAIN = [("about/index.html", "เกี่ยวกับเรา"), ("about/open-data.html", "ข้อมูลสาธารณะ"),
             ("about/open-data/ita.html", "การประเมินคุณธรรมและความโปร่งใส")]


def page(w: SiteWriter, rel: str, title: str, body: str, deep: bool = False, far: bool = False) -> None:
    first = "/about/index.html" if far else "/ita/index.html"
    nav = f'<li><a href="/">หน้าแรก</a></li><li><a href="{first}">{"เกี่ยวกับเรา" if far else "ITA 2568"}</a></li>'
    if deep:
        nav += '<li><a href="/docs/index.html">คลังเอกสาร</a></li>'
    w.text(rel, f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{E(title)} | {ORG}</title></head>
<body><header><p>{ORG}</p></header><nav><ul>{nav}</ul></nav>
<main>
{body}
</main>
<footer>{ORG} © 2568</footer></body></html>
""")


def year_of(ev: Ev, variant: str) -> str | None:
    return "2564" if ev.year and variant == "wrong_year" else ev.year


def text_of(ev: Ev, variant: str) -> str:
    year = year_of(ev, variant)
    if variant == "old" and not year:
        return f"{ev.name} (ปรับปรุงเมื่อ พ.ศ. 2560)"
    return f"{ev.name} {PHRASE[year]}" if year else ev.name


def href_of(item: str, ev: Ev, variant: str) -> str:
    ext = {"pdf": "pdf", "xlsx": "xlsx"}.get(ev.kind, "html")
    return f"/files/{item}-{ev.slug}{SUFFIX[year_of(ev, variant)]}.{ext}"


def news_list(variant: str) -> str:
    dates = NEWS.get(variant, NEWS["default"])
    rows = "".join(f"<li>{E(t)} <span>({d})</span></li>\n" for t, d in zip(NEWS_TITLES, dates, strict=True))
    return f"<ul>\n{rows}</ul>"


def write_evidence(w: SiteWriter, item: str, ev: Ev, variant: str) -> None:
    rel, title = href_of(item, ev, variant), text_of(ev, variant)
    if ev.kind == "pdf" and variant == "scans":
        w.scanned_pdf(rel, [title])
    elif ev.kind == "pdf":
        w.pdf(rel, [title], [ev.body or f"{ORG} เผยแพร่เอกสารนี้ต่อสาธารณะทางเว็บไซต์ของหน่วยงาน"], org=ORG)
    elif ev.kind == "xlsx":
        w.xlsx(rel, [["ลำดับ", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงิน (บาท)", "วิธีซื้อหรือจ้าง", "ผู้ได้รับการคัดเลือก"],
                     [1, "จัดซื้อวัสดุสำนักงาน", 45000, "เฉพาะเจาะจง", "ร้านลำพูนเครื่องเขียน"],
                     [2, "จ้างซ่อมแซมถนน คสล. หมู่ที่ 2", 380000, "เฉพาะเจาะจง", "หจก.ห้วยทรายก่อสร้าง"]], sheet="สขร.1")
    elif ev.kind == "executives":
        cards = []
        for n, (name, position, phone) in enumerate([("นายสมชาย ใจดี", "นายกเทศมนตรีตำบลห้วยทรายงาม", "081-234-5678"),
                                                     ("นางสาวมาลี ศรีสุข", "ปลัดเทศบาลตำบลห้วยทรายงาม", "081-345-6789")]):
            img = f'<img src="/images/exec-{n}.png" alt="{name}" width="120" height="150">'
            photo = "" if variant == "half" else img
            if photo:
                w.portrait(f"images/exec-{n}.png", n)
            cards.append(f'<div class="person">{photo}<p>{name}</p><p>{position}</p><p>โทร. {phone}</p></div>')
        page(w, rel, title, f"<h1>{title}</h1>\n" + "\n".join(cards))
    elif ev.kind == "contact":
        email = "" if variant == "half" else f"<p>อีเมล: {EMAIL}</p>"
        page(w, rel, title, f"""<h1>{title}</h1><p>ที่อยู่: {ADDRESS}</p><p>โทรศัพท์: {PHONE}</p>{email}
<p>แผนที่ตั้ง: ถัดจากวัดห้วยทรายงาม 200 เมตร</p>
<h2>ติดต่อสอบถาม</h2><form method="post"><input name="name"><textarea name="message"></textarea></form>""")
    elif ev.kind == "manual_page":
        page(w, rel, title, f"""<h1>{title}</h1><h2>ขั้นตอนการให้บริการ</h2>
<ol><li>ยื่นคำขอพร้อมแบบแปลน</li><li>เจ้าหน้าที่ตรวจสอบสถานที่</li><li>นายกเทศมนตรีพิจารณาอนุญาต</li></ol>
<p>ระยะเวลาการให้บริการ 45 วัน</p><p>สถานที่ให้บริการ กองช่าง สำนักงานเทศบาล</p>""")
    elif ev.kind == "news":
        page(w, rel, title, f"<h1>{title}</h1>\n{news_list(variant)}")
    elif ev.kind == "form":
        page(w, rel, title, f"""<h1>{title}</h1><p>กรอกข้อมูลแล้วกดส่ง เจ้าหน้าที่จะติดต่อกลับภายใน 3 วันทำการ</p>
<form method="post"><label>ชื่อ-นามสกุล <input name="name"></label><label>โทรศัพท์ <input name="phone"></label>
<label>รายละเอียด <textarea name="detail"></textarea></label><button type="submit">ส่ง</button></form>""")


def home(w: SiteWriter, variant: str) -> None:
    parts = []
    if variant in ("missing", "broken", "soft_404"):
        parts.append(f"<h2>ยินดีต้อนรับ</h2><p>{ORG} ให้บริการประชาชนในวันและเวลาราชการ</p>")
        if variant != "missing":  # a news link that leads nowhere
            parts.append(f'<p><a href="{href_of("o4", ITEMS[3][2][0], variant)}">ข่าวประชาสัมพันธ์</a></p>')
    else:
        survey = WRONG_SURVEY if variant == "half" else EIT_URL
        w.banner("images/eit.png", ["ร่วมประเมินคุณธรรมและความโปร่งใส ITA 2568", "สแกนเพื่อตอบแบบวัด EIT"], survey)
        parts.append('<p><img src="/images/eit.png" alt="ร่วมตอบแบบวัด EIT" width="1000" height="260"></p>')
        parts.append(f"<h2>ข่าวประชาสัมพันธ์</h2>\n{news_list(variant)}")
    page(w, "index.html", "หน้าแรก", "\n".join(parts), deep=variant == "deep", far=variant == "far")


def ita_index(w: SiteWriter, variant: str) -> None:
    rows = []
    for item, title, evidence in ITEMS:
        links = []
        linked = variant != "missing" and not (variant == "deep" and item == "o28")
        for ev in evidence if linked else []:
            if variant == "half" and (ev.slug in HALF_DROP.get(item, ()) or (item == "o12" and ev.kind == "xlsx")):
                continue
            if variant == "half" and item == "o9":  # a web-page manual without fee and required documents
                ev = Ev(ev.slug, ev.name, kind="manual_page")
            links.append(f'<a href="{href_of(item, ev, variant)}">{E(text_of(ev, variant))}</a>')
            if variant not in ("broken", "soft_404"):  # there, every evidence link points to a missing file
                write_evidence(w, item, ev, variant)
        cell = "<br>".join(links) or "-"
        rows.append(f"<tr><td>{item.upper()}</td><td>{E(title)}</td><td>{cell}</td></tr>")
    table = "\n".join(rows)
    page(w, "ita/index.html", "การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568",
         f"""<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568</h1>
<table><tr><th>ข้อ</th><th>ข้อมูล</th><th>ลิงก์</th></tr>
{table}
</table>""", deep=variant == "deep", far=variant == "far")


def deep_chain(w: SiteWriter) -> None:
    """Home -> คลังเอกสาร -> 2567 -> สำนักปลัด -> รายการเอกสาร -> the O28 report: 5 clicks."""
    o28 = ITEMS[27][2][0]
    targets = [f"/{rel}" for rel, _ in DEEP_CHAIN[1:]] + [href_of("o28", o28, "deep")]
    texts = [title for _, title in DEEP_CHAIN[1:]] + [text_of(o28, "deep")]
    for (rel, title), target, text in zip(DEEP_CHAIN, targets, texts, strict=True):
        page(w, rel, title, f'<h1>{title}</h1><ul><li><a href="{target}">{E(text)}</a></li></ul>', deep=True)
    write_evidence(w, "o28", o28, "deep")


def build(root: Path, variant: str) -> SiteWriter:
    """Write one variant's site into ``root`` (served by tests.support.server)."""
    assert variant in VARIANTS, variant
    w = SiteWriter(root, "http://127.0.0.1/")
    home(w, variant)
    ita_index(w, variant)
    if variant == "deep":
        deep_chain(w)
    if variant == "far":  # home -> เกี่ยวกับเรา -> ข้อมูลสาธารณะ -> ITA menu page -> ITA table -> evidence
        targets = [f"/{rel}" for rel, _ in FAR_CHAIN[1:]] + ["/ita/index.html"]
        for (rel, title), target in zip(FAR_CHAIN, targets, strict=True):
            page(w, rel, title, f'<h1>{title}</h1><p><a href="{target}">ไปยังหน้าถัดไป: {title}</a></p>', far=True)
    if variant == "soft_404":
        w.site["not_found"] = "soft"
    w.finish()
    return w
