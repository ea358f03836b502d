"""ecomkit — e-commerce operations metrics (电商运营指标体系) for notebooks.

Metric functions for traffic, conversion, sales, members, CLV, finance,
products, market and marketing; a coherent synthetic shop
(:func:`ecomkit.datasets.make_shop`); and the catalog of every metric with its
口径 (:func:`ecomkit.glossary`).
"""

from . import (  # noqa: F401  (importing a metric module registers its metrics)
    clv,
    conversion,
    diagnosis,
    finance,
    market,
    marketing,
    member,
    product,
    sales,
    traffic,
)
from .catalog import get_metric, glossary

__version__ = "0.1.0"

__all__ = ["get_metric", "glossary", "__version__"]
