"""Checklist layouts as data (one YAML file per ITA layout); ``oitcheck/checklists`` links here, so they ship
and are found as the package ``oitcheck.checklists``."""
