"""``oitcheck inspect``: what the checker sees in one page or file, as one JSON object.

Staff use it to ask "why was this flagged?": it shows the text quality, the dates and years read,
the QR codes decoded and the items the text would be matched to.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from oitcheck.audit import ensure_crawled
from oitcheck.checks.checklist import choose, load
from oitcheck.checks.context import AuditContext
from oitcheck.checks.currency import record_date
from oitcheck.checks.eit import EIT_URL, find_eit
from oitcheck.checks.evidence import collect
from oitcheck.checks.matching import Matcher
from oitcheck.crawl import CrawlOptions, run_crawl
from oitcheck.errors import BadInput
from oitcheck.extract.dates import Mention, scan, years_of
from oitcheck.extract.documents import IMAGE_KINDS, sniff_kind
from oitcheck.extract.encoding import effective_encoding
from oitcheck.extract.html import parse_page
from oitcheck.extract.ocr import OcrOptions
from oitcheck.extract.thai import clean_space
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from oitcheck.fiscal import audit_dates, year_rule_satisfied
from oitcheck.net import AddressPolicy, normalise_start_url, private_address_of
from oitcheck.records import CrawlResult, DocumentFacts, PageRecord, QrCode, ResourceRecord, body_text
from oitcheck.settings import OITCHECK_ALLOWED_NETWORKS

MAX_BYTES = 30 * 1024 * 1024
_HTML_START = re.compile(rb"<html|<!doctype html|<body", re.I)
MAX_LISTED = 200
MAX_PICTURE_BYTES = 5 * 1024 * 1024


def inspect_source(source: str, checklist: str | None = None, as_of: date | None = None, year: int | None = None,
                   allow_private: bool = False, ocr: bool = True, kind_of_agency: str = "general") -> dict[str, Any]:
    """The inspect object of a local file (a saved page reads the pictures saved beside it) or of a URL
    (fetched by the audit's own crawler, one page and what shows on it: the same private-address guard on
    every request and redirect, the same size caps and time limits)."""
    path = Path(source)
    if path.exists():
        if not path.is_file():
            raise BadInput(f"{source} is not a file")
        if path.stat().st_size > MAX_BYTES:
            raise BadInput(f"{source} is larger than {MAX_BYTES // 1024 // 1024} MB")
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"cannot read {source}: {exc.strerror or exc}") from None
        kind = sniff_kind(body, source)
        if kind == "svg" and _HTML_START.search(body[:4096]):
            kind = "html"  # a page with an inline SVG (an icon, a QR code) near its top is still a page
        return describe(_as_crawled(body, str(path), kind, ocr), kind, str(path), checklist, as_of, year,
                        kind_of_agency)
    if "://" not in source and not source.startswith("www."):
        raise BadInput(f"no such file: {source}")
    url = normalise_start_url(source)
    host = urlsplit(url).hostname or ""
    if address := private_address_of(host, AddressPolicy.of(allow_private, OITCHECK_ALLOWED_NETWORKS)):
        raise BadInput(f"{host} is a private address ({address}); use --allow-private")
    crawl = run_crawl(url, CrawlOptions(max_pages=1, allow_private=allow_private, ocr=ocr, follow_links=False,
                                        max_document_bytes=MAX_BYTES))
    record = crawl.homepage
    answered = isinstance(record, ResourceRecord) and not record.error and (record.status or 0) >= 400
    if not answered:  # an error answer (a 404 page) is described as what it is, with its status
        ensure_crawled(crawl, any_kind=True)
    kind = "html" if isinstance(record, PageRecord) else (record.kind or "other")  # type: ignore[union-attr]
    out = describe(crawl, kind, record.where if record else url, checklist, as_of, year, kind_of_agency)
    out["http_status"] = record.status if record else None
    return out


def describe(crawl: CrawlResult, kind: str, source: str, checklist: str | None, as_of: date | None,
             year: int | None, kind_of_agency: str = "general") -> dict[str, Any]:
    """The contract's inspect object, plus what explains a flag: every date mention with its kind and
    label, the newest date as the news rule reads it, and for each item matched the years named and
    whether they satisfy the item's year rules for the assessment year."""
    as_of, ay = audit_dates(as_of, year)
    out: dict[str, Any] = {"source": source, "kind": kind, "encoding": None, "title": "", "text_chars": 0,
                           "text_quality": "empty", "dates": [], "years": [], "fiscal_years": [], "qr": [],
                           "eit": {"found": False, "url": None, "via": None}, "tables": 0, "items": [],
                           "as_of": as_of.isoformat(), "year": ay}
    checklist_ = load(choose(kind_of_agency, ay, given=checklist).checklist)
    out["checklist"] = checklist_.id
    record = crawl.homepage
    text = body_text(record)
    if isinstance(record, PageRecord):
        out.update(encoding=record.encoding, title=record.title, tables=record.tables)
        text = record.main_text or record.text
        out["qr"] = [{"image": q.image, "data": q.data} for q in record.qr]
    elif kind in IMAGE_KINDS and record is not None:
        out["qr"] = [{"image": q.image, "data": q.data} for q in record.qr]
    elif record is not None and record.doc is not None:
        doc = record.doc
        out.update(title=doc.title, tables=doc.tables, text_quality=str(doc.quality), pages=doc.pages)
        for key, value in (("sheets", list(doc.sheets)), ("ocr", asdict(doc.ocr) if doc.ocr else None),
                           ("error", doc.error)):
            if value:
                out[key] = value
    ctx = AuditContext(crawl=crawl, checklist=checklist_, year=ay, as_of=as_of,
                       candidates=collect(crawl, Matcher(checklist_), ay))
    eit = find_eit(ctx)  # the audit's own homepage rule: links, then QR codes in any picture, then text
    if eit.found:
        out["eit"] = {"found": True, "url": eit.found.url, "via": eit.found.via}
    elif kind in IMAGE_KINDS and (code := next((q["data"] for q in out["qr"] if EIT_URL.match(q["data"])), None)):
        out["eit"] = {"found": True, "url": code, "via": "qr"}
    if kind == "html" or kind in IMAGE_KINDS:
        out["text_quality"] = "ok" if len(text.strip()) >= 20 else "empty"
    out["text_chars"] = len(text)
    mentions = scan(f"{out['title']}\n{text}")
    dated = [m for m in mentions if m.kind in ("date", "month")]
    out["dates"] = [{"text": m.text, "date": m.date.isoformat()} for m in dated if m.kind == "date"][:MAX_LISTED]
    out["years"] = sorted(years_of(mentions))
    out["fiscal_years"] = sorted({m.fiscal_year for m in dated})
    out["years_about"] = sorted(years_of(mentions, fiscal=True))
    out["mentions"] = [_mention_json(m) for m in mentions[:MAX_LISTED]]
    newest, source = record_date(record, as_of)
    out["newest_date"] = {"date": newest.isoformat() if newest else None, "source": source or None,
                          "age_days": (as_of - newest).days if newest else None}
    out["items"] = _items(ctx)
    return out


