"""Fulfilment metrics (营运 / 履约): shipping speed, delivery time, late deliveries.

Every metric here looks at the orders *paid* in the window (``paid_ts`` in
``[start, end]``) and follows them through shipment and delivery, whenever
those happened. Durations are measured on the timestamps themselves, so
tz-aware columns work as long as all of them are tz-aware (or all naive).

``by`` splits any metric by columns of ``orders`` (``device``, ``channel``, a
carrier-region column of your own) or, with ``customers=shop.customers``, by
columns of the buyer (``province``, ``city_tier``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._validation import (
    MISSING_COLUMN_MSG,
    by_columns,
    check_number,
    check_option,
    check_same_id_type,
    check_same_tz,
    check_table,
    check_unique_ids,
    take,
)
from .finance import (
    _check,
    _cols,
    _gsum,
    _levels_of,
    _plain_index,
    _ratio,
    _sorted_groups,
    _Window,
)

__all__ = [
    "delivery_days",
    "late_delivery_refund_share",
    "refund_rate_by_delivery",
    "ship_within_rate",
]

_DAY = pd.Timedelta(days=1)
_LEGS = {
    "paid_to_delivered": ("paid_ts", "delivered_ts"),
    "shipped_to_delivered": ("shipped_ts", "delivered_ts"),
    "paid_to_shipped": ("paid_ts", "shipped_ts"),
}
_STATS = ("mean", "median", "distribution")
_UNITS = ("orders", "amount")
_DELIVERY_LEVELS = ("on_time", "late")


# ------------------------------------------------------------------ helpers ----
def _by_columns(by, func) -> list:
    cols = by_columns(by)
    for col in cols:
        if not isinstance(col, str):
            raise TypeError(f"{func}(): `by` must be a column name or a list of "
                            f"column names, got {by!r}.")
    return cols


def _attach_by(rows: pd.DataFrame, orders, by: list, customers, func, c) -> dict:
    """The ``by`` columns for ``rows`` (from orders, else from the buyer's row)."""
    out = {}
    need = [col for col in by if col not in orders.columns]
    for col in by:
        if col in orders.columns:
            out[col] = rows[col]
    if not need:
        return out
    if customers is None:
        raise ValueError(
            MISSING_COLUMN_MSG.format(func=func, column=need[0], param="by",
                                      table="orders",
                                      available=list(map(str, orders.columns)))
            + " To split by a customer column, also pass customers=shop.customers."
        )
    _check(orders, func, c, ["customer_id"], param="orders", hint="shop.orders")
    _check(customers, func, c, ["customer_id"], param="customers",
           hint="shop.customers")
    for col in need:
        check_table(customers, func, param="customers", columns={"by": col})
    check_same_id_type(func, "customer_id_col", c.customer_id, orders=orders,
                       customers=customers)
    if customers[c.customer_id].duplicated().any():
        raise ValueError(f"{func}(): `customers` has repeated customer ids in column "
                         f"{c.customer_id!r}; it needs one row per customer.")
    pos = pd.Index(customers[c.customer_id]).get_indexer(rows[c.customer_id])
    if (pos < 0).any():
        missing = rows.loc[pos < 0, c.customer_id].head(3).tolist()
        raise ValueError(
            f"{func}(): {int((pos < 0).sum())} order(s) have a customer that is not "
            f"in `customers` (e.g. {missing}). Pass the full customers table."
        )
    for col in need:
        out[col] = customers[col].iloc[pos].set_axis(rows.index)
    return out


def _paid_in_window(orders, func, c, names, win, extra_ts=(), by=()):
    """Validated orders paid in the window (with the timestamp columns checked).

    Only the columns ``names``, ``by`` and the customer id are kept.
    """
    _check(orders, func, c, ["paid_ts", *names], param="orders", hint="shop.orders")
    check_same_tz(func, {f"orders.{n}": orders[getattr(c, n)]
                          for n in ("paid_ts", *extra_ts)})
    cols = [c.paid_ts, *(getattr(c, n) for n in names), c.customer_id, *by]
    return take(orders, win.select(orders[c.paid_ts]), cols)


def _durations(rows, c, frm: str, to: str, func) -> pd.Series:
    """Elapsed time from ``frm`` to ``to``; rejects events in the wrong order."""
    lag = rows[getattr(c, to)] - rows[getattr(c, frm)]
    bad = (lag < pd.Timedelta(0)).to_numpy()
    if bad.any():
        cols = [getattr(c, frm), getattr(c, to)]
        raise ValueError(
            f"{func}(): {int(bad.sum())} order(s) have {cols[1]!r} (from "
            f"`{to}_col`) before {cols[0]!r} (from `{frm}_col`). Check the "
            f"timestamps (time zones?). Examples:\n"
            + rows.loc[bad, cols].head(3).to_string()
        )
    return lag


# -------------------------------------------------------------- shipping ----
@register_metric(
    "ship_within_48h_rate",
    name="Ship-within-48h rate",
    name_zh="48小时发货率",
    family="fulfilment",
    formula="paid orders shipped within 48 h of payment ÷ paid orders shipped",
    numerator="orders paid in the window with shipped_ts − paid_ts ≤ 48 h",
    denominator="orders paid in the window that have shipped",
    window="orders paid in [start, end] (shipment whenever it happened)",
    basis="shipped paid orders",
    unit="fraction",
    variants={"24h": "hours=24: 24小时发货率", "by carrier region": "by=<column>"},
    notes=(
        "Paid orders not shipped yet are outside the denominator (unknown lag), so "
        "at the end of the data the rate is optimistic: end the window a few days "
        "before the data ends."
    ),
)
def ship_within_rate(
    orders: pd.DataFrame,
    *,
    hours: float = 48,
    start=None,
    end=None,
    by=None,
    freq: str | None = None,
    customers: pd.DataFrame | None = None,
    paid_ts_col: str = "paid_ts",
    shipped_ts_col: str = "shipped_ts",
    customer_id_col: str = "customer_id",
):
    """Ship-within rate 48小时发货率 = orders shipped within ``hours`` of payment ÷ orders shipped.

    Numerator: orders paid in the window whose ``shipped_ts − paid_ts`` ≤
    ``hours``. Denominator: orders paid in the window that have shipped (any
    time). Paid orders not shipped yet are left out: their lag is unknown. A
    fraction in [0, 1]; NaN when no order paid in the window has shipped.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``shop.orders``.
    hours : float, default=48
        The promise: 48 for 48小时发货率, 24 for 24小时发货率.
    start, end : date-like, optional
        Inclusive window on the payment time.
    by : str or list of str, optional
        Columns of ``orders`` (``device``, ``channel``, a carrier region) or,
        with ``customers``, of the buyer (``province``).
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period of payment.
    customers : pandas.DataFrame, optional
        ``shop.customers``, to split by a customer column.
    paid_ts_col, shipped_ts_col, customer_id_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        The rate; with ``by``/``freq`` a Series named ``ship_within_rate``
        indexed by ``period`` and the ``by`` columns (sorted; categories in their
        level order). A group whose paid orders have not shipped shows NaN.

    Raises
    ------
    TypeError
        Not a DataFrame, or a time column that does not hold datetimes.
    ValueError
        A missing column, ``hours`` ≤ 0, mixed time zones, a shipment before its
        payment, a bad window or ``freq``.

    See Also
    --------
    delivery_days, late_delivery_refund_share

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01 10:00"] * 4),
    ...     "shipped_ts": pd.to_datetime(["2024-01-02 09:00", "2024-01-03 10:00",
    ...                                   "2024-01-04 08:00", pd.NaT])})
    >>> ship_within_rate(orders)  # 2 of the 3 shipped orders within 48 h
    0.666...
    >>> ship_within_rate(orders, hours=24)
    0.333...
    """
    func = "ship_within_rate"
    hours = check_number(hours, func, param="hours", low=0, low_inclusive=False)
    win = _Window.make(func, freq, start, end)
    c = _cols(paid_ts_col=paid_ts_col, shipped_ts_col=shipped_ts_col,
              customer_id_col=customer_id_col)
    by_cols = _by_columns(by, func)
    paid = _paid_in_window(orders, func, c, ["shipped_ts"], win, ("shipped_ts",),
                           by_cols)
    shipped = paid[c.shipped_ts].notna().to_numpy()
    lag = _durations(paid.loc[shipped], c, "paid_ts", "shipped_ts", func)
    within = np.zeros(len(paid))
    within[shipped] = (lag <= pd.Timedelta(hours=hours)).to_numpy()
    # groups come from all paid orders: a group with none shipped shows NaN
    keys = {"period": win.keys(paid[c.paid_ts]),
            **_attach_by(paid, orders, by_cols, customers, func, c)}
    num = _gsum(pd.Series(within, index=paid.index), keys)
    den = _gsum(pd.Series(shipped.astype(float), index=paid.index), keys)
    return _ratio(num, den, name="ship_within_rate", by=by_cols, freq=freq,
                  levels=_levels_of(by_cols, orders, customers))


# -------------------------------------------------------------- delivery ----
@register_metric(
    "delivery_days",
    name="Average delivery days",
    name_zh="平均送达天数",
    family="fulfilment",
    formula="mean of (delivered_ts − paid_ts) in days over delivered paid orders",
    numerator="Σ (delivered_ts − paid_ts) in days",
    denominator="orders paid in the window that have been delivered",
    window="orders paid in [start, end] (delivery whenever it happened)",
    basis="delivered paid orders",
    unit="days",
    variants={
        "median": "stat='median'",
        "distribution": "stat='distribution': share of orders per whole day "
        "(rounded up)",
        "shipped_to_delivered": "leg='shipped_to_delivered': carrier time only",
        "paid_to_shipped": "leg='paid_to_shipped': warehouse time only",
    },
)
def delivery_days(
    orders: pd.DataFrame,
    *,
    stat: str = "mean",
    leg: str = "paid_to_delivered",
    start=None,
    end=None,
    by=None,
    freq: str | None = None,
    customers: pd.DataFrame | None = None,
    paid_ts_col: str = "paid_ts",
    shipped_ts_col: str = "shipped_ts",
    delivered_ts_col: str = "delivered_ts",
    customer_id_col: str = "customer_id",
):
    """Average delivery days 平均送达天数: days from payment to delivery.

    For every order paid in the window that has reached the end of ``leg``
    (delivered, by default), days = (``delivered_ts`` − ``paid_ts``) ÷ 24 h, a
    fractional number. ``stat="mean"`` (default) averages them, ``"median"``
    takes the median, ``"distribution"`` counts orders per whole day rounded up
    (so the cumulative share at N days is the share delivered within N × 24 h).
    Orders not delivered yet are left out. NaN when no order was delivered.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``shop.orders``.
    stat : {"mean", "median", "distribution"}, default="mean"
        Summary of the per-order days.
    leg : {"paid_to_delivered", "shipped_to_delivered", "paid_to_shipped"}, \
default="paid_to_delivered"
        Which part of the trip to time (carrier time only, warehouse time only).
    start, end : date-like, optional
        Inclusive window on the payment time.
    by : str or list of str, optional
        Columns of ``orders`` or (with ``customers``) of the buyer.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period of payment.
    customers : pandas.DataFrame, optional
        ``shop.customers``, to split by a customer column such as ``province``.
    paid_ts_col, shipped_ts_col, delivered_ts_col, customer_id_col : str
        Column names (canonical by default).

    Returns
    -------
    float, pandas.Series or pandas.DataFrame
        mean/median: a float, or with ``by``/``freq`` a Series named
        ``delivery_days`` indexed by ``period`` and the ``by`` columns (NaN for a
        group whose paid orders are not delivered yet).
        distribution: a DataFrame with columns ``period`` (with ``freq``), the
        ``by`` columns, ``days`` (int), ``orders`` (int) and ``share`` (of the
        group's delivered orders), sorted by group then days.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing or non-datetime column, mixed time zones, a
        delivery before payment (or shipment), an unknown option, a bad window or
        ``freq``.

    See Also
    --------
    ship_within_rate, late_delivery_refund_share

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "paid_ts": pd.to_datetime(["2024-01-01 10:00"] * 3),
    ...     "delivered_ts": pd.to_datetime(["2024-01-02 22:00", "2024-01-04 10:00",
    ...                                     pd.NaT])})
    >>> delivery_days(orders)  # (1.5 + 3) / 2
    2.25
    >>> delivery_days(orders, stat="distribution")
       days  orders  share
    0     2       1    0.5
    1     3       1    0.5
    """
    func = "delivery_days"
    check_option(stat, _STATS, func, param="stat")
    check_option(leg, tuple(_LEGS), func, param="leg")
    frm, to = _LEGS[leg]
    win = _Window.make(func, freq, start, end)
    c = _cols(paid_ts_col=paid_ts_col, shipped_ts_col=shipped_ts_col,
              delivered_ts_col=delivered_ts_col, customer_id_col=customer_id_col)
    by_cols = _by_columns(by, func)
    stamps = sorted({frm, to} - {"paid_ts"})
    paid = _paid_in_window(orders, func, c, stamps, win, tuple(stamps), by_cols)
    done = (paid[getattr(c, frm)].notna() & paid[getattr(c, to)].notna()).to_numpy()
    elapsed = np.full(len(paid), np.nan)
    elapsed[done] = (_durations(paid.loc[done], c, frm, to, func) / _DAY).to_numpy()
    days = pd.Series(elapsed, index=paid.index)
    keys = {"period": win.keys(paid[c.paid_ts]),
            **_attach_by(paid, orders, by_cols, customers, func, c)}
    levels = _levels_of(by_cols, orders, customers)
    if stat == "mean":  # groups of paid orders with none delivered show NaN
        return _ratio(_gsum(days.fillna(0.0), keys),
                      _gsum(pd.Series(done.astype(float), index=paid.index), keys),
                      name="delivery_days", by=by_cols, freq=freq, levels=levels)
    if stat == "median":
        groupers = [pd.Series(v.array if isinstance(v, pd.Series) else v,
                              index=paid.index, name=k) for k, v in keys.items()]
        med = days.groupby(groupers, observed=True, sort=False).median()
        med.index = _plain_index(med.index)
        return _ratio(med.fillna(0.0), med.notna().astype(float),
                      name="delivery_days", by=by_cols, freq=freq, levels=levels)
    whole = np.ceil(days.to_numpy()[done]).astype("int64")
    keys = {k: (v[done] if isinstance(v, np.ndarray) else v.loc[done])
            for k, v in keys.items()}
    counts = _gsum(pd.Series(1, index=paid.index[done], dtype="int64"),
                   {**keys, "days": whole})
    return _distribution(counts, by_cols, freq, levels)


def _distribution(counts: pd.Series, by: list, freq, levels: dict) -> pd.DataFrame:
    """Counts per (group, days) as a long frame with each group's share."""
    groups = ["period", *by]
    counts = _sorted_groups(counts, levels)
    out = counts.rename("orders").reset_index()
    out.columns = [*groups, "days", "orders"]
    total = out.groupby(groups, sort=False, dropna=False)["orders"].transform("sum")
    out["share"] = out["orders"] / total
    out["orders"] = out["orders"].astype("int64")
    out["days"] = out["days"].astype("int64")
    if freq is None:
        out = out.drop(columns="period")
    else:
        out["period"] = out["period"].astype("datetime64[ns]")
    return out.reset_index(drop=True)


# --------------------------------------------------------- late deliveries ----
def _late_frame(func, orders, refunds, c, win, late_days, by_cols, customers,
                with_amount):
    """Orders paid in the window: delivered and late flags, refunds and amounts.

    Late = delivered and (delivered_ts − paid_ts) > late_days × 24 h. An order is
    refunded when it has any row in ``refunds``.
    """
    late_days = check_number(late_days, func, param="late_days", low=0)
    names = ["order_id", "delivered_ts"]
    paid = _paid_in_window(orders, func, c, names, win, ("delivered_ts",), by_cols)
    _check(refunds, func, c,
           ["order_id", *(["refund_amount"] if with_amount else [])],
           param="refunds", hint="shop.refunds")
    check_same_id_type(func, "order_id_col", c.order_id, orders=orders,
                       refunds=refunds)
    order_index = pd.Index(paid[c.order_id])
    if not order_index.is_unique:
        check_unique_ids(orders, c.order_id, func, "order_id_col")
    delivered = paid[c.delivered_ts].notna().to_numpy()
    late = np.zeros(len(paid), dtype=bool)
    days = _durations(paid.loc[delivered], c, "paid_ts", "delivered_ts", func) / _DAY
    late[delivered] = (days > late_days).to_numpy()
    pos = order_index.get_indexer(refunds[c.order_id])
    hit = pos >= 0
    refunded = np.bincount(pos[hit], minlength=len(paid)) > 0
    amount = None
    if with_amount:
        money = refunds[c.refund_amount].to_numpy(dtype=float)[hit]
        amount = np.bincount(pos[hit], weights=money, minlength=len(paid))
    keys = {"period": win.keys(paid[c.paid_ts]),
            **_attach_by(paid, orders, by_cols, customers, func, c)}
    return paid, delivered, late, refunded, amount, keys


@register_metric(
    "late_delivery_refund_share",
    name="Late-delivery share of refunds",
    name_zh="超时送达退款占比",
    family="fulfilment",
    formula="refunded late-delivered orders ÷ refunded delivered orders",
    numerator="delivered orders paid in the window with paid → delivered > "
    "late_days and at least one refund",
    denominator="delivered orders paid in the window with at least one refund",
    window="orders paid in [start, end]; their refunds whenever completed",
    basis="delivered paid orders",
    unit="fraction",
    variants={"amount": "unit='amount': refund amount of late orders ÷ refund "
              "amount of delivered orders"},
    notes=(
        "Compare it with the share of late orders among all delivered orders: "
        "refund_rate_by_delivery gives the refund rate of late vs on-time orders."
    ),
)
def late_delivery_refund_share(
    orders: pd.DataFrame,
    refunds: pd.DataFrame,
    *,
    late_days: float = 5,
    unit: str = "orders",
    start=None,
    end=None,
    by=None,
    freq: str | None = None,
    customers: pd.DataFrame | None = None,
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    delivered_ts_col: str = "delivered_ts",
    refund_amount_col: str = "refund_amount",
    customer_id_col: str = "customer_id",
):
    """Share of refunds that fall on late deliveries 超时送达退款占比.

    Among the orders paid in the window that have been delivered, an order is
    *late* when (``delivered_ts`` − ``paid_ts``) > ``late_days`` × 24 h.
    ``unit="orders"`` (default): refunded late orders ÷ refunded orders;
    ``unit="amount"``: refund amount of late orders ÷ refund amount of all of
    them. An order counts as refunded if it has any row in ``refunds`` (any
    reason, whenever completed). A fraction in [0, 1]; NaN when none of the
    delivered orders was refunded.

    Read it against the share of late orders: if 10 % of deliveries are late but
    30 % of refunds fall on them, lateness costs refunds. For the refund *rate*
    of late vs on-time orders use :func:`refund_rate_by_delivery`.

    Parameters
    ----------
    orders, refunds : pandas.DataFrame
        ``shop.orders`` and ``shop.refunds``.
    late_days : float, default=5
        Days from payment to delivery above which a delivery is late.
    unit : {"orders", "amount"}, default="orders"
        Count refunded orders or sum refund amounts.
    start, end : date-like, optional
        Inclusive window on the payment time.
    by : str or list of str, optional
        Columns of ``orders`` or (with ``customers``) of the buyer.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period of payment.
    customers : pandas.DataFrame, optional
        ``shop.customers``, to split by a customer column.
    order_id_col, paid_ts_col, delivered_ts_col, refund_amount_col, \
customer_id_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        The share; with ``by``/``freq`` a Series named
        ``late_delivery_refund_share`` indexed by ``period`` and the ``by``
        columns.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing or badly typed column, negative refunds,
        ids of different types, ``late_days`` < 0, an unknown ``unit``, a
        delivery before payment, a bad window or ``freq``.

    See Also
    --------
    refund_rate_by_delivery, delivery_days

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4],
    ...     "paid_ts": pd.to_datetime(["2024-01-01"] * 4),
    ...     "delivered_ts": pd.to_datetime(["2024-01-02", "2024-01-03",
    ...                                     "2024-01-08", "2024-01-10"])})
    >>> refunds = pd.DataFrame({"order_id": [1, 3, 4],
    ...                         "refund_amount": [10.0, 20.0, 50.0]})
    >>> late_delivery_refund_share(orders, refunds)  # orders 3, 4 of 1, 3, 4
    0.666...
    >>> late_delivery_refund_share(orders, refunds, unit="amount")  # 70 / 80
    0.875
    """
    func = "late_delivery_refund_share"
    check_option(unit, _UNITS, func, param="unit")
    win = _Window.make(func, freq, start, end)
    c = _cols(order_id_col=order_id_col, paid_ts_col=paid_ts_col,
              delivered_ts_col=delivered_ts_col, refund_amount_col=refund_amount_col,
              customer_id_col=customer_id_col)
    by_cols = _by_columns(by, func)
    paid, delivered, late, refunded, amount, keys = _late_frame(
        func, orders, refunds, c, win, late_days, by_cols, customers,
        with_amount=unit == "amount")
    weight = refunded.astype(float) if unit == "orders" else amount
    weight = np.where(delivered, weight, 0.0)  # undelivered orders are not judged
    num = _gsum(pd.Series(weight * late, index=paid.index), keys)
    den = _gsum(pd.Series(weight, index=paid.index), keys)
    return _ratio(num, den, name="late_delivery_refund_share", by=by_cols,
                  freq=freq, levels=_levels_of(by_cols, orders, customers))


@register_metric(
    "refund_rate_by_delivery",
    name="Refund rate of late vs on-time deliveries",
    name_zh="超时/准时送达订单退款率",
    family="fulfilment",
    formula="refunded orders ÷ delivered orders, for late and on-time deliveries",
    numerator="delivered orders paid in the window with at least one refund",
    denominator="delivered orders paid in the window (late: paid → delivered > "
    "late_days; else on time)",
    window="orders paid in [start, end]; their refunds whenever completed",
    basis="delivered paid orders",
    unit="fraction",
)
def refund_rate_by_delivery(
    orders: pd.DataFrame,
    refunds: pd.DataFrame,
    *,
    late_days: float = 5,
    start=None,
    end=None,
    by=None,
    freq: str | None = None,
    customers: pd.DataFrame | None = None,
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    delivered_ts_col: str = "delivered_ts",
    customer_id_col: str = "customer_id",
) -> pd.DataFrame:
    """Refund rate 退款率 of late vs on-time deliveries.

    Among the orders paid in the window that have been delivered, late = paid →
    delivered > ``late_days`` × 24 h, else on time. For each: refund rate =
    orders with at least one refund (any reason, whenever completed) ÷ orders.
    NaN for a group with no orders.

    Parameters
    ----------
    orders, refunds : pandas.DataFrame
        ``shop.orders`` and ``shop.refunds``.
    late_days : float, default=5
        Days from payment to delivery above which a delivery is late.
    start, end : date-like, optional
        Inclusive window on the payment time.
    by : str or list of str, optional
        Columns of ``orders`` or (with ``customers``) of the buyer.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period of payment.
    customers : pandas.DataFrame, optional
        ``shop.customers``, to split by a customer column.
    order_id_col, paid_ts_col, delivered_ts_col, customer_id_col : str
        Column names (canonical by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (with ``freq``), the ``by`` columns, ``delivery``
        (ordered categorical: on_time, late), ``orders``, ``refunded_orders``
        (int) and ``refund_rate``. Both delivery rows are present for every
        group; sorted by group, then on_time before late.

    Raises
    ------
    TypeError, ValueError
        As :func:`late_delivery_refund_share`.

    See Also
    --------
    late_delivery_refund_share

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4],
    ...     "paid_ts": pd.to_datetime(["2024-01-01"] * 4),
    ...     "delivered_ts": pd.to_datetime(["2024-01-02", "2024-01-03",
    ...                                     "2024-01-08", "2024-01-10"])})
    >>> refunds = pd.DataFrame({"order_id": [1, 3, 4]})
    >>> refund_rate_by_delivery(orders, refunds)
      delivery  orders  refunded_orders  refund_rate
    0  on_time       2                1          0.5
    1     late       2                2          1.0
    """
    func = "refund_rate_by_delivery"
    win = _Window.make(func, freq, start, end)
    c = _cols(order_id_col=order_id_col, paid_ts_col=paid_ts_col,
              delivered_ts_col=delivered_ts_col, customer_id_col=customer_id_col)
    by_cols = _by_columns(by, func)
    paid, delivered, late, refunded, _, keys = _late_frame(
        func, orders, refunds, c, win, late_days, by_cols, customers,
        with_amount=False)
    done = paid.loc[delivered]
    keys = {k: (v[delivered] if isinstance(v, np.ndarray) else v.loc[delivered])
            for k, v in keys.items()}
    late, refunded = late[delivered], refunded[delivered]
    keys["delivery"] = np.where(late, "late", "on_time")
    counts = _gsum(pd.Series(1, index=done.index, dtype="int64"), keys)
    hits = _gsum(pd.Series(refunded.astype("int64"), index=done.index), keys)
    # both delivery rows for every group, so late and on time sit side by side
    groups = counts.index.droplevel("delivery").unique()
    full = pd.MultiIndex.from_tuples(
        [(*(g if isinstance(g, tuple) else (g,)), d)
         for g in groups for d in _DELIVERY_LEVELS],
        names=counts.index.names,
    ) if len(groups) else counts.index
    out = pd.DataFrame({
        "orders": counts.reindex(full, fill_value=0),
        "refunded_orders": hits.reindex(full, fill_value=0),
    })
    out["refund_rate"] = out["refunded_orders"] / out["orders"].where(
        out["orders"] > 0)
    levels = {**_levels_of(by_cols, orders, customers), "delivery": _DELIVERY_LEVELS}
    order = _sorted_groups(pd.Series(np.arange(len(out)), index=out.index), levels)
    out = out.iloc[order.to_numpy()].reset_index()
    out["delivery"] = pd.Categorical(out["delivery"], categories=_DELIVERY_LEVELS,
                                     ordered=True)
    out[["orders", "refunded_orders"]] = out[["orders", "refunded_orders"]].astype(
        "int64")
    if freq is None:
        out = out.drop(columns="period")
    else:
        out["period"] = out["period"].astype("datetime64[ns]")
    return out[[*(["period"] if freq else []), *by_cols, "delivery", "orders",
                "refunded_orders", "refund_rate"]]
