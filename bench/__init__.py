"""Benchmarks for oitcheck (``make bench``); a package only so ``run.py`` can import ``bench.site``."""
