"""Required elements inside an evidence page: o2 executives (name, position, photo, contact) and
o3 contact details (address, phone, e-mail; map and a two-way channel reported as info)."""

from __future__ import annotations

import re

from oitcheck.checks.base import ComponentCheck
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.results import ComponentResult, ComponentState, Finding, Severity
from oitcheck.extract.html import is_picture
from oitcheck.extract.thai import thai_digits_to_arabic
from oitcheck.records import Image, PageRecord, Record

PHONE = re.compile(r"(?<!\d)(?:\+66[\s-]?|0)\d{1,2}(?:[\s-]?\d){6,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAME = re.compile(r"(นาย|นางสาว|นาง|น\.ส\.|ว่าที่|ดร\.|ผศ\.|รศ\.|ศ\.|พ\.ต\.|พล\.|ร\.ต\.|จ\.ส\.|mr\.|mrs\.|ms\.)"
                  r"\s*[\u0e01-\u0e2e]", re.I)
POSITION = re.compile(r"นายก|ปลัด|ผู้อำนวยการ|ผอ\.|หัวหน้า|ผู้ว่าราชการ|ประธาน|อธิการ|ผู้บริหาร|ผู้บังคับ|"
                      r"รองนายก|เลขานุการ|ผู้กำกับ|สาธารณสุข|นายอำเภอ|กำนัน|director|chief")
ADDRESS = re.compile(r"(หมู่|ม\.|ถนน|ถ\.|ตำบล|ต\.|แขวง|อำเภอ|อ\.|เขต|จังหวัด|จ\.)")
POSTCODE = re.compile(r"(?<!\d)[1-9]\d{4}(?!\d)")
MAP = re.compile(r"แผนที่|google\.[a-z.]+/maps|maps\.google|goo\.gl/maps|map", re.I)
TWO_WAY = re.compile(r"ถาม[\s-]*ตอบ|q\s*&\s*a|webboard|เว็บบอร์ด|กระดาน|แชท|chat|messenger|line\s*(oa|official)|"
                     r"แบบฟอร์มติดต่อ|ติดต่อสอบถาม|แสดงความคิดเห็น|รับฟังความคิดเห็น|contact form", re.I)
SERVICE_FIELDS = {  # the fields of a citizen service manual (o9)
    "steps": re.compile(r"ขั้นตอน"),
    "duration": re.compile(r"ระยะเวลา"),
    "fee": re.compile(r"ค่าธรรมเนียม|ค่าบริการ"),
    "documents": re.compile(r"เอกสาร|หลักฐาน"),
    "channel": re.compile(r"ช่องทาง|สถานที่|ติดต่อ"),
}
# A titled name followed closely by a position: "นายสมชาย ใจดี นายกเทศมนตรี".
PERSON = re.compile(r"(?P<name>(?:นาย|นางสาว|นาง|ว่าที่ร้อยตรี|ว่าที่ ร\.ต\.|ดร\.)\s*[\u0e01-\u0e4e]+\s+[\u0e01-\u0e4e]+)"
                    r"[^\u0e01-\u0e4e]{0,12}(?:ตำแหน่ง\s*)?(?:นายก|รองนายก|ปลัด|รองปลัด|ผู้อำนวยการ|หัวหน้าสำนัก"
                    r"|ผู้ว่าราชการ|รองผู้ว่าราชการ|นายอำเภอ|ประธาน|ผอ\.)")
MAX_PAGES_COMPARED = 6
_NOT_PHOTO = re.compile(r"logo|banner|icon|bullet|arrow|spacer|bg|background", re.I)


def _photos(record: Record | None) -> list[Image]:
    """Content pictures of a page that could be a person's photo (not logos, banners or icons)."""
    if not isinstance(record, PageRecord):
        return []
    return [i for i in record.images if not i.chrome and is_picture(i.source) and not _NOT_PHOTO.search(i.url)]


def people_without_photo(record: Record | None, text: str) -> list[str]:
    """Executives named with a position in the page text but shown in no picture's caption card.

    Only judged when the page has captioned pictures at all (a page with none lacks "photo" anyway).
    """
    captions = " ".join(f"{i.context} {i.alt}" for i in _photos(record))
    if not captions.strip():
        return []
    missing = []
    for match in PERSON.finditer(text):
        name = match.group("name").strip()
        if name not in captions and name not in missing:
            missing.append(name)
    return missing


def present_elements(record: Record | None, text: str) -> set[str]:
    """Which of the known elements an evidence page (or document text) shows."""
    text = thai_digits_to_arabic(text)
    page = record if isinstance(record, PageRecord) else None
    hrefs = " ".join(link.url for link in page.links) if page else ""
    found: set[str] = set()
    if NAME.search(text):
        found.add("name")
    if POSITION.search(text.lower()):
        found.add("position")
    if _photos(record):
        found.add("photo")
    if PHONE.search(text) or "tel:" in hrefs:
        found.add("phone")
    if EMAIL.search(text) or "mailto:" in hrefs:
        found.add("email")
    if found & {"phone", "email"} or re.search(r"line\s*(id)?\s*[:：@]", text, re.I):
        found.add("contact")
    if len(ADDRESS.findall(text)) >= 2 and POSTCODE.search(text):
        found.add("address")
    if MAP.search(text) or MAP.search(hrefs):
        found.add("map")
    if TWO_WAY.search(text) or (page and page.forms):
        found.add("two_way")
    for element, pattern in SERVICE_FIELDS.items():
        if pattern.search(text):
            found.add(element)
    return found


class ElementsCheck(ComponentCheck):
    """The evidence page must show every required element; a missing one makes the item partial."""

    name = "elements"

    def refine(self, ctx: AuditContext, item: Item, component: Component, result: ComponentResult) -> ComponentResult:
        # The best-named page is often a signpost ("O3 ข้อมูลการติดต่อ" post linking to ติดต่อเรา):
        # judge the working evidence that shows the most required elements.
        if component.elements_on == "html" and ctx.page(result.evidence[0].url) is None:
            return result  # a PDF or DOCX manual is judged as a document, not field by field
        scored = []
        for rank, candidate in enumerate(result.evidence[:MAX_PAGES_COMPARED]):
            title, body = ctx.target_texts(candidate.url)
            found = present_elements(ctx.record(candidate.url), f"{title} {body}")
            scored.append((-len(found & set(component.elements)), rank, candidate, found))
        _, _, best, found = min(scored, key=lambda s: s[:2])
        result.evidence.remove(best)
        result.evidence.insert(0, best)
        missing = [e for e in component.elements if e not in found]
        title, body = ctx.target_texts(best.url)
        unpictured = people_without_photo(ctx.record(best.url), body) if "photo" in component.elements else []
        if unpictured and "photo" not in missing:  # a photo per executive, not one for the page
            missing.append("photo")
        if missing:
            result.state = ComponentState.PARTIAL
            result.findings.append(Finding("missing_element", ctx.message(
                "missing_element", component=component.title, elements=ctx.messages.element_names(missing)),
                url=best.url, extra={"elements": missing, **({"without_photo": unpictured} if unpictured else {})}))
        info_missing = [e for e in component.info_elements if e not in found]
        if info_missing:
            result.findings.append(Finding("missing_element", ctx.message(
                "missing_element", component=component.title, elements=ctx.messages.element_names(info_missing)),
                url=best.url, severity=Severity.INFO, extra={"elements": info_missing}))
        return result
