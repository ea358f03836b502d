"""Product and inventory metrics (商品 / 库存分析).

Sales by product and category, ABC (Pareto) classes, hot items 爆款,
sell-through 售罄率, inventory turnover 库存周转, stock-out rate 缺货率,
SKU dynamic sales rate 动销率 and refund rate by category 类目退款率.

Product money is the **line paid amount** 商品支付金额 of paid orders:
``quantity × unit_price − line discount_amount``. Shipping is charged per
order, not per product, so it is left out: summed over all products the line
paid amount equals ``Σ paid_amount − Σ shipping_fee`` of the same orders.
Orders count when paid (``paid_ts`` set) and the window is on ``paid_ts``, as
everywhere in ecomkit (see :func:`ecomkit._orders.paid_orders`).

One ``product_id_col`` names the product column in every table passed
(``order_items``, ``products``, ``inventory``); the same holds for
``order_id_col`` and ``unit_cost_col``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._keys import count_distinct
from ._orders import paid_orders
from ._validation import (
    check_datetime,
    check_no_missing,
    check_number,
    check_numeric,
    check_option,
    check_same_ids,
    check_table,
    check_window,
    safe_divide,
    window_mask,
)

__all__ = [
    "abc_classes",
    "days_of_inventory",
    "hot_items",
    "inventory_turnover",
    "product_refund_rate",
    "product_sales",
    "sell_through_rate",
    "sku_dynamic_sales_rate",
    "stockout_rate",
]

_FAMILY = "product"
_LINE_AMOUNT = "quantity × unit_price − line discount_amount (shipping excluded)"


# ------------------------------------------------------------- helpers ----
def _check_products(products, func: str, *, product_id_col: str, columns: dict):
    check_table(
        products, func, param="products",
        columns={"product_id_col": product_id_col, **columns}, hint="shop.products",
    )
    check_no_missing(products, product_id_col, func, param="product_id_col")
    dup = products[product_id_col].duplicated().to_numpy()
    if dup.any():
        raise ValueError(
            f"{func}(): `products` has {int(dup.sum())} duplicated value(s) in "
            f"{product_id_col!r} (from `product_id_col`); one row per product is "
            f"needed. Examples: {products.loc[dup, product_id_col].head(3).tolist()}."
        )
    if "category_col" in columns:
        check_no_missing(products, columns["category_col"], func,
                         param="category_col", what="categories")
    return products


def _category_of(
    product_ids: pd.Series, products: pd.DataFrame, func: str, *,
    product_id_col: str, category_col: str, table: str,
) -> pd.Series:
    """The category of each product id; unknown products are an error, not NaN."""
    check_same_ids(
        product_ids, products[product_id_col], func,
        left_param=f"`{table}`", right_param="`products`",
    )
    lookup = pd.Series(
        products[category_col].to_numpy(), index=products[product_id_col].to_numpy()
    )
    if isinstance(products[category_col].dtype, pd.CategoricalDtype):
        lookup = lookup.astype(products[category_col].dtype)
    known = product_ids.isin(lookup.index).to_numpy()
    if not known.all():
        missing = pd.unique(product_ids[~known])[:3].tolist()
        raise ValueError(
            f"{func}(): {int((~known).sum())} row(s) of `{table}` have a product that "
            f"is not in `products` (e.g. {missing}). Add those products to "
            f"`products` or drop the rows."
        )
    return product_ids.map(lookup)


def _paid_lines(
    order_items, orders, func: str, *, start, end, order_id_col: str,
    product_id_col: str, quantity_col: str, paid_ts_col: str,
    unit_price_col: str | None = None, discount_amount_col: str | None = None,
    unit_cost_col: str | None = None, customer_id_col: str | None = None,
) -> pd.DataFrame:
    """Lines of the orders paid in ``[start, end]``.

    Columns ``order_id, product_id, quantity``; ``amount`` (line paid amount)
    when the price and discount columns are given; ``cogs`` (quantity ×
    unit_cost) when the cost column is given; ``customer_id`` when asked.
    The caller's frames are never modified.
    """
    cols = {"order_id_col": order_id_col, "product_id_col": product_id_col,
            "quantity_col": quantity_col}
    with_amount = unit_price_col is not None
    if with_amount:
        cols["unit_price_col"] = unit_price_col
        cols["discount_amount_col"] = discount_amount_col
    if unit_cost_col is not None:
        cols["unit_cost_col"] = unit_cost_col
    check_table(order_items, func, param="order_items", columns=cols,
                hint="shop.order_items")
    check_no_missing(order_items, order_id_col, func, param="order_id_col")
    check_no_missing(order_items, product_id_col, func, param="product_id_col")
    for p in list(cols)[2:]:  # quantity, prices, cost: numbers >= 0
        check_numeric(order_items, cols[p], func, param=p, table="order_items",
                      nonnegative=True)
    extra = {"order_id_col": order_id_col}
    if customer_id_col is not None:
        extra["customer_id_col"] = customer_id_col
    paid = paid_orders(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                       columns=extra)
    check_no_missing(paid, order_id_col, func, param="order_id_col")
    check_same_ids(order_items[order_id_col], orders[order_id_col], func,
                   left_param="`order_items`", right_param="`orders`")
    items = order_items.loc[order_items[order_id_col].isin(paid[order_id_col])]
    qty = items[quantity_col]
    out = pd.DataFrame({
        "order_id": items[order_id_col].to_numpy(),
        "product_id": items[product_id_col].to_numpy(),
        "quantity": qty.to_numpy(),
    })
    if with_amount:
        amount = qty * items[unit_price_col] - items[discount_amount_col]
        out["amount"] = amount.to_numpy(dtype="float64")
    if unit_cost_col is not None:
        out["cogs"] = (qty * items[unit_cost_col]).to_numpy(dtype="float64")
    if customer_id_col is not None:
        cust = pd.Series(paid[customer_id_col].to_numpy(),
                         index=paid[order_id_col].to_numpy())
        out["customer_id"] = out["order_id"].map(cust).to_numpy()
    return out


def _distinct_per_key(keys, values) -> pd.Series:
    """Number of distinct ``values`` per key (a fast ``groupby().nunique()``)."""
    kc, ku = pd.factorize(keys)
    vc, vu = pd.factorize(values)
    return pd.Series(count_distinct(kc, vc, len(ku), len(vu)), index=ku)


def _count_dtype(s: pd.Series) -> str:
    return "int64" if pd.api.types.is_integer_dtype(s.dtype) else "float64"


def _sales_table(lines, products, func, *, level, product_id_col, category_col):
    """units / orders / paid_amount / gross_profit / share per product or category.

    Internal key columns ``product_id`` (and ``category`` when products are
    given) or ``category``; unsorted.
    """
    if products is not None:
        lines = lines.assign(category=_category_of(
            lines["product_id"], products, func, product_id_col=product_id_col,
            category_col=category_col, table="order_items"))
    key = "product_id" if level == "product" else "category"
    g = lines.groupby(key, observed=True, sort=False)
    sums = {"units": ("quantity", "sum"), "paid_amount": ("amount", "sum")}
    if "cogs" in lines.columns:
        sums["cogs"] = ("cogs", "sum")
    table = g.agg(**sums)
    # orders = distinct paid orders holding the product (or category)
    table["orders"] = _distinct_per_key(lines[key], lines["order_id"])
    if products is not None:
        # every product (or category) of the catalogue appears, with 0 when unsold
        if level == "product":
            universe = pd.Index(products[product_id_col].to_numpy())
        else:
            universe = pd.Index(pd.unique(products[category_col].dropna()))
        table = table.reindex(table.index.union(universe, sort=False), fill_value=0)
    # gross profit needs costs; ABC does not ask for them
    table["gross_profit"] = (table["paid_amount"] - table["cogs"]
                             if "cogs" in table.columns else np.nan)
    table["share"] = safe_divide(table["paid_amount"], table["paid_amount"].sum())
    table = table.rename_axis(key).reset_index()
    if products is not None and level == "product":
        table.insert(1, "category", _category_of(
            table["product_id"], products, func, product_id_col=product_id_col,
            category_col=category_col, table="products").array)
    if products is not None and level == "category":
        table["category"] = table["category"].astype(products[category_col].dtype)
    table["units"] = table["units"].astype(_count_dtype(lines["quantity"]))
    table["orders"] = table["orders"].astype("int64")
    keys = [c for c in ("product_id", "category") if c in table.columns]
    return table[keys + ["units", "orders", "paid_amount", "gross_profit", "share"]]


def _sort_desc(table: pd.DataFrame, value: str, key: str) -> pd.DataFrame:
    """Largest value first; ties by key ascending (deterministic)."""
    return table.sort_values([value, key], ascending=[False, True],
                             kind="mergesort").reset_index(drop=True)


# -------------------------------------------------------- product sales ----
@register_metric(
    "product_sales",
    name="Sales by product / category",
    name_zh="商品销售 / 类目销售",
    family=_FAMILY,
    formula="per product (or category): units, paid orders, line paid amount, "
    "gross profit = line paid amount − quantity × unit_cost, "
    "share = its line paid amount ÷ Σ line paid amount",
    numerator="line paid amount of the product",
    denominator="line paid amount of all products (for share)",
    window="orders paid in [start, end] (paid_ts)",
    basis="line paid amount = " + _LINE_AMOUNT,
    unit="currency, units, fraction",
    notes="Σ line paid amount over products = Σ paid_amount − Σ shipping_fee.",
)
def product_sales(
    order_items: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    products: pd.DataFrame | None = None,
    level: str = "product",
    start=None,
    end=None,
    order_id_col: str = "order_id",
    product_id_col: str = "product_id",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    discount_amount_col: str = "discount_amount",
    unit_cost_col: str = "unit_cost",
    paid_ts_col: str = "paid_ts",
    category_col: str = "category",
) -> pd.DataFrame:
    """Sales by product or by category 商品/类目销售: units, orders, money, profit, share.

    For each product (or category), over the orders paid in the window:

    - ``units`` = Σ quantity;
    - ``orders`` = paid orders holding it (an order with two of its lines
      counts once);
    - ``paid_amount`` 商品支付金额 = Σ (quantity × unit_price − line
      discount_amount); shipping is an order-level fee and is excluded;
    - ``gross_profit`` 毛利 = paid_amount − Σ quantity × unit_cost
      (``order_items.unit_cost``, the cost at the time of sale);
    - ``share`` = paid_amount ÷ Σ paid_amount of all products (NaN when
      nothing was sold).

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines: ``order_id, product_id, quantity, unit_price,
        discount_amount, unit_cost``.
    orders : pandas.DataFrame
        Orders: ``order_id, paid_ts`` (an order is paid when ``paid_ts`` is set).
    products : pandas.DataFrame, default=None
        ``product_id, category``. Needed for ``level="category"``. When given,
        every product (or category) appears, with zeros when it did not sell,
        and product rows carry their ``category``.
    level : {"product", "category"}, default="product"
        Rows per product or per category.
    start, end : date-like, default=None
        Inclusive window on ``paid_ts``; ``None`` leaves a side open.
    order_id_col, product_id_col, quantity_col, unit_price_col, \
