"""Shared selections on the orders table (paid orders in a window)."""

from __future__ import annotations

import pandas as pd

from ._validation import check_datetime, check_table, window_mask


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
    check_table(
        orders, func, param="orders",
        columns={"paid_ts_col": paid_ts_col, **(columns or {})},
        hint="shop.orders",
    )
    paid_ts = check_datetime(orders, paid_ts_col, func, param="paid_ts_col", table="orders")
    mask = paid_ts.notna().to_numpy() & window_mask(paid_ts, start, end, func)
    return orders.loc[mask]
