"""The command line's value types (argparse ``type=``): each turns a typed word into its value or says, in one
line, what was expected. Shared by every command (``oitcheck.cli``, ``oitcheck.history_cli``)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import date

from oitcheck.errors import BadInput
from oitcheck.fiscal import buddhist_era_date


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD; a Buddhist-Era year (2568-03-15, a likely Thai slip) is named as such."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        value = None
    if be := buddhist_era_date(text):
        raise argparse.ArgumentTypeError(be)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-15")
    return value


def number(convert: Callable[[str], float], kind: str, allowed: Callable[[float], bool],
           rule: str) -> Callable[[str], float]:
    """An argparse type: ``text`` as ``convert`` reads it ("... is not {kind}"), within ``allowed`` ("... {rule}")."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        if not allowed(value):
            raise argparse.ArgumentTypeError(f"{text!r} {rule}")
        return value

    return parse


positive = number(int, "a whole number", lambda v: v >= 1, "must be at least 1")
count = number(int, "a whole number", lambda v: v >= 0, "must be 0 (no limit) or more")
seconds = number(float, "a number of seconds", lambda v: 0 <= v < math.inf, "must be 0 (no limit) or more seconds")
positive_seconds = number(float, "a number of seconds", lambda v: 0 < v < math.inf, "must be more than 0 seconds")
score = number(float, "a score from 0 to 100", lambda v: 0 <= v <= 100, "is not a score from 0 to 100")


def network(text: str) -> str:
    from oitcheck.net import parse_networks

    try:
        parse_networks([text])
    except BadInput:
        raise argparse.ArgumentTypeError(f"{text!r} is not a network like 10.20.0.0/16") from None
    return text
