"""The agency sites of bench/history.py: copies of the bundled demo site (oitcheck/demo/site, 29 pages and
31 documents that exercise every item rule), each a little different, and the changes planted in some of
them between the two nightly runs, with the ``changes`` their second report must then show.

Agency ``n`` (1, 2, ...) is served on 127.0.0.(n+1), with every answer held 50-100 ms (``_site.json``
``delay``, tests/support/server.py), and differs from the demo by rule, so the set is the same every time:
- 0-20 extra news pages (older news, linked from the news list): 29 to 49 pages;
- every third agency (n % 3 == 1) has published o15's missing report (o15 passes);
- every fourth (n % 4 == 3) has lost o24's report (o24 fails with a broken link);
- its visitor counter (bytes differ on every page).
Planted before the second run in every fifth (n % 5 == 0): o23's report is removed (regressed, a new broken
link) and, where o15's report was still missing, it is published (fixed, a broken link fixed).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "oitcheck" / "demo" / "site"
FILES = "files/ita2568"
O15 = f"{FILES}/o15-hr-report-2567.pdf"  # linked from the ITA page but missing from the demo: o15 fails
O15_SOURCE = f"{FILES}/o26-anticorruption-report-2567.pdf"  # what "publishing" o15's report copies
O23 = f"{FILES}/o23-risk-assessment-2568.pdf"
O24 = f"{FILES}/o24-risk-report-2567.pdf"
COUNTER = "48,215"
NEWS_ITEM = ('<li><span class="date">{day} กันยายน 2567</span> &nbsp; '
             '<a href="/news/extra-{k}.html">{title}</a></li>\n')
NEWS_TITLE = "ประชาสัมพันธ์กิจกรรมของหน่วยงาน ครั้งที่ {k}"


@dataclass
class AgencySite:
    """One agency's site as written, and how it differs from the demo."""

    number: int
    root: Path
    delay: float  # seconds every answer is held
    extra_news: int
    o15_published: bool
    o24_removed: bool

    @property
    def host(self) -> str:
        return f"127.0.0.{self.number + 1}"

    @property
    def name(self) -> str:
        return f"องค์การบริหารส่วนตำบลทดสอบที่ {self.number}"

    @property
    def planted(self) -> bool:
        """Whether the site changes between the two runs."""
        return self.number % 5 == 0


def write_site(folder: Path, number: int) -> AgencySite:
    """Agency ``number``'s site in ``folder`` (replaced when it exists)."""
    if not 1 <= number <= 250:
        raise ValueError("agency numbers run from 1 to 250 (one loopback address each)")
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DEMO, folder)
    site = AgencySite(number, folder, delay=0.05 + 0.005 * (number * 7 % 11), extra_news=number % 21,
                      o15_published=number % 3 == 1, o24_removed=number % 4 == 3)
    counter = f"{40_000 + number * 1_733:,}"
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if COUNTER in text:
            page.write_text(text.replace(COUNTER, counter), encoding="utf-8")
    _add_news(folder, site.extra_news)
    if site.o15_published:
        shutil.copy(folder / O15_SOURCE, folder / O15)
    if site.o24_removed:
        (folder / O24).unlink()
    (folder / "_site.json").write_text(f'{{"delay": {site.delay:.3f}}}\n', encoding="utf-8")
    return site


def _add_news(folder: Path, count: int) -> None:
    """``count`` older news pages, each a copy of a demo news page with its own title, listed last."""
    news = folder / "news"
    template = (news / "3.html").read_text(encoding="utf-8")
    old_title = "จัดเวทีประชาคมหมู่บ้านทบทวนแผนพัฒนาท้องถิ่น ครบทั้ง 9 หมู่บ้าน"
    items = []
    for k in range(1, count + 1):
        day = 1 + k % 28
        title = NEWS_TITLE.format(k=k)
        (news / f"extra-{k}.html").write_text(template.replace(old_title, title)
                                              .replace("14 กุมภาพันธ์ 2568", f"{day} กันยายน 2567"), encoding="utf-8")
        items.append(NEWS_ITEM.format(day=day, k=k, title=title))
    index = news / "index.html"
    text = index.read_text(encoding="utf-8")
    head, tail = text.split('</ul>\n</main>', 1)
    index.write_text(head + "".join(items) + '</ul>\n</main>' + tail, encoding="utf-8")


def plant_changes(site: AgencySite) -> None:
    """Change a planted site between the runs (see the module's docstring); others are left alone."""
    if not site.planted:
        return
    (site.root / O23).unlink()
    if not site.o15_published:
        shutil.copy(site.root / O15_SOURCE, site.root / O15)


def expected_changes(site: AgencySite, url: str) -> dict[str, Any]:
    """The lists of the second report's ``changes`` (history-contract.md) the plants make; ``url`` is the
    site's homepage as served."""
    fixed_o15 = site.planted and not site.o15_published
    return {
        "fixed": [{"id": "o15", "from": "fail", "to": "pass"}] if fixed_o15 else [],
        "regressed": [{"id": "o23", "from": "pass", "to": "fail", "codes": ["broken_link"]}] if site.planted else [],
        "changed": [],
        "new_broken_links": [url + O23] if site.planted else [],
        "fixed_broken_links": [url + O15] if fixed_o15 else [],
    }


def matches(site: AgencySite, url: str, changes: dict[str, Any] | None) -> list[str]:
    """How a second report's ``changes`` differ from the plants (empty: exactly as planted)."""
    if changes is None:
        return ["changes is null: no earlier audit found"]
    wrong = [f"{key}: {changes.get(key)!r}, planted {want!r}"
             for key, want in expected_changes(site, url).items() if changes.get(key) != want]
    if not site.planted and changes.get("oit_delta") not in (0, 0.0):
        wrong.append(f"oit_delta {changes.get('oit_delta')} on an unchanged site")
    return wrong
