"""The demo's ground truth (``expected.json``) and the check of a demo report against it.

Shipped in the package, not kept in the tests, so the tests and ``make wheel-check`` (which audits the
demo with an installed wheel, far from any checkout) judge a report by the same rules:
``python -m oitcheck.demo.verify reports/demo/report.json``.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

ITEM_COUNT = 28  # the ita-2568 layout the demo is audited with


@lru_cache(maxsize=1)
def expected() -> dict[str, Any]:
    """``expected.json``: each item's status and failing findings, the EIT QR code, the broken links."""
    return json.loads(files("oitcheck.demo").joinpath("expected.json").read_text(encoding="utf-8"))


def item_ids() -> list[str]:
    """The items the ground truth names, in checklist order."""
    return sorted(expected()["items"], key=lambda i: int(i[1:]))


def layout_problems(report: dict[str, Any]) -> list[str]:
    problems = []
    if len(report["items"]) != ITEM_COUNT:
        problems.append(f"{len(report['items'])} items, expected {ITEM_COUNT}")
    if report["as_of"] != expected()["as_of"]:
        problems.append(f"as_of {report['as_of']}, expected {expected()['as_of']}")
    return problems


def item_problems(report: dict[str, Any], item_id: str) -> list[str]:
    """The item's status must match; its failing findings must include the expected ones."""
    truth = expected()["items"][item_id]
    found = next((item for item in report["items"] if item["id"] == item_id), None)
    if found is None:
        return [f"{item_id}: not in the report"]
    problems = []
    if found["status"] != truth["status"]:
        problems.append(f"{item_id}: {found['status']}, expected {truth['status']} ({truth['reason']})")
    failing = {f["code"] for f in found["findings"] if f.get("severity") == "fail"}
    if missing := sorted(set(truth["findings"]) - failing):
        problems.append(f"{item_id}: findings {', '.join(missing)} missing ({truth['reason']})")
    return problems


def homepage_problems(report: dict[str, Any]) -> list[str]:
    """The EIT QR code found where it is planted, and exactly the planted broken links."""
    truth, eit = expected(), report["homepage"]["eit"]
    problems = [f"EIT {key} {eit.get(key)!r}, expected {truth['eit'][key]!r}"
                for key in ("url", "via") if eit.get(key) != truth["eit"][key]]
    broken = sorted("/" + b["url"].split("/", 3)[3] for b in report["links"]["broken"])
    if broken != sorted(truth["broken_links"]):
        problems.append(f"broken links {broken}, expected {sorted(truth['broken_links'])}")
    return problems


def problems(report: dict[str, Any]) -> list[str]:
    """Every way ``report`` differs from the demo's ground truth; empty when it matches."""
    found = layout_problems(report) + homepage_problems(report)
    for item_id in item_ids():
        found += item_problems(report, item_id)
    return found


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when the demo report matches its ground truth, 1 (listing the differences) when not."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m oitcheck.demo.verify REPORT.json", file=sys.stderr)
        return 2
    report = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    found = problems(report)
    for problem in found:
        print(f"demo: {problem}", file=sys.stderr)
    print(f"demo: {len(item_ids())} items checked against expected.json: "
          + ("all as expected" if not found else f"{len(found)} differences"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
