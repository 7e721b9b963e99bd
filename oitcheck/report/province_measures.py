"""The measures a provincial office coordinates (seed 001, ส่วนที่ ๒): one per gap at least two agencies of one
province share on one layout, naming them, owned by the provincial office, with who oversees and who acts for
each agency type (``checklists/province.th.yaml``). A gap of one agency stays that agency's own measure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oitcheck.report.vocabulary import ProvinceWords

if TYPE_CHECKING:
    from oitcheck.report.summary import Digest

SHARED = 2  # agencies that make a gap the province's
NAMES_IN_STEP = 30  # agencies named in a step's text (the measure's own list names them all)


def province_measures(results: list[dict[str, Any]], digests: dict[str, Digest], layout_of: dict[str, str],
                      layouts: list[str], year: int, words: ProvinceWords) -> list[dict[str, Any]]:
    """The province measures, by province (CSV order), then most agencies first, then layout order."""
    gaps: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for result in results:
        found = digests.get(result["folder"]) if result["status"] == "done" else None
        if found is None:
            continue
        for item in found.items:
            if item.gap:
                gaps.setdefault((result.get("province") or "", found.checklist, item.id), []).append(result)
    provinces = list(dict.fromkeys(r.get("province") or "" for r in results))
    order = {layout: {i.id: n for n, i in enumerate(next((d.items for d in digests.values() if d.checklist == layout),
                                                          ()))} for layout in layouts}
    measures = []
    for (province, layout, item_id), holders in gaps.items():
        if len(holders) < SHARED:
            continue
        measures.append(((provinces.index(province), -len(holders), layouts.index(layout),
                          order[layout].get(item_id, 0)),
                         _measure(province, layout, item_id, holders, digests, year, words)))
    return [measure for _, measure in sorted(measures, key=lambda pair: pair[0])]


def _measure(province: str, layout: str, item_id: str, holders: list[dict[str, Any]], digests: dict[str, Digest],
             year: int, words: ProvinceWords) -> dict[str, Any]:
    item = next(i for i in digests[holders[0]["folder"]].items if i.id == item_id)
    own = next((digests[h["folder"]].measures[item_id] for h in holders
                if item_id in digests[h["folder"]].measures), None)
    names = [h["name"] for h in holders]
    shown = ", ".join(names[:NAMES_IN_STEP]) + (f" และอีก {len(names) - NAMES_IN_STEP} หน่วยงาน"
                                                if len(names) > NAMES_IN_STEP else "")
    template = words.measure
    fields = {"item": item_id.upper(), "title": item.title, "measure": own.name if own else item.title,
              "count": len(holders), "names": shown, "province": province,
              "steps": "; ".join(own.steps) if own else "", "year": year, "next": year + 1}
    owners = []
    for agency_type in dict.fromkeys(h.get("type") or "" for h in holders):
        owner = words.owner(agency_type, province)
        typed = [h["name"] for h in holders if (h.get("type") or "") == agency_type]
        owners.append({"type": agency_type or words.unnamed_type, "supervisor": owner.supervisor,
                       "unit": owner.unit, "names": typed})
    return {
        "province": province, "item": item_id, "key": item.key, "checklist": layout, "title": item.title,
        "agencies": len(holders), "names": names, "folders": [h["folder"] for h in holders],
        "measure": template["name"].format(**fields),
        "steps": [step.format(**fields) for step in template["steps"] if own or "{steps}" not in step],
        "owner": template["coordinator"].format(**fields),
        "owners": owners,
        "owner_lines": [template["owner_line"].format(supervisor=supervisor, types=", ".join(o["type"] for o in mine),
                                                      count=sum(len(o["names"]) for o in mine))
                        for supervisor, mine in _by_supervisor(owners).items()],
        "period": template["period"].format(**fields),
        "agency_measure": None if own is None else {"name": own.name, "steps": list(own.steps), "owner": own.owner},
    }


def _by_supervisor(owners: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The gap's agency types under each body that oversees them (one line per body, not per type)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for owner in owners:
        grouped.setdefault(owner["supervisor"], []).append(owner)
    return grouped
