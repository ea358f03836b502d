"""Shared selections on the orders table (paid orders in a window, purchases)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_no_missing, check_numeric, window_rows


def orders_in_window(orders: pd.DataFrame, func: str, *, ts_col: str, ts_param: str,
                     start=None, end=None, columns: dict[str, str] | None = None,
                     dropna: bool = True) -> pd.DataFrame:
    """Orders whose time ``ts_col`` is inside ``[start, end]``.

    ``ts_param`` names the parameter that holds ``ts_col`` (for messages);
    ``columns`` are further ``{param: column}`` pairs the caller needs; all are
    checked before anything is computed. Without a window, ``dropna=False``
    keeps the rows without a time. Returns a filtered view (the caller's frame
    is never modified).
    """
    mask, _, ts = window_rows(orders, func, param="orders", hint="shop.orders",
                              ts_col=ts_col, ts_param=ts_param, columns=columns,
                              start=start, end=end)
    if dropna:
        mask = ts.notna().to_numpy() & mask
    return orders.loc[mask]


def paid_orders(
    orders: pd.DataFrame,
    func: str,
    *,
    start=None,
    end=None,
    paid_ts_col: str = "paid_ts",
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Orders paid inside ``[start, end]`` (an order is paid when ``paid_ts`` is set).

    The window is on the payment time, as 生意参谋 dates 支付金额 and 支付买家数.
    ``columns`` are further ``{param: column}`` pairs the caller needs; all are
    checked before anything is computed. Returns a filtered view (the caller's
    frame is never modified).
    """
    return orders_in_window(orders, func, ts_col=paid_ts_col, ts_param="paid_ts_col",
                            start=start, end=end, columns=columns)


def paid_purchases(orders, func: str, *, customer_id_col: str, paid_ts_col: str,
                   paid_amount_col: str | None = None, start=None,
                   end=None) -> pd.DataFrame:
    """Paid orders (all history unless a window is given), checked as purchases.

    Every paid order needs a customer id; with ``paid_amount_col`` its amount
    must be a number >= 0.
    """
    columns = {"customer_id_col": customer_id_col}
    if paid_amount_col is not None:
        columns["paid_amount_col"] = paid_amount_col
    paid = paid_orders(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                       columns=columns)
    check_no_missing(paid, customer_id_col, func, param="customer_id_col",
                     what="customer ids")
    if paid_amount_col is not None:
        check_numeric(paid, paid_amount_col, func, param="paid_amount_col",
                      table="orders", nonnegative=True)
    return paid


#: how much of a refund net sales deduct: its goods part (default) or all of it
REFUND_CAPS = ("goods", "none")


def refund_goods_part(order_ids: pd.Series, refund_ts: pd.Series, amounts: np.ndarray,
                      goods: np.ndarray) -> np.ndarray:
    """The part of each refund that takes back goods, in the refunds' row order.

    ``goods`` is the goods value (list − discount) of each refund's order. An
    order's refunds count against it in refund-time order; whatever exceeds it
    refunded shipping, which net sales never contained (Shopify: returns are
    the goods returned, shipping refunds are a line of their own).

    >>> refund_goods_part(pd.Series([1, 1, 2]), pd.Series(pd.to_datetime(
    ...     ["2024-01-02", "2024-01-01", "2024-01-01"])), np.array([30.0, 80.0, 5.0]),
    ...     np.array([100.0, 100.0, 50.0])).tolist()
    [20.0, 80.0, 5.0]
    """
    frame = pd.DataFrame({"o": order_ids.array, "t": refund_ts.array, "a": amounts,
                          "g": goods}, index=pd.RangeIndex(len(amounts)))
    frame = frame.sort_values(["o", "t"], kind="stable")
    before = frame.groupby("o", sort=False)["a"].cumsum() - frame["a"]
    part = np.minimum(frame["a"], (frame["g"] - before).clip(lower=0))
    return part.sort_index().to_numpy(dtype="float64")
