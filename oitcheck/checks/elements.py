"""Required elements inside an evidence page: o2 executives (name, position, photo, contact) and
o3 contact details (address, phone, e-mail; map and a two-way channel reported as info).

People are named by civil, professional (นายแพทย์, ภญ.) and military or police titles (พ.ต.อ.); placeholder
values ("0-0000-0000", "xxx@xxx.com") are no contact data, and the page's chrome (a header phone or
e-mail on every page) is not the executives' contact."""

from __future__ import annotations

import re

from oitcheck.checks.base import ComponentCheck
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.results import ComponentResult, ComponentState, Finding, Severity
from oitcheck.checks.vocabulary import alternation, pattern, patterns
from oitcheck.extract.html import is_picture
from oitcheck.extract.thai import thai_digits_to_arabic
from oitcheck.records import Image, PageRecord, Record

PHONE = re.compile(r"(?<!\d)(?:\+66[\s-]?|0)\d{1,2}(?:[\s-]?\d){6,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RANKED = f"{alternation('professional_titles', 'names')}|{alternation('ranks', 'names')}"
# A title, then the first letter of a name: a consonant or a leading vowel ("แพทย์หญิงเหมือนแพร"), but not
# a civil-service level ("นายแพทย์ชำนาญการ" is a position).
NAME = re.compile(f"(?>{_RANKED}|{alternation('name_titles', 'names')})"
                  f"(?!\\s*(?:{alternation('position_levels', 'names')}))" r"\s*[\u0e01-\u0e2e\u0e40-\u0e44]", re.I)
POSITION = pattern("positions", flags=re.NOFLAG)
ADDRESS = re.compile(f"({alternation('address_words')})")
POSTCODE = re.compile(r"(?<!\d)[1-9]\d{4}(?!\d)")
MAP = pattern("map")
TWO_WAY = pattern("two_way")
SERVICE_FIELDS = patterns("service_fields")  # the fields of a citizen service manual (o9)
# A titled name followed closely by a position: "นายสมชาย ใจดี นายกเทศมนตรี", "นพ.สมชาย ใจดี ผู้อำนวยการ".
PERSON = re.compile(f"(?P<name>(?:{_RANKED}|{alternation('person_titles', 'names')})"
                    r"\s*[\u0e01-\u0e4e]+\s+[\u0e01-\u0e4e]+)[^\u0e01-\u0e4e]{0,12}"
                    f"(?:(?:{alternation('position_label', 'names')})\\s*)?"
                    f"(?:{alternation('person_positions', 'names')})")
PLACEHOLDER_EMAIL = pattern("placeholder_email", source="names")
CHAT = pattern("chat_contact", source="names")
NOT_PHOTO = pattern("not_photo", source="names")
MAX_PAGES_COMPARED = 6


def real_phone(number: str) -> bool:
    """Not a placeholder: "0-0000-0000" has nothing but zeros after its first digit."""
    return re.sub(r"\D", "", number)[1:].strip("0") != ""


def real_email(address: str) -> bool:
    return PLACEHOLDER_EMAIL.search(address) is None


def _photos(record: Record | None) -> list[Image]:
    """Content pictures of a page that could be a person's photo (not logos, banners or icons)."""
    if not isinstance(record, PageRecord):
        return []
    return [i for i in record.images
            if not i.chrome and is_picture(i.source) and not NOT_PHOTO.search(f"{i.url} {i.alt}")]


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
    hrefs = " ".join(link.url for link in page.links if not link.chrome) if page else ""
    found: set[str] = set()
    if NAME.search(text):
        found.add("name")
    if POSITION.search(text.lower()):
        found.add("position")
    if _photos(record):
        found.add("photo")
    if any(real_phone(m.group()) for m in PHONE.finditer(text)) or any(map(real_phone, _hrefs(hrefs, "tel:"))):
        found.add("phone")
    if any(real_email(m.group()) for m in EMAIL.finditer(text)) or any(map(real_email, _hrefs(hrefs, "mailto:"))):
        found.add("email")
    if found & {"phone", "email"} or CHAT.search(text):
        found.add("contact")
    if len(ADDRESS.findall(text)) >= 2 and POSTCODE.search(text):
        found.add("address")
    if MAP.search(text) or MAP.search(hrefs):
        found.add("map")
    if TWO_WAY.search(text) or (page and page.forms):
        found.add("two_way")
    for element, field_words in SERVICE_FIELDS.items():
        if field_words.search(text):
            found.add(element)
    return found


def _hrefs(hrefs: str, scheme: str) -> list[str]:
    """The addresses of the ``tel:`` or ``mailto:`` links (a bare "tel:" or "mailto:" holds none)."""
    found = (h[len(scheme):].split("?")[0] for h in hrefs.split() if h.lower().startswith(scheme))
    return [a for a in found if a and (scheme != "tel:" or any(c.isdigit() for c in a))]


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
