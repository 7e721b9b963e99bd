"""Staff decisions an audit applies: pinned evidence and accepted findings (history-contract.md).

The history store keeps them and hands them to the next audit as these records; the rules and the reports
only read them. A decision names an item by its id in the layout it was made on and, when known, by the
item's stable ``key``, so a pin made on 2568's O12 still applies to 2569's O11 (the same disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oitcheck.net import canonical


@dataclass(frozen=True)
class Pin:
    """"This URL is our evidence for the item" (what the agency submits in ITAS): re-verified every run."""

    item: str  # item id when pinned (o12)
    url: str
    key: str | None = None  # the item's stable key, when the layout was known
    note: str = ""
    id: int | None = None  # the store's row id (for `oitcheck unpin`)


@dataclass(frozen=True)
class Acceptance:
    """A finding staff accept (for ``reason``) up to and including ``until``: listed apart, out of the fix list,
    never changing the score. ``code`` None accepts every finding of the item; ``url`` None any URL."""

    item: str
    reason: str
    code: str | None = None
    url: str | None = None
    until: date | None = None
    key: str | None = None
    id: int | None = None

    def live(self, as_of: date) -> bool:
        """Still in force on ``as_of``: it applies through its ``until`` date and expires the day after."""
        return self.until is None or as_of <= self.until


def same_item(decision_item: str, decision_key: str | None, item_id: str, item_key: str) -> bool:
    """A decision names the item by key when it has one (renumbering keeps keys), else by id."""
    return decision_key == item_key if decision_key else decision_item == item_id


@dataclass(frozen=True)
class Decisions:
    """Every decision for one agency, as the store holds them on the day of the audit."""

    pins: tuple[Pin, ...] = ()
    accepted: tuple[Acceptance, ...] = ()

    def pin_for(self, item_id: str, item_key: str) -> Pin | None:
        """The item's pinned evidence (the newest pin wins when there are several)."""
        found = [p for p in self.pins if same_item(p.item, p.key, item_id, item_key)]
        return found[-1] if found else None

    def acceptance(self, item_id: str, item_key: str, code: str, url: str | None,
                   as_of: date) -> Acceptance | None:
        """The live acceptance that covers finding ``code`` at ``url`` of the item, if any."""
        for accepted in self.accepted:
            if not same_item(accepted.item, accepted.key, item_id, item_key) or not accepted.live(as_of):
                continue
            if accepted.code not in (None, code):
                continue
            if accepted.url is not None and (url is None or not same_url(accepted.url, url)):
                continue
            return accepted
        return None


def same_url(a: str, b: str) -> bool:
    """URLs compared as the contract says (after normalisation)."""
    return canonical(a) == canonical(b)
