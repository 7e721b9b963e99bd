"""The checklist loader: one ITA layout per YAML file in ``checklists/``, validated on load.

Layouts change almost every year (O1-O43 until 2567, O1-O28 in 2568, 26 items in the 2569 draft), so
items, keywords, components, year rules and all Thai wording live in data. A broken file must fail
with a message that names the file and the field, not with a KeyError deep in an audit.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from oitcheck.checks.layouts import Choice, ChoiceReason, expand
from oitcheck.checks.layouts import choose as choose_layout
from oitcheck.checks.messages import Messages
from oitcheck.errors import BadInput
from oitcheck.extract.thai import normalise

YEAR_RULES = {None, "current", "previous", "range", "current_or_previous", "current_or_range"}
ELEMENTS = {"name", "position", "photo", "contact", "address", "phone", "email", "map", "two_way",
            "steps", "duration", "fee", "documents", "channel"}
# The bundled layouts are package data (the top-level checklists/ folder, installed as oitcheck.checklists),
# so a wheel install finds them as a checkout does.
_PACKAGE = "oitcheck.checklists"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, ten times faster, where PyYAML has it
_ID = re.compile(r"^([a-z]+)([1-9]\d?)$")  # o12, moit5: the label prefix and the number
# Kinds of agency with layouts of their own (their Thai names: messages.th.yaml ``families``).
FAMILIES = ("general", "moph", "vocational")
DEFAULT_LABELS = ("oit", "o", "0")  # how sites write item labels: O12, OIT 12, 012


@dataclass(frozen=True)
class Component:
    id: str
    title: str
    check: str
    keywords: tuple[str, ...]
    year: str | None
    elements: tuple[str, ...] = ()
    info_elements: tuple[str, ...] = ()
    elements_on: str = "any"  # "html": required elements are checked only when the evidence is a web page
    site_wide: bool = False  # with no page named for it, the text every page carries (header, footer) may show it


@dataclass(frozen=True)
class Measure:
    name: str
    steps: tuple[str, ...]
    owner: str


@dataclass(frozen=True)
class Item:
    id: str
    number: int
    key: str  # the same disclosure across years and layouts (o12 in 2568 is o11 in 2569: "procurement_monthly")
    sub: str
    title: str
    year: str | None
    keywords: tuple[str, ...]
    weak: tuple[str, ...]
    exclude: tuple[str, ...]
    components: tuple[Component, ...]
    recommendation: str
    measure: Measure
    replaces: tuple[str, ...] = ()  # keys of items merged into this one
    derived_from: tuple[str, ...] = ()  # "ita-2568:o10": the parent items it extends

    @property
    def indicator(self) -> str:
        return self.sub.split(".")[0]


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    draft: bool
    pass_mark: float
    news_max_age_days: int
    indicators: dict[str, str]
    subs: dict[str, str]
    items: tuple[Item, ...]
    messages: Messages = field(default_factory=lambda: Messages({}))
    year: int | None = None  # the assessment year the layout is for (None: any, a user's own file)
    family: str = "general"  # the kind of agency assessed on it (FAMILIES)
    labels: tuple[str, ...] = DEFAULT_LABELS  # label prefixes sites write before item numbers
    sources: tuple[str, ...] = ()  # public pages the layout was checked against
    scoring: str | None = None  # what is not known of its official scoring, said in every report
    parents: tuple[str, ...] = ()  # the layouts it extends, nearest first

    @property
    def kind(self) -> str:
        """The kind of agency assessed on this layout, in Thai."""
        return self.messages.worded("families", self.family)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def checklist_dir() -> Traversable:
    """The bundled layouts, read through importlib.resources: not a path beside the source tree."""
    return files(_PACKAGE)


def available() -> list[str]:
    """Names of the bundled checklists (file stems), for ``--checklist`` help and errors."""
    return sorted(entry.name.removesuffix(".yaml") for entry in checklist_dir().iterdir()
                  if entry.name.endswith(".yaml") and not entry.name.endswith(".th.yaml"))  # *.th.yaml: vocabulary


def load(name_or_path: str) -> Checklist:
    """Load a checklist by bundled name (``ita-2568``) or by path to a YAML file."""
    path = Path(name_or_path)
    if not path.suffix and checklist_dir().joinpath(f"{name_or_path}.yaml").is_file():
        return _load_path(f"{name_or_path}.yaml", bundled=True)
    if not path.suffix or not path.is_file():
        raise BadInput(f"unknown checklist {name_or_path!r}: choose one of {', '.join(available())} "
                       "or give a path to a .yaml file")
    return _load_path(str(path.resolve()))


@lru_cache(maxsize=16)
def _load_path(path: str, bundled: bool = False) -> Checklist:
    """``path``: a file name in the bundled layouts when ``bundled``, else a resolved path of the user's.

    A layout that ``extends`` another is written out in full first (``layouts.expand``); its parent is
    always a bundled layout, so a user's own file can extend ita-2568 and change only what differs."""
    data = _bundled_yaml(path) if bundled else _read_yaml(Path(path))
    data = expand(data, Path(path).name, lambda parent: _bundled_yaml(f"{parent}.yaml", parent))
    return parse(data, _bundled_yaml("messages.th.yaml"), source=Path(path).name)


