"""The presence rule: a component holds when working evidence that names it exists, for the right year
(``oitcheck.checks.judge`` decides which evidence counts)."""

from __future__ import annotations

from oitcheck.checks.base import ComponentCheck


class KeywordsCheck(ComponentCheck):
    """Presence of the component in working, current evidence; nothing more is asked of it."""

    name = "keywords"
