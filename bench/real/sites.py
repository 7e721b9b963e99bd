"""The real sites of ``make eval-real`` (``sites.yaml``) and their labels (``labels/<name>.json``, judged on
ita-2568; ``labels/<name>@<layout>.json``, the same site judged on the layout named in its ``checklist``).

A label is the test bed's truth format (tests/testbed/sites/*.json) plus what a real site needs: per item
``contested`` (a reasonable assessor could decide either way: not scored) and ``evidence`` (the site path an
assessor would cite, or null), and at the top ``repository``, ``commit``, ``kind``, ``as_of``, ``year`` and
``broken_links`` (site-relative ``/path?query`` targets that do not exist; see truth_links.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from oitcheck.checks.checklist import load as load_checklist
from oitcheck.errors import BadInput

HERE = Path(__file__).parent
SITES_FILE = HERE / "sites.yaml"
LABELS = HERE / "labels"
STATUSES = ("pass", "partial", "fail")
KINDS = ("local", "hospital", "college")
ITEM_IDS = tuple(f"o{n}" for n in range(1, 29))
DEFAULT_CHECKLIST = "ita-2568"


class LabelError(ValueError):
    """A label file that does not have the agreed shape."""


@dataclass(frozen=True)
class Site:
    """One real site: where its tree comes from and how to serve it."""

    name: str
    repository: str
    commit: str
    kind: str
    docroot: str = "."
    start: str = "/"
    router: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)  # database name -> dump file inside the tree

    @property
    def folder(self) -> str:
        """The working tree's folder name, as ``git clone`` leaves it."""
        return self.repository.split("/", 1)[1]


def load_sites(path: Path = SITES_FILE) -> list[Site]:
    return [Site(**entry) for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]


def label_site(name: str) -> str:
    """The site a label file is about: ``patong@moit-2568`` labels ``patong`` on another layout."""
    return name.split("@", 1)[0]


def label_path(name: str) -> Path:
    return LABELS / f"{name}.json"


def load_label(name: str, folder: Path = LABELS) -> dict[str, Any]:
    """One site's label, checked (``LabelError`` says what is wrong)."""
    path = folder / f"{name}.json"
    label = json.loads(path.read_text(encoding="utf-8"))
    problems = validate_label(label)
    if problems:
        raise LabelError(f"{path}: " + "; ".join(problems))
    return label


def validate_label(label: dict[str, Any]) -> list[str]:
    """Every way ``label`` breaks the agreed format (empty when it is fine)."""
    problems = []
    for key, kind in (("repository", str), ("commit", str), ("kind", str), ("as_of", str), ("year", int),
                      ("items", dict)):
        if not isinstance(label.get(key), kind):
            problems.append(f"{key} missing or not {kind.__name__}")
    if problems:
        return problems
    if not re.fullmatch(r"[0-9a-f]{40}", label["commit"]):
        problems.append("commit is not 40 hex digits")
    if label["kind"] not in KINDS:
        problems.append(f"kind {label['kind']!r} not one of {KINDS}")
    try:
        date.fromisoformat(label["as_of"])
    except ValueError:
        problems.append(f"as_of {label['as_of']!r} is not YYYY-MM-DD")
    checklist = label.get("checklist", DEFAULT_CHECKLIST)
    try:
        ids = ITEM_IDS if checklist == DEFAULT_CHECKLIST else tuple(i.id for i in load_checklist(checklist).items)
    except BadInput as exc:
        return [f"checklist: {exc}"]
    if set(label["items"]) != set(ids):
        problems.append(f"items must be exactly {ids[0]}..{ids[-1]} of {checklist} (missing "
                        f"{sorted(set(ids) - set(label['items']))}, extra {sorted(set(label['items']) - set(ids))})")
    for item_id, item in sorted(label["items"].items()):
        problems += [f"{item_id}: {p}" for p in _item_problems(item)]
    broken = label.get("broken_links", [])
    if not isinstance(broken, list) or not all(isinstance(u, str) and u.startswith("/") for u in broken):
        problems.append("broken_links must be a list of site-relative paths starting with /")
    return problems


def _item_problems(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return ["not an object"]
    problems = []
    if item.get("status") not in STATUSES:
        problems.append(f"status {item.get('status')!r} not one of {STATUSES}")
    if not isinstance(item.get("contested"), bool):
        problems.append("contested must be true or false")
    if not (item.get("evidence") is None or (isinstance(item["evidence"], str) and item["evidence"].startswith("/"))):
        problems.append("evidence must be a site path starting with / or null")
    if not isinstance(item.get("reason"), str) or not item["reason"].strip():
        problems.append("reason missing")
    if not isinstance(item.get("findings", []), list):
        problems.append("findings must be a list")
    return problems
