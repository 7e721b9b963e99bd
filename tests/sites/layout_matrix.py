"""A small agency site for ANY layout, generated from the layout file itself (tests/test_layout_matrix.py).

Everything comes from the ``Checklist``: the ITA index page has one row per item (its label as sites write
it, "O12" or "MOIT 5", its title, one evidence link per component), and each component's evidence is what
its ``check`` asks for:

- ``keywords``: a text PDF titled with the component and item titles, naming one of the component's
  keywords and a year phrase that satisfies the component's year rule for the assessment year;
- ``elements``: a web page showing every element asked (person cards with a portrait and a phone, a
  contact block with address, phone, e-mail, map and a form, a service manual's fields);
- ``machine_readable``: an XLSX sheet; ``news``: a dated news page (and the homepage's news list);
- ``eit``: no link in the row; the homepage carries a banner whose QR code decodes to the EIT survey.

Variants (as of 15 March of the layout's year, so its assessment year is the layout's year):
- ``complete``: every component's evidence published right.
- ``missing``: the rows are there with labels and titles but no links; no news, no QR on the homepage.
- ``wrong_year``: complete, but the evidence of every year-ruled component, and the news, names only
  AY-4; components without a year rule and the EIT QR are as in ``complete``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from oitcheck.checks.checklist import Checklist, Component, Item
from oitcheck.checks.judge import title_phrases
from oitcheck.checks.matching import contains_any, labels_in
from oitcheck.extract.thai import normalise
from tests.testbed.kit import EIT_PREFIX, SiteWriter

VARIANTS = ("complete", "missing", "wrong_year")
DEFAULT_YEAR = 2568  # the assessment year of a layout that names none (a user's own file)
OLD = 4  # wrong_year: the evidence names AY-4 only
EIT_URL = EIT_PREFIX + "lm4x7q"
E = html.escape

ORG = {"general": "เทศบาลตำบลห้วยทรายงาม", "moph": "โรงพยาบาลห้วยทรายงาม", "vocational": "วิทยาลัยเทคนิคห้วยทรายงาม"}
ADDRESS = "เลขที่ 99 หมู่ที่ 4 ตำบลห้วยทรายงาม อำเภอเมืองลำพูน จังหวัดลำพูน 51000"
PHONE = "053-511-111"
EMAIL = "saraban@huaysaingam.go.th"
PEOPLE = {  # family -> (name, position, phone) of the executives' cards
    "general": [("นายสมชาย ใจดี", "นายกเทศมนตรีตำบลห้วยทรายงาม", "081-234-5678"),
                ("นางสาวมาลี ศรีสุข", "ปลัดเทศบาลตำบลห้วยทรายงาม", "081-345-6789")],
    "moph": [("นายสมชาย ใจดี", "ผู้อำนวยการโรงพยาบาลห้วยทรายงาม", "081-234-5678"),
             ("นางสาวมาลี ศรีสุข", "รองผู้อำนวยการฝ่ายบริหาร", "081-345-6789")],
    "vocational": [("นายสมชาย ใจดี", "ผู้อำนวยการวิทยาลัยเทคนิคห้วยทรายงาม", "081-234-5678"),
                   ("นางสาวมาลี ศรีสุข", "รองผู้อำนวยการฝ่ายบริหารทรัพยากร", "081-345-6789")],
}
NEWS_TITLES = ["จัดกิจกรรมวันเด็กแห่งชาติ ณ สนามกีฬากลาง", "ประชาสัมพันธ์กำหนดการรับบริจาคโลหิต",
               "รณรงค์ป้องกันโรคไข้เลือดออกในชุมชน"]
NEWS_DAYS = [(10, "มี.ค."), (25, "ก.พ."), (3, "ก.พ.")]  # newest first: 5, 18 and 40 days before 15 March
PERSON = {"name", "position", "photo", "contact"}
CONTACT = {"address", "phone", "email", "map", "two_way"}
SERVICE = {"steps", "duration", "fee", "documents", "channel"}


@dataclass
class Site:
    """What ``build`` wrote: the audit date and each component's evidence URL (path), per item."""

    writer: SiteWriter
    year: int
    as_of: date
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # item id -> component id -> path


def assessment_year(checklist: Checklist) -> int:
    return checklist.year or DEFAULT_YEAR


def as_of(checklist: Checklist) -> date:
    """15 March of the assessment year (BE year Y runs from 1 October of CE Y-544 to 30 September of Y-543)."""
    return date(assessment_year(checklist) - 543, 3, 15)


def label(checklist: Checklist, item: Item) -> str:
    """The item's label as sites write it: "O12", "MOIT 5" (its id's prefix, one of the layout's labels)."""
    prefix = item.id.removesuffix(str(item.number))
    text = f"{prefix.upper()}{' ' if len(prefix) > 1 else ''}{item.number}"
    assert prefix in checklist.labels and labels_in(normalise(text), checklist.labels) == {item.number}, text
    return text


def section(checklist: Checklist) -> str:
    """The index's name for the layout's items: OIT, MOIT."""
    return checklist.labels[0].upper()