def _as_crawled(body: bytes, source: str, kind: str, ocr: bool) -> CrawlResult:
    """One page or file recorded as the crawl records a homepage: the page with its pictures' QR codes
    (for a saved page, the pictures saved beside it), or the document's facts read by the same worker
    process and limits as in an audit, so a hostile file cannot hang inspect either."""
    url = Path(source).resolve().as_uri()
    crawl = CrawlResult(start_url=url)
    fields = {"url": url, "final_url": url, "status": 200, "depth": 0}
    workers = ExtractionWorkers(WorkerLimits(workers=1, ocr=OcrOptions(enabled=ocr)))

    async def read() -> None:
        try:
            if kind == "html":
                encoding = effective_encoding(body, None) or _declared_or_utf8(body)
                facts = parse_page(body.decode(encoding, errors="replace"), url, encoding)
                page = PageRecord.from_dict({**facts, **fields, "encoding": encoding})
                codes = [QrCode("inline-svg", data) for data in await workers.svg_qr_codes(list(page.svgs))]
                crawl.add(replace(page, svgs=(), qr=(*page.qr, *codes)))
                for picture_url, picture in _saved_pictures(page, source):
                    found = await workers.qr_codes(picture)
                    crawl.add(ResourceRecord(url=picture_url, final_url=picture_url, status=200,
                                             kind=sniff_kind(picture[:512], picture_url),
                                             qr=tuple(QrCode(picture_url, data) for data in found)))
            elif kind in IMAGE_KINDS:
                found = await workers.qr_codes(body)
                crawl.add(ResourceRecord(**fields, kind=kind, qr=tuple(QrCode(source, data) for data in found)))
            else:
                doc = DocumentFacts.from_dict(await workers.document(body, kind))
                crawl.add(ResourceRecord(**fields, kind=kind, size=len(body), doc=doc))
        finally:
            workers.close()

    asyncio.run(read())
    return crawl


