"""The province summary's words (``checklists/province.th.yaml``) and the cells of its agency x item table.

The report stage reads the bundled file itself (it never loads a layout): wording stays data, and every
format of the summary (HTML, XLSX, CSV) shows the same cell with the same colour and symbol.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml


class Cell(StrEnum):
    """A cell of the agency x item matrix: an item's status, or an agency the run could not audit."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_AUDITED = "not_audited"


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: a symbol (print and colour-blind readers never depend on the colour), ink, fill."""

    symbol: str
    ink: str
    fill: str


CELL_STYLES = {
    Cell.PASS: CellStyle("✓", "#0f5f2b", "#c9ecd2"),
    Cell.PARTIAL: CellStyle("◐", "#7a4b00", "#ffe2a8"),
    Cell.FAIL: CellStyle("✗", "#8c1d18", "#f8c9c4"),
    Cell.UNKNOWN: CellStyle("?", "#3d4452", "#dde1e8"),
    Cell.NOT_AUDITED: CellStyle("–", "#5b6270", "#ffffff"),
}


class Band(StrEnum):
    """An agency's (or a group's) place against the marks: the layout's pass mark and ``excellent``."""

    EXCELLENT = "excellent"
    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True)
class TypeOwner:
    """Who oversees agencies of one type in the province, and who acts inside each of them."""

    supervisor: str
    unit: str


@dataclass(frozen=True)
class ProvinceWords:
    excellent: float
    bands: dict[str, str]
    not_audited: dict[str, str]
    cells: dict[str, str]
    unnamed_province: str
    unnamed_type: str
    charts: dict[str, str]
    measure: dict[str, Any]
    owners: tuple[tuple[tuple[str, ...], TypeOwner], ...]
    default_owner: TypeOwner

    def band(self, score: float | None, pass_mark: float) -> Band | None:
        if score is None:
            return None
        if score >= self.excellent:
            return Band.EXCELLENT
        return Band.PASS if score >= pass_mark else Band.FAIL

    def owner(self, agency_type: str, province: str) -> TypeOwner:
        """The owners for an agency type: the first entry one of whose words the type contains."""
        text = agency_type.lower()
        found = next((owner for words, owner in self.owners if any(w.lower() in text for w in words)),
                     self.default_owner)
        return TypeOwner(found.supervisor.format(province=province), found.unit.format(province=province))


@lru_cache(maxsize=1)
def province_words() -> ProvinceWords:
    data = yaml.safe_load(files("oitcheck.checklists").joinpath("province.th.yaml").read_text(encoding="utf-8"))
    return ProvinceWords(
        excellent=float(data["excellent"]), bands=dict(data["bands"]), not_audited=dict(data["not_audited"]),
        cells=dict(data["cells"]), unnamed_province=data["unnamed_province"], unnamed_type=data["unnamed_type"],
        charts=dict(data["charts"]), measure=dict(data["province_measure"]),
        owners=tuple((tuple(entry["match"]), TypeOwner(entry["supervisor"], entry["unit"]))
                     for entry in data["owners"]),
        default_owner=TypeOwner(data["default_owner"]["supervisor"], data["default_owner"]["unit"]))


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    return yaml.safe_load(files("oitcheck.checklists").joinpath("messages.th.yaml").read_text(encoding="utf-8"))


def status_words() -> dict[str, str]:
    """Thai names of the cells: messages.th.yaml ``status`` and this file's ``cells``."""
    return {**dict(_messages()["status"]), **province_words().cells}


def code_words() -> dict[str, str]:
    """Thai names of the finding codes (messages.th.yaml ``codes``)."""
    return dict(_messages()["codes"])
