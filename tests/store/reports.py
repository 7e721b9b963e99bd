"""Small report.json documents for the store's tests (the fields the store reads)."""

from __future__ import annotations

from typing import Any

URL = "https://www.example.go.th/"


def report(statuses: dict[str, str], *, url: str = URL, name: str = "อบต.ตัวอย่าง",
           finished: str = "2025-03-15T02:00:00+07:00", broken: tuple[str, ...] = (), oit: float | None = None,
           checklist: str = "ita-2568", codes: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """A report with these item statuses (OIT: their mean unless given), broken links and failing codes."""
    scores = [{"pass": 100, "partial": 50, "fail": 0}.get(s) for s in statuses.values()]
    known = [s for s in scores if s is not None]
    return {
        "schema": "oitcheck.report/1", "agency": {"name": name, "url": url}, "checklist": checklist,
        "year": 2568, "as_of": finished[:10], "started_at": finished, "finished_at": finished,
        "crawl": {"pages": 12},
        "items": [{"id": item, "key": f"key_{item}", "title": f"ข้อ {item}", "status": status,
                   "score": {"pass": 100, "partial": 50, "fail": 0}.get(status),
                   "evidence": [{"url": f"{url}{item}.pdf"}] if status != "fail" else [],
                   "findings": [{"code": code, "message": f"{code} ของ {item}", "severity": "fail"}
                                for code in (codes or {}).get(item, ["missing"] if status == "fail" else [])]}
                  for item, status in statuses.items()],
        "scores": {"oit": oit if oit is not None else (round(sum(known) / len(known), 2) if known else None),
                   "9": None},
        "links": {"broken": [{"url": link, "status": 404, "error": None, "found_on": [url]} for link in broken],
                  "soft_404": []},
    }
