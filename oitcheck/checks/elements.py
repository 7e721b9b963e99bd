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
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.rejections import Rejection
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
SITE_WIDE_PAGES = 20  # pages read for the text every page carries: the homepage first, then in crawl order
SITE_WIDE_MIN = 2  # required elements the site-wide text must show to stand for a missing page
SITE_WIDE_VIA = "site-wide text"


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


def site_wide_page(ctx: AuditContext, component: Component) -> tuple[PageRecord, set[str]] | None:
    """The site's own page whose whole text (its header and footer included) shows the most required
    elements, and those elements; None when none shows ``SITE_WIDE_MIN``. Many agencies publish their address
    and phone only in the footer of every page, and assessors read it there; the homepage is tried first, and
    other pages stand in when it failed (a database error cut it short)."""
    home = ctx.crawl.homepage
    pages = sorted((p for p in ctx.crawl.pages if not p.external and (p.status or 200) < 400),
                   key=lambda p: p is not home)  # stable: the homepage, then the crawl's order
    best: tuple[PageRecord, set[str]] | None = None
    for page in pages[:SITE_WIDE_PAGES]:
        found = present_elements(page, f"{page.title} {page.text}") & set(component.elements + component.info_elements)
        if best is None or len(found & set(component.elements)) > len(best[1] & set(component.elements)):
            best = (page, found)
    if best is None or len(best[1] & set(component.elements)) < SITE_WIDE_MIN:
        return None
    return best


class ElementsCheck(ComponentCheck):
    """The evidence page must show every required element; a missing one makes the item partial."""

    name = "elements"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        """A ``site_wide`` component that no page names is judged on the text every page carries."""
        result = super().check(ctx, item, component)
        if not component.site_wide or result.state != ComponentState.FAIL \
                or any(f.code != "missing" for f in result.findings):
            return result
        found = site_wide_page(ctx, component)
        if found is None:
            return result
        page, elements = found
        evidence = Candidate(item_id=item.id, url=page.url, via=SITE_WIDE_VIA, text=page.title[:200], score=0,
                             depth=page.depth)
        findings = [Finding("site_wide", ctx.message("site_wide", component=component.title, url=page.url),
                            url=page.url, severity=Severity.INFO)]
        missing = [e for e in component.elements if e not in elements]
        findings += self._missing(ctx, component, missing, page.url, Severity.FAIL)
        findings += self._missing(ctx, component, [e for e in component.info_elements if e not in elements],
                                  page.url, Severity.INFO)
        return ComponentResult(component, ComponentState.PARTIAL if missing else ComponentState.OK, [evidence],
                               findings, result.rejected)

    @staticmethod
    def _missing(ctx: AuditContext, component: Component, elements: list[str], url: str,
                 severity: Severity) -> list[Finding]:
        """The ``missing_element`` finding for ``elements`` (none when there are none)."""
        if not elements:
            return []
        return [Finding("missing_element", ctx.message("missing_element", component=component.title,
                                                       elements=ctx.messages.element_names(elements)),
                        url=url, severity=severity, extra={"elements": elements})]

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
            for _, _, candidate, shown in sorted(scored, key=lambda s: s[:2]):  # the pages compared, best first
                lacking = missing if candidate is best else [e for e in component.elements if e not in shown]
                if lacking:
                    result.reject(candidate, Rejection.MISSING_ELEMENTS, ", ".join(lacking))
            result.findings.append(Finding("missing_element", ctx.message(
                "missing_element", component=component.title, elements=ctx.messages.element_names(missing)),
                url=best.url, extra={"elements": missing, **({"without_photo": unpictured} if unpictured else {})}))
        result.findings += self._missing(ctx, component, [e for e in component.info_elements if e not in found],
                                         best.url, Severity.INFO)
        return result
