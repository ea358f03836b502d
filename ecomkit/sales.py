"""Sales metrics (交易): GMV, paid amount, net sales, buyers, 客单价, AOV, ...

Three revenue bases are kept apart, and every money function names its basis
(see ``metric-conventions.md``, "revenue basis"):

``gmv`` 拍下金额
    Σ ``order_amount`` of every order *placed* (``order_ts``) in the window,
    paid or not: list − discount + shipping fee.
``paid_amount`` 支付金额
    Σ ``paid_amount`` of orders *paid* (``paid_ts``) in the window, shipping
    included, later refunds NOT deducted (生意参谋).
``net_sales`` 净销售额
    list − discounts of orders paid in the window, minus the goods part of
    refunds; shipping excluded (Shopify).

The per-buyer and per-order metrics (客单价, 笔单价, 连带率, ARPU, ARPPU) all
use the paid-amount basis, so that 销售额 = 访客数 × 支付转化率 × 客单价 holds
exactly (:func:`sales_identity` shows it).

Every function takes ``start`` / ``end`` (inclusive dates) and an optional
``by`` (a column or list of columns): without ``by`` it returns one number,
with ``by`` a Series indexed by the groups, sorted by them (categorical
columns in their level order). Rows whose ``by`` value is missing form their
own group (NaN), so groups always add up to the total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._keys import group_agg
from ._orders import REFUND_CAPS, refund_goods_part
from ._validation import (
    check_by,
    check_datetime,
    check_freq,
    check_no_missing,
    check_numeric,
    check_option,
    check_table,
    check_window,
    id_kinds,
    period_start,
    safe_divide,
    take,
    window_mask,
    window_rows,
)
from .traffic import _visits_by_period

__all__ = [
    "aov",
    "arppu",
    "arpu",
    "gmv",
    "net_sales",
    "paid_amount",
    "paid_orders",
    "paying_buyers",
    "revenue_by_period",
    "revenue_per_buyer",
    "sales_identity",
    "units_per_order",
]
#: public functions that are not catalog metrics (views over several metrics)
__not_metrics__ = ["revenue_by_period", "sales_identity"]

BASES = ("gmv", "paid_amount", "net_sales")
REFUND_DATINGS = ("refund", "order")


# ------------------------------------------------------------ helpers ----
def _in_window(orders, func, *, ts_col, ts_param, columns, by, start, end,
               money=()):
    """Orders with ``ts_col`` in the window, only the needed columns, ``by`` checked.

    ``columns`` maps column parameters to names; ``money`` lists the
    parameters whose columns must be non-negative numbers. Orders without a
    time are left out. Returns ``(frame, keys)``.
    """
    mask, keys, ts = window_rows(
        orders, func, param="orders", hint="shop.orders", ts_col=ts_col,
        ts_param=ts_param, columns=columns, by=by, start=start, end=end,
    )
    frame = take(orders, ts.notna().to_numpy() & mask,
                 [ts_col, *columns.values(), *keys])
    for param in money:
        check_numeric(frame, columns[param], func, param=param, table="orders",
                      nonnegative=True)
    return frame, keys


def _paid(orders, func, *, start, end, paid_ts_col, columns, by, money=()):
    """Paid orders in the window (see :func:`_in_window`)."""
    return _in_window(orders, func, ts_col=paid_ts_col, ts_param="paid_ts_col",
                      columns=columns, by=by, start=start, end=end, money=money)


_AGGREGATES = {"sum": (float, "float64"), "size": (int, "int64"),
               "nunique": (int, "int64")}


def _per_group(frame, col, keys, name, how):
    """Σ (``how="sum"``), rows (``"size"``) or distinct values (``"nunique"``) of
    ``col``: a number without ``keys``, else a Series ``name`` sorted by the keys.
    """
    scalar, dtype = _AGGREGATES[how]
    if not keys:
        return scalar(len(frame) if how == "size" else getattr(frame[col], how)())
    return group_agg(frame, col, keys, how).astype(dtype).rename(name)


def _sum(frame, col, keys, name):
    return _per_group(frame, col, keys, name, "sum")


def _count(frame, keys, name):
    return _per_group(frame, None, keys, name, "size")


def _ratio(num, den, name):
    """``num / den`` for two scalars or two group Series (NaN where den is 0)."""
    if not isinstance(num, pd.Series):
        return safe_divide(num, den)
    num, den = num.align(den, join="outer", fill_value=0)
    return safe_divide(num, den).sort_index().rename(name)


def _buyers(frame, customer_id_col, func, keys, name="paying_buyers"):
    check_no_missing(frame, customer_id_col, func, param="customer_id_col",
                     what="customer ids")
    return _per_group(frame, customer_id_col, keys, name, "nunique")


def _check_same_id_kind(left, right, col, func, *, left_table, right_table):
    """Refuse to join int ids with str ids (pandas would raise a cryptic error)."""
    if id_kinds(left=left, right=right) is not None:
        raise TypeError(
            f"{func}(): column {col!r} holds {left.dtype} ids in `{left_table}` but "
            f"{right.dtype} ids in `{right_table}`; they cannot be matched. Use one "
            f"type in both, e.g. `{right_table}[{col!r}] = "
            f"{right_table}[{col!r}].astype({left_table}[{col!r}].dtype)`."
        )


def _merge_orders(left, orders, order_id_col, func, **kwargs):
    """``left.merge(orders)`` on the order id, refusing repeated order ids in
    ``orders`` (they would silently multiply the rows of ``left``)."""
    try:
        return left.merge(orders, on=order_id_col, validate="many_to_one", **kwargs)
    except pd.errors.MergeError:
        dup = orders[order_id_col].duplicated(keep=False).to_numpy()
        raise ValueError(
            f"{func}(): column {order_id_col!r} (from `order_id_col`) has "
            f"{int(dup.sum())} rows with a repeated order id in `orders`; one row "
            f"per order is expected (aggregate order lines first). Examples:\n"
            + orders.loc[dup].head(3).to_string()
        ) from None


def _uv(sessions, func, *, visitor_id_col, start_ts_col, start, end, keys=(),
        freq=None):
    """Visitors UV 访客数: distinct ``visitor_id`` of sessions started in the window.

    The traffic family's UV (:func:`ecomkit.traffic.unique_visitors`) per
    ``keys`` group and, with ``freq``, per period: an int, or a Series named
    ``"uv"`` indexed by ``[period,] keys``.
    """
    check_table(
        sessions, func, param="sessions",
        columns={"visitor_id_col": visitor_id_col, "start_ts_col": start_ts_col},
        hint="shop.sessions",
    )
    keys = check_by(list(keys) or None, sessions, func, table="sessions")
    # only the columns UV needs: the window filter copies less
    needed = list(dict.fromkeys([visitor_id_col, start_ts_col, *keys]))
    table = _visits_by_period(
        sessions[needed], func, freq=freq, by=keys or None,
        columns={"visitor_id_col": visitor_id_col}, visitor_id_col=visitor_id_col,
        start_ts_col=start_ts_col, start=start, end=end,
    )[0]
    group = ["period", *keys] if freq is not None else keys
    if not group:
        return int(table["uv"].sum())
    # one row per group already; grouping builds the index as the other parts'
    return group_agg(table, "uv", group, "sum")


def _identity_parts(orders, sessions, func, *, start, end, keys, freq,
                    customer_id_col, paid_ts_col, paid_amount_col,
                    visitor_id_col, start_ts_col):
    """UV, paying buyers and paid amount per group (``period`` and ``keys``).

    Returns a frame with the group columns then ``uv``, ``paying_buyers``,
    ``paid_amount``; groups present in either table, zeros filled.
    """
    paid, keys = _paid(
        orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
        columns={"customer_id_col": customer_id_col,
                 "paid_amount_col": paid_amount_col},
        by=keys or None, money=("paid_amount_col",),
    )
    group = list(keys)
    if freq is not None:
        paid = paid.assign(period=period_start(paid[paid_ts_col], freq))
        group = ["period", *keys]
    uv = _uv(sessions, func, visitor_id_col=visitor_id_col,
             start_ts_col=start_ts_col, start=start, end=end, keys=keys, freq=freq)
    buyers = _buyers(paid, customer_id_col, func, group)
    amount = _sum(paid, paid_amount_col, group, "paid_amount")
    if not group:
        return pd.DataFrame({"uv": [uv], "paying_buyers": [buyers],
                             "paid_amount": [amount]})
    out = pd.concat([uv, buyers, amount], axis=1, sort=True)
    out = out.fillna({"uv": 0, "paying_buyers": 0, "paid_amount": 0.0})
    out = out.astype({"uv": "int64", "paying_buyers": "int64",
                      "paid_amount": "float64"})
    return out.reset_index()


# --------------------------------------------------------------- GMV ----
@register_metric(
    "gmv",
    name="Gross merchandise volume",
    name_zh="GMV / 拍下金额",
    family="sales",
    formula="Σ order_amount of orders placed in the window (paid or not)",
    numerator="Σ order_amount (list − discount + shipping fee) of all placed orders",
    window="orders placed (order_ts) in [start, end]",
    basis="gmv",
    unit="currency",
    notes="Includes unpaid and cancelled orders, so it overstates cash; compare "
    "pay_amount (支付金额) and net_sales (净销售额).",
)
def gmv(
    orders: pd.DataFrame,
    *,
    order_ts_col: str = "order_ts",
    order_amount_col: str = "order_amount",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """GMV 拍下金额: the amount of every order placed in the window, paid or not.

    ``gmv = Σ order_amount`` over orders whose ``order_ts`` falls in
    ``[start, end]``; ``order_amount`` = list − discount + shipping fee.
    Unpaid and cancelled orders count (that is what 拍下 means); refunds are
    not deducted. Basis: ``gmv``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``shop.orders``).
    order_ts_col : str, default="order_ts"
        Time the order was placed.
    order_amount_col : str, default="order_amount"
        Order amount (non-negative).
    start, end : date-like, optional
        Inclusive window on ``order_ts``; ``None`` leaves a side open.
    by : str or list of str, optional
        Columns of ``orders`` to group by (e.g. ``"channel"``).

    Returns
    -------
    float or pandas.Series
        The GMV; with ``by`` a Series named ``"gmv"`` indexed by the groups.
        0.0 when no order was placed in the window.

    Raises
    ------
    TypeError
        ``orders`` is not a DataFrame, or ``order_ts`` is not datetime, or the
        amount is not numeric.
    ValueError
        A column is missing, an amount is negative, or the window is empty.

    See Also
    --------
    paid_amount : 支付金额, paid orders only.
    net_sales : 净销售额, after discounts and refunds, without shipping.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "order_ts": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]),
    ...     "order_amount": [100.0, 50.0, 80.0],
    ...     "channel": ["social", "direct", "social"],
    ... })
    >>> es.gmv(orders)
    230.0
    >>> es.gmv(orders, end="2024-01-01")
    150.0
    >>> es.gmv(orders, by="channel")
    channel
    direct     50.0
    social    180.0
    Name: gmv, dtype: float64
    """
    func = "gmv"
    mask, keys, _ = window_rows(
        orders, func, param="orders", hint="shop.orders", ts_col=order_ts_col,
        ts_param="order_ts_col", columns={"order_amount_col": order_amount_col}, by=by,
        start=start, end=end,
    )
    frame = take(orders, mask, [order_amount_col, *keys])
    check_numeric(frame, order_amount_col, func, param="order_amount_col",
                  table="orders", nonnegative=True)
    return _sum(frame, order_amount_col, keys, "gmv")


@register_metric(
    "pay_amount",
    name="Paid amount",
    name_zh="支付金额",
    family="sales",
    formula="Σ paid_amount of orders paid in the window",
    numerator="Σ paid_amount (shipping included, refunds not deducted)",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="currency",
    notes="生意参谋 支付金额: later refunds are not deducted; the order counts on "
    "the day it was paid, whenever it was placed.",
)
def paid_amount(
    orders: pd.DataFrame,
    *,
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """Paid amount 支付金额: money paid in the window, shipping included.

    ``paid_amount = Σ paid_amount`` over orders whose ``paid_ts`` falls in
    ``[start, end]`` (an order is paid when ``paid_ts`` is set). Shipping
    fees are included and later refunds are NOT deducted (生意参谋 口径).
    Basis: ``paid_amount``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``shop.orders``).
    paid_ts_col : str, default="paid_ts"
        Payment time, NaT for unpaid orders.
    paid_amount_col : str, default="paid_amount"
        Amount paid (non-negative).
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    float or pandas.Series
        The paid amount; with ``by`` a Series named ``"paid_amount"``.
        0.0 when nothing was paid in the window.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing column, non-datetime ``paid_ts``,
        non-numeric or negative amounts, an empty window.

    See Also
    --------
    gmv : 拍下金额, all placed orders.
    net_sales : 净销售额.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01 10:00", None, "2024-01-02 09:00"]),
    ...     "paid_amount": [100.0, 0.0, 80.0],
    ... })
    >>> es.paid_amount(orders)
    180.0
    >>> es.paid_amount(orders, start="2024-01-02", end="2024-01-02")
    80.0
    """
    func = "paid_amount"
    frame, keys = _paid(
        orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
        columns={"paid_amount_col": paid_amount_col}, by=by,
        money=("paid_amount_col",),
    )
    return _sum(frame, paid_amount_col, keys, "paid_amount")


# ---------------------------------------------------------- net sales ----
def _net_sales_lines(orders, refunds, func, *, start, end, by, freq,
                     order_id_col, paid_ts_col, list_amount_col,
                     discount_amount_col, refund_ts_col, refund_amount_col,
                     refund_dating, refund_cap):
    """Signed lines whose sum is net sales: goods of paid orders (+) and the
    deducted part of refunds (−), each with its group keys (and period).

    Returns ``(lines, keys)``; ``lines`` has columns ``value``, the keys and,
    when ``freq`` is set, ``period``.
    """
    check_option(refund_dating, REFUND_DATINGS, func, param="refund_dating")
    check_option(refund_cap, REFUND_CAPS, func, param="refund_cap")
    check_table(
        orders, func, param="orders",
        columns={"order_id_col": order_id_col, "paid_ts_col": paid_ts_col,
                 "list_amount_col": list_amount_col,
                 "discount_amount_col": discount_amount_col},
        hint="shop.orders",
    )
    keys = check_by(by, orders, func, table="orders")
    check_table(
        refunds, func, param="refunds",
        columns={"order_id_col": order_id_col, "refund_ts_col": refund_ts_col,
                 "refund_amount_col": refund_amount_col},
        hint="shop.refunds",
    )
    check_window(start, end, func)
    paid_ts = check_datetime(orders, paid_ts_col, func, param="paid_ts_col",
                             table="orders")
    is_paid = paid_ts.notna().to_numpy()
    # every paid order (whole history): refunds in the window may refer to
    # orders paid before it, and the goods cap needs each order's goods value
    paid_all = take(orders, is_paid, [order_id_col, paid_ts_col, list_amount_col,
                                      discount_amount_col, *keys])
    for param, col in (("list_amount_col", list_amount_col),
                       ("discount_amount_col", discount_amount_col)):
        check_numeric(paid_all, col, func, param=param, table="orders",
                      nonnegative=True)
    check_no_missing(paid_all, order_id_col, func, param="order_id_col",
                     what="order ids")
    goods = paid_all[list_amount_col] - paid_all[discount_amount_col]
    paid_all = paid_all.assign(_goods=goods)

    in_window = window_mask(paid_all[paid_ts_col], start, end, func)
    sold = paid_all.loc[in_window, [paid_ts_col, *keys]].assign(
        value=goods.to_numpy()[in_window]
    )
    if freq is not None:
        sold["period"] = period_start(sold[paid_ts_col], freq)
    sold = sold.drop(columns=paid_ts_col)

    if len(refunds) == 0:
        return sold, keys
    rts = check_datetime(refunds, refund_ts_col, func, param="refund_ts_col",
                         table="refunds")
    check_numeric(refunds, refund_amount_col, func, param="refund_amount_col",
                  table="refunds", nonnegative=True)
    check_no_missing(refunds, order_id_col, func, param="order_id_col",
                     what="order ids")
    _check_same_id_kind(paid_all[order_id_col], refunds[order_id_col],
                        order_id_col, func, left_table="orders",
                        right_table="refunds")
    ref = pd.DataFrame({
        order_id_col: refunds[order_id_col].array,
        "_refund_ts": rts.array,  # .array keeps a time zone, to_numpy would not
        "_amount": refunds[refund_amount_col].to_numpy(dtype="float64"),
    })
    # only refunded orders take part in the join (a tenth of the orders or less)
    refunded = paid_all[order_id_col].isin(ref[order_id_col]).to_numpy()
    found = paid_all.loc[refunded].drop(columns=[list_amount_col,
                                                 discount_amount_col])
    # a marker column finds refunds without a paid order (cheaper than indicator=)
    ref = _merge_orders(ref, found.assign(_found=True), order_id_col, func,
                        how="left")
    orphan = ref["_found"].isna().to_numpy()
    if orphan.any():
        raise ValueError(
            f"{func}(): {int(orphan.sum())} refund(s) refer to an order that is "
            f"not a paid order in `orders` (no row with that {order_id_col!r} and "
            f"a {paid_ts_col!r}). Pass the full orders table, not a filtered one. "
            f"Order ids: {ref.loc[orphan, order_id_col].head(5).tolist()}."
        )
    if refund_cap == "goods":  # the goods part only: refunded shipping was never sales
        ref["value"] = refund_goods_part(ref[order_id_col], ref["_refund_ts"],
                                         ref["_amount"].to_numpy(), ref["_goods"].to_numpy())
    else:
        ref["value"] = ref["_amount"]
    ref["value"] = -ref["value"]
    when = ref["_refund_ts"] if refund_dating == "refund" else ref[paid_ts_col]
    keep = window_mask(when, start, end, func)
    ref = ref.loc[keep]
    if freq is not None:
        ref = ref.assign(period=period_start(when[keep], freq))
    ref = ref[[c for c in sold.columns]]
    lines = pd.concat([sold, ref], ignore_index=True) if len(ref) else sold
    return lines, keys


@register_metric(
    "net_sales",
    name="Net sales",
    name_zh="净销售额",
    family="sales",
    formula="Σ (list − discount) of orders paid in the window − Σ refunds "
    "(goods part) dated in the window",
    numerator="goods value of paid orders minus refunded goods",
    window="orders paid (paid_ts) in [start, end]; refunds by refund_ts "
    "(refund_dating='refund') or by the order's paid_ts ('order')",
    basis="net_sales",
    unit="currency",
    variants={
        "refund_dating='refund'": "refunds booked on the refund date (Shopify)",
        "refund_dating='order'": "refunds booked on the order's payment date",
        "refund_cap='none'": "refund_amount deducted in full (shipping refunds "
        "included)",
    },
    notes="Shipping excluded both ways: a refund counts against the order's goods "
    "value first; only what exceeds it is treated as refunded shipping and left "
    "out.",
)
def net_sales(
    orders: pd.DataFrame,
    refunds: pd.DataFrame,
    *,
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    refund_dating: str = "refund",
    refund_cap: str = "goods",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """Net sales 净销售额: list − discounts − refunds, shipping excluded (Shopify).

    ``net_sales = Σ (list_amount − discount_amount)`` over orders paid in
    ``[start, end]`` ``− Σ refunded goods`` over refunds booked in the window.
    Shipping fees are excluded, and so is the shipping part of a refund.

    Two choices are explicit parameters:

    * **When a refund counts** (``refund_dating``). ``"refund"`` (default,
      Shopify): on the day it was refunded, whenever the order was paid. A
      past period never changes, and a window can even be negative when
      refunds of earlier orders outweigh its sales. ``"order"``: on the
      payment date of the refunded order, so each period nets its own
      returns, but a closed period changes when later refunds arrive.
    * **Which part of a refund is goods** (``refund_cap``). ``"goods"``
      (default): an order's refunds, in time order, are deducted until they
      reach the order's goods value (list − discount); anything above it
      returned shipping, which net sales never contained. A fully refunded
      order therefore nets exactly 0. ``"none"``: ``refund_amount`` is
      deducted in full (for data whose refunds never include shipping).

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table, all of it (refunds in the window may refer to
        orders paid earlier).
    refunds : pandas.DataFrame
        The refunds table (``shop.refunds``); may be empty.
    order_id_col : str, default="order_id"
        Order key, in both tables.
    paid_ts_col : str, default="paid_ts"
        Payment time in ``orders``, NaT if unpaid.
    list_amount_col, discount_amount_col : str
        Goods value at list price and the discount on it (``orders``).
    refund_ts_col, refund_amount_col : str
        Refund time and amount (``refunds``).
    refund_dating : {"refund", "order"}, default="refund"
        Book refunds on the refund date or on the order's payment date.
    refund_cap : {"goods", "none"}, default="goods"
        Cap each order's refunds at its goods value, or not.
    start, end : date-like, optional
        Inclusive window.
    by : str or list of str, optional
        Columns of ``orders``; a refund belongs to its order's group.

    Returns
    -------
    float or pandas.Series
        Net sales; with ``by`` a Series named ``"net_sales"``. May be negative
        for a window with more refunds than sales (``refund_dating="refund"``).

    Raises
    ------
    TypeError, ValueError
        Bad tables or columns, negative amounts, an unknown option, refunds of
        an order that is not a paid order in ``orders``, repeated order ids,
        int ids in one table and str ids in the other.

    See Also
    --------
    paid_amount : 支付金额 (shipping in, refunds not deducted).
    revenue_by_period : net sales per day, week or month.

    Examples
    --------
    Order 1 (goods 100, shipping 10) is refunded in full (110) in February;
    order 2 (goods 60 after a 20 discount) is kept.

    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "order_id": [1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-01-06"]),
    ...     "list_amount": [100.0, 80.0],
    ...     "discount_amount": [0.0, 20.0],
    ... })
    >>> refunds = pd.DataFrame({
    ...     "order_id": [1],
    ...     "refund_ts": pd.to_datetime(["2024-02-01"]),
    ...     "refund_amount": [110.0],
    ... })
    >>> es.net_sales(orders, refunds, start="2024-01-01", end="2024-01-31")
    160.0
    >>> es.net_sales(orders, refunds, start="2024-02-01", end="2024-02-29")
    -100.0
    >>> es.net_sales(orders, refunds, start="2024-01-01", end="2024-01-31",
    ...              refund_dating="order")
    60.0
    """
    lines, keys = _net_sales_lines(
        orders, refunds, "net_sales", start=start, end=end, by=by, freq=None,
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        refund_ts_col=refund_ts_col, refund_amount_col=refund_amount_col,
        refund_dating=refund_dating, refund_cap=refund_cap,
    )
    return _sum(lines, "value", keys, "net_sales")


# ---------------------------------------------------- revenue by period ----
def _period_grid(periods, start, end, freq, func):
    """Every period start from the window (or the data) first to last period."""
    lo, hi = check_window(start, end, func)
    tz = getattr(periods.dtype, "tz", None)

    def first_of(ts):
        if tz is not None and ts.tzinfo is None:
            ts = ts.tz_localize(tz)
        return period_start(pd.Series([ts]), freq).iloc[0]

    first = periods.min() if len(periods) else None
    last = periods.max() if len(periods) else None
    if lo is not None:
        first = first_of(lo)
    if hi is not None:
        last = first_of(hi - pd.Timedelta(1, "ns"))
    if first is None or last is None or first > last:
        return periods.iloc[:0].reset_index(drop=True)
    naive = [t.tz_localize(None) if tz is not None else t for t in (first, last)]
    grid = pd.Series(pd.period_range(naive[0], naive[1], freq=freq).start_time)
    if tz is not None:
        grid = grid.dt.tz_localize(tz)
    return grid.astype(periods.dtype)


def revenue_by_period(
    orders: pd.DataFrame,
    refunds: pd.DataFrame | None = None,
    *,
    freq: str = "D",
    basis: str = "gmv",
    by=None,
    start=None,
    end=None,
    order_id_col: str = "order_id",
    order_ts_col: str = "order_ts",
    order_amount_col: str = "order_amount",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    refund_dating: str = "refund",
    refund_cap: str = "goods",
) -> pd.DataFrame:
    """Revenue per day, week, month, quarter or year on one named basis.

    Each basis is dated by its own event: ``"gmv"`` (拍下金额) by
    ``order_ts``, ``"paid_amount"`` (支付金额) by ``paid_ts``,
    ``"net_sales"`` (净销售额) by ``paid_ts`` for sales and, with the default
    ``refund_dating="refund"``, by ``refund_ts`` for refunds. The periods sum
    to the window total of :func:`gmv`, :func:`paid_amount` or
    :func:`net_sales`.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table.
    refunds : pandas.DataFrame, optional
        The refunds table; required for ``basis="net_sales"``.
    freq : {"D", "W", "M", "Q", "Y"}, default="D"
        Period length; weeks start on Monday.
    basis : {"gmv", "paid_amount", "net_sales"}, default="gmv"
        Which revenue.
    by : str or list of str, optional
        Columns of ``orders`` to split by.
    start, end : date-like, optional
        Inclusive window. The first and last periods may be partial.
    order_id_col, order_ts_col, order_amount_col, paid_ts_col, paid_amount_col, \
