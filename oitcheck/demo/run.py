"""``oitcheck demo``: serve the bundled sample agency site on 127.0.0.1 and audit it on a fixed date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oitcheck.audit import AuditRequest, audit
from oitcheck.cli import print_summary
from oitcheck.crawl import CrawlOptions
from oitcheck.demo.server import StaticServer

SITE = Path(__file__).resolve().parent / "site"
AS_OF = date(2025, 3, 15)
NAME = "องค์การบริหารส่วนตำบลบ้านตัวอย่าง (ตัวอย่าง)"


def run_demo(out: Path) -> int:
    with StaticServer(SITE) as server:
        report, paths = audit(AuditRequest(url=server.url, out=out, name=NAME, as_of=AS_OF,
                                           crawl=CrawlOptions(allow_private=True)))
    print_summary(report, paths)
    return 0
