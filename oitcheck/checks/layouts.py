"""Layouts that extend each other, and the choice of a layout for an assessment year and kind of agency.

The NACC renumbers the OIT almost every year (O1-O43 until 2567, O1-O28 in 2568, O1-O26 in 2569) and
hospitals and colleges are assessed on lists of their own, yet most items stay the same disclosure with
the same words. So a layout file may say ``extends: ita-2568`` and list its items as references to the
parent's: ``from: o12`` (renumbered, fields it gives override), ``from: [o10, o11]`` (merged: keywords
and components joined), an item of its own (added), or nothing (the parent's items it does not list are
dropped). A keyword fix in the parent then reaches every layout built on it.

This works on the raw YAML mappings, before ``checklist.parse`` validates the result, so an extended
layout is checked exactly like a written-out one and its errors still name the child's file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oitcheck.errors import BadInput

# Top-level fields a child inherits from its parent unless it gives its own.
INHERITED = ("indicators", "subs", "pass_mark", "news_max_age_days", "labels", "family", "kind", "scoring")
# Phrase lists that a merge joins and that ``add``/``remove`` edit.
PHRASES = ("keywords", "weak", "exclude")


class ChoiceReason(StrEnum):
    """Why an audit uses the layout it uses (``report.json`` ``checklist_choice.reason``)."""

    GIVEN = "given"  # --checklist (or the CSV's checklist column) named it
    YEAR = "year"  # the layout published for the assessment year
    NEWEST_EARLIER = "newest_earlier"  # none published for the year: the newest earlier one
    OLDEST_LATER = "oldest_later"  # the year is older than every layout bundled: the oldest one


@dataclass(frozen=True)
class Choice:
    """The layout an audit uses, and why, in words for the console (English) and the reports (Thai)."""

    checklist: str
    reason: ChoiceReason
    family: str
    year: int  # the assessment year the choice was made for
    layout_year: int | None

    def to_json(self) -> dict[str, Any]:
        return {"checklist": self.checklist, "reason": str(self.reason), "family": self.family, "year": self.year,
                "layout_year": self.layout_year}


def choose(family: str, year: int, published: list[tuple[str, str, int, bool]]) -> Choice:
    """The layout of ``family`` for assessment year ``year`` among ``published`` (id, family, year, draft).

    Released layouts are preferred to drafts of the same year; for a year with none, the newest earlier
    one (what the NACC last published), and for a year older than every layout, the oldest."""
    mine = sorted((y, not draft, lid) for lid, fam, y, draft in published if fam == family)
    if not mine:
        families = sorted({fam for _, fam, _, _ in published})
        raise BadInput(f"no checklist layout for kind {family!r}: choose one of {', '.join(families)}")
    exact = [entry for entry in mine if entry[0] == year]
    if exact:
        layout_year, _, lid = exact[-1]
        return Choice(lid, ChoiceReason.YEAR, family, year, layout_year)
    earlier = [entry for entry in mine if entry[0] < year]
    if earlier:
        layout_year, _, lid = earlier[-1]
        return Choice(lid, ChoiceReason.NEWEST_EARLIER, family, year, layout_year)
    layout_year, _, lid = min(mine, key=lambda e: (e[0], not e[1]))
    return Choice(lid, ChoiceReason.OLDEST_LATER, family, year, layout_year)


def expand(data: dict[str, Any], source: str, read_parent: Callable[[str], dict[str, Any]],
           seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """``data`` with its ``extends`` resolved: a complete layout mapping, as if written out in full."""
    parent_id = data.get("extends")
    if parent_id is None:
        return data
    if not isinstance(parent_id, str):
        raise BadInput(f"{source}.extends: expected the id of a bundled layout like ita-2568")
    if parent_id in seen:
        raise BadInput(f"{source}.extends: {' -> '.join((*seen, parent_id))} is a cycle")
    parent = expand(read_parent(parent_id), f"{parent_id}.yaml", read_parent, (*seen, parent_id))
    merged = {key: parent[key] for key in INHERITED if key in parent} | {
        key: value for key, value in data.items() if key != "extends"}
    merged["parents"] = [parent_id, *parent.get("parents", [])]
    lineage = {parent_id: _by_id(parent)}

    def items_of(layout: str, where: str) -> dict[str, dict[str, Any]]:
        """The items of ``layout``: the parent's, or (``from: ita-2568:o16``) an earlier ancestor's."""
        if layout not in lineage:
            if layout not in merged["parents"]:
                raise BadInput(f"{where}.from: {layout} is not a layout {source} extends "
                               f"({' -> '.join(merged['parents'])})")
            lineage[layout] = _by_id(expand(read_parent(layout), f"{layout}.yaml", read_parent, (*seen, layout)))
        return lineage[layout]

    items = data.get("items")
    if not isinstance(items, list):
        raise BadInput(f"{source}: 'items' must list every item of the layout (an extending layout too)")
    merged["items"] = [_derive(raw, f"{source}: items[{n}]", parent_id, items_of) for n, raw in enumerate(items)]
    return merged


def _by_id(layout: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(raw.get("id", "")).strip().lower(): raw for raw in layout.get("items") or [] if isinstance(raw, dict)}


def _derive(raw: Any, where: str, parent_id: str,
            items_of: Callable[[str, str], dict[str, dict[str, Any]]]) -> Any:
    """One child item: its own (``from`` absent), or the item(s) it names (``o12`` of the parent,
    ``ita-2568:o16`` of an earlier ancestor) with its changes."""
    if not isinstance(raw, dict) or "from" not in raw:
        return raw
    names = raw["from"] if isinstance(raw["from"], list) else [raw["from"]]
    bases, origins = [], []
    for name in names:
        layout, _, key = str(name).strip().lower().rpartition(":")
        layout = layout or parent_id
        items = items_of(layout, where)
        if key not in items:
            raise BadInput(f"{where}.from: {layout} has no item {key!r}")
        bases.append(items[key])
        origins.append(f"{layout}:{key}")
    item = _merge(bases) if len(bases) > 1 else dict(bases[0])
    item["derived_from"] = origins
    for key, value in raw.items():
        if key not in ("from", "add", "remove"):
            item[key] = value
    for change, apply in (("add", _add), ("remove", _remove)):
        if change in raw:
            if not isinstance(raw[change], dict):
                raise BadInput(f"{where}.{change}: expected a mapping of {', '.join(PHRASES)} or components")
            apply(item, raw[change], f"{where}.{change}")
    return item


def _merge(bases: list[dict[str, Any]]) -> dict[str, Any]:
    """Several parent items as one: the first's wording and key; phrases and components of all of them.

    An exclusion of one part that is a keyword of another would hide the merged item from its own
    evidence, so an exclusion survives only where no keyword of the merged item contains it."""
    item = dict(bases[0])
    for field in PHRASES:
        item[field] = _union(*(base.get(field) or [] for base in bases))
    strong = [str(k) for k in item["keywords"]]
    item["exclude"] = [e for e in item["exclude"] if not any(str(e) in k for k in strong)]
    components, ids = [], set()
    for base in bases:
        for component in base.get("components") or []:
            component = dict(component)
            while component.get("id") in ids:
                component["id"] = f"{component['id']}_{len(ids)}"
            ids.add(component.get("id"))
            components.append(component)
    item["components"] = components
    item["replaces"] = _union(*([b["key"]] for b in bases[1:] if b.get("key")), item.get("replaces") or [])
    return item


def _add(item: dict[str, Any], change: dict[str, Any], where: str) -> None:
    for field, values in change.items():
        if field not in (*PHRASES, "components"):
            raise BadInput(f"{where}: cannot add to {field!r}")
        if not isinstance(values, list):
            raise BadInput(f"{where}.{field}: expected a list")
        item[field] = [*(item.get(field) or []), *values] if field == "components" else _union(
            item.get(field) or [], values)


def _remove(item: dict[str, Any], change: dict[str, Any], where: str) -> None:
    for field, values in change.items():
        if field not in (*PHRASES, "components") or not isinstance(values, list):
            raise BadInput(f"{where}.{field}: expected a list of {'component ids' if field == 'components' else field}")
        if field == "components":
            ids = {str(v) for v in values}
            missing = ids - {str(c.get("id")) for c in item.get("components") or []}
            if missing:
                raise BadInput(f"{where}.components: no component {', '.join(sorted(missing))}")
            item[field] = [c for c in item.get("components") or [] if str(c.get("id")) not in ids]
        else:
            item[field] = [v for v in item.get(field) or [] if v not in values]


def _union(*lists: list[Any]) -> list[Any]:
    out: list[Any] = []
    for values in lists:
        out.extend(v for v in values if v not in out)
    return out
