"""``python -m oitcheck.audit_child FILE|- [--lifeline FD]``: one audit from a serialised ``AuditRequest`` (JSON
in FILE, or on stdin with ``-``); with ``--lifeline``, it kills its own process group when the parent that
holds the other end of pipe FD is gone (``oitcheck.children``), so no audit outlives a killed audit-many.

``audit-many`` runs one of these per agency (Twisted's reactor runs once per process) and hands it the
request itself instead of rebuilding command-line arguments. The exit statuses and the one-line error on
stderr are those of ``oitcheck audit``: 0 done, 2 bad input, 3 site not crawlable, 5 oitcheck failed (the
line says what was kept and where), 130 interrupted. The report it writes carries the request's ``token``
(``run_token``), so the parent never takes an older report in the folder for this audit's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from oitcheck.audit import AuditRequest
from oitcheck.children import LIFELINE_OPTION, watch_lifeline
from oitcheck.cli import run_request, with_exit_status
from oitcheck.errors import BadInput


def read_request(source: str) -> AuditRequest:
    """The request in file ``source``, or on stdin when it is ``-``."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the audit request {source}: {exc}") from None
    return AuditRequest.from_json(text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) == 3 and args[1] == LIFELINE_OPTION and args[2].isdigit():
        watch_lifeline(int(args[2]))  # first: a parent that died while this one started is noticed at once
        args = args[:1]
    if len(args) != 1:
        print(f"usage: python -m oitcheck.audit_child FILE|- [{LIFELINE_OPTION} FD]", file=sys.stderr)
        return 2
    return with_exit_status(lambda: run_request(read_request(args[0])))


if __name__ == "__main__":
    sys.exit(main())
