"""The pipeline's direction: crawl (spiders) -> extract -> checks -> report -> store. A later stage never reaches
back into an earlier one, and the report formats the audit's outcome without recomputing any of it; the store
keeps the report documents (and hands staff decisions to the next audit as the checks' own records)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "oitcheck"
# What each stage may not import (module prefixes).
FORBIDDEN = {
    "extract": ("oitcheck.spiders", "oitcheck.checks", "oitcheck.report", "oitcheck.crawl", "oitcheck.audit",
                "oitcheck.pipelines", "oitcheck.middlewares", "oitcheck.store"),
    "spiders": ("oitcheck.checks", "oitcheck.report", "oitcheck.audit", "oitcheck.store"),
    "checks": ("oitcheck.spiders", "oitcheck.report", "oitcheck.crawl", "oitcheck.pipelines",
               "oitcheck.middlewares", "oitcheck.audit", "oitcheck.store"),
    "report": ("oitcheck.spiders", "oitcheck.crawl", "oitcheck.pipelines", "oitcheck.records",
               "oitcheck.checks.currency", "oitcheck.checks.engine", "oitcheck.checks.context",
               "oitcheck.checks.checklist", "oitcheck.audit", "oitcheck.extract", "oitcheck.store"),
    "store": ("oitcheck.spiders", "oitcheck.crawl", "oitcheck.pipelines", "oitcheck.middlewares",
              "oitcheck.extract", "oitcheck.audit", "oitcheck.report", "oitcheck.checks.engine",
              "oitcheck.checks.context"),
}
# The one thing the report takes from an earlier stage: how a date is written for Thai readers.
ALLOWED = {("report", "oitcheck.extract.dates", "format_thai_date")}


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from oitcheck... import name`` and ``import oitcheck...`` in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("oitcheck"):
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.startswith("oitcheck")]
    return found


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_no_stage_reaches_back(stage: str) -> None:
    wrong = []
    for path in sorted((PACKAGE / stage).glob("*.py")):
        for module, name in imports(path):
            if module.startswith(FORBIDDEN[stage]) and (stage, module, name) not in ALLOWED:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}: {module}.{name}")
    assert wrong == []


def test_crawl_records_are_typed() -> None:
    """No crawl record is a bare dict: the spider and pipelines build the dataclasses of oitcheck.records."""
    for name in ("spiders/site.py", "pipelines.py", "linkcache.py"):
        source = (PACKAGE / name).read_text(encoding="utf-8")
        assert "scrapy.Item" not in source and '"links" in' not in source, name
