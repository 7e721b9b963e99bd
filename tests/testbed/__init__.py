"""The labelled test bed: realistic Thai agency sites with ground truth, and ``make eval``."""