MAX_SAVED_PICTURES = 200


def _saved_pictures(page: PageRecord, source: str) -> list[tuple[str, bytes]]:
    """The pictures of a page saved to disk ("Save page as..."), read from its folder: never a file
    outside it, whatever the page's markup names."""
    folder = Path(source).resolve().parent
    found: list[tuple[str, bytes]] = []
    for image in page.images[:MAX_SAVED_PICTURES]:
        if not image.url.startswith("file:"):
            continue
        path = Path(unquote(urlsplit(image.url).path)).resolve()
        if not path.is_relative_to(folder) or not path.is_file() or path.stat().st_size > MAX_PICTURE_BYTES:
            continue
        found.append((image.url, path.read_bytes()))
    return found


def _mention_json(m: Mention) -> dict[str, Any]:
    value = m.value.isoformat() if isinstance(m.value, date) else m.value
    entry: dict[str, Any] = {"kind": m.kind, "text": m.text, "value": value}
    if m.kind == "month":
        entry["value"] = value[:7]  # type: ignore[index]
    if m.label:
        entry["label"] = m.label
    if m.in_range:
        entry["in_range"] = True
    if m.through is not None:
        entry["through"] = m.through.isoformat() if isinstance(m.through, date) else m.through
    return entry


def _items(ctx: AuditContext) -> list[dict[str, Any]]:
    """Items the page or file would be matched to, by the audit's own matching (its title and headings, a
    document's opening text, and each link with its row, caption or heading), with the years each names
    and the verdict of the item's year rules for the assessment year."""
    candidates = sorted((c for found in ctx.candidates.values() for c in found),
                        key=lambda c: (c.found_on is not None, c.rank))
    found: list[dict[str, Any]] = []
    for candidate in candidates[:MAX_LISTED]:
        item = ctx.checklist.item(candidate.item_id)
        years, _ = ctx.evidence_years(candidate)
        entry: dict[str, Any] = {"id": item.id, "via": f"{_VIA.get(candidate.via, candidate.via)}: "
                                 f"{clean_space(candidate.text)[:120]}", "years": sorted(years)}
        if candidate.found_on is not None:
            entry["url"] = candidate.url
        rules = {c.id: year_rule_satisfied(c.year, years, ctx.year) for c in item.components if c.year}
        if rules:
            entry["year_rules"] = rules
        found.append(entry)
    return found


_VIA = {"page title": "title", "page heading": "title", "document title": "text"}


def _declared_or_utf8(body: bytes) -> str:
    from oitcheck.extract.encoding import declared_encoding

    return declared_encoding(body, None) or "utf-8"


def run_inspect(args: argparse.Namespace) -> int:
    seen = inspect_source(args.source, args.checklist, as_of=args.as_of, year=args.year,
                          allow_private=args.allow_private, ocr=not args.no_ocr, kind_of_agency=args.kind)
    json.dump(seen, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    if note := status_note(seen.get("http_status")):
        print(f"note: {note}", file=sys.stderr)
    return 0


def status_note(status: int | None) -> str | None:
    """What an error answer means for the page inspected (stderr): its content is no evidence at all."""
    if status is None or status < 400:
        return None
    what = {404: "not found", 410: "gone"}.get(status, "an error")
    return (f"the page answered HTTP {status} ({what}): assessors see an error page, so nothing on it counts as "
            "evidence; fix the link or publish the page")
