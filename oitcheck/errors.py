"""Exceptions that map to the contract's exit statuses (2 bad input, 3 site not crawlable)."""


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
