"""Where oitcheck looked for an item that did not pass: the index rows naming it, the candidates turned down
and the words it accepts (``rejections.Looked``), so staff can check a "not found" instead of trusting it.

Rows come from three places: links on an index page (a page whose links name several items), rows linking to
nothing (``href="#"``: the ``unlinked_row`` findings) and table rows with no link at all ("อยู่ระหว่างจัดทำ"
where the button should be: ``PageRecord.bare_rows``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from oitcheck.checks.context import AuditContext
from oitcheck.checks.evidence import section_year
from oitcheck.checks.matching import Matcher
from oitcheck.checks.rejections import (
    CANDIDATES_KEPT,
    ROWS_KEPT,
    TEXT_CHARS,
    WORDS_KEPT,
    IndexRow,
    Looked,
    Rejected,
    Rejection,
    RowLink,
)
from oitcheck.checks.results import ComponentState, Finding, ItemResult, ItemStatus
from oitcheck.checks.unlinked import INDEX_ITEMS, lists_items

Rows = dict[str, list[IndexRow]]
FARTHER = frozenset({Rejection.OTHER_SECTION, Rejection.OFF_TOPIC})


def index_rows(ctx: AuditContext, matcher: Matcher, unlinked: Mapping[str, Iterable[Finding]]) -> Rows:
    """Every item's index rows, most telling first: this year's before another year's, rows whose link fails or
    is missing before working ones; at most ``ROWS_KEPT`` per item."""
    found: Rows = {}
    for item_id, findings in unlinked.items():
        for finding in findings:
            found.setdefault(item_id, []).append(IndexRow(
                text=str(finding.extra.get("text", ""))[:TEXT_CHARS], page=finding.url or "", link=None,
                state=RowLink.NONE, detail=str(finding.extra.get("href", "")), section=finding.extra.get("section")))
    for page in ctx.crawl.pages:
        if page.external or not page.bare_rows:
            continue
        named = [(row, match) for row in page.bare_rows if (match := matcher.identify(row))]
        if not named or not lists_items(page, matcher, {m.item.id for _, m in named}):
            continue
        section = section_year(page, ctx.year)
        for row, match in named:
            found.setdefault(match.item.id, []).append(IndexRow(
                text=row[:TEXT_CHARS], page=page.url, link=None, state=RowLink.NONE, section=section))
    items_on: dict[str, set[str]] = {}  # page -> the items its links name
    for item_id, candidates in ctx.candidates.items():
        for candidate in candidates:
            if candidate.found_on_key and not candidate.chrome:
                items_on.setdefault(candidate.found_on_key, set()).add(item_id)
    for item_id, candidates in ctx.candidates.items():
        for candidate in candidates:
            if candidate.chrome or not candidate.found_on or len(items_on.get(candidate.found_on_key or "", ())) \
                    < INDEX_ITEMS:
                continue
            state, detail = ctx.link_state(candidate.url)
            row = (candidate.link_texts[1] if len(candidate.link_texts) > 1 else "") or candidate.text
            found.setdefault(item_id, []).append(IndexRow(
                text=row[:TEXT_CHARS], page=candidate.found_on, link=candidate.url, state=RowLink(str(state)),
                detail=detail, section=candidate.other_section))
    for item_id, rows in found.items():
        unique = list({(row.text, row.page, row.link): row for row in rows}.values())
        unique.sort(key=lambda row: (row.section is not None, row.state == RowLink.OK))
        found[item_id] = unique[:ROWS_KEPT]
    return found


def looked(result: ItemResult, rows: Rows) -> Looked | None:
    """Where the tool looked for ``result``'s item; None for an item that passed (its evidence says enough)."""
    if result.status == ItemStatus.PASS:
        return None
    item = result.item
    failing = [c for c in result.components if c.state != ComponentState.OK]
    words = {item.id: item.keywords[:WORDS_KEPT]}  # what names the item, then what names each failing component
    words.update((c.component.id, c.component.keywords[:WORDS_KEPT]) for c in failing if c.component.keywords)
    return Looked(rows=list(rows.get(item.id, ())), candidates=closest(r.rejected for r in failing), words=words)


def closest(per_component: Iterable[list[Rejected]]) -> list[Rejected]:
    """The candidates turned down, taken in turn from each failing component (each list best first), one per
    URL, at most ``CANDIDATES_KEPT``: every failing component shows its nearest miss. Another year's evidence and
    the item's pages that never name the component come last: this year's near misses say more."""
    queues = [sorted(rejected, key=lambda r: r.reason in FARTHER) for rejected in per_component]
    kept: list[Rejected] = []
    seen: set[str] = set()
    while any(queues) and len(kept) < CANDIDATES_KEPT:
        for queue in queues:
            while queue and queue[0].url in seen:
                queue.pop(0)
            if queue and len(kept) < CANDIDATES_KEPT:
                kept.append(queue.pop(0))
                seen.add(kept[-1].url)
    return kept
