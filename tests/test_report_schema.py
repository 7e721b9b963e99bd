"""The shipped JSON Schemas (report-1, summary-1) are valid schemas of the draft they name: checked here once,
not on every audit (oitcheck.report.schema builds its validators without it)."""

from __future__ import annotations

import jsonschema
import pytest

from oitcheck.report.schema import REPORT_SCHEMA, SUMMARY_SCHEMA, _schema, validate_report


@pytest.mark.parametrize("name", [REPORT_SCHEMA, SUMMARY_SCHEMA])
def test_the_shipped_schemas_are_valid_under_their_metaschema(name: str):
    schema = _schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    assert cls.META_SCHEMA["$id"].startswith(schema["$schema"].rstrip("#"))


def test_a_report_that_breaks_the_contract_is_refused():
    with pytest.raises(jsonschema.ValidationError):
        validate_report({"schema": "oitcheck.report/1"})
