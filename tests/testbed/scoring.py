"""Scoring shared by ``make eval`` (the test bed) and ``make eval-real`` (real agency sites).

A run gives one ``SiteResult`` per site: the items compared with the truth, the broken links expected and
found, and (real sites) the pages a plain breadth-first crawl reached and how many of them the audit read.
``summarise`` turns the results into one JSON-able summary; ``print_summary`` prints it for people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CLASSES = ("pass", "partial", "fail")
CHECKLIST_ITEMS = 28  # rows a site that could not be audited counts as wrong


@dataclass
class SiteResult:
    name: str
    style: str
    items: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, expected, found, reason
    broken_expected: set[str] = field(default_factory=set)
    broken_found: set[str] = field(default_factory=set)
    soft_expected: set[str] = field(default_factory=set)
    soft_found: set[str] = field(default_factory=set)
    eit_ok: bool | None = None
    error: str | None = None
    seconds: float = 0.0
    scored_items: int = CHECKLIST_ITEMS  # how many items an error counts as wrong
    pages_crawled: int | None = None  # real sites: pages the audit fetched
    pages_bfs: int | None = None  # real sites: distinct pages a plain breadth-first crawl reached
    pages_covered: int | None = None  # ... of which the audit fetched at least one URL

    @property
    def correct(self) -> int:
        return sum(1 for _, expected, found, _ in self.items if expected == found)


def ratio(part: int, whole: int) -> float:
    """``part / whole``, 1.0 when there is nothing to find (nothing missed, nothing wrongly found)."""
    return part / whole if whole else 1.0


def _site(r: SiteResult) -> dict[str, Any]:
    hits = len(r.broken_expected & r.broken_found)
    site = {"name": r.name, "style": r.style, "correct": r.correct, "n": len(r.items), "error": r.error,
            "crawl_s": r.seconds, "eit_ok": r.eit_ok,
            "broken": {"expected": sorted(r.broken_expected), "found": sorted(r.broken_found),
                       "recall": ratio(hits, len(r.broken_expected)),
                       "precision": ratio(hits, len(r.broken_found))},
            "mismatches": [{"item": i, "expected": e, "found": f, "reason": why}
                           for i, e, f, why in r.items if e != f]}
    if r.pages_bfs is not None:
        site["pages"] = {"crawled": r.pages_crawled, "bfs": r.pages_bfs, "covered": r.pages_covered,
                         "coverage": ratio(r.pages_covered or 0, r.pages_bfs)}
    return site


def summarise(results: list[SiteResult]) -> dict[str, Any]:
    rows = [row for r in results for row in r.items]
    rows += [(f"o{n}", "site", "error", r.error or "") for r in results if r.error
             for n in range(1, r.scored_items + 1)]
    confusion = Counter((expected, found) for _, expected, found, _ in rows)
    expected_broken = {(r.name, u) for r in results for u in r.broken_expected}
    found_broken = {(r.name, u) for r in results for u in r.broken_found}
    hits = len(expected_broken & found_broken)
    expected_soft = {(r.name, u) for r in results for u in r.soft_expected}
    found_soft = {(r.name, u) for r in results for u in r.soft_found}
    return {
        "sites": [_site(r) for r in results],
        "confusion": {f"{e}->{f}": n for (e, f), n in sorted(confusion.items())},
        "accuracy": sum(1 for _, e, f, _ in rows if e == f) / len(rows) if rows else 0.0,
        "n": len(rows),
        "broken_recall": ratio(hits, len(expected_broken)),
        "broken_precision": ratio(hits, len(found_broken)),
        "broken_missed": sorted(f"{s} {u}" for s, u in expected_broken - found_broken),
        "broken_extra": sorted(f"{s} {u}" for s, u in found_broken - expected_broken),
        "soft_404_recall": ratio(len(expected_soft & found_soft), len(expected_soft)),
        "soft_404_precision": ratio(len(expected_soft & found_soft), len(found_soft)),
        "soft_404_missed": sorted(f"{s} {u}" for s, u in expected_soft - found_soft),
        "soft_404_extra": sorted(f"{s} {u}" for s, u in found_soft - expected_soft),
    }


def print_table(summary: dict[str, Any], header: str, row: Callable[[dict[str, Any]], str]) -> None:
    """One line per site: ``row(site)``, or the error of a site that could not be audited."""
    print(header)
    for site in summary["sites"]:
        print(f"{site['name']:<26} ERROR {site['error']}" if site["error"] else row(site))


def _testbed_row(site: dict[str, Any]) -> str:
    eit = {None: "-", True: "ok", False: "WRONG"}[site["eit_ok"]]
    return (f"{site['name']:<26} {site['correct']:>2}/{site['n']:<3} {site['correct'] / site['n']:>8.3f}"
            f"  {site['crawl_s']:>7.1f}  {eit}")


def print_details(summary: dict[str, Any], *, soft_404: bool = True, link_lines: int | None = None) -> None:
    """Confusion matrix, mismatches (with the truth's reason) and broken links missed and found extra;
    ``link_lines`` caps how many missed/extra links are listed per kind (None: all)."""
    print("\nconfusion (rows: truth, columns: oitcheck)")
    found_classes = (*CLASSES, "unknown")
    print(" " * 10 + "".join(f"{c:>9}" for c in found_classes))
    for expected in CLASSES:
        counts = [summary["confusion"].get(f"{expected}->{found}", 0) for found in found_classes]
        print(f"{expected:<10}" + "".join(f"{n:>9}" for n in counts))
    mismatches = [(s["name"], m) for s in summary["sites"] for m in s["mismatches"]]
    if mismatches:
        print("\nmismatches")
        for name, m in mismatches:
            print(f"  {name} {m['item']}: truth {m['expected']}, oitcheck {m['found']} ({m['reason']})")
    kinds = [("broken links", "broken")] + ([("soft 404s", "soft_404")] if soft_404 else [])
    print()
    for title, key in kinds:
        print(f"{title}: recall {summary[f'{key}_recall']:.2f}, "
              f"precision {summary[f'{key}_precision']:.2f}")
        for word, lines in (("missed", summary[f"{key}_missed"]), ("extra ", summary[f"{key}_extra"])):
            shown = lines if link_lines is None else lines[:link_lines]
            for line in shown:
                print(f"  {word} {line}")
            if len(shown) < len(lines):
                print(f"  {word} ... and {len(lines) - len(shown)} more (see --json)")


def print_summary(summary: dict[str, Any]) -> None:
    print_table(summary, "site                       items  accuracy  crawl s  EIT", _testbed_row)
    print_details(summary)
    print(f"item accuracy: {summary['accuracy']:.2f} (n={summary['n']})")
