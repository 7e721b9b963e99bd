"""``python -m oitcheck.audit_child FILE|-``: one audit from a serialised ``AuditRequest`` (JSON in FILE, or on
stdin with ``-``).

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
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m oitcheck.audit_child FILE|-", file=sys.stderr)
        return 2
    return with_exit_status(lambda: run_request(read_request(args[0])))


if __name__ == "__main__":
    sys.exit(main())
