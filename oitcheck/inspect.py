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
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oitcheck.checks.checklist import Checklist, load
from oitcheck.checks.currency import iso, record_date
from oitcheck.checks.eit import EIT_URL
from oitcheck.checks.matching import Matcher
from oitcheck.errors import BadInput, SiteUnreachable
from oitcheck.extract.dates import Mention, find_years, scan, years_of
from oitcheck.extract.documents import IMAGE_KINDS, sniff_kind
from oitcheck.extract.encoding import effective_encoding
from oitcheck.extract.html import parse_page
from oitcheck.extract.ocr import OcrOptions
from oitcheck.extract.qr import decode_qr, decode_svgs
from oitcheck.extract.thai import clean_space
from oitcheck.extract.workers import ExtractionWorkers, WorkerLimits
from oitcheck.fiscal import assessment_year, year_rule_satisfied
from oitcheck.net import normalise_start_url, private_address_of

MAX_BYTES = 30 * 1024 * 1024
_HTML_START = re.compile(rb"<html|<!doctype html|<body", re.I)
MAX_LISTED = 200
TIMEOUT = 20


def read_source(source: str, allow_private: bool) -> tuple[bytes, str, str | None, str | None]:
    """(bytes, URL or path, content type, Last-Modified) of a local file or a URL."""
    path = Path(source)
    if path.exists():
        if not path.is_file():
            raise BadInput(f"{source} is not a file")
        if path.stat().st_size > MAX_BYTES:
            raise BadInput(f"{source} is larger than {MAX_BYTES // 1024 // 1024} MB")
        return path.read_bytes(), str(path), None, None
    if "://" not in source and not source.startswith("www."):
        raise BadInput(f"no such file: {source}")
    import requests

    url = normalise_start_url(source)
    host = urlsplit(url).hostname or ""
    if not allow_private and (address := private_address_of(host)):
        raise BadInput(f"{host} is a private address ({address}); use --allow-private")
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, headers={"User-Agent": "oitcheck inspect"}) as response:
            body = b""
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise BadInput(f"{url} is larger than {MAX_BYTES // 1024 // 1024} MB")
            return body, response.url, response.headers.get("Content-Type"), response.headers.get("Last-Modified")
    except requests.RequestException as exc:
        raise SiteUnreachable(f"{url}: {type(exc).__name__}") from None


