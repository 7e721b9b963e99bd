"""The evidence choice every check shares: which candidates show a component, and which of them counts.

Working beats broken, this year's ITA section beats another year's, and a year rule filters what
remains; the chosen evidence is then checked for placement, currency and readability (info findings).
"""

from __future__ import annotations

from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.currency import older_than_previous_year
from oitcheck.checks.evidence import Candidate
from oitcheck.checks.matching import Flat, contains_any, flatten
from oitcheck.checks.rejections import Rejection
from oitcheck.checks.results import ComponentResult, ComponentState, Finding, Severity
from oitcheck.checks.vocabulary import pattern
from oitcheck.extract.html import is_picture
from oitcheck.extract.thai import normalise
from oitcheck.fiscal import year_rule_satisfied
from oitcheck.net import canonical, site_of
from oitcheck.records import LinkState, PageRecord, Quality, ResourceRecord

DEEP_LINK_CLICKS = 3

def relevant(ctx: AuditContext, item: Item, component: Component) -> list[Candidate]:
    """The item's candidates that show this component (all of them when it names no keywords)."""
    candidates = ctx.candidates.get(item.id, [])
    if not component.keywords:
        return list(candidates)
    titles = title_phrases(item)
    tiers: tuple[list[Candidate], ...] = ([], [], [])  # named by the link itself, by its row, by its content
    for candidate in candidates:
        own = " ".join(t for n, t in enumerate(candidate.link_texts) if n != 1) or candidate.text
        row = f"{candidate.link_texts[1] if len(candidate.link_texts) > 1 else ''} {candidate.text}"
        texts = (without_pending(normalise(own)), without_pending(normalise(row)),
                 ctx.target_normalised(candidate.url, without_pending))
        for tier, text in zip(tiers, texts, strict=True):
            if contains_any(_without(text, titles), component.keywords):
                tier.append(candidate)
                break
    return [c for tier in tiers for c in tier]


def title_phrases(item: Item) -> tuple[str, ...]:
    """The item's keywords that name two or more of its components at once: its title and the like.

    "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม" echoed in an index row or a post heading proves neither the
    code nor the Dos & Don'ts; only words naming one component do.
    """
    if len(item.components) < 2:
        return ()
    return tuple(k for k in item.keywords
                 if sum(1 for c in item.components if contains_any(k, c.keywords)) >= 2)


def _without(text: str, phrases: tuple[str, ...]) -> Flat:
    return flatten(text).blank(phrases)


PLACEHOLDER = pattern("placeholder")
PLACEHOLDER_CHARS = 300
PENDING_REACH = 60
TEMPLATE = pattern("template_code")
TEMPLATE_REACH = 40  # the template code must stand right under the heading that names the item
TEMPLATE_LEAKS = 3  # or the page shows this much template code: its program's output is missing


def without_pending(text: str) -> str:
    """Blank what stands just before "อยู่ระหว่างรวบรวมข้อมูล" and the like: a promise names the
    component ("รายงานความก้าวหน้า รอบ 6 เดือน อยู่ระหว่างรวบรวมข้อมูล") but is not it."""
    cuts = [(max(0, m.start() - PENDING_REACH), m.end()) for m in PLACEHOLDER.finditer(text)]
    for start, end in reversed(cuts):
        text = text[:start] + " " + text[end:]
    return text


def is_placeholder(record: PageRecord) -> bool:
    """A page that names the item but holds nothing yet ("อยู่ระหว่างปรับปรุง"): not evidence."""
    content = record.main_text
    for label in [record.title, *(h.text for h in record.headings)]:
        if label:
            content = content.replace(label, " ")
    content = TEMPLATE.sub(" ", content).strip()  # a page of template variables alone holds nothing
    if len(content) >= PLACEHOLDER_CHARS:
        return False
    if record.tables or record.forms:  # data or a working form is content
        return False
    if PLACEHOLDER.search(content):
        return True
    pictures = any(not i.chrome and is_picture(i.source) for i in record.images)
    return len(content) < 15 and not pictures  # a heading and nothing under it


# Components judged on what every page of a site shows anyway (contact details in the footer, the news
# list): for them a link back to the homepage still leads to the evidence.
HOMEPAGE_EVIDENCE_CHECKS = ("news",)
HOMEPAGE_EVIDENCE_ELEMENTS = ("address",)
INDEX_ITEMS = 3  # a page whose links name this many other items is an index of them, not one item's evidence
INDEX_LINK_SHARE = 0.6  # ... when link texts are most of its main text (a menu, not an article with a sidebar)


