"""What `oitcheck audit` prints: the summary line, the layout used and why, the notes on budgets and coverage,
what changed since the last audit, and the files written; and `oitcheck checklists`."""

from __future__ import annotations

import sys
from pathlib import Path

from oitcheck.history_cli import change_lines

# What each coverage problem (crawl.coverage.problems[].code) means, for the console.
COVERAGE_NOTES = {
    "one_page": "only the homepage was read: no link to another page of the site could be followed",
    "few_pages": "the homepage links {links} pages of the site and only {reached} of them answered",
    "few_links": "the pages read show only {links} links (markup the parser could not read, or a menu built by "
                 "scripts)",
    "chrome_links": "{chrome} of {links} links ({percent}%) were classed as menu, sidebar or footer",
    "one_template": "{same} of {pages} pages read show nearly the same text (one template, or a server that "
                    "answers every path with the same page)",
    "empty_pages": "{empty} of {pages} pages read have no text or links without JavaScript",
}


def _budget_note(budget: str, crawl: dict) -> str:
    """One line per budget the audit reached, saying what it left out and which option raises it."""
    hosts = ", ".join(f"{s['host']} ({s['links']})" for s in crawl.get("skipped", ()) if s["budget"] == budget)
    return {
        "max_pages": f"page cap reached: {crawl['beyond_cap']} more pages only checked, {crawl['not_fetched']} links "
                     + ("not fetched; raise --max-pages for a complete audit" if 2 * crawl.get("ghost_pages", 0) <
                        crawl["pages"] else f"not fetched; {crawl['ghost_pages']} pages read were soft 404s (ghost "
                        "paths): a higher --max-pages would read more of them, fix the links instead"),
        "time_limit": f"time limit reached: {crawl.get('unfinished', 0)} links not fetched; items without evidence "
                      "are unknown, not fail; raise --time-limit for a complete audit",
        "host_requests": f"links not checked past --host-requests per other host: {hosts}",
        "host_bytes": f"links not checked after a host's download budget: {hosts}",
        "slow_host": f"links not checked on hosts that stopped answering: {hosts}",
    }.get(budget, budget)


class _Counts(dict):
    """A coverage problem's counts for ``str.format_map``; a count it lacks shows as "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


LAYOUT_REASONS = {
    "given": "as given",
    "year": "the {family} layout for {year}",
    "newest_earlier": "no {family} layout is published for {year}: the newest earlier one ({layout_year})",
    "oldest_later": "no {family} layout for {year} is bundled: the oldest one ({layout_year})",
}
SUGGESTION_NOTES = {
    "kind": "the site's ITA pages follow {checklist} ({items} items numbered its way, {used_agreeing} agree with "
            "{used}): if the agency is assessed on it, audit again with --checklist {checklist}",
    "numbering": "the site's ITA pages are still numbered as {checklist} ({items} items agree, {used_agreeing} "
                 "with {used}): assessors read the numbers of {used}",
}


def layout_lines(report: dict) -> list[str]:
    """Which layout the audit used and why, and a better fit its pages suggest (stderr, one line each)."""
    choice = report.get("checklist_choice")
    if not choice:
        return []
    why = LAYOUT_REASONS.get(choice["reason"], choice["reason"]).format(**choice)
    lines = [f"checklist: {report['checklist']} ({why})" + (" - a draft" if choice.get("draft") else "")]
    if suggested := choice.get("suggested"):
        lines.append("note: " + SUGGESTION_NOTES.get(suggested["reason"], "{checklist}").format(
            **suggested, used=report["checklist"]))
    return lines


def print_checklists(as_json: bool) -> int:
    """``oitcheck checklists``: every bundled layout, newest last within each kind of agency."""
    import json

    from oitcheck.checks.checklist import catalogue

    rows = [{"id": c.id, "year": c.year, "family": c.family, "kind": c.kind, "items": len(c.items), "draft": c.draft,
             "extends": c.parents[0] if c.parents else None, "title": c.title, "sources": list(c.sources),
             "scoring": c.scoring} for c in catalogue()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'id':<16} {'year':<5} {'kind':<11} {'items':>5}  {'draft':<5}  {'extends':<14} sources")
    for row in rows:
        print(f"{row['id']:<16} {row['year'] or '-':<5} {row['family']:<11} {row['items']:>5}  "
              f"{'yes' if row['draft'] else 'no':<5}  {row['extends'] or '-':<14} {len(row['sources'])}")
    return 0


def _count(n: int, noun: str) -> str:
    """``1 broken link``, ``2 broken links``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def print_summary(report: dict, paths: dict[str, Path]) -> None:
    counts = {s: sum(1 for i in report["items"] if i["status"] == s) for s in ("pass", "partial", "fail", "unknown")}
    oit = report["scores"]["oit"]
    crawl = report["crawl"]
    print(f"{report['agency']['name']}: OIT {'-' if oit is None else f'{oit:.2f}'} "
          f"(pass {counts['pass']}, partial {counts['partial']}, fail {counts['fail']}, unknown {counts['unknown']}); "
          f"{crawl['pages']} pages, {crawl['documents']} documents in {crawl['duration_s']}s; "
          f"{_count(len(report['links']['broken']), 'broken link')}")
    for line in layout_lines(report):
        print(line, file=sys.stderr)
    for line in change_lines(report):
        print(line)
    for budget in crawl.get("truncated_by", ()):
        print(f"note: {_budget_note(budget, crawl)}", file=sys.stderr)
    coverage = crawl.get("coverage") or {}
    for problem in coverage.get("problems", ()):
        note = COVERAGE_NOTES.get(problem["code"], problem["code"])
        print(f"warning: the crawl read too little to judge the site: {note.format_map(_Counts(problem))}; "
              "items without evidence are unknown, not fail", file=sys.stderr)
    if coverage.get("render_error"):
        print(f"warning: pages empty without JavaScript were not rendered: {coverage['render_error']}",
              file=sys.stderr)
    for path in paths.values():
        print(path)