def years_named(rule: str | None, ay: int, variant: str) -> tuple[int, ...]:
    """The years a component's evidence names: none without a year rule, AY-4 only in ``wrong_year``."""
    if rule is None:
        return ()
    if variant == "wrong_year":
        return (ay - OLD,)
    return {"previous": (ay - 1,), "range": (ay - 2, ay + 2)}.get(rule, (ay,))


_NAMED_YEAR = re.compile(r"\(?(?:(?:ของ)?(?:ประจำ)?ปี(?:งบประมาณ)?\s*)?(?:พ\.ศ\.\s*)?25\d\d(?:\s*[-–และ]+\s*"
                         r"(?:ปีงบประมาณ\s*)?(?:พ\.ศ\.\s*)?25\d\d)*\)?")


def plain(title: str) -> str:
    """A title without the years it names ("... ประจำปีงบประมาณ พ.ศ. 2569", as MOIT titles are written): the
    generated evidence names its years only through ``year_phrase``, so the wrong-year variant stays wrong."""
    return " ".join(_NAMED_YEAR.sub(" ", title).split())


def year_phrase(rule: str | None, ay: int, variant: str) -> str:
    years = years_named(rule, ay, variant)
    if len(years) == 2:
        return f"(พ.ศ. {years[0]} - {years[1]})"
    return f"ประจำปีงบประมาณ พ.ศ. {years[0]}" if years else ""


def keyword(item: Item, component: Component) -> str:
    """One keyword that names the component (space-free, as the layout stores it), '' when it names none:
    one the item's title phrases do not blank and its excludes do not hide, Thai before Latin."""
    if not component.keywords:
        return ""
    blanked = title_phrases(item)
    usable = [k for k in component.keywords if k not in blanked and not contains_any(k, item.exclude)]
    thai = [k for k in usable if any("\u0e00" <= ch <= "\u0e7f" for ch in k)]
    return (thai or usable or list(component.keywords))[0]


def href(item: Item, component: Component, ay: int, variant: str) -> str:
    ext = {"keywords": "pdf", "machine_readable": "xlsx"}.get(component.check, "html")
    years = years_named(component.year, ay, variant)
    suffix = "".join(f"-{y}" for y in years)
    return f"/files/{item.id}-{component.id.replace('_', '-')}{suffix}.{ext}"


