"""Generate the bundled sample agency website for ``oitcheck demo`` (committed under oitcheck/demo/site).

The site is a fictional small local government (องค์การบริหารส่วนตำบลบ้านตัวอย่าง, ลำพูน) that
publishes the ITA 2568 OIT items (O1-O28) the way real Thai agency sites do, with six planted
defects (O7 wrong year, O11 missing, O12 PDF only, O15 broken link, O16 and O21 half done).
The expected audit result on 2025-03-15 is in ``oitcheck/demo/expected.json``.

The generator lives with the tests, not in the product: it needs the dev extras (fpdf2, segno) and
``oitcheck demo`` only serves its output. Output is deterministic; from the repository root::

    .venv/bin/python -m tests.support.demo_site            # rewrites oitcheck/demo/site from scratch
    .venv/bin/python -m tests.support.demo_site --out DIR  # elsewhere, e.g. to diff against the committed site
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.demo_site.evidence import docs_2568
from tests.support.demo_site.images import banner, logo, map_image, structure_chart
from tests.support.demo_site.ita import ita_2567, ita_2568
from tests.support.demo_site.layout import CSS, DemoSite
from tests.support.demo_site.pages import about_pages, contact_page, home, news_pages, service_pages

COMMITTED = Path(__file__).resolve().parents[3] / "oitcheck" / "demo" / "site"


def build(out: Path = COMMITTED) -> None:
    """Write the whole site into ``out``, removing whatever was there."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    site = DemoSite(out)
    site.write("css/style.css", CSS)
    site.write("robots.txt", "User-agent: *\nAllow: /\n")
    banner(site)
    structure_chart(site)
    map_image(site)
    logo(site)
    home(site)
    news_pages(site)
    about_pages(site)
    contact_page(site)
    docs_2568(site)
    ita_2568(site)
    service_pages(site)
    ita_2567(site)
