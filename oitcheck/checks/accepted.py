"""Accepted findings (``oitcheck accept``): staff's word that a finding is known and will stay, for a reason and
until a date.

The rules mark the findings here, in the outcome, and the reports only format the mark: an accepted finding is
listed apart with its reason and expiry and left out of the fix list (an item whose every failing finding is
accepted leaves the measures too), but the item's status and score never change: the score is what the
assessors would see. An acceptance applies through its ``until`` date; from the day after, the finding is
back in the fix list and carries the acceptance that expired, so the report can say since when.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from oitcheck.checks.decisions import Decisions
from oitcheck.checks.results import Finding, ItemResult


def with_acceptances(result: ItemResult, decisions: Decisions, as_of: date) -> ItemResult:
    """``result`` with each finding a decision covers marked accepted (live on ``as_of``) or expired."""
    if not decisions.accepted:
        return result
    item = result.item
    marked: list[Finding] = []
    for finding in result.findings:
        live = decisions.acceptance(item.id, item.key, finding.code, finding.url, as_of)
        gone = None if live else decisions.expired(item.id, item.key, finding.code, finding.url, as_of)
        marked.append(dataclasses.replace(finding, accepted=live, expired=gone) if live or gone else finding)
    return dataclasses.replace(result, findings=marked)