class _Writer:
    """One variant's site for one layout."""

    def __init__(self, root: Path, checklist: Checklist, variant: str) -> None:
        self.checklist, self.variant = checklist, variant
        self.ay = assessment_year(checklist)
        self.org = ORG[checklist.family]
        self.w = SiteWriter(root, "http://127.0.0.1/")
        self.site = Site(self.w, self.ay, as_of(checklist))
        self.checks = {c.check for i in checklist.items for c in i.components}

    # -- pages --------------------------------------------------------------------------------

    def page(self, rel: str, title: str, body: str) -> None:
        nav = (f'<li><a href="/">หน้าแรก</a></li><li><a href="/ita/index.html">'
               f"การเปิดเผยข้อมูลสาธารณะ ({section(self.checklist)})</a></li>")
        self.w.text(rel, f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{E(title)} | {self.org}</title></head>
<body><header><p>{self.org}</p></header><nav><ul>{nav}</ul></nav>
<main>
{body}
</main>
<footer>{self.org}</footer></body></html>
""")

    def news_list(self) -> str:
        year = self.ay - OLD if self.variant == "wrong_year" else self.ay
        rows = "".join(f"<li>{E(t)} <span>({d} {m} {year})</span></li>\n"
                       for t, (d, m) in zip(NEWS_TITLES, NEWS_DAYS, strict=True))
        return f"<ul>\n{rows}</ul>"

    def home(self) -> None:
        parts = [f"<h2>ยินดีต้อนรับ</h2><p>{self.org} ให้บริการประชาชนในวันและเวลาราชการ</p>"]
        if self.variant != "missing":
            if "eit" in self.checks:
                self.w.banner("images/eit.png", [f"ร่วมประเมินคุณธรรมและความโปร่งใส ITA {self.ay}",
                                                 "สแกนเพื่อตอบแบบวัด EIT"], EIT_URL)
                parts.append('<p><img src="/images/eit.png" alt="ร่วมตอบแบบวัด EIT" width="1000" height="260"></p>')
            if "news" in self.checks:
                parts.append(f"<h2>ข่าวประชาสัมพันธ์</h2>\n{self.news_list()}")
        self.page("index.html", "หน้าแรก", "\n".join(parts))

    def index(self) -> None:
        """The ITA index: one row per item, its label, title and (but in ``missing``) evidence links."""
        rows = []
        for item in self.checklist.items:
            links = []
            for component in item.components if self.variant != "missing" else ():
                if component.check == "eit":  # judged on the homepage, where the QR banner is
                    continue
                rel = href(item, component, self.ay, self.variant)
                text = " ".join(filter(None, [plain(component.title),
                                              year_phrase(component.year, self.ay, self.variant)]))
                links.append(f'<a href="{rel}">{E(text)}</a>')
                self.site.evidence.setdefault(item.id, {})[component.id] = rel
                self.evidence(item, component, rel)
            rows.append(f"<tr><td>{E(label(self.checklist, item))}</td><td>{E(plain(item.title))}</td>"
                        f"<td>{'<br>'.join(links) or '-'}</td></tr>")
        title = f"การเปิดเผยข้อมูลสาธารณะ ({section(self.checklist)}) ประจำปีงบประมาณ พ.ศ. {self.ay}"
        table = "\n".join(rows)
        self.page("ita/index.html", title, f"""<h1>{E(title)}</h1>
<table><tr><th>ข้อ</th><th>ข้อมูล</th><th>ลิงก์</th></tr>
{table}
</table>""")

    # -- evidence -----------------------------------------------------------------------------

    def evidence(self, item: Item, component: Component, rel: str) -> None:
        phrase = year_phrase(component.year, self.ay, self.variant)
        name, whole = plain(component.title), plain(item.title)
        title = " ".join(filter(None, [name, whole, phrase]))
        named = keyword(item, component)
        about = f"{self.org} เผยแพร่{name}{f' ({named})' if named else ''} {phrase}".strip()
        if component.check == "keywords":
            self.w.pdf(rel, [name, whole, *filter(None, [phrase])],
                       [about, "ข้อมูลนี้เผยแพร่ต่อสาธารณะทางเว็บไซต์หลักของหน่วยงาน"], org=self.org)
        elif component.check == "machine_readable":
            self.w.xlsx(rel, [[f"{name} {phrase}".strip()], [about],
                              ["ลำดับ", "งานที่จัดซื้อหรือจัดจ้าง", "วงเงิน (บาท)", "วิธีซื้อหรือจ้าง", "ผู้ได้รับการคัดเลือก"],
                              [1, "จัดซื้อวัสดุสำนักงาน", 45000, "เฉพาะเจาะจง", "ร้านลำพูนเครื่องเขียน"],
                              [2, "จ้างซ่อมแซมอาคารสำนักงาน", 380000, "เฉพาะเจาะจง", "หจก.ห้วยทรายก่อสร้าง"]],
                        sheet="ข้อมูล")
        elif component.check == "news":
            self.page(rel, title, f"<h1>{E(title)}</h1>\n<p>{E(about)}</p>\n{self.news_list()}")
        elif component.check == "elements":
            self.page(rel, title, f"<h1>{E(title)}</h1>\n<p>{E(about)}</p>\n{self.elements(item, component)}")
        else:
            raise ValueError(f"{item.id}.{component.id}: no evidence written for check {component.check!r}")

    def elements(self, item: Item, component: Component) -> str:
        """Every element the component asks for (required and info), in the blocks sites show them in."""
        wanted = set(component.elements) | set(component.info_elements)
        blocks = []
        if wanted & PERSON:
            for n, (name, position, phone) in enumerate(PEOPLE[self.checklist.family]):
                picture = f"images/{item.id}-person-{n}.png"
                self.w.portrait(picture, n)
                blocks.append(f'<div class="person"><img src="/{picture}" alt="{name}" width="120" height="150">'
                              f"<p>{name}</p><p>{position}</p><p>โทร. {phone}</p></div>")
        if wanted & CONTACT:
            blocks.append(f"""<h2>ที่ตั้งและช่องทางการติดต่อ</h2><p>ที่อยู่: {ADDRESS}</p><p>โทรศัพท์: {PHONE}</p>
<p>อีเมล: {EMAIL}</p><p>แผนที่ตั้ง: ถัดจากวัดห้วยทรายงาม 200 เมตร</p>
<h2>ติดต่อสอบถาม</h2><form method="post"><label>ชื่อ <input name="name"></label>
<label>ข้อความ <textarea name="message"></textarea></label><button type="submit">ส่ง</button></form>""")
        if wanted & SERVICE:
            blocks.append("""<h2>ขั้นตอนการให้บริการ</h2>
<ol><li>ยื่นคำขอพร้อมหลักฐาน</li><li>เจ้าหน้าที่ตรวจสอบคำขอ</li><li>ผู้มีอำนาจพิจารณาอนุญาต</li></ol>
<p>ระยะเวลาการให้บริการ 15 วันทำการ</p><p>ค่าธรรมเนียม ไม่มี</p>
<p>เอกสารประกอบ: สำเนาบัตรประจำตัวประชาชน 1 ฉบับ</p><p>ช่องทางการให้บริการ: สถานที่ให้บริการ ณ สำนักงาน หรือยื่นทางไปรษณีย์</p>""")
        return "\n".join(blocks)


def build(root: Path, checklist: Checklist, variant: str) -> Site:
    """Write one variant's site for ``checklist`` into ``root`` (served by tests.support.server)."""
    assert variant in VARIANTS, variant
    writer = _Writer(root, checklist, variant)
    writer.home()
    writer.index()
    writer.w.finish()
    return writer.site
