"""Checklist layouts as data (one YAML file per ITA layout); installed as ``oitcheck.checklists``."""