def _bundled_yaml(name: str, layout: str | None = None) -> dict[str, Any]:
    """A bundled file's mapping, a fresh copy each time (``expand`` builds on it): parsed once per process,
    since every layout reads its parents and the messages again."""
    entry = checklist_dir().joinpath(name)
    if layout is not None and not entry.is_file():
        raise BadInput(f"extends: unknown layout {layout!r}: choose one of {', '.join(available())}")
    return copy.deepcopy(_parsed_bundled(name))


@lru_cache(maxsize=32)
def _parsed_bundled(name: str) -> dict[str, Any]:
    with as_file(checklist_dir().joinpath(name)) as local:
        return _read_yaml(local)


def catalogue() -> list[Checklist]:
    """Every bundled layout, loaded (and so validated), ordered by kind of agency, then year."""
    return sorted((load(name) for name in available()), key=lambda c: (c.family, c.year or 0, c.draft, c.id))


def choose(family: str, year: int, given: str | None = None) -> Choice:
    """The layout an audit of assessment year ``year`` uses: ``given`` (--checklist), else the one of
    ``family`` published for the year (layouts.choose says what happens when there is none)."""
    if given:
        checklist = load(given)
        return Choice(given, ChoiceReason.GIVEN, checklist.family, year, checklist.year)
    return choose_layout(family, year, [(c.id, c.family, c.year, c.draft) for c in catalogue() if c.year])


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path.name}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise BadInput(f"{path.name}:{line} is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path.name}: expected a mapping at the top level")
    return data


