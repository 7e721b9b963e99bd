"""Exceptions that map to the contract's exit statuses (2 bad input, 3 site not crawlable, 4 another audit-many
run holds the lock, 5 oitcheck failed, 130 interrupted, 143 terminated)."""


class OitcheckError(Exception):
    """Base class: carries the exit status the CLI returns."""

    exit_status = 2


class BadInput(OitcheckError):
    """The user's input (URL, file, option, checklist) is unusable: exit 2."""

    exit_status = 2


class SiteUnreachable(OitcheckError):
    """The site could not be crawled at all: exit 3."""

    exit_status = 3


class CrawlFailed(SiteUnreachable):
    """The crawler itself failed before it could read the site (a broken setting or component): exit 3,
    with the cause on stderr, never mistaken for a Ctrl-C."""


class RunLocked(OitcheckError):
    """Another audit-many run holds the output folder's or the history database's lock: exit 4, the message
    naming the holder (its process id, host and start time)."""

    exit_status = 4


class InternalError(OitcheckError):
    """oitcheck itself failed (a bug, or an output folder that became unwritable after the checks): exit 5.
    The message says what was kept and where, so a finished crawl is never silently lost."""

    exit_status = 5


class ReportsNotSaved(InternalError):
    """The output folder could not take the reports at the end; they were written to a fallback folder
    (or, when that failed too, nowhere: the message says which)."""


class Interrupted(KeyboardInterrupt):
    """The crawl did not end by itself (Ctrl-C, SIGTERM, a forced stop): no report is written, exit 130.
    A KeyboardInterrupt, so every caller treats it exactly as a Ctrl-C."""

    exit_status = 130
    how = "interrupted"

    def __init__(self, message: str = "", how: str | None = None) -> None:
        super().__init__(message)
        if how is not None:
            self.how = how  # e.g. "interrupted (Ctrl-C)": what stopped it, for the one line on stderr


class Terminated(Interrupted):
    """audit-many was asked to stop by SIGTERM (``kill``, systemd's stop): handled like Ctrl-C, exit 143
    (128 + SIGTERM), as a service manager expects of a process that stopped on its signal."""

    exit_status = 143
    how = "terminated"


class HistoryNotSaved(InternalError):
    """The history database failed during a run (the reports on disk are complete): exit 5, saying so."""