discount_amount_col, unit_cost_col, paid_ts_col, category_col : str
        Column names (canonical by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id`` (and ``category`` when ``products`` is given) or
        ``category``, then ``units, orders, paid_amount, gross_profit, share``.
        Sorted by ``paid_amount`` descending, ties by key ascending.

    Raises
    ------
    ValueError
        Missing column, negative money, a sold product absent from
        ``products``, ``level="category"`` without ``products``.
    TypeError
        Non-numeric money, string dates, order ids of different types.

    See Also
    --------
    abc_classes : Pareto classes on the same paid amounts.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-02", "2024-01-03", None])})
    >>> items = pd.DataFrame({"order_id": [1, 1, 2, 3], "product_id": [10, 11, 10, 11],
    ...     "quantity": [2, 1, 1, 5], "unit_price": [50.0, 20.0, 50.0, 20.0],
    ...     "discount_amount": [10.0, 0.0, 0.0, 0.0],
    ...     "unit_cost": [30.0, 8.0, 30.0, 8.0]})
    >>> ep.product_sales(items, orders=orders)
       product_id  units  orders  paid_amount  gross_profit     share
    0          10      3       2        140.0          50.0  0.875
    1          11      1       1         20.0          12.0  0.125
    """
    func = "product_sales"
    check_option(level, ("product", "category"), func, param="level")
    if level == "category" and products is None:
        raise ValueError(
            f"{func}(): `level='category'` needs `products` (the table mapping "
            "product_id to category), e.g. `products=shop.products`."
        )
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        unit_price_col=unit_price_col, discount_amount_col=discount_amount_col,
        unit_cost_col=unit_cost_col, paid_ts_col=paid_ts_col,
    )
    if products is not None:
        _check_products(products, func, product_id_col=product_id_col,
                        columns={"category_col": category_col})
    table = _sales_table(lines, products, func, level=level,
                         product_id_col=product_id_col, category_col=category_col)
    key = "product_id" if level == "product" else "category"
    table = _sort_desc(table, "paid_amount", key)
    return table.rename(columns={"product_id": product_id_col,
                                 "category": category_col})


# ------------------------------------------------------------------ ABC ----
@register_metric(
    "abc_class",
    name="ABC (Pareto) class",
    name_zh="ABC 分类",
    family=_FAMILY,
    formula="sort products by paid amount (desc); A while the share of revenue of "
    "products ranked strictly above it is < 0.80, B while < 0.95, else C",
    numerator="line paid amount of products ranked above",
    denominator="line paid amount of all products",
    window="orders paid in [start, end] (paid_ts)",
    basis="line paid amount = " + _LINE_AMOUNT,
    unit="label A/B/C",
    variants={"units": "the same on units sold instead of paid amount"},
    notes="The product that crosses 80 % is still A; tied products share a class.",
)
def abc_classes(
    order_items: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    products: pd.DataFrame | None = None,
    thresholds: tuple[float, float] = (0.8, 0.95),
    by: str = "paid_amount",
    start=None,
    end=None,
    order_id_col: str = "order_id",
    product_id_col: str = "product_id",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    discount_amount_col: str = "discount_amount",
    paid_ts_col: str = "paid_ts",
    category_col: str = "category",
) -> pd.DataFrame:
    """ABC (Pareto) classes of products ABC 分类: A = top 80 % of revenue, B next 15 %.

    Products are sorted by value (``by``: line paid amount, or units),
    largest first. With ``before`` = the value of the products ranked
    *strictly above* a product ÷ the total value:

    - A when ``before < thresholds[0]`` (0.80): the product that crosses the
      80 % line is still A, so the best seller is always A;
    - B when ``before < thresholds[1]`` (0.95);
    - C otherwise (the last 5 %, and every product that did not sell).

    Ties: products with equal value share ``before`` (computed on the products
    with a strictly larger value), hence share a class, whatever their ids.
    The class is therefore monotone in value. The reported
    ``cumulative_share`` is inclusive and, inside a tie, follows the id order.

    Parameters
    ----------
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity, unit_price, discount_amount``.
    orders : pandas.DataFrame
        ``order_id, paid_ts``.
    products : pandas.DataFrame, default=None
        ``product_id, category``. When given, unsold products are listed (class C).
    thresholds : tuple of two floats, default=(0.8, 0.95)
        Cumulative-share cut-offs of A and B, ``0 < a < b <= 1``.
    by : {"paid_amount", "units"}, default="paid_amount"
        What to rank by.
    start, end : date-like, default=None
        Inclusive window on ``paid_ts``.
    order_id_col, product_id_col, quantity_col, unit_price_col, \
discount_amount_col, paid_ts_col, category_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``product_id`` (``category`` when ``products`` is given),
        ``<by>`` (the value), ``share``, ``cumulative_share``, ``abc_class``
        (ordered categorical A < B < C). Sorted by value descending, ties by
        ``product_id``. When nothing sold, shares are NaN and ``abc_class`` is
        missing: there is no revenue to split.

    Raises
    ------
    ValueError
        Bad ``thresholds`` or ``by``, missing columns, negative money.

    See Also
    --------
    product_sales : the sales table the classes are computed from.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4],
    ...     "paid_ts": pd.to_datetime(["2024-01-02"] * 4)})
    >>> items = pd.DataFrame({"order_id": [1, 2, 3, 4], "product_id": [1, 2, 3, 4],
    ...     "quantity": 1, "unit_price": [70.0, 20.0, 6.0, 4.0],
    ...     "discount_amount": 0.0})
    >>> ep.abc_classes(items, orders=orders)
       product_id  paid_amount  share  cumulative_share abc_class
    0           1         70.0   0.70              0.70         A
    1           2         20.0   0.20              0.90         A
    2           3          6.0   0.06              0.96         B
    3           4          4.0   0.04              1.00         C
    """
    func = "abc_classes"
    check_option(by, ("paid_amount", "units"), func, param="by")
    if not isinstance(thresholds, (tuple, list)) or len(thresholds) != 2:
        raise ValueError(
            f"{func}(): `thresholds` must be two cumulative shares (a, b) with "
            f"0 < a < b <= 1, e.g. (0.8, 0.95); got {thresholds!r}."
        )
    a = check_number(thresholds[0], func, param="thresholds[0]", low=0, high=1,
                     low_inclusive=False)
    b = check_number(thresholds[1], func, param="thresholds[1]", low=0, high=1,
                     low_inclusive=False)
    if not a < b:
        raise ValueError(
            f"{func}(): `thresholds` must be increasing (a < b), got {thresholds!r}."
        )
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        unit_price_col=unit_price_col, discount_amount_col=discount_amount_col,
        paid_ts_col=paid_ts_col,
    )
    if products is not None:
        _check_products(products, func, product_id_col=product_id_col,
                        columns={"category_col": category_col})
    sales = _sales_table(lines, products, func, level="product",
                         product_id_col=product_id_col, category_col=category_col)
    table = _sort_desc(sales, by, "product_id")
    value = table[by].astype("float64")
    total = value.sum()
    table["share"] = safe_divide(value, total)
    incl = value.cumsum()
    table["cumulative_share"] = safe_divide(incl, total)
    # value of products strictly above = (cumsum − own value) at the first row
    # of the tie group: every tied product gets the same `before`
    before = safe_divide(
        (incl - value).groupby(value, sort=False).transform("first"), total)
    labels = np.select([before < a, before < b], ["A", "B"], default="C")
    cls = pd.Categorical(labels, categories=["A", "B", "C"], ordered=True)
    table["abc_class"] = pd.Series(cls).where(before.notna().to_numpy())
    keep = ["product_id"] + (["category"] if products is not None else [])
    keep += [by, "share", "cumulative_share", "abc_class"]
    return table[keep].rename(columns={"product_id": product_id_col,
                                       "category": category_col})


# ------------------------------------------------------------ hot items ----
@register_metric(
    "hot_item_flag",
    name="Hot item",
    name_zh="爆款",
    family=_FAMILY,
    formula="category_top: share of the category's products with a strictly "
    "higher paid amount < top_fraction (default 0.2), and paid amount > 0",
    numerator="products of the category selling more",
    denominator="products of the category",
    window="orders paid in [start, end]; product views in [start, end]",
    basis="line paid amount = " + _LINE_AMOUNT,
    unit="flag",
    variants={
        "category_top": "top `top_fraction` of its category by paid amount "
        "(AliExpress 店铺爆品: top 20 % of the level-2 category, 30 days)",
        "traffic_conversion": "product-detail visitors ≥ the traffic_quantile of "
        "products AND buyers ÷ visitors ≥ the conversion_quantile (高流量高转化)",
    },
)
def hot_items(
    order_items: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    products: pd.DataFrame,
    events: pd.DataFrame | None = None,
    method: str = "category_top",
    top_fraction: float = 0.2,
    traffic_quantile: float = 0.5,
    conversion_quantile: float = 0.5,
    start=None,
    end=None,
    order_id_col: str = "order_id",
    product_id_col: str = "product_id",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    discount_amount_col: str = "discount_amount",
    paid_ts_col: str = "paid_ts",
    customer_id_col: str = "customer_id",
    category_col: str = "category",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
    product_view_event: str = "product_view",
) -> pd.DataFrame:
    """Flag hot items 爆款, by category rank or by the traffic × conversion quadrant.

    ``method="category_top"`` (default, AliExpress 店铺爆品 style): a product is
    hot when the share of products **of its category** (all rows of
    ``products``) whose line paid amount is strictly higher than its own is
    below ``top_fraction``, and it sold something. With 10 products and 0.2 the
    best two are hot; tied products are hot together.

    ``method="traffic_conversion"`` (the practitioner's quadrant): per product,
    ``visitors`` = distinct visitors with a ``product_view`` of it in the
    window (``events``), ``buyers`` = distinct customers with a paid line of it,
    ``conversion_rate`` = buyers ÷ visitors (NaN with no visitors).
    ``high_traffic`` = visitors ≥ the ``traffic_quantile`` of visitors over all
    products; ``high_conversion`` = conversion ≥ the ``conversion_quantile``
    of the products that have visitors. Quadrants: ``hot`` (high, high) 爆款,
    ``problem`` (high traffic, low conversion: fix the page or price),
    ``potential`` (low traffic, high conversion: give it traffic), ``long_tail``.

    Parameters
    ----------
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity, unit_price, discount_amount``.
    orders : pandas.DataFrame
        ``order_id, paid_ts`` (and ``customer_id`` for ``traffic_conversion``).
    products : pandas.DataFrame
        ``product_id, category``: the products considered.
    events : pandas.DataFrame, default=None
        ``visitor_id, event_ts, event_type, product_id``; required for
        ``method="traffic_conversion"``.
    method : {"category_top", "traffic_conversion"}, default="category_top"
        Which 爆款 rule (see above).
    top_fraction : float, default=0.2
        In (0, 1]: the top share of each category that is hot.
    traffic_quantile, conversion_quantile : float, default=0.5
        In [0, 1]: the quantiles above which traffic / conversion is "high"
        (0.5 = the median split of a quadrant chart).
    start, end : date-like, default=None
        Inclusive window on ``paid_ts`` and ``event_ts``.
    order_id_col, product_id_col, quantity_col, unit_price_col, \
discount_amount_col, paid_ts_col, customer_id_col, category_col, \
visitor_id_col, event_ts_col, event_type_col : str
        Column names.
    product_view_event : str, default="product_view"
        The event type of a product-detail view.

    Returns
    -------
    pandas.DataFrame
        ``category_top``: columns ``product_id, category, paid_amount,
        category_rank`` (1 = best, ties "min"), ``category_products``,
        ``is_hot``; sorted by category then rank then product_id.
        ``traffic_conversion``: columns ``product_id, category, visitors,
        buyers, conversion_rate, high_traffic, high_conversion, quadrant,
        is_hot``; sorted by product_id.

    Raises
    ------
    ValueError
        Unknown method, fraction out of range, ``events`` missing for
        ``traffic_conversion``, missing columns.

    See Also
    --------
    abc_classes : the shop-wide Pareto view.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> products = pd.DataFrame({"product_id": [1, 2, 3, 4, 5],
    ...     "category": ["shoes"] * 5})
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-02"] * 3)})
    >>> items = pd.DataFrame({"order_id": [1, 2, 3], "product_id": [1, 2, 3],
    ...     "quantity": 1, "unit_price": [90.0, 50.0, 10.0], "discount_amount": 0.0})
    >>> ep.hot_items(items, orders=orders, products=products)[["product_id", "is_hot"]]
       product_id  is_hot
    0           1    True
    1           2   False
    2           3   False
    3           4   False
    4           5   False
    """
    func = "hot_items"
    check_option(method, ("category_top", "traffic_conversion"), func, param="method")
    top_fraction = check_number(top_fraction, func, param="top_fraction", low=0,
                                high=1, low_inclusive=False)
    traffic_quantile = check_number(traffic_quantile, func, param="traffic_quantile",
                                    low=0, high=1)
    conversion_quantile = check_number(conversion_quantile, func,
                                       param="conversion_quantile", low=0, high=1)
    _check_products(products, func, product_id_col=product_id_col,
                    columns={"category_col": category_col})
    conv = method == "traffic_conversion"
    if conv and events is None:
        raise ValueError(
            f"{func}(): `method='traffic_conversion'` needs `events` (product views), "
            "e.g. `events=shop.events`."
        )
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        unit_price_col=unit_price_col, discount_amount_col=discount_amount_col,
        paid_ts_col=paid_ts_col, customer_id_col=customer_id_col if conv else None,
    )
    check_same_ids(lines["product_id"], products[product_id_col], func,
                   left_param="`order_items`", right_param="`products`")
    table = pd.DataFrame({
        "product_id": products[product_id_col].to_numpy(),
        "category": products[category_col].to_numpy(),
    })
    if isinstance(products[category_col].dtype, pd.CategoricalDtype):
        table["category"] = table["category"].astype(products[category_col].dtype)
    if not conv:
        amount = lines.groupby("product_id", sort=False)["amount"].sum()
        table["paid_amount"] = table["product_id"].map(amount).fillna(0.0)
        by_cat = table.groupby("category", observed=True, sort=False)["paid_amount"]
        table["category_rank"] = by_cat.rank(method="min", ascending=False).astype(
            "int64")
        table["category_products"] = by_cat.transform("size").astype("int64")
        above = (table["category_rank"] - 1) / table["category_products"]
        table["is_hot"] = (above < top_fraction) & (table["paid_amount"] > 0)
        table = table.sort_values(["category", "category_rank", "product_id"],
                                  kind="mergesort")
    else:
        check_table(events, func, param="events", hint="shop.events", columns={
            "visitor_id_col": visitor_id_col, "event_ts_col": event_ts_col,
            "event_type_col": event_type_col, "product_id_col": product_id_col})
        ts = check_datetime(events, event_ts_col, func, param="event_ts_col",
                            table="events")
        mask = window_mask(ts, start, end, func) & (
            events[event_type_col] == product_view_event).to_numpy(dtype=bool)
        views = events.loc[mask, [visitor_id_col, product_id_col]].dropna()
        check_same_ids(views[product_id_col], products[product_id_col], func,
                       left_param="`events`", right_param="`products`")
        visitors = _distinct_per_key(views[product_id_col], views[visitor_id_col])
        buyers = _distinct_per_key(lines["product_id"], lines["customer_id"])
        table["visitors"] = table["product_id"].map(visitors).fillna(0).astype("int64")
        table["buyers"] = table["product_id"].map(buyers).fillna(0).astype("int64")
        table["conversion_rate"] = safe_divide(table["buyers"], table["visitors"])
        t_cut = table["visitors"].quantile(traffic_quantile)
        c_cut = table["conversion_rate"].dropna().quantile(conversion_quantile)
        table["high_traffic"] = (table["visitors"] >= t_cut) & (table["visitors"] > 0)
        table["high_conversion"] = (table["conversion_rate"] >= c_cut).fillna(False)
        table["quadrant"] = pd.Categorical(
            np.select(
                [table["high_traffic"] & table["high_conversion"],
                 table["high_traffic"], table["high_conversion"]],
                ["hot", "problem", "potential"], default="long_tail"),
            categories=["hot", "problem", "potential", "long_tail"], ordered=True)
        table["is_hot"] = table["quadrant"] == "hot"
        table = table.sort_values("product_id", kind="mergesort")
    return table.reset_index(drop=True).rename(
        columns={"product_id": product_id_col, "category": category_col})


# ------------------------------------------------------------ inventory ----
def _inventory(inventory, func, *, start, end, date_col, product_id_col, columns):
    check_table(inventory, func, param="inventory", hint="shop.inventory",
                columns={"date_col": date_col, "product_id_col": product_id_col,
                         **columns})
    dates = check_datetime(inventory, date_col, func, param="date_col",
                           table="inventory")
    check_no_missing(inventory, product_id_col, func, param="product_id_col")
    for p, c in columns.items():
        check_numeric(inventory, c, func, param=p, table="inventory",
                      nonnegative=True)
    return inventory.loc[window_mask(dates, start, end, func)]


def _group_key(by, func, products):
    check_option(by, (None, "product", "category"), func, param="by")
    if by == "category" and products is None:
        raise ValueError(
            f"{func}(): `by='category'` needs `products` (product_id → category), "
            "e.g. `products=shop.products`."
        )
    return by


def _finish(table: pd.DataFrame, by, product_id_col, category_col) -> pd.DataFrame:
    key = "product_id" if by == "product" else "category"
    table = table.sort_values(key, kind="mergesort").reset_index(drop=True)
    return table.rename(columns={"product_id": product_id_col,
                                 "category": category_col})


@register_metric(
    "sell_through_rate",
    name="Sell-through rate",
    name_zh="售罄率",
    family=_FAMILY,
    formula="units sold ÷ (units sold + ending on-hand units)",
    numerator="units of paid order lines in the window",
    denominator="units sold + on-hand units at the end of the last inventory day "
    "in the window",
    window="orders paid in [start, end]; inventory days in [start, end]",
    basis="units",
    unit="fraction",
    variants={"received": "units sold ÷ units received in the window"},
    notes="With stock conservation, sold + ending on hand = starting on hand + "
    "received, so the default equals sold ÷ units available.",
)
def sell_through_rate(
    inventory: pd.DataFrame,
    *,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    products: pd.DataFrame | None = None,
    by: str | None = None,
    method: str = "ending_stock",
    start=None,
    end=None,
    date_col: str = "date",
    product_id_col: str = "product_id",
    on_hand_units_col: str = "on_hand_units",
    received_units_col: str = "received_units",
    order_id_col: str = "order_id",
    quantity_col: str = "quantity",
    paid_ts_col: str = "paid_ts",
    category_col: str = "category",
) -> float | pd.DataFrame:
    """Sell-through rate 售罄率 = units sold ÷ (units sold + ending on-hand units).

    ``units sold`` = Σ quantity of the lines of orders paid in the window.
    ``ending on hand`` = each product's ``on_hand_units`` on the **last
    inventory date inside the window** (end of day; a product without a row
    on that date counts 0). Variant ``method="received"``: units sold ÷ units
    received (Σ ``received_units`` in the window), the buyer's 售罄率 of a
    delivery; it can exceed 1 when old stock sells.

    Parameters
    ----------
    inventory : pandas.DataFrame
        ``date, product_id, on_hand_units, received_units``.
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity``.
    orders : pandas.DataFrame
        ``order_id, paid_ts``.
    products : pandas.DataFrame, default=None
        ``product_id, category``; needed for ``by="category"``. Only its
        products count: pass one category's products for that category's rate.
    by : {None, "product", "category"}, default=None
        ``None`` gives one number for the shop.
    method : {"ending_stock", "received"}, default="ending_stock"
        Denominator: sold + ending on hand, or units received.
    start, end : date-like, default=None
        Inclusive window on ``paid_ts`` and inventory ``date``.
    date_col, product_id_col, on_hand_units_col, received_units_col, \
order_id_col, quantity_col, paid_ts_col, category_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        A float when ``by=None`` (NaN when the denominator is 0: nothing sold
        and nothing on hand / received). Otherwise columns ``<key>,
        units_sold, ending_on_hand, received_units, sell_through_rate``,
        sorted by key; the rows are the products with an inventory row or a
        sale in the window.

    Raises
    ------
    ValueError
        Missing columns, negative units, unknown ``by`` / ``method``.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> inv = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-31"]),
    ...     "product_id": [1, 1], "on_hand_units": [100, 25],
    ...     "received_units": [100, 0]})
    >>> orders = pd.DataFrame({"order_id": [1], "paid_ts": pd.to_datetime(["2024-01-10"])})
    >>> items = pd.DataFrame({"order_id": [1], "product_id": [1], "quantity": [75]})
    >>> ep.sell_through_rate(inv, order_items=items, orders=orders)
    0.75
    """
    func = "sell_through_rate"
    by = _group_key(by, func, products)
    check_option(method, ("ending_stock", "received"), func, param="method")
    inv = _inventory(inventory, func, start=start, end=end, date_col=date_col,
                     product_id_col=product_id_col,
                     columns={"on_hand_units_col": on_hand_units_col,
                              "received_units_col": received_units_col})
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        paid_ts_col=paid_ts_col,
    )
    check_same_ids(lines["product_id"], inventory[product_id_col], func,
                   left_param="`order_items`", right_param="`inventory`")
    last_day = inv[date_col] == inv[date_col].max()
    ending = inv.loc[last_day].groupby(product_id_col, sort=False)[on_hand_units_col]
    per_product = pd.DataFrame({
        "units_sold": lines.groupby("product_id", sort=False)["quantity"].sum(),
        "ending_on_hand": ending.sum(),
        "received_units": inv.groupby(product_id_col, sort=False)[
            received_units_col].sum(),
    }).fillna(0)
    per_product = per_product.rename_axis("product_id").reset_index()
    return _rate_table(
        per_product, by, products, func, num="units_sold",
        den=(["units_sold", "ending_on_hand"] if method == "ending_stock"
             else ["received_units"]),
        name="sell_through_rate", product_id_col=product_id_col,
        category_col=category_col, table="inventory",
    )


def _rate_table(per_product, by, products, func, *, num, den, name,
                product_id_col, category_col, table):
    """Sum per-product components to the ``by`` level and add num ÷ Σ den.

    With ``products``, only its products count (the assortment asked about).
    """
    if products is not None:
        _check_products(products, func, product_id_col=product_id_col,
                        columns={"category_col": category_col} if by == "category" else {})
        per_product = per_product[per_product["product_id"].isin(products[product_id_col])]
    if by is None:
        return safe_divide(per_product[num].sum(), per_product[den].to_numpy().sum())
    if by == "category":
        per_product = per_product.assign(category=_category_of(
            per_product["product_id"], products, func, product_id_col=product_id_col,
            category_col=category_col, table=table))
        per_product = (per_product.drop(columns="product_id")
                       .groupby("category", observed=True, sort=False).sum()
                       .reset_index())
    per_product[name] = safe_divide(per_product[num], per_product[den].sum(axis=1))
    return _finish(per_product, by, product_id_col, category_col)


@register_metric(
    "inventory_turnover",
    name="Inventory turnover",
    name_zh="库存周转率",
    family=_FAMILY,
    formula="COGS ÷ average inventory value",
    numerator="Σ quantity × unit_cost of paid order lines in the window (COGS)",
    denominator="(inventory value on the first + on the last inventory day of the "
    "window) ÷ 2; value = on_hand_units × products.unit_cost",
    window="orders paid in [start, end]; inventory days in [start, end]",
    basis="cost",
    unit="turns per window",
    variants={"daily_mean": "average inventory = mean of the daily inventory values"},
)
def inventory_turnover(
    inventory: pd.DataFrame,
    *,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    products: pd.DataFrame,
    by: str | None = None,
    method: str = "begin_end",
    start=None,
    end=None,
    date_col: str = "date",
    product_id_col: str = "product_id",
    on_hand_units_col: str = "on_hand_units",
    order_id_col: str = "order_id",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    paid_ts_col: str = "paid_ts",
    category_col: str = "category",
) -> float | pd.DataFrame:
    """Inventory turnover 库存周转率 = COGS ÷ average inventory value (in the window).

    - COGS 销售成本 = Σ quantity × ``order_items.unit_cost`` of the lines of
      orders paid in the window.
    - Inventory value on a day = Σ ``on_hand_units`` (end of day) ×
      ``products.unit_cost``.
    - Average inventory (``method="begin_end"``, the accounting textbook) =
      (value on the first inventory date in the window + value on the last
      one) ÷ 2; ``method="daily_mean"`` = mean of the daily values.
    - ``days`` = days from the first to the last inventory date in the window,
      inclusive; ``days_of_inventory`` 库存周转天数 = days ÷ turnover.

    The turnover is per window (not annualised): 3.0 over a 30-day window
    means stock was sold through three times in those 30 days.

    Parameters
    ----------
    inventory : pandas.DataFrame
        ``date, product_id, on_hand_units``.
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity, unit_cost``.
    orders : pandas.DataFrame
        ``order_id, paid_ts``.
    products : pandas.DataFrame
        ``product_id, unit_cost`` (and ``category`` for ``by="category"``).
    by : {None, "product", "category"}, default=None
        ``None`` gives one number for the shop.
    method : {"begin_end", "daily_mean"}, default="begin_end"
        How average inventory is taken: (first + last day) ÷ 2, or the mean
        of every day.
    start, end : date-like, default=None
        Inclusive window on ``paid_ts`` and inventory ``date``.
    date_col, product_id_col, on_hand_units_col, order_id_col, quantity_col, \