list_amount_col, discount_amount_col, refund_ts_col, refund_amount_col : str
        Column names, defaulting to the canonical schema.
    refund_dating, refund_cap : str
        As in :func:`net_sales` (used only for ``basis="net_sales"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (first moment of the period), the ``by`` columns,
        then one value column named after the basis. Every period from the
        start of the window (or the first data) to its end (or the last data)
        appears for every group seen in the window, with 0.0 when nothing
        happened. Sorted by ``period`` then the ``by`` columns.

    Raises
    ------
    TypeError, ValueError
        As the basis function; also an unknown ``freq`` or ``basis``, and
        ``basis="net_sales"`` without ``refunds``.

    See Also
    --------
    gmv, paid_amount, net_sales

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "order_ts": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03"]),
    ...     "order_amount": [100.0, 50.0, 80.0],
    ... })
    >>> es.revenue_by_period(orders, freq="D", basis="gmv")
          period    gmv
    0 2024-01-01  150.0
    1 2024-01-02    0.0
    2 2024-01-03   80.0
    """
    func = "revenue_by_period"
    check_freq(freq, func)
    check_option(basis, BASES, func, param="basis")
    if basis == "net_sales":
        if refunds is None:
            raise ValueError(
                f"{func}(): basis='net_sales' needs the refunds table; pass "
                "`refunds=shop.refunds` (an empty table if there are none)."
            )
        lines, keys = _net_sales_lines(
            orders, refunds, func, start=start, end=end, by=by, freq=freq,
            order_id_col=order_id_col, paid_ts_col=paid_ts_col,
            list_amount_col=list_amount_col,
            discount_amount_col=discount_amount_col,
            refund_ts_col=refund_ts_col, refund_amount_col=refund_amount_col,
            refund_dating=refund_dating, refund_cap=refund_cap,
        )
    else:
        if basis == "gmv":
            ts_col, ts_param = order_ts_col, "order_ts_col"
            amount_col, amount_param = order_amount_col, "order_amount_col"
        else:
            ts_col, ts_param = paid_ts_col, "paid_ts_col"
            amount_col, amount_param = paid_amount_col, "paid_amount_col"
        frame, keys = _in_window(
            orders, func, ts_col=ts_col, ts_param=ts_param,
            columns={amount_param: amount_col}, by=by, start=start, end=end,
            money=(amount_param,),
        )
        lines = pd.DataFrame({"period": period_start(frame[ts_col], freq),
                              "value": frame[amount_col].astype("float64")})
        for k in keys:
            lines[k] = frame[k]

    group = ["period", *keys]
    agg = (lines.groupby(group, observed=True, dropna=False, sort=False)["value"]
           .sum().reset_index())
    grid = _period_grid(lines["period"], start, end, freq, func).to_frame("period")
    if keys:
        combos = lines[keys].drop_duplicates()
        grid = grid.merge(combos, how="cross")
    out = grid.merge(agg, on=group, how="left")
    out["value"] = out["value"].fillna(0.0).astype("float64")
    out = out.sort_values(group, kind="stable").reset_index(drop=True)
    return out.rename(columns={"value": basis})


# ------------------------------------------------- counts and ratios ----
@register_metric(
    "paid_orders",
    name="Paid orders",
    name_zh="支付笔数",
    family="sales",
    formula="number of orders paid in the window",
    numerator="orders with paid_ts in [start, end]",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="orders",
    notes="Refunded orders still count (生意参谋).",
)
def paid_orders(
    orders: pd.DataFrame,
    *,
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    by=None,
) -> int | pd.Series:
    """Paid orders 支付笔数: the number of orders paid in the window.

    ``paid_orders = #orders`` with ``paid_ts`` in ``[start, end]``; orders
    refunded later still count.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (one row per order).
    paid_ts_col : str, default="paid_ts"
        Payment time, NaT if unpaid.
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    int or pandas.Series
        The count (an int); with ``by`` an int64 Series named
        ``"paid_orders"``.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing column, non-datetime ``paid_ts``.

    See Also
    --------
    paying_buyers : distinct buyers instead of orders.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01", None, "2024-01-02"]),
    ... })
    >>> es.paid_orders(orders)
    2
    """
    frame, keys = _paid(orders, "paid_orders", start=start, end=end,
                        paid_ts_col=paid_ts_col, columns={}, by=by)
    return _count(frame, keys, "paid_orders")


@register_metric(
    "paying_buyers",
    name="Paying buyers",
    name_zh="支付买家数",
    family="sales",
    formula="distinct customers with an order paid in the window",
    numerator="distinct customer_id of orders paid in [start, end]",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="people",
    notes="A buyer with several orders counts once (the 'buyers' of 销售额 = "
    "访客数 × 支付转化率 × 客单价).",
)
def paying_buyers(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    by=None,
) -> int | pd.Series:
    """Paying buyers 支付买家数: distinct customers who paid in the window.

    ``paying_buyers = #distinct customer_id`` over orders with ``paid_ts`` in
    ``[start, end]``. One buyer with several orders counts once (per group
    when ``by`` is set, so groups can add up to more than the total).

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table.
    customer_id_col : str, default="customer_id"
        Buyer id (int or str; must not be missing on paid orders).
    paid_ts_col : str, default="paid_ts"
        Payment time, NaT if unpaid.
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    int or pandas.Series
        The count; with ``by`` an int64 Series named ``"paying_buyers"``.

    Raises
    ------
    TypeError, ValueError
        Bad table or columns, a paid order without a customer id.

    See Also
    --------
    revenue_per_buyer : 客单价 = paid amount ÷ paying buyers.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b"],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-02", None]),
    ... })
    >>> es.paying_buyers(orders)
    1
    """
    func = "paying_buyers"
    frame, keys = _paid(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                        columns={"customer_id_col": customer_id_col}, by=by)
    return _buyers(frame, customer_id_col, func, keys)


def _per_buyer(orders, func, name, *, customer_id_col, paid_ts_col,
               paid_amount_col, start, end, by):
    frame, keys = _paid(
        orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
        columns={"customer_id_col": customer_id_col,
                 "paid_amount_col": paid_amount_col},
        by=by, money=("paid_amount_col",),
    )
    num = _sum(frame, paid_amount_col, keys, name)
    return _ratio(num, _buyers(frame, customer_id_col, func, keys), name)


@register_metric(
    "revenue_per_buyer",
    name="Revenue per paying buyer",
    name_zh="客单价",
    family="sales",
    formula="paid amount ÷ paying buyers",
    numerator="Σ paid_amount of orders paid in the window",
    denominator="distinct customers with an order paid in the window",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="currency/buyer",
    notes="Per buyer, not per order (that is aov 笔单价). NaN when nobody paid.",
)
def revenue_per_buyer(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """客单价 (revenue per paying buyer) = paid amount ÷ paying buyers.

    ``revenue_per_buyer = Σ paid_amount ÷ #distinct customer_id``, both over
    orders paid in ``[start, end]`` (支付金额 ÷ 支付买家数, 生意参谋 and JD).
    It is per **buyer**, not per order: see :func:`aov` for 笔单价. Basis:
    ``paid_amount`` (shipping in, refunds not deducted). NaN when there are
    no paying buyers.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table.
    customer_id_col : str, default="customer_id"
        Buyer id.
    paid_ts_col : str, default="paid_ts"
        Payment time, NaT if unpaid.
    paid_amount_col : str, default="paid_amount"
        Amount paid.
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    float or pandas.Series
        客单价; with ``by`` a Series named ``"revenue_per_buyer"``.

    Raises
    ------
    TypeError, ValueError
        Bad table or columns, negative amounts, missing customer ids.

    See Also
    --------
    aov : 笔单价, per order.
    sales_identity : 销售额 = 访客数 × 支付转化率 × 客单价.

    Examples
    --------
    Buyer ``a`` pays 100 and 50, buyer ``b`` pays 90: 240 ÷ 2 buyers.

    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b"],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
    ...     "paid_amount": [100.0, 50.0, 90.0],
    ... })
    >>> es.revenue_per_buyer(orders)
    120.0
    """
    return _per_buyer(
        orders, "revenue_per_buyer", "revenue_per_buyer",
        customer_id_col=customer_id_col, paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col, start=start, end=end, by=by,
    )


@register_metric(
    "arppu",
    name="Average revenue per paying user",
    name_zh="ARPPU / 付费用户平均收入",
    family="sales",
    formula="paid amount ÷ paying users",
    numerator="Σ paid_amount of orders paid in the window",
    denominator="distinct customers with an order paid in the window",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="currency/payer",
    notes="On the paid-amount basis it equals 客单价 (revenue_per_buyer); GA4's "
    "ARPPU differs only by its basis (purchase revenue net of refunds).",
)
def arppu(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """ARPPU = paid amount ÷ paying users.

    ``arppu = Σ paid_amount ÷ #distinct customer_id`` over orders paid in
    ``[start, end]``. On this basis it is the same number as 客单价
    (:func:`revenue_per_buyer`): the two names come from two traditions (GA4
    and 生意参谋). GA4's ARPPU uses purchase revenue net of refunds, so it
    is lower when refunds exist. NaN when nobody paid.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table.
    customer_id_col, paid_ts_col, paid_amount_col : str
        Buyer id, payment time, amount paid.
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    float or pandas.Series
        ARPPU; with ``by`` a Series named ``"arppu"``.

    Raises
    ------
    TypeError, ValueError
        As :func:`revenue_per_buyer`.

    See Also
    --------
    arpu : per active user (UV) instead of per paying user.
    revenue_per_buyer : the same ratio under its Chinese name.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
    ...     "paid_amount": [100.0, 50.0, 90.0],
    ... })
    >>> es.arppu(orders)
    120.0
    """
    return _per_buyer(
        orders, "arppu", "arppu",
        customer_id_col=customer_id_col, paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col, start=start, end=end, by=by,
    )


@register_metric(
    "aov",
    name="Average order value",
    name_zh="笔单价 / 平均订单价值",
    family="sales",
    formula="paid amount ÷ paid orders",
    numerator="Σ paid_amount of orders paid in the window",
    denominator="orders paid in the window",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="currency/order",
    notes="Per order, not per buyer (that is revenue_per_buyer 客单价). Shopify's "
    "AOV uses gross sales − discounts (no shipping). NaN when no order was paid.",
)
def aov(
    orders: pd.DataFrame,
    *,
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """AOV 笔单价 = paid amount ÷ paid orders.

    ``aov = Σ paid_amount ÷ #orders``, both over orders paid in
    ``[start, end]``. Per **order**: never call it 客单价 (per buyer, see
    :func:`revenue_per_buyer`). Basis ``paid_amount`` (shipping included,
    refunds not deducted). NaN when no order was paid.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (one row per order).
    paid_ts_col : str, default="paid_ts"
        Payment time, NaT if unpaid.
    paid_amount_col : str, default="paid_amount"
        Amount paid.
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    float or pandas.Series
        AOV; with ``by`` a Series named ``"aov"``.

    Raises
    ------
    TypeError, ValueError
        Bad table or columns, negative amounts.

    See Also
    --------
    revenue_per_buyer : 客单价, per buyer.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
    ...     "paid_amount": [100.0, 50.0, 90.0],
    ... })
    >>> es.aov(orders)
    80.0
    """
    func = "aov"
    frame, keys = _paid(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                        columns={"paid_amount_col": paid_amount_col}, by=by,
                        money=("paid_amount_col",))
    return _ratio(_sum(frame, paid_amount_col, keys, "aov"),
                  _count(frame, keys, "aov"), "aov")


@register_metric(
    "units_per_transaction",
    name="Units per transaction",
    name_zh="连带率 / 件单量",
    family="sales",
    formula="units sold ÷ paid orders",
    numerator="Σ order_items.quantity of orders paid in the window",
    denominator="orders paid in the window",
    window="orders paid (paid_ts) in [start, end]",
    basis="paid_amount",
    unit="units/order",
    notes="Computed by ecomkit.units_per_order. Units of later-refunded orders "
    "still count (gross units). NaN when no order was paid.",
)
def units_per_order(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    *,
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    quantity_col: str = "quantity",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """连带率 (units per order) = units in paid orders ÷ paid orders.

    ``units_per_order = Σ quantity`` of the ``order_items`` lines of orders
    paid in ``[start, end]`` ``÷ #paid orders``. A paid order without item
    lines counts in the denominator with 0 units. NaN when no order was paid.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (one row per order).
    order_items : pandas.DataFrame
        The order lines (``shop.order_items``).
    order_id_col : str, default="order_id"
        Order key, in both tables.
    paid_ts_col : str, default="paid_ts"
        Payment time in ``orders``.
    quantity_col : str, default="quantity"
        Units on a line (``order_items``).
    start, end : date-like, optional
        Inclusive window on ``paid_ts``.
    by : str or list of str, optional
        Columns of ``orders`` to group by.

    Returns
    -------
    float or pandas.Series
        Units per order; with ``by`` a Series named ``"units_per_order"``.

    Raises
    ------
    TypeError, ValueError
        Bad tables or columns, negative quantities, repeated order ids in
        ``orders`` (with ``by``), int ids in one table and str ids in the
        other.

    See Also
    --------
    aov : money per order.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "order_id": [1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-01", None]),
    ... })
    >>> items = pd.DataFrame({"order_id": [1, 1, 2, 3], "quantity": [2, 1, 1, 5]})
    >>> es.units_per_order(orders, items)
    2.0
    """
    func = "units_per_order"
    frame, keys = _paid(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                        columns={"order_id_col": order_id_col}, by=by)
    check_table(order_items, func, param="order_items",
                columns={"order_id_col": order_id_col, "quantity_col": quantity_col},
                hint="shop.order_items")
    check_numeric(order_items, quantity_col, func, param="quantity_col",
                  table="order_items", nonnegative=True)
    _check_same_id_kind(frame[order_id_col], order_items[order_id_col],
                        order_id_col, func, left_table="orders",
                        right_table="order_items")
    items = order_items[[order_id_col, quantity_col]]
    if keys:
        lines = _merge_orders(items, frame[[order_id_col, *keys]], order_id_col,
                              func, how="inner")
        units = _sum(lines, quantity_col, keys, "units_per_order")
    else:
        hit = items[order_id_col].isin(frame[order_id_col]).to_numpy()
        units = float(items[quantity_col].to_numpy()[hit].sum())
    return _ratio(units, _count(frame, keys, "units_per_order"), "units_per_order")


@register_metric(
    "arpu",
    name="Average revenue per user",
    name_zh="ARPU / 人均收入",
    family="sales",
    formula="paid amount ÷ active users (UV)",
    numerator="Σ paid_amount of orders paid in the window",
    denominator="distinct visitor_id of sessions started in the window (UV)",
    window="paid_ts and session start_ts in [start, end]",
    basis="paid_amount",
    unit="currency/user",
    notes="Active user = visitor with a session in the window; equals UV价值 "
    "(支付转化率 × 客单价). NaN when there are no visitors.",
)
def arpu(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
) -> float | pd.Series:
    """ARPU = paid amount ÷ active users (visitors, UV).

    ``arpu = Σ paid_amount`` of orders paid in ``[start, end]`` ``÷ UV``,
    UV = distinct ``visitor_id`` of sessions started in the window. With the
    default conversion rate (buyers ÷ UV) this is UV价值 = 支付转化率 ×
    客单价. NaN when there are no visitors.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table.
    sessions : pandas.DataFrame
        The sessions table (``shop.sessions``).
    paid_ts_col, paid_amount_col : str
        Payment time and amount in ``orders``.
    visitor_id_col, start_ts_col : str
        Visitor id and session start in ``sessions``.
    start, end : date-like, optional
        Inclusive window for both tables.
    by : str or list of str, optional
        Columns present in both tables (e.g. ``"channel"``, ``"device"``).

    Returns
    -------
    float or pandas.Series
        ARPU; with ``by`` a Series named ``"arpu"`` over the groups of either
        table (NaN for a group without visitors).

    Raises
    ------
    TypeError, ValueError
        Bad tables or columns, missing visitor ids, negative amounts.

    See Also
    --------
    arppu : per paying user.
    sales_identity

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01"]), "paid_amount": [90.0],
    ... })
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 1, 2, 3],
    ...     "start_ts": pd.to_datetime(["2024-01-01"] * 4),
    ... })
    >>> es.arpu(orders, sessions)
    30.0
    """
    func = "arpu"
    frame, keys = _paid(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                        columns={"paid_amount_col": paid_amount_col}, by=by,
                        money=("paid_amount_col",))
    uv = _uv(sessions, func, visitor_id_col=visitor_id_col,
             start_ts_col=start_ts_col, start=start, end=end, keys=keys)
    return _ratio(_sum(frame, paid_amount_col, keys, "arpu"), uv, "arpu")


# ----------------------------------------------------------- identity ----
def sales_identity(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    freq: str | None = None,
    by=None,
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
) -> pd.DataFrame:
    """销售额 = 访客数 × 支付转化率 × 客单价, checked on your data.

    For each group: ``uv`` = distinct visitors of sessions started in the
    window (访客数); ``paying_buyers`` = distinct customers with an order paid
    in it; ``pay_conversion = paying_buyers ÷ uv`` (支付转化率);
    ``revenue_per_buyer = paid_amount ÷ paying_buyers`` (客单价);
    ``paid_amount`` = Σ paid amount (支付金额). The product
    ``uv × pay_conversion × revenue_per_buyer`` equals ``paid_amount`` up to
    float rounding: the identity holds because the conversion rate is per
    visitor and buyer, and 客单价 is per buyer on the same basis. With a
    per-session rate or a per-order AOV it would not.

    UV is the traffic family's (:func:`ecomkit.traffic.unique_visitors`):
    distinct ``visitor_id`` of the sessions started in the window.

    Parameters
    ----------
    orders, sessions : pandas.DataFrame
        The orders and sessions tables.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        One row per period (UV de-duplicated within each period, so daily UVs
        do not add up to a monthly UV). ``None``: one row for the window.
    by : str or list of str, optional
        Columns present in both tables (``"channel"``, ``"device"``).
    start, end : date-like, optional
        Inclusive window.
    customer_id_col, paid_ts_col, paid_amount_col : str
        Columns of ``orders``.
    visitor_id_col, start_ts_col : str
        Columns of ``sessions``.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (when ``freq``), the ``by`` columns, ``uv``,
        ``paying_buyers``, ``pay_conversion``, ``revenue_per_buyer``,
        ``paid_amount``, ``uv_x_conversion_x_rpb`` (the product) and
        ``identity_holds`` (nullable boolean). Rates are NaN where undefined:
        ``pay_conversion`` without visitors, ``revenue_per_buyer`` without
        buyers. With visitors but no buyers the product is 0 (= uv × 0 ×
        anything) and the identity holds; without visitors the product is NaN
        and ``identity_holds`` is ``<NA>`` (paid orders with no visitor cannot
        be written as UV × CR × 客单价). One row per group seen in either
        table, sorted by the group columns.

    Raises
    ------
    TypeError, ValueError
        Bad tables, columns, ``freq`` or window.

    See Also
    --------
    revenue_per_buyer, arpu, ecomkit.diagnosis.gmv_change

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.sales as es
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01"]),
    ...     "paid_amount": [100.0, 50.0, 90.0],
    ... })
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 2, 3, 4],
    ...     "start_ts": pd.to_datetime(["2024-01-01"] * 4),
    ... })
    >>> es.sales_identity(orders, sessions).T
                                0
    uv                          4
    paying_buyers               2
    pay_conversion            0.5
    revenue_per_buyer       120.0
    paid_amount             240.0
    uv_x_conversion_x_rpb   240.0
    identity_holds           True
    """
    func = "sales_identity"
    if freq is not None:
        check_freq(freq, func)
    parts = _identity_parts(
        orders, sessions, func, start=start, end=end, keys=by, freq=freq,
        customer_id_col=customer_id_col, paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col, visitor_id_col=visitor_id_col,
        start_ts_col=start_ts_col,
    )
    uv, buyers, amount = parts["uv"], parts["paying_buyers"], parts["paid_amount"]
    conversion = safe_divide(buyers, uv)
    per_buyer = safe_divide(amount, buyers)
    # with visitors but no buyers the identity reads 0 = uv × 0 × 客单价 for any
    # 客单价, so the product is 0 even though 客单价 itself is undefined (NaN)
    product = (uv * conversion * per_buyer).where(buyers > 0, 0.0).where(uv > 0)
    holds = pd.array(np.isclose(product, amount, rtol=1e-9, atol=1e-6),
                     dtype="boolean")
    holds[product.isna().to_numpy()] = pd.NA
    out = parts.drop(columns=["paid_amount"]).assign(
        pay_conversion=conversion,
        revenue_per_buyer=per_buyer,
        paid_amount=amount,
        uv_x_conversion_x_rpb=product,
        identity_holds=holds,
    )
    return out
