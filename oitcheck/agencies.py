"""audit-many's input: the agencies of a CSV, each agency once.

An agency is its homepage URL normalised (``net.agency_key``, the history contract's identity): a CSV that
lists one twice (with and without ``www.``, http and https, a trailing slash) has it audited and reported once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from oitcheck.checks.checklist import load
from oitcheck.errors import BadInput
from oitcheck.net import agency_key

MAX_ROWS = 10_000


class AgencyStatus(StrEnum):
    """An agency's outcome in summary.json; every one but ``done`` is "not audited", with its reason."""

    DONE = "done"
    BAD_INPUT = "bad_input"  # the child exited 2
    UNREACHABLE = "unreachable"  # 3: the site could not be crawled
    TIME_LIMIT = "time_limit"  # stopped after --agency-time-limit
    INTERRUPTED = "interrupted"  # 130: the child was stopped by a signal it handled
    ERROR = "error"  # anything else: the child failed (5), crashed, or wrote no report of this run


@dataclass
class Agency:
    row: int
    name: str
    url: str
    province: str = ""
    type: str = ""
    checklist: str = ""  # the CSV's checklist column: this agency's layout (a hospital's MOIT), else the run's

    @property
    def folder(self) -> str:
        host = re.sub(r"^https?://", "", self.url).split("/")[0].split(":")[0]
        slug = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip("-") or "agency"
        return f"{self.row:03d}-{slug}"

    def entry(self) -> dict[str, Any]:
        """What summary.json says of every agency, whatever its audit's outcome."""
        return {"row": self.row, "name": self.name, "url": self.url, "province": self.province, "type": self.type,
                "folder": self.folder}


def read_agencies(path: Path) -> list[Agency]:
    """Agencies from a CSV with columns name,url[,province,type,checklist] (UTF-8, BOM from Excel allowed).

    Every layout the checklist column names is loaded here, so a misspelt one is one error before any audit."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"no such file: {path}") from None
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp874")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: not a UTF-8 or Thai (cp874) text file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"name", "url"} <= columns:
        raise BadInput(f"{path}: needs a header row with columns name,url[,province,type,checklist]")
    agencies = []
    for number, row in enumerate(reader, start=1):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("url") and not row.get("name"):
            continue
        if number > MAX_ROWS:
            raise BadInput(f"{path}: more than {MAX_ROWS} agencies")
        agencies.append(Agency(number, row.get("name") or row.get("url", ""), row.get("url", ""),
                               row.get("province", ""), row.get("type", ""), row.get("checklist", "")))
    if not agencies:
        raise BadInput(f"{path}: no agencies listed")
    for name in sorted({a.checklist for a in agencies if a.checklist}):
        try:
            load(name)
        except BadInput as exc:
            row = next(a.row for a in agencies if a.checklist == name)
            raise BadInput(f"{path}: row {row}: {exc}") from None
    return agencies


def identity(agency: Agency) -> str:
    """An agency's identity across rows and runs: ``net.agency_key`` of its URL (its row for a URL that has
    none, which its audit then refuses)."""
    try:
        key = agency_key(agency.url) if agency.url.strip() else ""
    except ValueError:
        key = ""
    return key or f"row {agency.row}"


def unique_agencies(agencies: list[Agency], warn: Callable[[str], None]) -> list[Agency]:
    """One entry per agency: rows naming one agency again (the same ``identity``) are audited and reported
    once, as its first row; ``warn`` hears which rows."""
    first: dict[str, Agency] = {}
    again: dict[str, list[int]] = {}
    for agency in agencies:
        key = identity(agency)
        if key in first:
            again.setdefault(key, []).append(agency.row)
        else:
            first[key] = agency
    for key, rows in again.items():
        listed = ", ".join(str(row) for row in [first[key].row, *rows])
        warn(f"rows {listed} list one agency ({key}): audited and reported once, as row {first[key].row}")
    return list(first.values())
