"""oitcheck: audit Thai public agency websites against the OIT part of the ITA assessment."""

__version__ = "0.1.0"
