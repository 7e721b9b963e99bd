"""The province summary of an audit-many run (summary.json ``oitcheck.summary/1``, history-contract.md), computed
from each agency's own report.json: the ranking against the pass mark and 95, indicator and sub-indicator means
(seed 001), the agency x item matrix, the items that fail most and why, groups by province and agency type,
the trend over past runs, and the measures a provincial office coordinates (``report.province_measures``).

Nothing is re-judged here: every verdict and score is the agency's report's; the summary only counts and averages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oitcheck.report.province_measures import province_measures
from oitcheck.report.vocabulary import Cell, ProvinceWords, code_words, province_words

SCHEMA = "oitcheck.summary/1"
TOP_CODES = 3  # finding codes named per item
EXAMPLES = 3  # agencies named per item
GAP = (Cell.FAIL, Cell.PARTIAL)


@dataclass(frozen=True)
class ItemVerdict:
    id: str
    key: str
    title: str
    sub: str
    status: Cell
    codes: tuple[str, ...]  # its findings' codes, but those staff accepted
    gap: bool  # fails or passes in part, and not every failing finding is accepted


@dataclass(frozen=True)
class AgencyMeasure:
    name: str
    steps: tuple[str, ...]
    owner: str


@dataclass(frozen=True)
class Digest:
    """What the summary needs of one agency's report.json: read once and the rest dropped, so a summary of
    hundreds of agencies never holds their whole reports (page inventories, evidence) at once."""

    checklist: str
    year: int
    as_of: str
    pass_mark: float
    scores: dict[str, float | None]
    names: dict[str, str]  # indicator and sub-indicator names, by key
    items: tuple[ItemVerdict, ...]
    measures: dict[str, AgencyMeasure]


def digest(report: dict[str, Any]) -> Digest:
    items = []
    for item in report["items"]:
        status = Cell(item["status"])
        codes = tuple(f["code"] for f in item.get("findings") or () if not f.get("accepted"))
        items.append(ItemVerdict(item["id"], item.get("key") or "", item["title"], item.get("sub") or "", status,
                                 codes, status in GAP and not item.get("all_accepted")))
    return Digest(checklist=report["checklist"], year=int(report["year"]), as_of=str(report["as_of"]),
                  pass_mark=float(report.get("pass_mark") or 85), scores=dict(report.get("scores") or {}),
                  names={**(report.get("indicators") or {}), **(report.get("subs") or {})}, items=tuple(items),
                  measures={m["item"]: AgencyMeasure(m["measure"], tuple(m.get("steps") or ()), m.get("owner") or "")
                            for m in report.get("measures") or ()})


@dataclass(frozen=True)
class RunContext:
    """What the run itself says, for what no report does (none audited): its layout, pass mark and dates."""

    checklist: str
    pass_mark: float
    as_of: str
    year: int


@dataclass(frozen=True)
class TrendPoint:
    """One earlier or current audit of an agency of this run, from the history store."""

    run: int
    finished_at: str
    folder: str
    oit: float | None


def summarise(results: list[dict[str, Any]], digests: dict[str, Digest], context: RunContext,
              trend: list[TrendPoint] | None = None) -> dict[str, Any]:
    """The whole summary.json. ``results``: the agencies' entries in CSV order; ``digests``: the audited ones'
    reports by folder (an audited agency without one counts in the ranking, its cells are not audited)."""
    words = province_words()
    done = [r for r in results if r["status"] == "done"]
    used = [r["checklist"] for r in done if r.get("checklist")]
    main = max(sorted(set(used)), key=used.count) if used else context.checklist
    layouts = [main, *sorted(set(used) - {main})]
    pass_mark = next((d.pass_mark for d in digests.values() if d.checklist == main), context.pass_mark)
    ranked = _ranked(results, pass_mark, words)
    columns = _columns(layouts, digests)
    layout_of = {r["folder"]: (digests[r["folder"]].checklist if r["folder"] in digests else r.get("checklist") or main)
                 for r in results}
    scores = [r["oit"] for r in done if r["oit"] is not None]
    provinces = list(dict.fromkeys(r.get("province") or "" for r in results if r.get("province")))
    as_ofs = Counter(d.as_of for d in digests.values())
    years = Counter(d.year for d in digests.values())
    year = years.most_common(1)[0][0] if years else context.year
    mean = _mean(scores)
    return {
        "schema": SCHEMA,
        "checklist": main,
        "checklists": {layout: used.count(layout) for layout in sorted(set(used))},
        "pass_mark": pass_mark,
        "excellent_mark": words.excellent,
        "as_of": as_ofs.most_common(1)[0][0] if as_ofs else context.as_of,
        "year": year,
        "province": ", ".join(provinces),
        "provinces": provinces,
        "agencies": ranked,
        "audited": len(done),
        "not_audited": [{"folder": r["folder"], "name": r["name"], "url": r["url"], "status": r["status"],
                         "reason": words.not_audited.get(r["status"], r["status"]), "error": r.get("error")}
                        for r in results if r["status"] != "done"],
        "passed": sum(1 for s in scores if s >= pass_mark),
        "excellent": sum(1 for s in scores if s >= words.excellent),
        "mean_oit": mean,
        "band": words.band(mean, pass_mark),
        "indicators": _indicator_means(digests.values()),
        "indicator_names": _names(digests.values()),
        "columns": {layout: [{"id": i.id, "title": i.title, "sub": i.sub} for i in items]
                    for layout, items in columns.items()},
        "matrix": [{"agency": r["folder"], "name": r["name"], "checklist": layout_of[r["folder"]],
                    "items": _cells(r, digests, columns[layout_of[r["folder"]]])} for r in results],
        "items": _items(results, digests, columns, layout_of),
        "groups": {"province": _groups(ranked, digests, "province", words.unnamed_province, pass_mark, words),
                   "type": [{**group, "unit": words.owner(group["name"], "").unit}  # who acts, per province measure
                            for group in _groups(ranked, digests, "type", words.unnamed_type, pass_mark, words)]},
        "common_gaps": province_measures(results, digests, layout_of, layouts, year, words),
        "changes": [{"agency": r["folder"], **r["changes"]} for r in done if r.get("changes")],
        "trend": _trend(trend),
    }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 2) if present else None


def _ranked(results: list[dict[str, Any]], pass_mark: float, words: ProvinceWords) -> list[dict[str, Any]]:
    """Every agency, best first (not audited last); equal scores share a rank."""
    ordered = sorted(results, key=lambda r: (r.get("oit") is None, -(r.get("oit") or 0), r["row"]))
    ranked, previous, rank = [], None, 0
    for number, result in enumerate(ordered, start=1):
        entry = {k: v for k, v in result.items() if k != "run_token"}
        if result.get("oit") is not None:
            if result["oit"] != previous:
                rank, previous = number, result["oit"]
            band = words.band(result["oit"], pass_mark)
            entry.update(rank=rank, band=band, band_th=words.bands[band] if band else None)
        else:
            entry.update(rank=None, band=None, band_th=None)
        ranked.append(entry)
    return ranked


def _columns(layouts: list[str], digests: dict[str, Digest]) -> dict[str, list[ItemVerdict]]:
    """Each layout's items in its order (as the first report on it lists them)."""
    columns: dict[str, list[ItemVerdict]] = {}
    for layout in layouts:
        first = next((d for d in digests.values() if d.checklist == layout), None)
        columns[layout] = list(first.items) if first else []
    return columns


