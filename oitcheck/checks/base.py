"""The component-check plugin base, and the registry that maps a checklist's ``check:`` names to checks.

A check is one module of this package whose name is its ``check:`` value (``keywords``, ``news``...).
Most checks first need the component to be present (``judge`` over the candidates that name it) and
then ask more of the chosen evidence: they override ``refine``, which runs only on a component found
``ok``. A check that is not about presence (the EIT QR code) overrides ``check`` itself.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import ClassVar

from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.context import AuditContext
from oitcheck.checks.judge import judge, relevant
from oitcheck.checks.rejections import Rejection
from oitcheck.checks.results import ComponentResult, ComponentState

_REGISTRY: dict[str, type[ComponentCheck]] = {}


class ComponentCheck:
    """A family of component rules, named by the ``check:`` value of the components it judges."""

    name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.rsplit(".", 1)[-1] == cls.name:  # the module's own check, not a helper subclass
            _REGISTRY[cls.name] = cls

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        result = self.presence(ctx, item, component)
        return self.refine(ctx, item, component, result) if result.state == ComponentState.OK else result

    def presence(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        """Working, current evidence that names the component; where none, where the tool looked."""
        named = relevant(ctx, item, component)
        result = judge(ctx, item, component, named)
        if result.state != ComponentState.OK and component.keywords:  # the item's, but not this component's
            urls = {c.url for c in named}
            for candidate in ctx.candidates.get(item.id, []):
                if candidate.url not in urls:
                    result.reject(candidate, Rejection.OFF_TOPIC)
        if not result.evidence:  # show staff where the tool looked for the item
            result.evidence = [c for c in ctx.candidates.get(item.id, []) if c.other_section is None][:3]
        return result

    def refine(self, ctx: AuditContext, item: Item, component: Component, result: ComponentResult) -> ComponentResult:
        """What the check asks of evidence found present (nothing more, by default)."""
        return result


@cache
def checks() -> dict[str, ComponentCheck]:
    """Every check of this package by name: each module is imported once and registers its check."""
    package = importlib.import_module("oitcheck.checks")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"oitcheck.checks.{module.name}")
    return {name: cls() for name, cls in sorted(_REGISTRY.items())}


def check_names() -> frozenset[str]:
    return frozenset(checks())