def leads_home(ctx: AuditContext, candidate: Candidate, component: Component) -> bool:
    """A working link (or pinned URL) whose target is the homepage (by address, redirect or the same page text)
    shows no document of the item: "ดูรายงานผล" pointing at home.php is a link not yet filled in. (A missing
    document that the server answers with its homepage is a soft 404, judged before this.)"""
    if not candidate.opened or component.check in HOMEPAGE_EVIDENCE_CHECKS \
            or set(component.elements) & set(HOMEPAGE_EVIDENCE_ELEMENTS):
        return False
    home = ctx.crawl.homepage
    if home is None:
        return False
    record = ctx.record(candidate.url)
    target = canonical(record.where if record else candidate.url)
    if target in {canonical(ctx.crawl.start_url), canonical(home.where)}:
        return True
    return isinstance(record, PageRecord) and isinstance(home, PageRecord) and bool(home.text) \
        and record.text == home.text


def is_index(ctx: AuditContext, record: PageRecord, item: Item) -> bool:
    """A listing page: its content links (not the menu every page repeats, nor the homepage's) lead to
    the evidence of several other items (an ITA table, a category page)."""
    content = [link for link in record.links if not link.chrome]
    own = {canonical(link.url) for link in content} - ctx.home_links
    linked_text = sum(len(link.text) for link in content)
    if len(own) < INDEX_ITEMS or linked_text < INDEX_LINK_SHARE * len(record.main_text):
        return False
    others = {other for url in own for other in ctx.items_by_target.get(url, ())} - {item.id}
    return len(others) >= INDEX_ITEMS


def shows_template(record: PageRecord, label: str) -> bool:
    """The item's heading on this page is followed by template code instead of content ("คู่มือประชาชน
    $title_news"), or the page shows its template's code in several places ("$topic"; "}//end while ?>"):
    what it should list was never filled in, whatever the page's menus and footer say."""
    text = record.main_text
    if "\ufffd" in text:  # a binary file read as a page ("PK..." with "?>" in its XML) shows no template
        return False
    if len(TEMPLATE.findall(text)) >= TEMPLATE_LEAKS:
        return True
    at = text.rfind(label) if label else -1
    if at < 0:
        return False
    after = text[at + len(label):at + len(label) + TEMPLATE_REACH].lstrip()
    return TEMPLATE.match(after) is not None


def evidence_state(ctx: AuditContext, candidate: Candidate, siblings: list[Candidate],
                   item: Item | None = None) -> tuple[LinkState, str]:
    """Like ``link_state``, but a page that only leads to this item's documents is as good as they are:
    an item page whose every item link is dead shows the assessors nothing; and a menu page that lists
    other items but none of this one's documents is no evidence of it."""
    state, detail = ctx.link_state(candidate.url)
    record = ctx.page(candidate.url)
    if state != LinkState.OK or record is None:
        return state, detail
    pages = {canonical(candidate.url), canonical(record.where)}
    children = [c for c in siblings if c.found_on_key in pages and c.url != candidate.url]
    if not children:
        if is_placeholder(record) or shows_template(record, candidate.text):
            return LinkState.EMPTY, "placeholder"
        if item is not None and candidate.opened and is_index(ctx, record, item):
            return LinkState.EMPTY, "index"
        return state, detail
    states = [ctx.link_state(c.url) for c in children]
    if all(s.dead for s, _ in states):
        return states[0][0], f"{states[0][1]} ({children[0].url})"
    return state, detail