unit_cost_col, paid_ts_col, category_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        The turnover when ``by=None`` (NaN when average inventory is 0).
        Otherwise columns ``<key>, cogs, avg_inventory_value, days,
        inventory_turnover, days_of_inventory``, sorted by key.

    Raises
    ------
    ValueError
        Missing columns, negative units or costs, unknown options.

    See Also
    --------
    days_of_inventory : days ÷ turnover.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> inv = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-30"]),
    ...     "product_id": [1, 1], "on_hand_units": [100, 50]})
    >>> products = pd.DataFrame({"product_id": [1], "unit_cost": [10.0]})
    >>> orders = pd.DataFrame({"order_id": [1], "paid_ts": pd.to_datetime(["2024-01-10"])})
    >>> items = pd.DataFrame({"order_id": [1], "product_id": [1], "quantity": [150],
    ...     "unit_cost": [10.0]})
    >>> ep.inventory_turnover(inv, order_items=items, orders=orders, products=products)
    2.0
    """
    table = _turnover(
        inventory, "inventory_turnover", order_items=order_items, orders=orders,
        products=products, by=by, method=method, start=start, end=end,
        date_col=date_col, product_id_col=product_id_col,
        on_hand_units_col=on_hand_units_col, order_id_col=order_id_col,
        quantity_col=quantity_col, unit_cost_col=unit_cost_col,
        paid_ts_col=paid_ts_col, category_col=category_col,
    )
    if by is None:
        return float(table["inventory_turnover"].iloc[0])
    return table


@register_metric(
    "days_of_inventory",
    name="Days of inventory",
    name_zh="库存周转天数",
    family=_FAMILY,
    formula="days in the window ÷ inventory turnover "
    "(= average inventory value ÷ COGS × days)",
    numerator="average inventory value × days",
    denominator="COGS of paid order lines in the window",
    window="orders paid in [start, end]; inventory days in [start, end]",
    basis="cost",
    unit="days",
    variants={"daily_mean": "average inventory = mean of the daily inventory values"},
)
def days_of_inventory(
    inventory: pd.DataFrame,
    *,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    products: pd.DataFrame,
    by: str | None = None,
    method: str = "begin_end",
    start=None,
    end=None,
    date_col: str = "date",
    product_id_col: str = "product_id",
    on_hand_units_col: str = "on_hand_units",
    order_id_col: str = "order_id",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    paid_ts_col: str = "paid_ts",
    category_col: str = "category",
) -> float | pd.DataFrame:
    """Days of inventory 库存周转天数 = days ÷ inventory turnover.

    Equals average inventory value ÷ COGS × days: how many days the average
    stock lasts at the window's cost-of-sales pace. NaN when nothing was sold
    (COGS = 0: the stock would last for ever). All other definitions are those
    of :func:`inventory_turnover`.

    Parameters
    ----------
    inventory, order_items, orders, products, by, method, start, end
        As in :func:`inventory_turnover`.
    date_col, product_id_col, on_hand_units_col, order_id_col, quantity_col, \
