"""Hand-built crawl records for the check unit tests: a tiny site on 127.0.0.1, never served."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from oitcheck.checks.base import checks
from oitcheck.checks.checklist import Checklist, load
from oitcheck.checks.context import AuditContext
from oitcheck.checks.evidence import collect
from oitcheck.checks.matching import Matcher
from oitcheck.checks.results import ComponentResult
from oitcheck.extract.html import parse_page
from oitcheck.records import (
    CrawlResult,
    DocumentFacts,
    Heading,
    Image,
    Link,
    PageRecord,
    QrCode,
    Record,
    ResourceRecord,
)

HOME = "http://127.0.0.1:1/"
YEAR = 2568
AS_OF = date(2025, 3, 15)


def at(path: str) -> str:
    """An address on the test site."""
    return HOME + path.lstrip("/")


@cache
def checklist() -> Checklist:
    return load("ita-2568")


def link(url: str, text: str = "", row: str = "", tag: str = "a") -> Link:
    return Link(url=url, text=text, row=row, tag=tag)


def page(url: str, title: str, links: Iterable[Link] = (), main_text: str | None = None, depth: int = 1,
         images: Iterable[Image] = (), tables: int = 0, headings: Iterable[str] = ()) -> PageRecord:
    """A parsed page that answered 200; its main text defaults to its title."""
    text = title if main_text is None else main_text
    return PageRecord(url=url, final_url=url, status=200, depth=depth, title=title,
                      headings=tuple(Heading(1, h) for h in headings), text=f"{title} {text}", main_text=text,
                      links=tuple(links), images=tuple(images), tables=tables)


def home(links: Iterable[Link] = (), main_text: str = "ยินดีต้อนรับสู่เว็บไซต์หน่วยงานทดสอบ",
         images: Iterable[Image] = ()) -> PageRecord:
    return page(HOME, "หน่วยงานทดสอบ", links, main_text=main_text, depth=0, images=images)


def document(url: str, text: str = "", kind: str = "pdf", status: int = 200, tables: int = 0) -> ResourceRecord:
    """A fetched document with its extracted text (no text: nothing read)."""
    doc = DocumentFacts(text=text, tables=tables) if text or tables else None
    return ResourceRecord(url=url, final_url=url, status=status, depth=2, kind=kind, doc=doc)


def pdf(url: str, text: str = "") -> ResourceRecord:
    return document(url, text)


def broken(url: str, status: int | None = 404, error: str | None = None) -> ResourceRecord:
    return ResourceRecord(url=url, final_url=url, status=status, error=error, depth=2, kind="pdf")


def picture(url: str, *qr_data: str) -> ResourceRecord:
    """A homepage picture, with the QR codes decoded from it."""
    return ResourceRecord(url=url, final_url=url, status=200, depth=1, kind="image",
                          qr=tuple(QrCode(image=url, data=d) for d in qr_data))


def site(*records: Record) -> CrawlResult:
    """A crawl of the given records; a plain homepage is added when none is given."""
    crawl = CrawlResult(start_url=HOME)
    if not any(r.url == HOME for r in records):
        crawl.add(home())
    for record in records:
        crawl.add(record)
    return crawl


def context(crawl: CrawlResult) -> AuditContext:
    found = checklist()
    return AuditContext(crawl=crawl, checklist=found, year=YEAR, as_of=AS_OF,
                        candidates=collect(crawl, Matcher(found), YEAR))


def run_check(crawl: CrawlResult, item_id: str, component_id: str | None = None) -> ComponentResult:
    """Judge one component of one item with the check its checklist entry names."""
    item = checklist().item(item_id)
    component = next(c for c in item.components if component_id in (None, c.id))
    return checks()[component.check].check(context(crawl), item, component)


def codes(result: ComponentResult) -> list[str]:
    return [f.code for f in result.findings]


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "real"


def real_page(name: str, url: str = HOME, depth: int = 0) -> PageRecord:
    """A page parsed by the real extractor from ``tests/fixtures/real/<name>`` (a few lines of a real site)."""
    html = (FIXTURES / name).read_text(encoding="utf-8")
    return PageRecord.from_dict({"url": url, "final_url": url, "status": 200, "depth": depth,
                                 **parse_page(html, url)})
