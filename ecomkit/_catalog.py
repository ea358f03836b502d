"""The metric registry: every public metric function registers itself here.

A metric function is decorated once per metric it computes::

    @register_metric(
        "aov", name="Average order value", name_zh="笔单价", family="sales",
        formula="paid amount ÷ paid orders", numerator="Σ paid_amount of paid orders",
        denominator="paid orders", window="orders paid in [start, end]",
        basis="paid_amount", unit="currency/order",
    )
    def aov(orders, *, ...): ...

The glossary, the notebooks and the docs read formulas from here; nothing
restates a formula by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

FAMILIES = (
    "traffic",
    "conversion",
    "sales",
    "diagnosis",
    "member",
    "clv",
    "finance",
    "fulfilment",
    "product",
    "market",
    "marketing",
)


@dataclass(frozen=True)
class Metric:
    """One catalog entry."""

    id: str
    name: str
    name_zh: str
    family: str
    formula: str
    unit: str
    function: Callable
    numerator: str = ""
    denominator: str = ""
    window: str = ""
    basis: str = ""
    variants: dict = field(default_factory=dict)
    notes: str = ""

    @property
    def function_name(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


_REGISTRY: dict[str, Metric] = {}


def register_metric(
    id: str,
    *,
    name: str,
    name_zh: str,
    family: str,
    formula: str,
    unit: str,
    numerator: str = "",
    denominator: str = "",
    window: str = "",
    basis: str = "",
    variants: dict | None = None,
    notes: str = "",
):
    """Decorator registering ``id`` as computed by the decorated function.

    ``variants`` maps each named variant (the value of the function's
    ``method=`` / ``basis=`` option) to its formula.
    """
    if family not in FAMILIES:
        raise ValueError(f"register_metric(): unknown family {family!r}; use one of {FAMILIES}.")

    def decorate(func):
        if id in _REGISTRY and _REGISTRY[id].function is not func:
            raise ValueError(f"register_metric(): metric id {id!r} is registered twice.")
        _REGISTRY[id] = Metric(
            id=id,
            name=name,
            name_zh=name_zh,
            family=family,
            formula=formula,
            unit=unit,
            function=func,
            numerator=numerator,
            denominator=denominator,
            window=window,
            basis=basis,
            variants=dict(variants or {}),
            notes=notes,
        )
        ids = getattr(func, "__metric_ids__", ())
        func.__metric_ids__ = (*ids, id)
        return func

    return decorate


def registry() -> dict[str, Metric]:
    """All registered metrics, importing every metric module first."""
    import ecomkit  # noqa: F401  (importing the package registers all modules)

    return dict(_REGISTRY)