def judge(ctx: AuditContext, item: Item, component: Component, candidates: list[Candidate]) -> ComponentResult:
    """Choose the best evidence among ``candidates`` and decide the component's state."""
    result = ComponentResult(component, ComponentState.FAIL)
    if not candidates:
        result.findings.append(Finding("missing", ctx.message("missing", component=component.title)))
        return result
    working, broken, undecided = [], [], []
    siblings = ctx.candidates.get(item.id, [])
    for candidate in candidates:
        state, detail = evidence_state(ctx, candidate, siblings, item)
        if state.dead:  # the finding names how it is dead: broken_link or soft_404
            broken.append((candidate, detail, state))
        elif state == LinkState.EMPTY:
            result.reject(candidate, Rejection.INDEX if detail == "index" else Rejection.PLACEHOLDER, detail)
            continue
        elif _ghost(ctx, candidate, state, detail):
            result.reject(candidate, Rejection.GHOST, candidate.found_on or "")
            continue
        elif leads_home(ctx, candidate, component):
            result.reject(candidate, Rejection.LEADS_HOME, ctx.crawl.start_url)
            continue
        else:
            (working if state == LinkState.OK else undecided).append((candidate, detail))
        if candidate.other_section is not None:  # another year's section: its year is the reason, whatever its state
            result.reject(candidate, Rejection.OTHER_SECTION, candidate.other_section)
        elif state.dead:
            result.reject(candidate, Rejection.SOFT_404 if state == LinkState.SOFT_404 else Rejection.BROKEN, detail)
        elif state != LinkState.OK:
            result.reject(candidate, Rejection.UNCHECKED, detail)
    current = [c for c, _ in working if c.other_section is None]
    broken = [b for b in broken if b[0].other_section is None]  # another year's dead links are not this year's
    undecided = [(c, d) for c, d in undecided if c.other_section is None]
    if not current:
        if not working and not broken and not undecided:  # only dead links in another year's section
            result.findings.append(Finding("missing", ctx.message("missing", component=component.title)))
            return result
        if broken:
            candidate, detail, state = broken[0]
            result.evidence.append(candidate)
            result.findings.append(_dead(ctx, component, candidate, detail, state, Severity.FAIL))
            if undecided:
                result.state = ComponentState.UNKNOWN
            return result
        if undecided:
            candidate, detail = undecided[0]
            result.state = ComponentState.UNKNOWN
            result.evidence.append(candidate)
            result.findings.append(Finding("unknown", ctx.message(
                "unknown", component=component.title, reason=detail), url=candidate.url, severity=Severity.INFO))
            return result
        candidate = working[0][0]  # found only in another year's ITA section: this year's is missing
        result.evidence.append(candidate)
        result.findings.append(Finding("missing", ctx.message(
            "missing_other_year", component=component.title, years=str(candidate.other_section)),
            url=candidate.url, extra={"years": [candidate.other_section], "section": True}))
        return result
    chosen, wrong, unsure = _by_year(ctx, component, current)
    if chosen is None:
        for candidate, years in wrong:
            result.reject(candidate, Rejection.WRONG_YEAR, ", ".join(str(y) for y in sorted(years)))
        for candidate, years in unsure:
            result.reject(candidate, Rejection.OCR_YEAR, ", ".join(str(y) for y in sorted(years)))
    if chosen is None and not wrong:  # only years OCR read: a misread digit must not fail the item
        candidate, years = unsure[0]
        result.state = ComponentState.UNKNOWN
        result.evidence.append(candidate)
        result.findings.append(_ocr_year(ctx, component, candidate, years))
        return result
    if chosen is None:
        candidate, years = wrong[0]
        result.evidence.append(candidate)
        result.findings.append(Finding("wrong_year", ctx.message(
            "wrong_year", component=component.title, expected=ctx.expected_years(component.year),
            years=", ".join(str(y) for y in sorted(years))), url=candidate.url, extra={"years": sorted(years)}))
        return result
    result.state = ComponentState.OK
    result.evidence.append(chosen)
    result.evidence.extend(c for c in current if c is not chosen)
    for candidate, detail, state in broken:
        if candidate.rank < chosen.rank:
            result.findings.append(_dead(ctx, component, candidate, detail, state, Severity.INFO))
    _placement(ctx, chosen, result)
    _currency(ctx, component, chosen, result)
    _readability(ctx, chosen, result)
    return result


def _ghost(ctx: AuditContext, candidate: Candidate, state: LinkState, detail: str) -> bool:
    """A link never fetched because it is on a not-found page (the homepage served at a wrong folder, whose
    links the crawl does not follow): a ghost of the site's own links, not evidence still to check."""
    if state != LinkState.UNKNOWN or detail != "not fetched" or not candidate.found_on:
        return False
    return ctx.link_state(candidate.found_on)[0].dead


def _readability(ctx: AuditContext, chosen: Candidate, result: ComponentResult) -> None:
    """A chosen document the tool could not read (corrupt, too large, a scan without text) is said so:
    its year and content were judged from the link alone."""
    record = ctx.record(chosen.url)
    if not isinstance(record, ResourceRecord):
        return
    doc = record.doc
    quality = doc.quality if doc else None
    if record.error == "too_large" or quality in (Quality.UNREADABLE, Quality.EMPTY, Quality.GARBLED):
        extra = {"reason": record.error or (doc.error if doc else None) or str(quality)}
        if doc and doc.ocr:  # a scan: says whether OCR was missing, switched off or out of time
            extra["ocr"] = doc.ocr.status
        result.findings.append(Finding("unreadable_document", ctx.message("unreadable_document", url=chosen.url),
                                       url=chosen.url, severity=Severity.INFO, extra=extra))


