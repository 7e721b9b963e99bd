"""The coverage guard: after the crawl, did it read enough of the site to judge it?

In the spirit of Spidermon's monitors: a crawl that ran without an error can still have read almost nothing (a
parser that found no links, a menu built by scripts, a server that answers every path with its homepage, links all
taken for page chrome). Then "not found" means "not read", so each problem is named in the report and the
console, and the items it leaves without evidence are ``unknown`` with the reason, never ``fail``
(``oitcheck.checks.engine.undecided``). The rules look at the crawl's shape only, never at one site's names.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from oitcheck import settings
from oitcheck.extract.documents import DOCUMENT_KINDS, IMAGE_KINDS, kind_from_url
from oitcheck.extract.emptiness import is_empty_page
from oitcheck.net import canonical, site_of
from oitcheck.records import Budget, CrawlResult, PageRecord

SHINGLE = 4  # words per shingle when pages are compared
MAX_WORDS = 3000  # words of a page compared
ALIKE = 0.9  # Jaccard similarity of two pages' shingles that makes them "nearly the same"
EXAMPLES = 5  # URLs named per problem


class CoverageCode(StrEnum):
    """What the crawl read too little of (report: ``crawl.coverage.problems[].code``)."""

    ONE_PAGE = "one_page"  # only the homepage was read
    FEW_PAGES = "few_pages"  # the homepage links many pages of the site, few of them answered
    FEW_LINKS = "few_links"  # the pages read show (almost) no links
    CHROME_LINKS = "chrome_links"  # (nearly) every link was classed as menu, sidebar or footer
    ONE_TEMPLATE = "one_template"  # most pages read show nearly the same text
    EMPTY_PAGES = "empty_pages"  # most pages are empty without their scripts (built by JavaScript)


@dataclass(frozen=True)
class CoverageLimits:
    """The guard's thresholds; defaults in ``oitcheck/settings.py`` (OITCHECK_COVERAGE_*, OITCHECK_EMPTY_PAGE_*)."""

    home_links: int = settings.OITCHECK_COVERAGE_HOME_LINKS
    reached_share: float = settings.OITCHECK_COVERAGE_REACHED_SHARE
    min_links: int = settings.OITCHECK_COVERAGE_MIN_LINKS
    chrome_share: float = settings.OITCHECK_COVERAGE_CHROME_SHARE
    chrome_targets: int = settings.OITCHECK_COVERAGE_CHROME_TARGETS
    template_share: float = settings.OITCHECK_COVERAGE_TEMPLATE_SHARE
    template_pages: int = settings.OITCHECK_COVERAGE_TEMPLATE_PAGES
    empty_share: float = settings.OITCHECK_COVERAGE_EMPTY_SHARE
    empty_chars: int = settings.OITCHECK_EMPTY_PAGE_CHARS
    empty_links: int = settings.OITCHECK_EMPTY_PAGE_LINKS


@dataclass(frozen=True)
class CoverageProblem:
    """One reason to distrust the crawl: ``detail`` in Thai (messages ``coverage``), ``values`` the counts it
    names, ``urls`` a few pages that show it."""

    code: CoverageCode
    detail: str
    values: dict[str, int] = field(default_factory=dict)
    urls: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"code": str(self.code), "detail": self.detail, **self.values}
        if self.urls:
            data["urls"] = list(self.urls)
        return data


@dataclass(frozen=True)
class Coverage:
    """The guard's verdict (report: ``crawl.coverage``); ``rendered``: pages a headless browser rendered."""

    problems: tuple[CoverageProblem, ...] = ()
    rendered: int = 0
    render_error: str | None = None  # why pages that needed rendering were not rendered (no browser...)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "problems": [p.to_json() for p in self.problems], "rendered": self.rendered,
                "render_error": self.render_error}


Wording = Callable[..., str]  # (code, **values) -> the Thai detail


def assess(crawl: CrawlResult, wording: Wording, limits: CoverageLimits | None = None) -> Coverage:
    """Every coverage problem of ``crawl``, in the order of ``CoverageCode``."""
    limits = limits or CoverageLimits()
    pages = [p for p in crawl.pages if not p.external]
    home = crawl.homepage if isinstance(crawl.homepage, PageRecord) else None
    found: list[tuple[CoverageCode, dict[str, int], tuple[str, ...]]] = []
    capped = Budget.MAX_PAGES in crawl.budgets_hit  # a short crawl the user asked for (--max-pages): said already
    if home is not None and not capped:
        found += _too_few_pages(crawl, home, pages, limits)
    targets = {link.url for p in pages for link in p.links}
    if home is not None and len(targets) < limits.min_links:
        found.append((CoverageCode.FEW_LINKS, {"links": len(targets)}, (home.url,)))
    found += _chrome(pages, limits)
    found += _template(pages, home, limits)
    found += _empty(pages, home, limits)
    problems = tuple(CoverageProblem(code, wording(str(code), **values), values, urls[:EXAMPLES])
                     for code, values, urls in found)
    return Coverage(problems=problems, rendered=crawl.rendered, render_error=crawl.render_error)


