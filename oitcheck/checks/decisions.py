"""Staff decisions an audit applies: pinned evidence and accepted findings (history-contract.md).

The history store keeps them and hands them to the next audit as these records; the rules and the reports
only read them. A decision names an item by its id in the layout it was made on and, when known, by the
item's stable ``key``, so a pin made on 2568's O12 still applies to 2569's O11 (the same disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oitcheck.net import canonical

PIN, ACCEPT = "pin", "accept"  # the kinds of decision, as the store keeps them


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

    def covers(self, item_id: str, item_key: str, code: str, url: str | None) -> bool:
        """Whether it names finding ``code`` at ``url`` of the item, live or not."""
        if not same_item(self.item, self.key, item_id, item_key) or self.code not in (None, code):
            return False
        return self.url is None or (url is not None and same_url(self.url, url))


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
        return next((a for a in self.accepted if a.covers(item_id, item_key, code, url) and a.live(as_of)), None)

    def expired(self, item_id: str, item_key: str, code: str, url: str | None, as_of: date) -> Acceptance | None:
        """The acceptance that covered the finding until it expired before ``as_of`` (none live covers it):
        the finding is back in the fix list, and the report says since when."""
        if self.acceptance(item_id, item_key, code, url, as_of) is not None:
            return None
        gone = [a for a in self.accepted if a.covers(item_id, item_key, code, url) and not a.live(as_of)]
        return max(gone, key=lambda a: a.until or as_of) if gone else None


def same_url(a: str, b: str) -> bool:
    """URLs compared as the contract says (after normalisation)."""
    return canonical(a) == canonical(b)
