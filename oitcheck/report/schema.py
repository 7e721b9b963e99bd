"""The shipped JSON Schema of report.json and a validator for it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import jsonschema


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    return json.loads(files("oitcheck").joinpath("schemas/report-1.schema.json").read_text(encoding="utf-8"))


def validate_report(report: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``report`` breaks the contract."""
    jsonschema.validate(report, report_schema(), format_checker=jsonschema.FormatChecker())