class _Reader:
    """Typed access to one mapping with errors that name the file and the field path."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise BadInput(f"{where}: expected a mapping")
        self.data, self.where = data, where

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., ) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise BadInput(f"{self.where}: missing field {key!r}")
            return default
        value = self.data[key]
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise BadInput(f"{self.where}.{key}: expected {names}, got {type(value).__name__}")
        return value

    def phrases(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise BadInput(f"{self.where}.{key}: expected a list of non-empty strings")
        return tuple(normalise(v).replace(" ", "") for v in values)  # compared space-free


def parse(data: dict[str, Any], messages: dict[str, Any], source: str = "checklist") -> Checklist:
    top = _Reader(data, source)
    subs = {str(k): str(v) for k, v in top.get("subs", dict).items()}
    indicators = {str(k): str(v) for k, v in top.get("indicators", dict).items()}
    raw_items = top.get("items", list)
    if not raw_items:
        raise BadInput(f"{source}: 'items' is empty")
    items: list[Item] = []
    for position, raw in enumerate(raw_items):
        items.append(_item(raw, f"{source}: items[{position}]", subs))
    ids = [i.id for i in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BadInput(f"{source}: duplicate item ids {', '.join(duplicates)}")
    for item in items:
        if item.indicator not in indicators:
            raise BadInput(f"{source}: item {item.id}: indicator {item.indicator!r} is not in 'indicators'")
    keys = [i.key for i in items]
    if twice := sorted({k for k in keys if keys.count(k) > 1}):
        raise BadInput(f"{source}: items share the key {', '.join(twice)}: a key names one disclosure")
    labels = tuple(str(p).strip().lower() for p in top.get("labels", list, list(DEFAULT_LABELS)))
    prefixes = {_ID.match(i.id)[1] for i in items}  # type: ignore[index]  # ids were matched in _item
    if unlabelled := sorted(prefixes - set(labels)):
        raise BadInput(f"{source}.labels: item ids start with {', '.join(unlabelled)}, which 'labels' does not list")
    family = top.get("family", str, "general")
    if family not in FAMILIES:
        raise BadInput(f"{source}.family: {family!r} is not one of {', '.join(FAMILIES)}")
    year = top.get("year", int, None)
    if year is not None and not 2500 <= year <= 2700:
        raise BadInput(f"{source}.year: {year} is not a Buddhist-Era fiscal year like 2568")
    return Checklist(
        id=top.get("id", str), title=top.get("title", str), draft=bool(top.get("draft", bool, False)),
        pass_mark=float(top.get("pass_mark", (int, float), 85)),
        news_max_age_days=int(top.get("news_max_age_days", int, 60)),
        indicators=indicators, subs=subs, items=tuple(items), messages=Messages(messages),
        year=year, family=family, labels=labels, sources=tuple(str(u) for u in top.get("sources", list, [])),
        scoring=(top.get("scoring", str, "") or "").strip() or None,
        parents=tuple(str(p) for p in top.get("parents", list, [])),
    )


def _item(raw: Any, where: str, subs: dict[str, str]) -> Item:
    r = _Reader(raw, where)
    item_id = r.get("id", str).strip().lower()
    matched = _ID.match(item_id)
    if not matched:
        raise BadInput(f"{where}.id: {item_id!r} is not an item id like o12 or moit5")
    where = f"{where.rsplit(':', 1)[0]}: item {item_id}"
    r.where = where
    sub = str(r.get("sub", (str, int, float)))
    if sub not in subs:
        raise BadInput(f"{where}.sub: {sub!r} is not in 'subs'")
    year = r.get("year", str, None)
    if year not in YEAR_RULES:
        raise BadInput(f"{where}.year: {year!r} is not one of {sorted(y for y in YEAR_RULES if y)}")
    keywords = r.phrases("keywords")
    if not keywords:
        raise BadInput(f"{where}.keywords: at least one keyword is needed to find the item")
    components = tuple(_component(c, f"{where}.components[{n}]", year)
                       for n, c in enumerate(r.get("components", list)))
    if not components:
        raise BadInput(f"{where}.components: at least one component is needed")
    measure = _Reader(r.get("measure", dict), f"{where}.measure")
    return Item(
        id=item_id, number=int(matched[2]), key=str(r.get("key", (str, int), item_id)).strip(), sub=sub,
        title=r.get("title", str), year=year,
        keywords=keywords, weak=r.phrases("weak"), exclude=r.phrases("exclude"), components=components,
        recommendation=r.get("recommendation", str).strip(),
        measure=Measure(name=measure.get("name", str), steps=tuple(str(s) for s in measure.get("steps", list)),
                        owner=measure.get("owner", str)),
        replaces=tuple(str(k) for k in r.get("replaces", list, [])),
        derived_from=tuple(str(k) for k in r.get("derived_from", list, [])),
    )


def _component(raw: Any, where: str, item_year: str | None) -> Component:
    r = _Reader(raw, where)
    check = r.get("check", str, "keywords")
    from oitcheck.checks.base import check_names  # the checks import this module: ask the registry late

    if check not in check_names():
        raise BadInput(f"{where}.check: {check!r} is not one of {sorted(check_names())}")
    year = r.data.get("year", item_year)  # an explicit null switches the rule off
    if year not in YEAR_RULES:
        raise BadInput(f"{where}.year: {year!r} is not a year rule")
    elements = tuple(r.get("elements", list, []))
    info = tuple(r.get("info_elements", list, []))
    unknown = sorted(set(elements + info) - ELEMENTS)
    if unknown:
        raise BadInput(f"{where}.elements: unknown elements {', '.join(unknown)}")
    if check == "elements" and not elements:
        raise BadInput(f"{where}: check 'elements' needs an 'elements' list")
    elements_on = r.get("elements_on", str, "any")
    if elements_on not in ("any", "html"):
        raise BadInput(f"{where}.elements_on: {elements_on!r} is not 'any' or 'html'")
    return Component(id=r.get("id", str), title=r.get("title", str), check=check,
                     keywords=r.phrases("keywords"), year=year, elements=elements, info_elements=info,
                     elements_on=elements_on, site_wide=r.get("site_wide", bool, False))