def _cells(result: dict[str, Any], digests: dict[str, Digest], columns: list[ItemVerdict]) -> dict[str, str]:
    found = digests.get(result["folder"]) if result["status"] == "done" else None
    if found is None:
        return {item.id: str(Cell.NOT_AUDITED) for item in columns}
    return {item.id: str(item.status) for item in found.items}


def _items(results: list[dict[str, Any]], digests: dict[str, Digest], columns: dict[str, list[ItemVerdict]],
           layout_of: dict[str, str]) -> list[dict[str, Any]]:
    """Per item of each layout: agencies per status, its main finding codes and example agencies; the items
    most agencies fail first."""
    codes_th = code_words()
    rows = []
    for order, (layout, items) in enumerate(columns.items()):
        mine = [r for r in results if layout_of[r["folder"]] == layout]
        verdicts = [(r["name"], {i.id: i for i in digests[r["folder"]].items}) for r in mine
                    if r["status"] == "done" and r["folder"] in digests]
        missing = len(mine) - len(verdicts)
        for position, item in enumerate(items):
            counts = Counter(str(v[item.id].status) for _, v in verdicts if item.id in v)
            codes = Counter(code for _, v in verdicts if item.id in v and v[item.id].gap
                            for code in dict.fromkeys(v[item.id].codes))
            failing = sorted((v[item.id].status != Cell.FAIL, name) for name, v in verdicts
                             if item.id in v and v[item.id].gap)
            top = [code for code, _ in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CODES]]
            rows.append(((-(counts["fail"] + counts["partial"]), -counts["fail"], order, position), {
                "id": item.id, "checklist": layout, "title": item.title, "sub": item.sub,
                **{str(cell): counts[str(cell)] for cell in (Cell.PASS, Cell.PARTIAL, Cell.FAIL, Cell.UNKNOWN)},
                "not_audited": missing, "top_codes": top,
                "top_codes_th": [{"code": c, "text": codes_th.get(c, c), "agencies": codes[c]} for c in top],
                "examples": [name for _, name in failing[:EXAMPLES]]}))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _score_order(key: str) -> tuple[bool, tuple[int, ...]]:
    """9, 9.1 ... 9.5, 10, 10.1, 10.2, then oit."""
    try:
        return key == "oit", tuple(int(part) for part in key.split("."))
    except ValueError:
        return key == "oit", (10**6,)