def inspect_bytes(body: bytes, source: str, content_type: str | None, checklist: str = "ita-2568",
                  as_of: date | None = None, year: int | None = None,
                  last_modified: str | None = None, ocr: bool = True) -> dict[str, Any]:
    """The contract's inspect object, plus what explains a flag: every date mention with its kind and
    label, the newest date as the news rule reads it, and for each item matched the years named and
    whether they satisfy the item's year rules for the assessment year."""
    as_of = as_of or date.today()
    ay = year or assessment_year(as_of)
    kind = sniff_kind(body, source, content_type)
    if kind == "svg" and _HTML_START.search(body[:4096]):
        kind = "html"  # a page with an inline SVG (an icon, a QR code) near its top is still a page
    out: dict[str, Any] = {"source": source, "kind": kind, "encoding": None, "title": "", "text_chars": 0,
                           "text_quality": "empty", "dates": [], "years": [], "fiscal_years": [], "qr": [],
                           "eit": {"found": False, "url": None, "via": None}, "tables": 0, "items": [],
                           "as_of": as_of.isoformat(), "year": ay}
    text, links, record = "", [], {"last_modified": last_modified}
    if kind == "html":
        encoding = effective_encoding(body, content_type) or _declared_or_utf8(body)
        page = parse_page(body.decode(encoding, errors="replace"), source if "://" in source else "file:///" + source)
        out.update(encoding=encoding, title=page["title"], tables=page["tables"])
        text, links = page["main_text"] or page["text"], [link for link in page["links"] if not link.get("chrome")]
        record["meta"] = page["meta"]
        eit = next((link["url"] for link in page["links"] if EIT_URL.match(link["url"])), None)
        if eit:
            out["eit"] = {"found": True, "url": eit, "via": "link"}
        out["qr"] = [{"image": "inline-svg", "data": data} for data in decode_svgs(page.get("svgs") or [])]
        svg_eit = next((q["data"] for q in out["qr"] if EIT_URL.match(q["data"])), None)
        if svg_eit and not eit:
            out["eit"] = {"found": True, "url": svg_eit, "via": "qr"}
    elif kind in IMAGE_KINDS:
        out["qr"] = [{"image": source, "data": data} for data in decode_qr(body)]
        eit = next((q["data"] for q in out["qr"] if EIT_URL.match(q["data"])), None)
        if eit:
            out["eit"] = {"found": True, "url": eit, "via": "qr"}
    else:
        doc = _extract_isolated(body, kind, ocr)
        text = doc["text"]
        out.update(title=doc["title"], tables=doc["tables"], text_quality=doc["quality"], pages=doc.get("pages"))
        for key in ("sheets", "ocr", "error"):
            if doc.get(key):
                out[key] = doc[key]
        record["doc"] = doc
    if kind == "html" or kind in IMAGE_KINDS:
        out["text_quality"] = "ok" if len(text.strip()) >= 20 else "empty"
    if not out["eit"]["found"] and (plain := EIT_URL.search(text)):
        out["eit"] = {"found": True, "url": plain.group(0), "via": "text"}
    out["text_chars"] = len(text)
    mentions = scan(f"{out['title']}\n{text}")
    dated = [m for m in mentions if m.kind in ("date", "month")]
    out["dates"] = [{"text": m.text, "date": m.date.isoformat()} for m in dated if m.kind == "date"][:MAX_LISTED]
    out["years"] = sorted(years_of(mentions))
    out["fiscal_years"] = sorted({m.fiscal_year for m in dated})
    out["years_about"] = sorted(years_of(mentions, fiscal=True))
    out["mentions"] = [_mention_json(m) for m in mentions[:MAX_LISTED]]
    newest, source = record_date({**record, "main_text": text}, as_of)
    out["newest_date"] = {"date": iso(newest), "source": source or None,
                          "age_days": (as_of - newest).days if newest else None}
    out["items"] = _items(load(checklist), out["title"], text, links, ay)
    return out


def _extract_isolated(body: bytes, kind: str, ocr: bool) -> dict[str, Any]:
    """The crawl's own worker process and limits: a hostile file given to inspect cannot hang it either."""
    workers = ExtractionWorkers(WorkerLimits(workers=1, ocr=OcrOptions(enabled=ocr)))

    async def run() -> dict[str, Any]:
        try:
            return await workers.document(body, kind)
        finally:
            workers.close()

    return asyncio.run(run())


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


def _items(checklist: Checklist, title: str, text: str, links: list[dict[str, Any]], ay: int) -> list[dict[str, Any]]:
    """Items the page or file would be matched to, from its title, its opening text, and (for an index page)
    each link with its row; with the years each names and the verdict of the item's year rules."""
    matcher = Matcher(checklist)
    found: list[dict[str, Any]] = []
    samples = [("title", title, None), ("text", text[:300], None)]
    samples += [("link", " ".join(t for t in (link.get("row"), link.get("text")) if t), link["url"]) for link in links]
    for via, sample, url in samples:
        match = matcher.identify(sample) if sample and sample.strip() else None
        if not match or any(i["id"] == match.item.id and i.get("url") == url for i in found):
            continue
        years = find_years(sample if via != "text" else f"{title} {text[:3000]}", fiscal=True)
        entry: dict[str, Any] = {"id": match.item.id, "via": f"{via}: {clean_space(sample)[:120]}",
                                 "years": sorted(years)}
        if url:
            entry["url"] = url
        rules = {c.id: year_rule_satisfied(c.year, years, ay) for c in match.item.components if c.year}
        if rules:
            entry["year_rules"] = rules
        found.append(entry)
        if len(found) >= MAX_LISTED:
            break
    return found


def _declared_or_utf8(body: bytes) -> str:
    from oitcheck.extract.encoding import declared_encoding

    return declared_encoding(body, None) or "utf-8"


def run_inspect(args: argparse.Namespace) -> int:
    body, source, content_type, last_modified = read_source(args.source, args.allow_private)
    seen = inspect_bytes(body, source, content_type, args.checklist, as_of=args.as_of, year=args.year,
                         last_modified=last_modified, ocr=not args.no_ocr)
    json.dump(seen, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
