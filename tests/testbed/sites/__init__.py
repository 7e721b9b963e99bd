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


def _discover() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules([str(HERE)]):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "build") and (HERE / f"{info.name}.json").exists():
            found[info.name] = module
    return found


def load_truth(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


SITES = _discover()