def _currency(ctx: AuditContext, component: Component, chosen: Candidate, result: ComponentResult) -> None:
    """Evidence without a year rule whose link, title or (for a document) text names only years before
    AY-1 is flagged stale (info). A web page's body is left out: menus and archives name old years."""
    if component.year is not None:
        return
    years, source = ctx.evidence_years(chosen)
    record = ctx.record(chosen.url)
    is_document = isinstance(record, ResourceRecord) and record.doc is not None
    if not (source in ("link", "title") or (source == "text" and is_document)) \
            or not older_than_previous_year(years, ctx.year):
        return
    if ctx.ocr_only_years(chosen, years, source):  # an OCR misreading must not call current evidence stale
        result.findings.append(_ocr_year(ctx, component, chosen, years))
        return
    result.findings.append(Finding("stale", ctx.message(
        "stale_year", component=component.title, years=", ".join(str(y) for y in sorted(years)),
        prev=ctx.year - 1), url=chosen.url, severity=Severity.INFO, extra={"years": sorted(years), "source": source}))


def _dead(ctx: AuditContext, component: Component, candidate: Candidate, detail: str, state: LinkState,
          severity: Severity) -> Finding:
    """The finding for dead evidence: ``broken_link`` (an error status) or ``soft_404``."""
    code = "soft_404" if state == LinkState.SOFT_404 else "broken_link"
    return Finding(code, ctx.message(code, component=component.title, url=candidate.url,
                                     status=ctx.messages.link_reason(detail)),
        url=candidate.url, severity=severity, extra={"status": detail, "found_on": candidate.found_on})


YearsFound = list[tuple[Candidate, set[int]]]


def _by_year(ctx: AuditContext, component: Component, candidates: list[Candidate]
             ) -> tuple[Candidate | None, YearsFound, YearsFound]:
    """The best candidate satisfying the year rule, those naming only other years, and those whose other
    years only OCR read (``AuditContext.ocr_only_years``): not known to be wrong.

    Evidence naming no year at all is accepted only when it ranks above every wrong-year one:
    a better-placed wrong-year report is what the assessors would open.
    """
    unnamed: Candidate | None = None
    wrong: YearsFound = []
    unsure: YearsFound = []
    for candidate in candidates:
        years, source = ctx.evidence_years(candidate)
        satisfied = year_rule_satisfied(component.year, years, ctx.year)
        if satisfied:
            return candidate, wrong, unsure
        if satisfied is None and unnamed is None and not wrong and not unsure:
            unnamed = candidate
        elif satisfied is False:
            trusted = years - ctx.ocr_only_years(candidate, years, source)
            verdict = year_rule_satisfied(component.year, trusted, ctx.year) if trusted else None
            if verdict and trusted != years:  # the years OCR alone read were the wrong ones
                return candidate, wrong, unsure
            (wrong if trusted == years or verdict is False else unsure).append((candidate, years))
    return unnamed, wrong, unsure


def _ocr_year(ctx: AuditContext, component: Component, candidate: Candidate, years: set[int]) -> Finding:
    """Years only OCR read, that would make the evidence wrong-year or stale: said, not judged."""
    return Finding("ocr_year", ctx.message("ocr_year", component=component.title,
                                           years=", ".join(str(y) for y in sorted(years))),
                   url=candidate.url, severity=Severity.INFO, extra={"years": sorted(years), "source": "ocr"})


def _placement(ctx: AuditContext, chosen: Candidate, result: ComponentResult) -> None:
    if chosen.depth is not None and chosen.depth > DEEP_LINK_CLICKS:
        result.findings.append(Finding("deep_link", ctx.message("deep_link", depth=chosen.depth), url=chosen.url,
                                       severity=Severity.INFO, extra={"depth": chosen.depth}))
    if site_of(chosen.url) not in {site_of(ctx.crawl.start_url)} and not _same_site(ctx, chosen.url):
        result.findings.append(Finding("external_host", ctx.message("external_host", url=chosen.url),
                                       url=chosen.url, severity=Severity.INFO))


def _same_site(ctx: AuditContext, url: str) -> bool:
    record = ctx.record(url)
    return record is not None and not record.external