unit_cost_col, paid_ts_col, category_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        Days when ``by=None``; otherwise the table of
        :func:`inventory_turnover`.

    Raises
    ------
    ValueError
        As :func:`inventory_turnover`.

    See Also
    --------
    inventory_turnover

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> inv = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-30"]),
    ...     "product_id": [1, 1], "on_hand_units": [100, 50]})
    >>> products = pd.DataFrame({"product_id": [1], "unit_cost": [10.0]})
    >>> orders = pd.DataFrame({"order_id": [1], "paid_ts": pd.to_datetime(["2024-01-10"])})
    >>> items = pd.DataFrame({"order_id": [1], "product_id": [1], "quantity": [150],
    ...     "unit_cost": [10.0]})
    >>> ep.days_of_inventory(inv, order_items=items, orders=orders, products=products)
    15.0
    """
    table = _turnover(
        inventory, "days_of_inventory", order_items=order_items, orders=orders,
        products=products, by=by, method=method, start=start, end=end,
        date_col=date_col, product_id_col=product_id_col,
        on_hand_units_col=on_hand_units_col, order_id_col=order_id_col,
        quantity_col=quantity_col, unit_cost_col=unit_cost_col,
        paid_ts_col=paid_ts_col, category_col=category_col,
    )
    if by is None:
        return float(table["days_of_inventory"].iloc[0])
    return table


def _turnover(inventory, func, *, order_items, orders, products, by, method, start,
              end, date_col, product_id_col, on_hand_units_col, order_id_col,
              quantity_col, unit_cost_col, paid_ts_col, category_col):
    check_option(by, (None, "product", "category"), func, param="by")
    check_option(method, ("begin_end", "daily_mean"), func, param="method")
    cols = {"unit_cost_col": unit_cost_col}
    if by == "category":
        cols["category_col"] = category_col
    _check_products(products, func, product_id_col=product_id_col, columns=cols)
    check_numeric(products, unit_cost_col, func, param="unit_cost_col",
                  table="products", nonnegative=True)
    inv = _inventory(inventory, func, start=start, end=end, date_col=date_col,
                     product_id_col=product_id_col,
                     columns={"on_hand_units_col": on_hand_units_col})
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        unit_cost_col=unit_cost_col, paid_ts_col=paid_ts_col,
    )
    unit_cost = pd.Series(products[unit_cost_col].to_numpy(dtype="float64"),
                          index=products[product_id_col].to_numpy())
    check_same_ids(inv[product_id_col], products[product_id_col], func,
                   left_param="`inventory`", right_param="`products`")
    cost = inv[product_id_col].map(unit_cost)
    if cost.isna().any():
        missing = pd.unique(inv.loc[cost.isna().to_numpy(), product_id_col])[:3]
        raise ValueError(
            f"{func}(): {int(cost.isna().sum())} row(s) of `inventory` have a product "
            f"that is not in `products` (e.g. {missing.tolist()}), so their stock "
            "cannot be valued. Add them to `products` or drop the rows."
        )
    stock = pd.DataFrame({"product_id": inv[product_id_col].to_numpy(),
                          "date": inv[date_col].to_numpy(),
                          "value": (inv[on_hand_units_col] * cost).to_numpy()})
    cogs = lines.groupby("product_id", sort=False)["cogs"].sum()
    if len(stock):
        first, last = stock["date"].min(), stock["date"].max()
        days = (last - first).days + 1
    else:
        first = last = pd.NaT
        days = 0
    if by == "category":
        lookup = dict(product_id_col=product_id_col, category_col=category_col)
        stock["key"] = _category_of(stock["product_id"], products, func,
                                    table="inventory", **lookup).to_numpy()
        cogs = cogs.groupby(_category_of(
            pd.Series(cogs.index, index=cogs.index), products, func,
            table="order_items", **lookup), observed=True, sort=False).sum()
    elif by == "product":
        stock["key"] = stock["product_id"]
    else:
        stock["key"] = 0
        cogs = pd.Series([cogs.sum()], index=[0])
    if method == "begin_end":
        ends = stock[stock["date"].isin([first, last])]
        avg = ends.groupby("key", observed=True, sort=False)["value"].sum() / 2
    else:
        n_days = stock["date"].nunique()
        avg = stock.groupby("key", observed=True, sort=False)["value"].sum() / n_days
    table = pd.DataFrame({"cogs": cogs, "avg_inventory_value": avg}).fillna(0.0)
    if by is None and table.empty:
        table = pd.DataFrame({"cogs": [0.0], "avg_inventory_value": [0.0]})
    table["days"] = days
    table["inventory_turnover"] = safe_divide(table["cogs"],
                                              table["avg_inventory_value"])
    table["days_of_inventory"] = safe_divide(
        table["avg_inventory_value"] * table["days"], table["cogs"])
    if by is None:
        return table.reset_index(drop=True)
    key = "product_id" if by == "product" else "category"
    table = table.rename_axis(key).reset_index()
    if by == "category":
        table["category"] = table["category"].astype(products[category_col].dtype)
    return _finish(table, by, product_id_col, category_col)


@register_metric(
    "stockout_rate",
    name="Stock-out rate",
    name_zh="缺货率",
    family=_FAMILY,
    formula="SKU-days with on_hand_units = 0 ÷ SKU-days listed",
    numerator="inventory rows (product × day) in the window with 0 units on hand, "
    "on or after the product's launch_date",
    denominator="inventory rows in the window on or after the launch_date",
    window="inventory days in [start, end]",
    basis="SKU-days",
    unit="fraction",
)
def stockout_rate(
    inventory: pd.DataFrame,
    *,
    products: pd.DataFrame | None = None,
    by: str | None = None,
    start=None,
    end=None,
    date_col: str = "date",
    product_id_col: str = "product_id",
    on_hand_units_col: str = "on_hand_units",
    launch_date_col: str = "launch_date",
    category_col: str = "category",
) -> float | pd.DataFrame:
    """Stock-out rate 缺货率 = SKU-days out of stock ÷ SKU-days listed.

    A SKU-day is one inventory row (a product at the end of a day). It is
    *listed* when the day is on or after the product's ``launch_date``
    (when ``products`` is given; otherwise every row is listed) and *out of
    stock* when ``on_hand_units`` is 0. Days missing from ``inventory`` are
    not counted. With ``products``, only its products count: pass the
    products of one category to get that category's rate.

    Parameters
    ----------
    inventory : pandas.DataFrame
        ``date, product_id, on_hand_units``.
    products : pandas.DataFrame, default=None
        ``product_id, launch_date`` (and ``category`` for ``by="category"``):
        the products to count; inventory rows of other products are left out.
    by : {None, "product", "category"}, default=None
        ``None`` gives one number for the shop.
    start, end : date-like, default=None
        Inclusive window on ``date``.
    date_col, product_id_col, on_hand_units_col, launch_date_col, category_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        A float when ``by=None`` (NaN when no SKU-day is listed). Otherwise
        columns ``<key>, sku_days, stockout_days, stockout_rate``, sorted by key.

    Raises
    ------
    ValueError
        Missing columns, negative stock, unknown ``by``.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> inv = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
    ...     "product_id": [1, 1, 2, 2], "on_hand_units": [5, 0, 0, 3]})
    >>> products = pd.DataFrame({"product_id": [1, 2],
    ...     "launch_date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    >>> ep.stockout_rate(inv, products=products)  # 1 of 3 listed SKU-days
    0.333...
    """
    func = "stockout_rate"
    by = _group_key(by, func, products)
    inv = _inventory(inventory, func, start=start, end=end, date_col=date_col,
                     product_id_col=product_id_col,
                     columns={"on_hand_units_col": on_hand_units_col})
    listed = np.ones(len(inv), dtype=bool)
    if products is not None:
        cols = {"launch_date_col": launch_date_col}
        if by == "category":
            cols["category_col"] = category_col
        _check_products(products, func, product_id_col=product_id_col, columns=cols)
        launch = check_datetime(products, launch_date_col, func,
                                param="launch_date_col", table="products")
        check_same_ids(inv[product_id_col], products[product_id_col], func,
                       left_param="`inventory`", right_param="`products`")
        launch_of = pd.Series(launch.to_numpy(),
                              index=products[product_id_col].to_numpy())
        # `products` is the assortment counted: other products' rows are left out
        counted = inv[product_id_col].isin(products[product_id_col]).to_numpy()
        ld = inv[product_id_col].map(launch_of)
        listed = counted & ~(inv[date_col] < ld).to_numpy(dtype=bool, na_value=False)
    rows = pd.DataFrame({
        "product_id": inv[product_id_col].to_numpy()[listed],
        "sku_days": 1,
        "stockout_days": (inv[on_hand_units_col].to_numpy()[listed] == 0).astype(
            "int64"),
    })
    if by is None:
        return safe_divide(rows["stockout_days"].sum(), rows["sku_days"].sum())
    return _rate_table(
        rows.groupby("product_id", sort=False).sum().reset_index(), by, products,
        func, num="stockout_days", den=["sku_days"], name="stockout_rate",
        product_id_col=product_id_col, category_col=category_col, table="inventory",
    )


@register_metric(
    "sku_dynamic_sales_rate",
    name="SKU dynamic sales rate",
    name_zh="动销率",
    family=_FAMILY,
    formula="SKUs on sale with ≥ 1 paid unit in the window ÷ SKUs on sale in the window",
    numerator="products on sale with a paid order line in the window",
    denominator="products with launch_date ≤ window end (on sale)",
    window="orders paid in [start, end]",
    basis="distinct product_id",
    unit="fraction",
    variants={"new": "新品动销率: only products launched inside the window"},
)
def sku_dynamic_sales_rate(
    products: pd.DataFrame,
    *,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    by: str | None = None,
    scope: str = "all",
    start=None,
    end=None,
    product_id_col: str = "product_id",
    launch_date_col: str = "launch_date",
    category_col: str = "category",
    order_id_col: str = "order_id",
    quantity_col: str = "quantity",
    paid_ts_col: str = "paid_ts",
) -> float | pd.DataFrame:
    """SKU dynamic sales rate 动销率 = SKUs with ≥ 1 sale ÷ SKUs on sale, in the window.

    A product is *on sale* in the window when its ``launch_date`` is on or
    before the window's ``end`` (every product when ``end`` is None; the
    schema has no delisting date). It *sold* when a paid order line of it
    (quantity > 0) was paid in the window. Each product id counts once.
    ``scope="new"`` is 新品动销率: only products launched inside the window.

    No sales with products on sale gives 0.0; no product on sale gives NaN
    (undefined, not 0).

    Parameters
    ----------
    products : pandas.DataFrame
        ``product_id, launch_date`` (and ``category`` for ``by="category"``).
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity``.
    orders : pandas.DataFrame
        ``order_id, paid_ts``.
    by : {None, "category"}, default=None
        ``None`` gives one number for the shop.
    scope : {"all", "new"}, default="all"
        All products on sale, or only those launched in the window (新品).
    start, end : date-like, default=None
        Inclusive window on ``paid_ts`` (and on ``launch_date`` for ``new``).
    product_id_col, launch_date_col, category_col, order_id_col, quantity_col, \
paid_ts_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        A float when ``by=None``; otherwise columns ``category, skus_on_sale,
        skus_sold, sku_dynamic_sales_rate``, sorted by category.

    Raises
    ------
    ValueError
        Missing columns, duplicated product ids, unknown options.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> products = pd.DataFrame({"product_id": [1, 2, 3, 4],
    ...     "launch_date": pd.to_datetime(["2023-06-01"] * 3 + ["2024-03-01"])})
    >>> orders = pd.DataFrame({"order_id": [1], "paid_ts": pd.to_datetime(["2024-01-10"])})
    >>> items = pd.DataFrame({"order_id": [1], "product_id": [2], "quantity": [1]})
    >>> ep.sku_dynamic_sales_rate(products, order_items=items, orders=orders,
    ...     start="2024-01-01", end="2024-01-31")  # 1 of 3 on sale
    0.333...
    """
    func = "sku_dynamic_sales_rate"
    check_option(by, (None, "category"), func, param="by")
    check_option(scope, ("all", "new"), func, param="scope")
    cols = {"launch_date_col": launch_date_col}
    if by == "category":
        cols["category_col"] = category_col
    _check_products(products, func, product_id_col=product_id_col, columns=cols)
    launch = check_datetime(products, launch_date_col, func, param="launch_date_col",
                            table="products")
    lo, hi = check_window(start, end, func)
    on_sale = np.ones(len(products), dtype=bool)
    if hi is not None:
        on_sale &= (launch < hi).to_numpy(dtype=bool, na_value=False)
    if scope == "new":
        on_sale &= window_mask(launch, start, end, func)
    lines = _paid_lines(
        order_items, orders, func, start=start, end=end, order_id_col=order_id_col,
        product_id_col=product_id_col, quantity_col=quantity_col,
        paid_ts_col=paid_ts_col,
    )
    check_same_ids(lines["product_id"], products[product_id_col], func,
                   left_param="`order_items`", right_param="`products`")
    sold_ids = lines.loc[lines["quantity"] > 0, "product_id"]
    frame = pd.DataFrame({
        "skus_on_sale": on_sale.astype("int64"),
        "skus_sold": (on_sale & products[product_id_col].isin(sold_ids).to_numpy())
        .astype("int64"),
    })
    if by is None:
        return safe_divide(frame["skus_sold"].sum(), frame["skus_on_sale"].sum())
    frame["category"] = products[category_col].to_numpy()
    if isinstance(products[category_col].dtype, pd.CategoricalDtype):
        frame["category"] = frame["category"].astype(products[category_col].dtype)
    table = frame[on_sale].groupby("category", observed=True, sort=True).sum()
    table = table.reset_index()[["category", "skus_on_sale", "skus_sold"]]
    table["sku_dynamic_sales_rate"] = safe_divide(table["skus_sold"],
                                                  table["skus_on_sale"])
    return table.rename(columns={"category": category_col})


@register_metric(
    "refund_rate",
    name="Refund rate by category / product",
    name_zh="退款率 (类目 / 商品)",
    family=_FAMILY,
    formula="refunded orders ÷ paid orders; refund amount ÷ paid amount "
    "(order refunds split over the order's lines by line value share)",
    numerator="paid orders in the window with a refund (any time), holding the "
    "category; their refund amount × the category's share of the order",
    denominator="paid orders in the window holding the category; their "
    "paid_amount × the category's share",
    window="orders paid in [start, end]",
    basis="paid_amount (shipping included, shared like the refund)",
    unit="fraction",
    variants={"refund": "date_by='refund': refunds completed in [start, end] ÷ "
              "orders paid in [start, end] (生意参谋 style; can exceed 1)"},
)
def product_refund_rate(
    order_items: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    refunds: pd.DataFrame,
    products: pd.DataFrame | None = None,
    by: str = "category",
    date_by: str = "order",
    start=None,
    end=None,
    order_id_col: str = "order_id",
    product_id_col: str = "product_id",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    discount_amount_col: str = "discount_amount",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    category_col: str = "category",
) -> pd.DataFrame:
    """Refund rate by category 类目退款率 (or by product): by orders and by amount.

    Refunds in the schema belong to an order, not to a line. An order's
    refund is **attributed to its lines by their value share**: line value =
    quantity × unit_price − line discount; share = line value ÷ Σ line values
    of the order (equal shares if the order's lines are all free). The order's
    ``paid_amount`` (shipping included) is shared the same way, so an order
    fully refunded is fully refunded in every category it holds, and the
    amount rate never exceeds 1.

    - ``order_refund_rate`` = paid orders holding the category that have a
      refund ÷ paid orders holding the category. An order with lines in two
      categories counts in both.
    - ``amount_refund_rate`` = Σ attributed refund ÷ Σ attributed paid amount.

    ``date_by="order"`` (default, a cohort): the orders paid in the window and
    all their refunds whenever completed; recent windows rise as refunds
    arrive. ``date_by="refund"``: refunds completed in the window (of any
    order) over orders paid in the window, the 生意参谋 style; it can exceed 1.

    Parameters
    ----------
    order_items : pandas.DataFrame
        ``order_id, product_id, quantity, unit_price, discount_amount``.
    orders : pandas.DataFrame
        ``order_id, paid_ts, paid_amount``.
    refunds : pandas.DataFrame
        ``order_id, refund_ts, refund_amount``.
    products : pandas.DataFrame, default=None
        ``product_id, category``; required for ``by="category"``.
    by : {"category", "product"}, default="category"
        Rows per category or per product.
    date_by : {"order", "refund"}, default="order"
        Cohort of orders paid in the window, or refunds completed in it.
    start, end : date-like, default=None
        Inclusive window on ``paid_ts`` (and ``refund_ts`` for ``"refund"``).
    order_id_col, product_id_col, quantity_col, unit_price_col, \
discount_amount_col, paid_ts_col, paid_amount_col, refund_ts_col, \
refund_amount_col, category_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``<key>, paid_orders, refunded_orders, order_refund_rate,
        paid_amount, refund_amount, amount_refund_rate``, sorted by key. Rates
        are NaN for a key with no paid order in the window.

    Raises
    ------
    ValueError
        Missing columns, negative amounts, unknown options.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.product as ep
    >>> orders = pd.DataFrame({"order_id": [1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-02", "2024-01-03"]),
    ...     "paid_amount": [100.0, 50.0]})
    >>> items = pd.DataFrame({"order_id": [1, 1, 2], "product_id": [1, 2, 2],
    ...     "quantity": 1, "unit_price": [60.0, 40.0, 50.0], "discount_amount": 0.0})
    >>> products = pd.DataFrame({"product_id": [1, 2], "category": ["shoes", "home"]})
    >>> refunds = pd.DataFrame({"order_id": [1], "refund_amount": [50.0],
    ...     "refund_ts": pd.to_datetime(["2024-01-05"])})
    >>> t = ep.product_refund_rate(items, orders=orders, refunds=refunds,
    ...                            products=products)
    >>> t[["category", "order_refund_rate", "amount_refund_rate"]]
      category  order_refund_rate  amount_refund_rate
    0     home                0.5            0.222222
    1    shoes                1.0            0.500000
    """
    func = "product_refund_rate"
    check_option(by, ("category", "product"), func, param="by")
    check_option(date_by, ("order", "refund"), func, param="date_by")
    if by == "category" and products is None:
        raise ValueError(
            f"{func}(): `by='category'` needs `products` (product_id → category), "
            "e.g. `products=shop.products`."
        )
    check_table(order_items, func, param="order_items", hint="shop.order_items",
                columns={"order_id_col": order_id_col,
                         "product_id_col": product_id_col,
                         "quantity_col": quantity_col,
                         "unit_price_col": unit_price_col,
                         "discount_amount_col": discount_amount_col})
    check_no_missing(order_items, order_id_col, func, param="order_id_col")
    check_no_missing(order_items, product_id_col, func, param="product_id_col")
    for p, c in (("quantity_col", quantity_col), ("unit_price_col", unit_price_col),
                 ("discount_amount_col", discount_amount_col)):
        check_numeric(order_items, c, func, param=p, table="order_items",
                      nonnegative=True)
    paid = paid_orders(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                       columns={"order_id_col": order_id_col,
                                "paid_amount_col": paid_amount_col})
    check_numeric(orders, paid_amount_col, func, param="paid_amount_col",
                  table="orders", nonnegative=True)
    check_table(refunds, func, param="refunds", hint="shop.refunds",
                columns={"order_id_col": order_id_col,
                         "refund_amount_col": refund_amount_col,
                         **({"refund_ts_col": refund_ts_col}
                            if date_by == "refund" else {})})
    check_no_missing(refunds, order_id_col, func, param="order_id_col")
    check_numeric(refunds, refund_amount_col, func, param="refund_amount_col",
                  table="refunds", nonnegative=True)
    for other, name in ((orders, "`orders`"), (refunds, "`refunds`")):
        check_same_ids(order_items[order_id_col], other[order_id_col], func,
                       left_param="`order_items`", right_param=name)
    if date_by == "refund":
        rts = check_datetime(refunds, refund_ts_col, func, param="refund_ts_col",
                             table="refunds")
        refunds = refunds.loc[window_mask(rts, start, end, func)]
    else:
        refunds = refunds.loc[refunds[order_id_col].isin(paid[order_id_col])]
    refund_of = refunds.groupby(order_id_col, sort=False)[refund_amount_col].sum()
    refund_of = refund_of[refund_of > 0]
    paid_of = paid.groupby(order_id_col, sort=False)[paid_amount_col].sum()
    wanted = order_items[order_id_col].isin(paid_of.index) | order_items[
        order_id_col].isin(refund_of.index)
    items = order_items.loc[wanted]
    value = (items[quantity_col] * items[unit_price_col]
             - items[discount_amount_col]).to_numpy(dtype="float64")
    if by == "category":
        _check_products(products, func, product_id_col=product_id_col,
                        columns={"category_col": category_col})
        keys = _category_of(items[product_id_col], products, func,
                            product_id_col=product_id_col,
                            category_col=category_col, table="order_items")
    else:
        keys = items[product_id_col]
    # integer codes: o = order, k = key; sums per order / pair via bincount
    o, orders_u = pd.factorize(items[order_id_col].to_numpy())
    k, keys_u = pd.factorize(keys)
    total = np.bincount(o, weights=value, minlength=len(orders_u))
    n_lines = np.bincount(o, minlength=len(orders_u))
    # a line's share of its order; an order whose lines are all free splits equally
    weight = np.where(total[o] > 0, value / np.where(total[o] > 0, total[o], 1),
                      1.0 / n_lines[o])
    # one row per (key, order): an order with two lines of one category counts once
    pair = k.astype("int64") * len(orders_u) + o
    pair_w = pd.Series(weight).groupby(pair, sort=False).sum()
    pk = (pair_w.index.to_numpy() // len(orders_u)).astype("int64")
    po = (pair_w.index.to_numpy() % len(orders_u)).astype("int64")
    paid_o = paid_of.reindex(orders_u).to_numpy(dtype="float64")[po]  # NaN: unpaid
    refund_o = refund_of.reindex(orders_u).fillna(0.0).to_numpy(dtype="float64")[po]
    is_paid = ~np.isnan(paid_o)
    is_refunded = refund_o > 0
    if date_by == "order":
        keep = is_paid
        pk, pair_w, paid_o = pk[keep], pair_w.to_numpy()[keep], paid_o[keep]
        refund_o, is_paid, is_refunded = refund_o[keep], is_paid[keep], is_refunded[
            keep]
    else:
        pair_w = pair_w.to_numpy()
    n = len(keys_u)
    table = pd.DataFrame({
        "key": keys_u,
        "paid_orders": np.bincount(pk, weights=is_paid, minlength=n),
        "refunded_orders": np.bincount(pk, weights=is_refunded, minlength=n),
        "paid_amount": np.bincount(pk, weights=np.nan_to_num(paid_o) * pair_w,
                                   minlength=n),
        "refund_amount": np.bincount(pk, weights=refund_o * pair_w, minlength=n),
    })
    table = table[np.bincount(pk, minlength=n) > 0]
    table = table.sort_values("key", kind="mergesort").set_index("key")
    table = table.astype({"paid_orders": "int64", "refunded_orders": "int64"})
    table["order_refund_rate"] = safe_divide(table["refunded_orders"],
                                             table["paid_orders"])
    table["amount_refund_rate"] = safe_divide(table["refund_amount"],
                                              table["paid_amount"])
    key = "category" if by == "category" else "product_id"
    table = table.rename_axis(key).reset_index()[
        [key, "paid_orders", "refunded_orders", "order_refund_rate", "paid_amount",
         "refund_amount", "amount_refund_rate"]]
    return table.rename(columns={"category": category_col,
                                 "product_id": product_id_col})