def _indicator_means(digests: Iterable[Digest]) -> dict[str, float | None]:
    """Means over the audited agencies of each agency's own score per indicator, sub-indicator and OIT."""
    values: dict[str, list[float | None]] = {}
    for found in digests:
        for key, value in found.scores.items():
            values.setdefault(key, []).append(value)
    return {key: _mean(values[key]) for key in sorted(values, key=_score_order)}


def _names(digests: Iterable[Digest]) -> dict[str, str]:
    names: dict[str, str] = {}
    for found in digests:
        for key, name in found.names.items():
            names.setdefault(key, name)
    return names


def _groups(ranked: list[dict[str, Any]], digests: dict[str, Digest], column: str, unnamed: str,
            pass_mark: float, words: ProvinceWords) -> list[dict[str, Any]]:
    """The agencies by the CSV's ``column`` (province, type), in CSV order of first mention: each group's
    means, counts against the marks and its own ranking."""
    members: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(ranked, key=lambda e: e["row"]):
        members.setdefault(entry.get(column) or unnamed, []).append(entry)
    groups = []
    for name, entries in members.items():
        done = sorted((e for e in entries if e["status"] == "done" and e.get("oit") is not None),
                      key=lambda e: (-e["oit"], e["row"]))
        mean = _mean(e["oit"] for e in done)
        band = words.band(mean, pass_mark)
        groups.append({
            "name": name, "agencies": len(entries), "audited": len(done), "mean_oit": mean,
            "band": band, "band_th": words.bands[band] if band else None,
            "passed": sum(1 for e in done if e["oit"] >= pass_mark),
            "excellent": sum(1 for e in done if e["oit"] >= words.excellent),
            "indicators": _indicator_means(digests[e["folder"]] for e in done if e["folder"] in digests),
            "ranking": [{"folder": e["folder"], "name": e["name"], "oit": e["oit"]} for e in done]})
    return groups


def _trend(points: list[TrendPoint] | None) -> dict[str, Any] | None:
    """The province mean per audit-many run and each agency's score per run, oldest first; None without
    history."""
    if points is None:
        return None
    by_run: dict[int, list[TrendPoint]] = {}
    for point in sorted(points, key=lambda p: (p.finished_at, p.run)):
        by_run.setdefault(point.run, []).append(point)
    runs = [{"run": run, "finished_at": max(p.finished_at for p in found), "mean_oit": _mean(p.oit for p in found),
             "agencies": len(found)} for run, found in by_run.items()]
    runs.sort(key=lambda r: r["finished_at"])
    agencies: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        for point in by_run[run["run"]]:
            agencies.setdefault(point.folder, []).append({"run": run["run"], "oit": point.oit})
    return {"runs": runs, "agencies": agencies}
