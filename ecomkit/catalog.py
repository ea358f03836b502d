"""The metric catalog (指标体系) as a table: ``glossary()`` and ``get_metric()``."""

from __future__ import annotations

import pandas as pd

from ._catalog import FAMILIES, Metric, registry
from ._validation import check_option

__all__ = ["FAMILIES", "Metric", "get_metric", "glossary"]

_COLUMNS = [
    "id",
    "name",
    "name_zh",
    "family",
    "formula",
    "numerator",
    "denominator",
    "window",
    "basis",
    "unit",
    "variants",
    "function",
    "notes",
]


def glossary(family: str | None = None, search: str | None = None) -> pd.DataFrame:
    """The bilingual metric catalog as a DataFrame, one row per metric.

    Parameters
    ----------
    family : str, optional
        Keep one family (``"traffic"``, ``"conversion"``, ``"sales"``, ...).
    search : str, optional
        Keep metrics whose id, English name, 中文名, formula or notes contain
        this text (case-insensitive), in either language.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, name, name_zh, family, formula, numerator, denominator,
        window, basis, unit, variants, function, notes``, sorted by family (in
        the order of :data:`FAMILIES`) then id. ``variants`` is a
        ``"name: formula; ..."`` string.

    Examples
    --------
    >>> import ecomkit
    >>> g = ecomkit.glossary(search="客单价")
    >>> "revenue_per_buyer" in set(g["id"])
    True
    """
    if family is not None:
        check_option(family, FAMILIES, "glossary", param="family")
    rows = []
    for m in registry().values():
        rows.append(
            {
                "id": m.id,
                "name": m.name,
                "name_zh": m.name_zh,
                "family": m.family,
                "formula": m.formula,
                "numerator": m.numerator,
                "denominator": m.denominator,
                "window": m.window,
                "basis": m.basis,
                "unit": m.unit,
                "variants": "; ".join(f"{k}: {v}" for k, v in m.variants.items()),
                "function": f"ecomkit.{m.function.__name__}",
                "notes": m.notes,
            }
        )
    table = pd.DataFrame(rows, columns=_COLUMNS)
    if family is not None:
        table = table[table["family"] == family]
    if search:
        needle = str(search).lower()
        hay = (
            table["id"] + " " + table["name"] + " " + table["name_zh"] + " "
            + table["formula"] + " " + table["notes"] + " " + table["variants"]
        ).str.lower()
        table = table[hay.str.contains(needle, regex=False)]
    order = {f: i for i, f in enumerate(FAMILIES)}
    table = table.assign(_o=table["family"].map(order)).sort_values(["_o", "id"])
    return table.drop(columns="_o").reset_index(drop=True)


def get_metric(metric_id: str) -> Metric:
    """The catalog entry of one metric (formula, 中文名, function, ...)."""
    reg = registry()
    if metric_id not in reg:
        raise KeyError(
            f"get_metric(): no metric {metric_id!r} in the catalog. Search it with "
            f"`ecomkit.glossary(search=...)`; known ids include {sorted(reg)[:10]}..."
        )
    return reg[metric_id]
