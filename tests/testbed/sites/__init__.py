"""Test-bed sites: one generator module per site, its ground truth in ``<module>.json`` beside it.

A site module defines ``HOSTS`` (the host keys it serves: ``site`` always, ``files`` for an external
file host) and ``build(hosts)``, which writes through one ``SiteWriter`` per host (``hosts["dead"]``
is a host nobody answers on, for dead links).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).parent


def site_names() -> list[str]:
    """Every site that has a generator and a ground truth beside it."""
    return sorted(info.name for info in pkgutil.iter_modules([str(HERE)]) if (HERE / f"{info.name}.json").exists())


def site_module(name: str) -> ModuleType:
    """Import one site's generator (lazily: a site being written must not break the others)."""
    return importlib.import_module(f"{__name__}.{name}")


def load_truth(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


SITES = site_names()
