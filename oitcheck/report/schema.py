"""The shipped JSON Schemas of report.json and summary.json, and validators for them: a document that breaks its
contract is refused before it is written, never handed to the nightly jobs and scripts that read it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

REPORT_SCHEMA = "report-1.schema.json"
SUMMARY_SCHEMA = "summary-1.schema.json"


@lru_cache(maxsize=2)
def _schema(name: str) -> dict[str, Any]:
    return json.loads(files("oitcheck").joinpath(f"schemas/{name}").read_text(encoding="utf-8"))


def report_schema() -> dict[str, Any]:
    return _schema(REPORT_SCHEMA)


def summary_schema() -> dict[str, Any]:
    return _schema(SUMMARY_SCHEMA)


def validate_report(report: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``report`` breaks the contract."""
    _validator(REPORT_SCHEMA).validate(report)


@lru_cache(maxsize=2)
def _validator(name: str) -> Validator:
    """The validator, built once per process (audit-many validates a report per agency). The shipped schemas are
    checked against their metaschema by the tests (tests/test_report_schema.py), not on every run: that check
    costs as much as validating a 2,000-page report."""
    schema = _schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_summary(summary: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when audit-many's ``summary`` breaks ``oitcheck.summary/1``."""
    _validator(SUMMARY_SCHEMA).validate(summary)