def _too_few_pages(crawl: CrawlResult, home: PageRecord, pages: list[PageRecord],
                   limits: CoverageLimits) -> list[tuple[CoverageCode, dict[str, int], tuple[str, ...]]]:
    if len(pages) <= 1:
        return [(CoverageCode.ONE_PAGE, {"pages": len(pages)}, (home.url,))]
    site = site_of(crawl.start_url)
    own = {canonical(link.url) for link in home.links if link.url.startswith(("http://", "https://"))
           and site_of(link.url) == site and kind_from_url(link.url) not in (*DOCUMENT_KINDS, *IMAGE_KINDS)}
    own -= {canonical(home.url), canonical(home.where)}
    if len(own) < limits.home_links:
        return []
    unanswered = sorted(url for url in own if (record := crawl.lookup(url)) is None or record.status is None)
    reached = len(own) - len(unanswered)
    if reached >= limits.reached_share * len(own):
        return []
    return [(CoverageCode.FEW_PAGES, {"links": len(own), "reached": reached}, tuple(unanswered))]


def _chrome(pages: list[PageRecord],
            limits: CoverageLimits) -> list[tuple[CoverageCode, dict[str, int], tuple[str, ...]]]:
    content: set[str] = set()
    targets: set[str] = set()
    for page in pages:
        for link in page.links:
            targets.add(link.url)
            if not link.chrome:
                content.add(link.url)
    if len(targets) < limits.chrome_targets or len(targets) - len(content) < limits.chrome_share * len(targets):
        return []
    return [(CoverageCode.CHROME_LINKS, {"links": len(targets), "chrome": len(targets) - len(content),
                                         "percent": round(100 * (len(targets) - len(content)) / len(targets))}, ())]


def _template(pages: list[PageRecord], home: PageRecord | None,
              limits: CoverageLimits) -> list[tuple[CoverageCode, dict[str, int], tuple[str, ...]]]:
    texts = [p for p in pages if p.main_text.strip()]
    if len(texts) < limits.template_pages:
        return []
    shingles = {p.url: _shingles(p.main_text) for p in texts}
    exact = Counter(_digest(p.main_text) for p in texts)
    common = exact.most_common(1)[0][0]
    references = [shingles[p.url] for p in texts if _digest(p.main_text) == common][:1]
    if home is not None and home.main_text.strip():
        references.append(_shingles(home.main_text))
    best: list[PageRecord] = []
    for reference in references:
        alike = [p for p in texts if _similar(shingles[p.url], reference)]
        best = alike if len(alike) > len(best) else best
    if len(best) < limits.template_share * len(texts):
        return []
    return [(CoverageCode.ONE_TEMPLATE, {"pages": len(texts), "same": len(best)},
             tuple(p.url for p in best if home is None or p.url != home.url))]


def _empty(pages: list[PageRecord], home: PageRecord | None,
           limits: CoverageLimits) -> list[tuple[CoverageCode, dict[str, int], tuple[str, ...]]]:
    def empty(page: PageRecord) -> bool:
        return is_empty_page(page.text, (link.tag for link in page.links), max_chars=limits.empty_chars,
                             max_links=limits.empty_links)

    blank = [p for p in pages if empty(p)]
    home_blank = home is not None and empty(home)
    if not blank or (len(blank) < limits.empty_share * len(pages) and not home_blank):
        return []
    return [(CoverageCode.EMPTY_PAGES, {"pages": len(pages), "empty": len(blank)}, tuple(p.url for p in blank))]


def _digest(text: str) -> str:
    return hashlib.blake2b(" ".join(text.split()[:MAX_WORDS]).encode(), digest_size=12).hexdigest()


def _shingles(text: str) -> frozenset[int]:
    words = text.split()[:MAX_WORDS]
    if len(words) < SHINGLE:
        return frozenset({hash(" ".join(words))})
    return frozenset(hash(" ".join(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


def _similar(a: frozenset[int], b: frozenset[int]) -> bool:
    if not a or not b:
        return False
    return len(a & b) >= ALIKE * len(a | b)
