"""Generated agency reports (report.json documents on a real layout) and the audit-many entries that carry them:
the province summary's tests and bench build on these instead of crawls."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from oitcheck.agencies import Agency
from oitcheck.checks.checklist import load

SCORE = {"pass": 100, "partial": 50, "fail": 0, "unknown": None}
CODES = ("missing", "broken_link", "wrong_year", "stale", "missing_element", "not_machine_readable")


def _mean(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 2) if present else None


def make_report(name: str, url: str, statuses: dict[str, str], *, checklist: str = "ita-2568",
                codes: dict[str, list[str]] | None = None, token: str = "t", as_of: str = "2025-03-15",
                year: int = 2568, finished_at: str = "2025-03-15T02:00:00+07:00") -> dict[str, Any]:
    """A report.json on ``checklist``: every item ``pass`` but those ``statuses`` names; scores are the means of
    the item scores (per sub-indicator, indicator and overall, as the checks compute them)."""
    layout = load(checklist)
    items, measures = [], []
    for item in layout.items:
        status = statuses.get(item.id, "pass")
        findings = [{"code": code, "message": "", "severity": "fail"}
                    for code in (codes or {}).get(item.id, ["missing"] if status in ("fail", "partial") else [])]
        items.append({"id": item.id, "key": item.key, "title": item.title, "sub": item.sub, "status": status,
                      "score": SCORE[status], "findings": findings, "evidence": [], "all_accepted": False})
        if status in ("fail", "partial"):
            measures.append({"item": item.id, "measure": item.measure.name, "steps": list(item.measure.steps),
                             "owner": item.measure.owner, "period": f"1 ต.ค. {year} - 30 ก.ย. {year + 1}"})
    scores: dict[str, float | None] = {sub: _mean([i["score"] for i in items if i["sub"] == sub])
                                       for sub in layout.subs}
    for indicator in layout.indicators:
        scores[indicator] = _mean([i["score"] for i in items if i["sub"].split(".")[0] == indicator])
    scores["oit"] = _mean([i["score"] for i in items])
    return {"schema": "oitcheck.report/1", "agency": {"name": name, "url": url}, "checklist": layout.id,
            "year": year, "as_of": as_of, "pass_mark": layout.pass_mark, "started_at": finished_at,
            "finished_at": finished_at, "items": items, "scores": scores,
            "subs": dict(layout.subs), "indicators": dict(layout.indicators), "measures": measures,
            "links": {"broken": [], "soft_404": []},
            "crawl": {"pages": 10, "coverage": {"problems": []}}, "changes": None, "run_token": token}


def entry(agency: Agency, report: dict[str, Any]) -> dict[str, Any]:
    """The entry ``audit_one`` makes of an agency whose audit wrote ``report``."""
    statuses = [i["status"] for i in report["items"]]
    return {**agency.entry(), "status": "done", "exit": 0, "oit": report["scores"]["oit"],
            "checklist": report["checklist"], "checklist_source": report["checklist"],
            "counts": {s: statuses.count(s) for s in ("pass", "partial", "fail", "unknown")},
            "failing": [{"id": i["id"], "title": i["title"], "status": i["status"]} for i in report["items"]
                        if i["status"] in ("fail", "partial")],
            "broken_links": 0, "error": None, "coverage": [], "changes": None, "run_token": report["run_token"]}


def write_agency(out: Path, agency: Agency, report: dict[str, Any]) -> dict[str, Any]:
    """``report`` written as the agency's report.json (and a report.html with every item's anchor, as the real
    one has), and its entry."""
    folder = out / agency.folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    rows = "".join(f'<tr id="item-{i["id"]}"><td>{i["id"]}</td></tr>' for i in report["items"])
    (folder / "report.html").write_text(f"<!DOCTYPE html><html lang=th><meta charset=utf-8><table>{rows}</table>",
                                        encoding="utf-8")
    return entry(agency, report)


def random_statuses(rng: random.Random, checklist: str = "ita-2568") -> tuple[dict[str, str], dict[str, list[str]]]:
    """Statuses and finding codes as real agencies show them: most items pass, a few fail or pass in part."""
    statuses, codes = {}, {}
    for item in load(checklist).items:
        status = rng.choices(("pass", "partial", "fail", "unknown"), (70, 12, 15, 3))[0]
        statuses[item.id] = status
        if status in ("fail", "partial"):
            codes[item.id] = rng.sample(CODES, rng.randint(1, 2))
    return statuses, codes
