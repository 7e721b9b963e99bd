"""``oitcheck inspect``: what the checker sees in one page or file, as one JSON object.

Staff use it to ask "why was this flagged?": it shows the text quality, the dates and years read,
the QR codes decoded and the items the text would be matched to.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oitcheck.checks.checklist import load
from oitcheck.checks.eit import EIT_URL
from oitcheck.checks.matching import Matcher
from oitcheck.errors import BadInput, SiteUnreachable
from oitcheck.extract.dates import find_dates, find_years, fiscal_year
from oitcheck.extract.documents import IMAGE_KINDS, extract_document, sniff_kind
from oitcheck.extract.encoding import effective_encoding
from oitcheck.extract.html import parse_page
from oitcheck.extract.qr import decode_qr
from oitcheck.net import normalise_start_url, private_address_of

MAX_BYTES = 30 * 1024 * 1024
TIMEOUT = 20


def read_source(source: str, allow_private: bool) -> tuple[bytes, str, str | None]:
    """(bytes, URL or path, content type) of a local file or a URL."""
    path = Path(source)
    if path.exists():
        if not path.is_file():
            raise BadInput(f"{source} is not a file")
        if path.stat().st_size > MAX_BYTES:
            raise BadInput(f"{source} is larger than {MAX_BYTES // 1024 // 1024} MB")
        return path.read_bytes(), str(path), None
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
            return body, response.url, response.headers.get("Content-Type")
    except requests.RequestException as exc:
        raise SiteUnreachable(f"{url}: {type(exc).__name__}") from None


def inspect_bytes(body: bytes, source: str, content_type: str | None, checklist: str = "ita-2568") -> dict[str, Any]:
    kind = sniff_kind(body, source, content_type)
    out: dict[str, Any] = {"source": source, "kind": kind, "encoding": None, "title": "", "text_chars": 0,
                           "text_quality": "empty", "dates": [], "years": [], "fiscal_years": [], "qr": [],
                           "eit": {"found": False, "url": None, "via": None}, "tables": 0, "items": []}
    text = ""
    if kind == "html":
        encoding = effective_encoding(body, content_type) or _declared_or_utf8(body)
        html = body.decode(encoding, errors="replace")
        page = parse_page(html, source if "://" in source else "file:///" + source)
        out.update(encoding=encoding, title=page["title"], tables=page["tables"])
        text = page["main_text"] or page["text"]
        for link in page["links"]:
            if EIT_URL.match(link["url"]):
                out["eit"] = {"found": True, "url": link["url"], "via": "link"}
                break
    elif kind in IMAGE_KINDS:
        out["qr"] = [{"image": source, "data": data} for data in decode_qr(body)]
        eit = next((q["data"] for q in out["qr"] if EIT_URL.match(q["data"])), None)
        if eit:
            out["eit"] = {"found": True, "url": eit, "via": "qr"}
    else:
        doc = extract_document(body, kind)
        text = doc["text"]
        out.update(title=doc["title"], tables=doc["tables"], text_quality=doc["quality"])
        if doc.get("error"):
            out["error"] = doc["error"]
    if kind == "html" or kind in IMAGE_KINDS:
        out["text_quality"] = "ok" if len(text.strip()) >= 20 else "empty"
    out["text_chars"] = len(text)
    dates = find_dates(text)
    out["dates"] = [{"text": d.text, "date": d.date.isoformat()} for d in dates[:200]]
    out["years"] = sorted(find_years(f"{out['title']} {text}"))
    out["fiscal_years"] = sorted({fiscal_year(d.date) for d in dates})
    matcher = Matcher(load(checklist))
    for via, sample in (("title", out["title"]), ("text", text[:300])):
        match = matcher.identify(sample) if sample else None
        if match and all(i["id"] != match.item.id for i in out["items"]):
            out["items"].append({"id": match.item.id, "via": f"{via}: {sample[:120]}"})
    return out


def _declared_or_utf8(body: bytes) -> str:
    from oitcheck.extract.encoding import declared_encoding

    return declared_encoding(body, None) or "utf-8"


def run_inspect(args: argparse.Namespace) -> int:
    body, source, content_type = read_source(args.source, args.allow_private)
    json.dump(inspect_bytes(body, source, content_type, args.checklist), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
