"""Finance metrics (财务): the P&L waterfall, margins, cost ratios and ad economics.

Every money line names its basis (see ``metric-conventions.md``):

``gmv`` 拍下金额
    Σ ``order_amount`` of every order *placed* in the period (paid or not).
``paid_amount`` 支付金额
    Σ ``paid_amount`` of orders *paid* in the period (shipping included,
    refunds not deducted).
``net_sales`` 净销售额
    Σ (``list_amount`` − ``discount_amount``) of orders paid in the period
    − Σ ``refund_amount`` of refunds completed in the period (Shopify style:
    shipping excluded, returns booked on the refund date).

Dating rule of the P&L: sales, discounts, COGS and the carrier fee
(``shipping_cost``) of an order are booked on its payment date; refunds (and
the cost of goods that came back) on the refund date; ``costs`` and
``marketing_spend`` rows on their ``date``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._keys import period_codes, wall_time
from ._orders import REFUND_CAPS, refund_goods_part
from ._schema import CHANNELS, COST_TYPES, DEVICES
from ._validation import (
    by_columns,
    check_datetime,
    check_freq,
    check_no_missing,
    check_number,
    check_numeric,
    check_option,
    check_same_id_type,
    check_same_tz,
    check_table,
    check_unique_ids,
    check_window,
    id_kinds,
    safe_divide,
    take,
    to_timestamp,
    window_mask,
)

__all__ = [
    "PNL_LINES",
    "break_even_roas",
    "cac",
    "cac_payback_months",
    "contribution_margin",
    "cost_ratio",
    "cpc",
    "cpm",
    "ctr",
    "fulfilment_cost_per_order",
    "gross_margin",
    "ltv_cac",
    "pnl_long",
    "pnl_table",
    "roas",
    "roi",
]
#: public helpers that are not catalog metrics (a reshape of the P&L)
__not_metrics__ = ("pnl_long",)

#: The money lines of :func:`pnl_table`, top to bottom (the waterfall order).
PNL_LINES = (
    "gmv",
    "paid_amount",
    "shipping_fee",
    "gross_sales",
    "discounts",
    "goods_sales",
    "refunds",
    "net_sales",
    "cogs",
    "gross_profit",
    "logistics",
    "warehousing",
    "packaging",
    "platform_fee",
    "payment_fee",
    "marketing",
    "contribution",
    "staff",
    "other",
    "operating_profit",
)
_MARGINS = ("gross_margin", "contribution_margin", "operating_margin")
#: variable costs deducted between gross profit and contribution (besides marketing)
_VARIABLE_COSTS = ("logistics", "warehousing", "packaging", "platform_fee", "payment_fee")
#: fixed costs, shown after contribution
_FIXED_COSTS = ("staff", "other")
_RETURNED_GOODS = ("restock", "write_off")
_ATTRIBUTIONS = ("last_click", "blended")
_KNOWN_LEVELS = {"channel": CHANNELS, "device": DEVICES}


# ------------------------------------------------------------------ columns ----
@dataclass(frozen=True)
class _Cols:
    """Column names of the canonical tables (each public ``<name>_col`` maps here)."""

    order_id: str = "order_id"
    customer_id: str = "customer_id"
    order_ts: str = "order_ts"
    paid_ts: str = "paid_ts"
    shipped_ts: str = "shipped_ts"
    delivered_ts: str = "delivered_ts"
    channel: str = "channel"
    order_amount: str = "order_amount"
    paid_amount: str = "paid_amount"
    list_amount: str = "list_amount"
    discount_amount: str = "discount_amount"
    shipping_fee: str = "shipping_fee"
    shipping_cost: str = "shipping_cost"
    quantity: str = "quantity"
    unit_cost: str = "unit_cost"
    refund_ts: str = "refund_ts"
    refund_amount: str = "refund_amount"
    is_return: str = "is_return"
    date: str = "date"
    cost_type: str = "cost_type"
    amount: str = "amount"
    spend: str = "spend"
    impressions: str = "impressions"
    clicks: str = "clicks"


_TS = {"order_ts", "paid_ts", "shipped_ts", "delivered_ts", "refund_ts", "date"}
_MONEY = {  # money and counts: numeric and never negative
    "order_amount", "paid_amount", "list_amount", "discount_amount", "shipping_fee",
    "shipping_cost", "unit_cost", "refund_amount", "amount", "spend", "quantity",
    "impressions", "clicks",
}
_IDS = {"order_id", "customer_id"}


def _cols(**kwargs) -> _Cols:
    """Build :class:`_Cols` from ``<name>_col`` keyword arguments."""
    return _Cols(**{k.removesuffix("_col"): v for k, v in kwargs.items()})


def _check(table, func: str, c: _Cols, names, *, param: str, hint: str) -> pd.DataFrame:
    """Check that ``table`` holds the columns ``names`` with usable dtypes.

    Timestamps must be datetimes, money and counts numeric and >= 0, ids present.
    """
    check_table(
        table, func, param=param,
        columns={f"{n}_col": getattr(c, n) for n in names}, hint=hint,
    )
    for n in names:
        col, p = getattr(c, n), f"{n}_col"
        if n in _TS:
            check_datetime(table, col, func, param=p, table=param)
        elif n in _MONEY:
            check_numeric(table, col, func, param=p, table=param, nonnegative=True)
        elif n in _IDS:
            check_no_missing(table, col, func, param=p)
        elif n == "cost_type":
            check_no_missing(table, col, func, param=p, what="cost types")
            _check_cost_types(table[col], func, p)
        elif n == "is_return":
            _check_bool(table, col, func, param=p, table_name=param)
    return table


def _check_cost_types(s: pd.Series, func: str, param: str) -> None:
    unknown = sorted(set(map(str, pd.unique(s))) - set(COST_TYPES))
    if unknown:
        raise ValueError(
            f"{func}(): column {s.name!r} (from `{param}`) of `costs` has unknown cost "
            f"type(s) {unknown}; every cost line must be one of {COST_TYPES}. Map "
            f"your cost names onto these first, e.g. "
            f"`costs[{s.name!r}] = costs[{s.name!r}].replace({{'rent': 'other'}})`."
        )


def _check_bool(table, col, func, *, param, table_name) -> pd.Series:
    s = table[col]
    if pd.api.types.is_bool_dtype(s.dtype) and not s.isna().any():
        return s.astype(bool)
    ok = s.isin([True, False]).all()  # 0/1 and True/False
    if not ok:
        raise TypeError(
            f"{func}(): column {col!r} (from `{param}`) of `{table_name}` must hold "
            f"True/False (no missing values), but its dtype is {s.dtype}. Convert it, "
            f"e.g. `{table_name}[{col!r}] = {table_name}[{col!r}].astype(bool)`."
        )
    return s.astype(bool)


# ------------------------------------------------------------------ periods ----
@dataclass(frozen=True)
class _Window:
    """The reporting window ``[start, end]`` and its periods (``freq``)."""

    func: str
    freq: str | None
    start: object = None
    end: object = None

    @classmethod
    def make(cls, func, freq, start, end) -> _Window:
        check_window(start, end, func)
        if freq is not None:
            check_freq(freq, func)
        return cls(func, freq, start, end)

    def select(self, ts: pd.Series) -> np.ndarray:
        """Rows whose timestamp is set and inside the window."""
        return ts.notna().to_numpy() & window_mask(ts, self.start, self.end, self.func)

    def keys(self, ts: pd.Series) -> np.ndarray:
        """Period start of each (selected, non-missing) timestamp.

        One constant key when there is no ``freq``; else the period start in
        wall time (:func:`ecomkit._keys.period_codes`: once per distinct day).
        """
        if self.freq is None:
            return np.zeros(len(ts), dtype=np.int64)
        codes, periods = period_codes(wall_time(ts), self.freq)
        return periods.to_numpy(dtype="datetime64[ns]")[codes]

    def full_index(self, observed: pd.Index) -> pd.Index:
        """Every period from ``start`` (or the first data) to ``end`` (or the last)."""
        if self.freq is None:
            return pd.Index([0], dtype="int64")
        points = pd.DatetimeIndex(observed)
        lo = self._bound(self.start, "start") if self.start is not None else (
            points.min() if len(points) else None)
        hi = self._bound(self.end, "end") if self.end is not None else (
            points.max() if len(points) else None)
        if lo is None or hi is None:
            return pd.DatetimeIndex([], dtype="datetime64[ns]", name="period")
        periods = pd.period_range(pd.Period(lo, self.freq), pd.Period(hi, self.freq),
                                  freq=self.freq)
        return pd.DatetimeIndex(periods.start_time.astype("datetime64[ns]"),
                                name="period")

    def _bound(self, value, param) -> pd.Timestamp:
        ts = to_timestamp(value, self.func, param=param)
        return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _sum_by(columns: dict, keys: np.ndarray) -> pd.DataFrame:
    """Σ of each array in ``columns`` per key, one row per key present.

    ``np.bincount`` over the factorised keys: the arrays are never copied into a
    DataFrame first, which matters with millions of orders.
    """
    codes, uniques = pd.factorize(keys)
    sums = {
        name: np.bincount(codes, weights=np.asarray(v, dtype=float),
                          minlength=len(uniques))
        for name, v in columns.items()
    }
    return pd.DataFrame(sums, index=uniques, columns=list(columns), dtype=float)


def _combine(parts: list, win: _Window) -> pd.DataFrame:
    """Put line totals side by side, one row per period, missing lines = 0."""
    frame = pd.concat(parts, axis=1, sort=True)
    return frame.reindex(win.full_index(frame.index)).fillna(0.0)


# --------------------------------------------------------------- P&L lines ----
def _paid_lines(orders, win, c, names) -> pd.DataFrame:
    """Σ of order money columns ``names`` over orders paid in the window."""
    paid = win.select(orders[c.paid_ts])
    # pick the few columns as arrays: copying whole order rows is the slow part
    money = {}
    for n in names:
        values = orders[getattr(c, n)].to_numpy(dtype=float)[paid]
        if np.isnan(values).any():
            check_no_missing(orders.loc[paid], getattr(c, n), win.func,
                             param=f"{n}_col", what="amounts on paid orders")
        money[n] = values
    return _sum_by(money, win.keys(orders[c.paid_ts][paid]))


def _gmv_line(orders, win, c) -> pd.Series:
    placed = win.select(orders[c.order_ts])
    amount = orders[c.order_amount].to_numpy(dtype=float)[placed]
    return _sum_by({"gmv": amount}, win.keys(orders[c.order_ts][placed]))


def _refund_line(refunds, win, c, orders, order_index, refund_cap) -> pd.Series:
    """Refunds booked on their refund date; with ``refund_cap="goods"`` only the
    part that takes back goods (net sales never contained the shipping fee)."""
    amount = refunds[c.refund_amount].to_numpy(dtype=float)
    if refund_cap == "goods" and len(refunds):
        pos = order_index.get_indexer(refunds[c.order_id])
        paid = orders[c.paid_ts].notna().to_numpy()
        orphan = (pos < 0) | ~paid[np.maximum(pos, 0)]
        if orphan.any():
            raise ValueError(
                f"{win.func}(): {int(orphan.sum())} refund(s) refer to an order that is "
                f"not a paid order in `orders`, e.g. order ids "
                f"{refunds.loc[orphan, c.order_id].head(5).tolist()}; the goods part of a "
                f"refund is found through its order. Pass the full orders table"
                + (", or refund_cap='none' to deduct refund amounts as they are."
                   if win.func == "pnl_table" else ".")
            )
        goods = (orders[c.list_amount].to_numpy(dtype=float)
                 - orders[c.discount_amount].to_numpy(dtype=float))[pos]
        amount = refund_goods_part(refunds[c.order_id], refunds[c.refund_ts], amount, goods)
    done = win.select(refunds[c.refund_ts])
    return _sum_by({"refunds": amount[done]}, win.keys(refunds[c.refund_ts][done]))


def _order_cogs(orders, order_items, c, order_index=None) -> np.ndarray:
    """COGS (Σ quantity × unit_cost) of each row of ``orders`` (0 without items)."""
    if order_index is None:
        order_index = pd.Index(orders[c.order_id])
    pos = order_index.get_indexer(order_items[c.order_id])
    known = pos >= 0  # lines of orders outside `orders` cannot be paid here
    cost = (order_items[c.quantity] * order_items[c.unit_cost]).to_numpy(dtype=float)
    return np.bincount(pos[known], weights=cost[known], minlength=len(orders))


def _cogs_line(orders, order_items, refunds, win, c, returned_goods,
               order_index) -> pd.Series:
    """COGS of goods sold in the window, less the cost of goods that came back.

    Sold: Σ quantity × unit_cost of the lines of orders paid in the window.
    Returned (``returned_goods="restock"``): refunds with ``is_return`` bring the
    goods back to stock, so their cost leaves COGS on the refund date. The refunds
    table does not say which lines came back, so the returned cost is the order's
    COGS × the refunded share of its goods amount (list − discount), capped so
    that all returns of one order never give back more than its COGS.
    """
    per_order = _order_cogs(orders, order_items, c, order_index)
    paid = win.select(orders[c.paid_ts])
    sold = _sum_by({"cogs": per_order[paid]},
                   win.keys(orders[c.paid_ts][paid]))["cogs"]
    if returned_goods == "write_off" or refunds is None:
        return sold.rename("cogs")

    returns = refunds.loc[_check_bool(refunds, c.is_return, win.func,
                                      param="is_return_col", table_name="refunds")]
    pos = order_index.get_indexer(returns[c.order_id])
    if (pos < 0).any():
        missing = returns.loc[pos < 0, c.order_id].head(3).tolist()
        raise ValueError(
            f"{win.func}(): {int((pos < 0).sum())} returned refund(s) refer to orders "
            f"that are not in `orders` (e.g. {missing}), so the cost of the returned "
            f"goods is unknown. Pass the full orders table (use `start`/`end` for "
            f"the window), or returned_goods='write_off'."
        )
    goods = (orders[c.list_amount] - orders[c.discount_amount]).to_numpy(dtype=float)
    refund = returns[c.refund_amount].to_numpy(dtype=float)
    # refunded share of the goods; a return of a zero-value order returns it all
    share = np.divide(refund, goods[pos], out=np.ones(len(pos)), where=goods[pos] > 0)
    # only goods that were sold (paid orders) can give their cost back
    share[~orders[c.paid_ts].notna().to_numpy()[pos]] = 0.0
    # walk each order's returns in time order so the shares never pass 100 %
    frame = pd.DataFrame({"order": pos, "share": share,
                          "ts": wall_time(returns[c.refund_ts]).to_numpy()})
    frame = frame.sort_values("ts", kind="stable")
    cum = frame.groupby("order", sort=False)["share"].cumsum().clip(upper=1.0)
    given_before = cum.groupby(frame["order"], sort=False).shift(fill_value=0.0)
    back = np.empty(len(frame))
    back[frame.index.to_numpy()] = ((cum - given_before).to_numpy()
                                    * per_order[frame["order"].to_numpy()])
    in_window = win.select(returns[c.refund_ts])
    returned = _sum_by({"cogs": back[in_window]},
                       win.keys(returns[c.refund_ts][in_window]))["cogs"]
    return sold.sub(returned, fill_value=0.0).rename("cogs")


def _cost_lines(costs, win, c) -> pd.DataFrame:
    rows = costs.loc[win.select(costs[c.date])]
    types = rows[c.cost_type].astype(str).to_numpy()
    amounts = rows[c.amount].to_numpy(dtype=float)
    keys = win.keys(rows[c.date])
    frame = pd.DataFrame({"key": keys, "type": types, "amount": amounts})
    wide = frame.pivot_table(index="key", columns="type", values="amount",
                             aggfunc="sum", fill_value=0.0, observed=True)
    wide.index.name = None
    wide.columns.name = None
    return wide.reindex(columns=list(COST_TYPES), fill_value=0.0).astype(float)


def _spend_line(marketing_spend, win, c) -> pd.Series:
    rows = marketing_spend.loc[win.select(marketing_spend[c.date])]
    return _sum_by({"marketing": rows[c.spend]}, win.keys(rows[c.date]))


def _ledger(
    func: str,
    *,
    orders,
    order_items=None,
    refunds=None,
    costs=None,
    marketing_spend=None,
    win: _Window,
    c: _Cols,
    returned_goods: str = "restock",
    refund_cap: str = "goods",
    gmv: bool = False,
    paid: tuple = ("list_amount", "discount_amount"),
) -> pd.DataFrame:
    """Check the tables and compute the P&L lines they allow, one row per period.

    Tables passed as None contribute no lines. Derived lines (net sales, gross
    profit, contribution, margins) are added by :func:`_derive`.
    """
    check_option(returned_goods, _RETURNED_GOODS, func, param="returned_goods")
    check_option(refund_cap, REFUND_CAPS, func, param="refund_cap")
    capped = refunds is not None and refund_cap == "goods"
    order_names = ["order_id", "paid_ts", *paid]
    if gmv:
        order_names += ["order_ts", "order_amount"]
    if (order_items is not None and returned_goods == "restock" and refunds is not None) or capped:
        order_names += [n for n in ("list_amount", "discount_amount") if n not in paid]
    _check(orders, func, c, order_names, param="orders", hint="shop.orders")
    # one hash index of the order ids, reused by every lookup below
    order_index = pd.Index(orders[c.order_id])
    if not order_index.is_unique:
        check_unique_ids(orders, c.order_id, func, "order_id_col")
    stamps = {"orders.paid_ts": orders[c.paid_ts]}
    if gmv:
        stamps["orders.order_ts"] = orders[c.order_ts]
    if order_items is not None:
        _check(order_items, func, c, ["order_id", "quantity", "unit_cost"],
               param="order_items", hint="shop.order_items")
    restock = order_items is not None and returned_goods == "restock"
    if refunds is not None:
        names = ["refund_ts", "refund_amount"]
        if restock or capped:  # the goods refunded are found through their order
            names += ["order_id"]
        if restock:
            names += ["is_return"]
        _check(refunds, func, c, names, param="refunds", hint="shop.refunds")
        stamps["refunds.refund_ts"] = refunds[c.refund_ts]
    if costs is not None:
        _check(costs, func, c, ["date", "cost_type", "amount"], param="costs",
               hint="shop.costs")
    if marketing_spend is not None:
        _check(marketing_spend, func, c, ["date", "spend"], param="marketing_spend",
               hint="shop.marketing_spend")
    check_same_tz(func, stamps)
    check_same_id_type(func, "order_id_col", c.order_id, orders=orders,
                       order_items=order_items,
                       refunds=refunds if restock or capped else None)

    parts = [_paid_lines(orders, win, c, paid)]
    if gmv:
        parts.append(_gmv_line(orders, win, c))
    if refunds is not None:
        parts.append(_refund_line(refunds, win, c, orders, order_index, refund_cap))
    if order_items is not None:
        parts.append(_cogs_line(orders, order_items, refunds, win, c, returned_goods,
                                order_index))
    if costs is not None:
        parts.append(_cost_lines(costs, win, c))
    if marketing_spend is not None:
        parts.append(_spend_line(marketing_spend, win, c))
    return _derive(_combine(parts, win))


def _derive(books: pd.DataFrame) -> pd.DataFrame:
    """Add the subtotal lines and margins from the base lines present."""
    out = books.copy()
    base_lines = ("list_amount", "discount_amount", "shipping_cost", "refunds", "cogs",
                  "marketing", *COST_TYPES)
    for line in base_lines:  # a line whose table was not passed is 0
        if line not in out:
            out[line] = 0.0
    out["logistics"] = out["shipping_cost"]
    out["gross_sales"] = out["list_amount"]
    out["discounts"] = out["discount_amount"]
    out["goods_sales"] = out["gross_sales"] - out["discounts"]
    out["net_sales"] = out["goods_sales"] - out["refunds"]
    out["gross_profit"] = out["net_sales"] - out["cogs"]
    out["contribution_before_marketing"] = out["gross_profit"] - out[
        list(_VARIABLE_COSTS)
    ].sum(axis=1)
    # the waterfall subtracts line by line, so the identity holds to the cent
    contribution = out["gross_profit"].copy()
    for line in (*_VARIABLE_COSTS, "marketing"):
        contribution = contribution - out[line]
    out["contribution"] = contribution
    out["operating_profit"] = out["contribution"] - out["staff"] - out["other"]
    out["gross_margin"] = _share_of_sales(out["gross_profit"], out["net_sales"])
    out["contribution_margin"] = _share_of_sales(out["contribution"], out["net_sales"])
    out["operating_margin"] = _share_of_sales(out["operating_profit"],
                                              out["net_sales"])
    return out


def _share_of_sales(amount: pd.Series, sales: pd.Series) -> pd.Series:
    """amount ÷ sales, NaN when sales are ≤ 0 (nothing sold, or refunds exceed
    sales: a margin of a negative number means nothing)."""
    return safe_divide(amount, sales.where(sales > 0, 0.0))


def _per_period(values: pd.Series, win: _Window, name: str):
    """A float when there is no ``freq``; else a Series indexed by ``period``."""
    if win.freq is None:
        return float(values.iloc[0])
    out = values.rename(name)
    out.index = pd.DatetimeIndex(out.index, name="period")
    return out


# ---------------------------------------------------------------------- P&L ----
@register_metric(
    "pnl",
    name="Profit and loss waterfall",
    name_zh="损益表 (利润瀑布)",
    family="finance",
    formula=(
        "net sales = list − discounts − refunded goods; gross profit = net sales − COGS; "
        "contribution = gross profit − logistics − warehousing − packaging − "
        "platform fee − payment fee − marketing; operating profit = contribution − "
        "staff − other"
    ),
    numerator="each line in the shop currency",
    denominator="net sales (for the margins)",
    window="orders by payment date, refunds by refund date, costs and spend by date",
    basis="net_sales",
    unit="currency",
    variants={
        "restock": "returned goods (is_return) leave COGS on the refund date",
        "write_off": "returned goods stay in COGS (lost or unsellable)",
        "refund_cap='none'": "refund_amount deducted in full (shipping refunds included)",
    },
    notes=(
        "A refund takes back goods up to its order's goods value; the rest refunded "
        "shipping, never in net sales (as ecomkit.net_sales). "
        "GMV and paid amount are shown above the waterfall for reference. Shipping "
        "charged to buyers is in paid amount but not in net sales (memo line). "
        "Staff and other are fixed costs, below contribution."
    ),
)
def pnl_table(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    refunds: pd.DataFrame | None,
    costs: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    freq: str = "M",
    start=None,
    end=None,
    returned_goods: str = "restock",
    refund_cap: str = "goods",
    order_id_col: str = "order_id",
    order_ts_col: str = "order_ts",
    paid_ts_col: str = "paid_ts",
    order_amount_col: str = "order_amount",
    paid_amount_col: str = "paid_amount",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    shipping_fee_col: str = "shipping_fee",
    shipping_cost_col: str = "shipping_cost",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    is_return_col: str = "is_return",
    date_col: str = "date",
    cost_type_col: str = "cost_type",
    amount_col: str = "amount",
    spend_col: str = "spend",
) -> pd.DataFrame:
    """Profit and loss 损益表 per period, from GMV down to operating profit.

    The waterfall (every line in the shop currency, one row per period):

    ========================  ==================================================
    ``gmv``                   拍下金额: Σ order_amount of orders placed (order_ts)
    ``paid_amount``           支付金额: Σ paid_amount of orders paid (paid_ts)
    ``shipping_fee``          memo: shipping charged to buyers (in paid amount,
                              not in net sales)
    ``gross_sales``           Σ list_amount of orders paid (商品原价)
    ``discounts``             Σ discount_amount of orders paid (优惠)
    ``goods_sales``           gross_sales − discounts (商品成交额)
    ``refunds``               goods refunded: Σ refund_amount of refunds
                              completed (refund_ts), each order's refunds
                              capped at its goods value (refunded shipping is
                              not sales; ``refund_cap="none"``: in full)
    ``net_sales``             净销售额 = goods_sales − refunds
    ``cogs``                  销售成本: Σ quantity × unit_cost of orders paid,
                              less the cost of returned goods (see Notes)
    ``gross_profit``          毛利 = net_sales − cogs
    ``logistics``             物流费: Σ shipping_cost of orders paid
    ``warehousing``           仓储费 (costs)
    ``packaging``             包材费 (costs)
    ``platform_fee``          平台佣金 (costs)
    ``payment_fee``           支付手续费 (costs)
    ``marketing``             推广费: Σ marketing_spend.spend
    ``contribution``          边际贡献 = gross_profit − logistics − warehousing −
                              packaging − platform_fee − payment_fee − marketing
    ``staff``, ``other``      fixed costs 固定费用 (costs)
    ``operating_profit``      经营利润 = contribution − staff − other
    ========================  ==================================================

    and the margins ``gross_margin`` = gross_profit ÷ net_sales,
    ``contribution_margin`` = contribution ÷ net_sales, ``operating_margin`` =
    operating_profit ÷ net_sales (NaN when net sales are ≤ 0).

    Parameters
    ----------
    orders : pandas.DataFrame
        One row per order (``shop.orders``).
    order_items : pandas.DataFrame
        One row per order line (``shop.order_items``), for COGS.
    refunds : pandas.DataFrame or None
        ``shop.refunds``. None means the shop had no refunds.
    costs : pandas.DataFrame
        Daily cost lines (``shop.costs``); ``cost_type`` must be one of
        warehousing, platform_fee, payment_fee, packaging, staff, other.
    marketing_spend : pandas.DataFrame
        Daily ad spend (``shop.marketing_spend``).
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Period length; weeks start on Monday.
    start, end : date-like, optional
        Inclusive window. When both are given every period between them is
        shown (zeros where nothing happened); otherwise the periods span the data.
    returned_goods : {"restock", "write_off"}, default="restock"
        "restock": goods of refunds with ``is_return`` go back to stock, so their
        cost leaves COGS on the refund date. "write_off": COGS is not reduced.
    refund_cap : {"goods", "none"}, default="goods"
        "goods": a refund takes back goods up to its order's goods value (list −
        discount); the rest refunded shipping, which net sales never held, as
        in :func:`ecomkit.net_sales`. "none": refund_amount in full.
    order_id_col, order_ts_col, paid_ts_col, order_amount_col, paid_amount_col, \
list_amount_col, discount_amount_col, shipping_fee_col, shipping_cost_col : str
        Columns of ``orders`` (``order_id_col`` also in ``order_items`` and
        ``refunds``).
    quantity_col, unit_cost_col : str
        Columns of ``order_items``.
    refund_ts_col, refund_amount_col, is_return_col : str
        Columns of ``refunds``.
    date_col, cost_type_col, amount_col, spend_col : str
        Columns of ``costs`` (``date_col`` also of ``marketing_spend``) and
        ``marketing_spend``.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` then :data:`PNL_LINES` then ``gross_margin,
        contribution_margin, operating_margin``; one row per period, sorted by
        period. Periods are tz-naive shop-local period starts.

    Raises
    ------
    TypeError
        A table is not a DataFrame (e.g. the whole shop), a time column does not
        hold datetimes, or a money column is not numeric.
    ValueError
        A missing column, negative money, an unknown ``cost_type``, duplicated
        order ids, an unknown option or an empty window.

    See Also
    --------
    pnl_long : the same table in long form for charts.
    gross_margin, contribution_margin, cost_ratio

    Notes
    -----
    Why COGS is reduced by returns: net sales subtract the refund, so the goods
    that came back must leave COGS too, or gross margin is understated by the
    cost of every returned item. The refunds table does not say which lines came
    back, so the cost returned is the order's COGS × refunded share of its goods
    amount (a full refund returns the whole COGS), capped at the order's COGS.
    Refunds without ``is_return`` (refund only, 仅退款) keep their cost in COGS.

    Staff and other costs do not move with orders; they are fixed costs and come
    after contribution, as operating profit.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": [1, 2],
    ...     "order_ts": pd.to_datetime(["2024-01-05", "2024-01-06"]),
    ...     "paid_ts": pd.to_datetime(["2024-01-05", pd.NaT]),
    ...     "order_amount": [100.0, 50.0], "paid_amount": [100.0, 0.0],
    ...     "list_amount": [110.0, 50.0], "discount_amount": [10.0, 0.0],
    ...     "shipping_fee": [0.0, 0.0], "shipping_cost": [8.0, 0.0]})
    >>> items = pd.DataFrame({"order_id": [1], "quantity": [2], "unit_cost": [20.0]})
    >>> refunds = pd.DataFrame({"order_id": [1], "refund_amount": [0.0],
    ...     "refund_ts": pd.to_datetime(["2024-01-09"]), "is_return": [False]})
    >>> costs = pd.DataFrame({"date": pd.to_datetime(["2024-01-31"] * 2),
    ...     "cost_type": ["warehousing", "staff"], "amount": [5.0, 30.0]})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-02"]),
    ...     "spend": [20.0]})
    >>> pnl = pnl_table(orders, items, refunds, costs, spend)
    >>> pnl[["period", "gmv", "net_sales", "cogs", "contribution",
    ...      "operating_profit"]]
          period    gmv  net_sales  cogs  contribution  operating_profit
    0 2024-01-01  150.0      100.0  40.0          27.0              -3.0
    """
    func = "pnl_table"
    if freq is None:  # a P&L always has periods; use freq="Y" for one year
        check_freq(freq, func)
    win = _Window.make(func, freq, start, end)
    c = _cols(
        order_id_col=order_id_col, order_ts_col=order_ts_col, paid_ts_col=paid_ts_col,
        order_amount_col=order_amount_col, paid_amount_col=paid_amount_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        shipping_fee_col=shipping_fee_col, shipping_cost_col=shipping_cost_col,
        quantity_col=quantity_col, unit_cost_col=unit_cost_col,
        refund_ts_col=refund_ts_col, refund_amount_col=refund_amount_col,
        is_return_col=is_return_col, date_col=date_col, cost_type_col=cost_type_col,
        amount_col=amount_col, spend_col=spend_col,
    )
    books = _ledger(
        func, orders=orders, order_items=order_items, refunds=refunds, costs=costs,
        marketing_spend=marketing_spend, win=win, c=c, returned_goods=returned_goods,
        refund_cap=refund_cap, gmv=True,
        paid=("paid_amount", "shipping_fee", "list_amount", "discount_amount",
              "shipping_cost"),
    )
    out = books[list(PNL_LINES) + list(_MARGINS)].reset_index(names="period")
    out["period"] = out["period"].astype("datetime64[ns]")
    return out


def pnl_long(pnl: pd.DataFrame, *, lines=None) -> pd.DataFrame:
    """The P&L of :func:`pnl_table` in tidy long form (period, line, amount) for charts.

    Parameters
    ----------
    pnl : pandas.DataFrame
        The result of :func:`pnl_table`.
    lines : list of str, optional
        Money lines to keep (default: all of :data:`PNL_LINES`). Margins are not
        money and are never included.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``line`` (ordered categorical in waterfall order),
        ``amount``; sorted by period, then line.

    Raises
    ------
    TypeError
        ``pnl`` is not a DataFrame.
    ValueError
        A column is missing (pass the result of :func:`pnl_table`) or a line is
        not a P&L line.

    See Also
    --------
    pnl_table

    Examples
    --------
    >>> import pandas as pd
    >>> pnl = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"]),
    ...                     "net_sales": [100.0], "cogs": [40.0]})
    >>> pnl_long(pnl, lines=["net_sales", "cogs"])
          period       line  amount
    0 2024-01-01  net_sales   100.0
    1 2024-01-01       cogs    40.0
    """
    func = "pnl_long"
    keep = list(PNL_LINES) if lines is None else (
        [lines] if isinstance(lines, str) else list(lines)
    )
    for line in keep:
        check_option(line, PNL_LINES, func, param="lines")
    check_table(pnl, func, param="pnl",
                columns={"pnl": "period", **{f"lines ({x})": x for x in keep}},
                hint="pnl_table(...)")
    long = pnl.melt(id_vars="period", value_vars=keep, var_name="line",
                    value_name="amount")
    order = [x for x in PNL_LINES if x in keep]
    long["line"] = pd.Categorical(long["line"], categories=order, ordered=True)
    long = long.sort_values(["period", "line"], kind="stable").reset_index(drop=True)
    long["amount"] = long["amount"].astype(float)
    return long


# ------------------------------------------------------------------ margins ----
@register_metric(
    "gross_margin",
    name="Gross margin",
    name_zh="毛利率",
    family="finance",
    formula="(net sales − COGS) ÷ net sales",
    numerator="gross profit = net sales − COGS (less cost of returned goods)",
    denominator="net sales = list − discounts − refunds (shipping excluded)",
    window="orders paid in [start, end]; refunds completed in [start, end]",
    basis="net_sales",
    unit="fraction",
    variants={
        "restock": "returned goods leave COGS (default)",
        "write_off": "returned goods stay in COGS",
    },
    notes="A fraction, not a percentage; can be negative when COGS > net sales.",
)
def gross_margin(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    refunds: pd.DataFrame | None,
    *,
    start=None,
    end=None,
    freq: str | None = None,
    returned_goods: str = "restock",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    is_return_col: str = "is_return",
):
    """Gross margin 毛利率 = (net sales − COGS) ÷ net sales.

    Net sales 净销售额 = Σ (list − discount) of orders paid in the window − Σ
    refunds completed in the window (shipping excluded). COGS 销售成本 = Σ
    quantity × unit_cost of the lines of orders paid in the window, less the cost
    of goods returned in the window (``returned_goods="restock"``; see
    :func:`pnl_table`). NaN when net sales are ≤ 0 (nothing sold, or refunds exceed sales).

    Parameters
    ----------
    orders, order_items : pandas.DataFrame
        ``shop.orders`` and ``shop.order_items``.
    refunds : pandas.DataFrame or None
        ``shop.refunds``; None means the shop had no refunds.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period (a Series) instead of one number.
    returned_goods : {"restock", "write_off"}, default="restock"
        Whether returned goods leave COGS.
    order_id_col, paid_ts_col, list_amount_col, discount_amount_col, \
quantity_col, unit_cost_col, refund_ts_col, refund_amount_col, is_return_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        The margin (a fraction, negative when COGS exceed net sales); with
        ``freq`` a Series named ``gross_margin`` indexed by ``period``.

    Raises
    ------
    TypeError, ValueError
        See :func:`pnl_table`.

    See Also
    --------
    pnl_table, contribution_margin

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-01-06"]),
    ...     "list_amount": [100.0, 60.0], "discount_amount": [0.0, 10.0]})
    >>> items = pd.DataFrame({"order_id": [1, 2], "quantity": [1, 3],
    ...                       "unit_cost": [40.0, 10.0]})
    >>> gross_margin(orders, items, None)  # (150 - 70) / 150
    0.5333...
    """
    func = "gross_margin"
    win = _Window.make(func, freq, start, end)
    c = _cols(
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        quantity_col=quantity_col, unit_cost_col=unit_cost_col,
        refund_ts_col=refund_ts_col, refund_amount_col=refund_amount_col,
        is_return_col=is_return_col,
    )
    books = _ledger(func, orders=orders, order_items=order_items, refunds=refunds,
                    win=win, c=c, returned_goods=returned_goods)
    return _per_period(books["gross_margin"], win, "gross_margin")


_CM_METHODS = ("after_marketing", "before_marketing")


@register_metric(
    "contribution_margin",
    name="Contribution margin",
    name_zh="边际贡献率",
    family="finance",
    formula=(
        "(net sales − COGS − logistics − warehousing − packaging − platform fee − "
        "payment fee − marketing) ÷ net sales"
    ),
    numerator="contribution (边际贡献)",
    denominator="net sales",
    window="orders by payment date, refunds by refund date, costs and spend by date",
    basis="net_sales",
    unit="fraction",
    variants={
        "after_marketing": "marketing spend deducted (default)",
        "before_marketing": "(net sales − COGS − logistics − warehousing − "
        "packaging − fees) ÷ net sales; 1 ÷ this is the break-even ROAS",
    },
    notes="Staff and other (fixed) costs are not deducted: see operating margin.",
)
def contribution_margin(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    refunds: pd.DataFrame | None,
    costs: pd.DataFrame,
    marketing_spend: pd.DataFrame | None = None,
    *,
    method: str = "after_marketing",
    start=None,
    end=None,
    freq: str | None = None,
    returned_goods: str = "restock",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    shipping_cost_col: str = "shipping_cost",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    is_return_col: str = "is_return",
    date_col: str = "date",
    cost_type_col: str = "cost_type",
    amount_col: str = "amount",
    spend_col: str = "spend",
):
    """Contribution margin 边际贡献率 = contribution ÷ net sales.

    Contribution = net sales − COGS − logistics (Σ shipping_cost of orders paid)
    − warehousing − packaging − platform fee − payment fee − marketing spend,
    every line as in :func:`pnl_table` (orders by payment date, refunds by refund
    date, costs and spend by date, all in the window). Staff and other costs are
    fixed and not deducted. ``method="before_marketing"`` leaves marketing out
    (the margin that pays for ads; break-even ROAS = 1 ÷ it). NaN when net sales
    are ≤ 0.

    Parameters
    ----------
    orders, order_items, costs : pandas.DataFrame
        ``shop.orders``, ``shop.order_items``, ``shop.costs``.
    refunds : pandas.DataFrame or None
        ``shop.refunds``; None means the shop had no refunds.
    marketing_spend : pandas.DataFrame, optional
        ``shop.marketing_spend``; required for ``method="after_marketing"``.
    method : {"after_marketing", "before_marketing"}, default="after_marketing"
        Whether marketing spend is deducted.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period (a Series) instead of one number.
    returned_goods : {"restock", "write_off"}, default="restock"
        Whether returned goods leave COGS (see :func:`pnl_table`).
    order_id_col, paid_ts_col, list_amount_col, discount_amount_col, \
shipping_cost_col, quantity_col, unit_cost_col, refund_ts_col, refund_amount_col, \
is_return_col, date_col, cost_type_col, amount_col, spend_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        The margin as a fraction (negative when the orders lose money); with
        ``freq`` a Series named ``contribution_margin`` indexed by ``period``.

    Raises
    ------
    TypeError, ValueError
        See :func:`pnl_table`; also when ``marketing_spend`` is missing for
        ``method="after_marketing"``.

    See Also
    --------
    pnl_table, gross_margin, break_even_roas

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1],
    ...     "paid_ts": pd.to_datetime(["2024-01-05"]), "list_amount": [200.0],
    ...     "discount_amount": [0.0], "shipping_cost": [10.0]})
    >>> items = pd.DataFrame({"order_id": [1], "quantity": [1],
    ...                       "unit_cost": [80.0]})
    >>> costs = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]),
    ...     "cost_type": ["payment_fee"], "amount": [10.0]})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]),
    ...                       "spend": [40.0]})
    >>> contribution_margin(orders, items, None, costs, spend)  # (200-80-10-10-40)/200
    0.3
    >>> contribution_margin(orders, items, None, costs,
    ...                     method="before_marketing")  # 100 / 200
    0.5
    """
    func = "contribution_margin"
    check_option(method, _CM_METHODS, func, param="method")
    if method == "after_marketing" and marketing_spend is None:
        raise ValueError(
            f"{func}(): `marketing_spend` is required for method='after_marketing'. "
            f"Pass shop.marketing_spend, or method='before_marketing'."
        )
    win = _Window.make(func, freq, start, end)
    c = _cols(
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        shipping_cost_col=shipping_cost_col, quantity_col=quantity_col,
        unit_cost_col=unit_cost_col, refund_ts_col=refund_ts_col,
        refund_amount_col=refund_amount_col, is_return_col=is_return_col,
        date_col=date_col, cost_type_col=cost_type_col, amount_col=amount_col,
        spend_col=spend_col,
    )
    books = _ledger(
        func, orders=orders, order_items=order_items, refunds=refunds, costs=costs,
        marketing_spend=marketing_spend if method == "after_marketing" else None,
        win=win, c=c, returned_goods=returned_goods,
        paid=("list_amount", "discount_amount", "shipping_cost"),
    )
    if method == "before_marketing":
        margin = _share_of_sales(books["contribution_before_marketing"],
                                 books["net_sales"])
    else:
        margin = books["contribution_margin"]
    return _per_period(margin, win, "contribution_margin")


@register_metric(
    "break_even_roas",
    name="Break-even ROAS",
    name_zh="盈亏平衡投产比",
    family="finance",
    formula="1 ÷ contribution margin before marketing",
    numerator="1",
    denominator=(
        "(net sales − COGS − logistics − warehousing − packaging − fees) ÷ net sales"
    ),
    window="as contribution_margin",
    basis="net_sales",
    unit="ratio",
    notes=(
        "An ad that returns less net sales per unit of spend than this loses money "
        "on contribution. Compare with roas(basis='net_sales') (same revenue basis); "
        "ROAS on paid amount includes shipping and refunded money and looks better."
    ),
)
def break_even_roas(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    refunds: pd.DataFrame | None,
    costs: pd.DataFrame,
    *,
    start=None,
    end=None,
    freq: str | None = None,
    returned_goods: str = "restock",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    shipping_cost_col: str = "shipping_cost",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    is_return_col: str = "is_return",
    date_col: str = "date",
    cost_type_col: str = "cost_type",
    amount_col: str = "amount",
):
    """Break-even ROAS 盈亏平衡投产比 = 1 ÷ contribution margin before marketing.

    The ROAS (net sales per unit of ad spend) at which the ads exactly use up the
    contribution of the sales they bring. Contribution margin before marketing =
    (net sales − COGS − logistics − warehousing − packaging − platform fee −
    payment fee) ÷ net sales, as in :func:`contribution_margin`. NaN when that
    margin is ≤ 0 (no ROAS can break even) or net sales are ≤ 0.

    Parameters
    ----------
    orders, order_items, costs : pandas.DataFrame
        ``shop.orders``, ``shop.order_items``, ``shop.costs``.
    refunds : pandas.DataFrame or None
        ``shop.refunds``; None means the shop had no refunds.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period.
    returned_goods : {"restock", "write_off"}, default="restock"
        Whether returned goods leave COGS.
    order_id_col, paid_ts_col, list_amount_col, discount_amount_col, \
shipping_cost_col, quantity_col, unit_cost_col, refund_ts_col, refund_amount_col, \
is_return_col, date_col, cost_type_col, amount_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        Break-even ROAS (a ratio ≥ 1); with ``freq`` a Series named
        ``break_even_roas`` indexed by ``period``.

    Raises
    ------
    TypeError, ValueError
        See :func:`pnl_table`.

    See Also
    --------
    contribution_margin, roas

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1],
    ...     "paid_ts": pd.to_datetime(["2024-01-05"]), "list_amount": [200.0],
    ...     "discount_amount": [0.0], "shipping_cost": [10.0]})
    >>> items = pd.DataFrame({"order_id": [1], "quantity": [1],
    ...                       "unit_cost": [110.0]})
    >>> costs = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]),
    ...     "cost_type": ["payment_fee"], "amount": [0.0]})
    >>> break_even_roas(orders, items, None, costs)  # 1 / ((200-110-10)/200)
    2.5
    """
    func = "break_even_roas"
    win = _Window.make(func, freq, start, end)
    c = _cols(
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        shipping_cost_col=shipping_cost_col, quantity_col=quantity_col,
        unit_cost_col=unit_cost_col, refund_ts_col=refund_ts_col,
        refund_amount_col=refund_amount_col, is_return_col=is_return_col,
        date_col=date_col, cost_type_col=cost_type_col, amount_col=amount_col,
    )
    books = _ledger(
        func, orders=orders, order_items=order_items, refunds=refunds, costs=costs,
        win=win, c=c, returned_goods=returned_goods,
        paid=("list_amount", "discount_amount", "shipping_cost"),
    )
    cm = _share_of_sales(books["contribution_before_marketing"], books["net_sales"])
    be = safe_divide(pd.Series(1.0, index=cm.index), cm.where(cm > 0, 0.0))
    return _per_period(be, win, "break_even_roas")


# -------------------------------------------------------------- cost ratios ----
_COST_KINDS = ("logistics", "marketing", *COST_TYPES)
_BASES = ("net_sales", "gmv", "paid_amount")


@register_metric(
    "logistics_cost_ratio",
    name="Logistics cost ratio",
    name_zh="物流费占比",
    family="finance",
    formula="outbound shipping cost ÷ net sales",
    numerator="Σ shipping_cost of orders paid in the window",
    denominator="net sales (list − discounts − refunds)",
    window="orders paid in [start, end]; refunds completed in [start, end]",
    basis="net_sales",
    unit="fraction",
    variants={"gmv": "shipping cost ÷ GMV", "paid_amount": "shipping cost ÷ 支付金额"},
    notes="cost_ratio(kind='logistics'); some sellers divide by GMV (base='gmv').",
)
@register_metric(
    "warehousing_cost_ratio",
    name="Warehousing cost ratio",
    name_zh="仓储费占比",
    family="finance",
    formula="warehousing (storage + handling) cost ÷ net sales",
    numerator="Σ costs.amount with cost_type 'warehousing' dated in the window",
    denominator="net sales (list − discounts − refunds)",
    window="costs dated in [start, end]; orders paid and refunds completed in it",
    basis="net_sales",
    unit="fraction",
    variants={"gmv": "warehousing ÷ GMV", "paid_amount": "warehousing ÷ 支付金额"},
    notes="cost_ratio(kind='warehousing').",
)
@register_metric(
    "marketing_cost_ratio",
    name="Marketing cost ratio",
    name_zh="营销费用率 / 推广费占比",
    family="finance",
    formula="marketing spend ÷ net sales",
    numerator="Σ marketing_spend.spend dated in the window",
    denominator="net sales (list − discounts − refunds)",
    window="spend dated in [start, end]; orders paid and refunds completed in it",
    basis="net_sales",
    unit="fraction",
    variants={"gmv": "spend ÷ GMV", "paid_amount": "spend ÷ 支付金额"},
    notes="cost_ratio(kind='marketing'). Its inverse on the same basis is blended "
    "ROAS.",
)
def cost_ratio(
    orders: pd.DataFrame,
    refunds: pd.DataFrame | None = None,
    costs: pd.DataFrame | None = None,
    marketing_spend: pd.DataFrame | None = None,
    *,
    kind: str,
    base: str = "net_sales",
    start=None,
    end=None,
    freq: str | None = None,
    order_id_col: str = "order_id",
    order_ts_col: str = "order_ts",
    paid_ts_col: str = "paid_ts",
    order_amount_col: str = "order_amount",
    paid_amount_col: str = "paid_amount",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    shipping_cost_col: str = "shipping_cost",
    refund_ts_col: str = "refund_ts",
    refund_amount_col: str = "refund_amount",
    date_col: str = "date",
    cost_type_col: str = "cost_type",
    amount_col: str = "amount",
    spend_col: str = "spend",
):
    """A cost as a share of sales: 物流费占比, 仓储费占比, 推广费占比 and the like.

    ratio = cost of ``kind`` in the window ÷ sales on ``base`` in the window.

    Costs (numerator): ``"logistics"`` 物流费 = Σ ``shipping_cost`` of orders
    paid in the window (carrier fees the shop pays); ``"marketing"`` 推广费 =
    Σ ``marketing_spend.spend`` dated in the window; any cost type of ``costs``
    (``"warehousing"`` 仓储费 = storage + handling, ``"packaging"``,
    ``"platform_fee"``, ``"payment_fee"``, ``"staff"``, ``"other"``) = Σ
    ``amount`` of those lines dated in the window.

    Sales (denominator): ``"net_sales"`` 净销售额 (default) = Σ (list −
    discount) of orders paid − Σ refunds completed in the window; ``"gmv"``
    拍下金额 = Σ order_amount of orders placed; ``"paid_amount"`` 支付金额 = Σ
    paid_amount of orders paid. NaN when the base is ≤ 0.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``shop.orders`` (the sales base, and shipping cost for logistics).
    refunds : pandas.DataFrame, optional
        ``shop.refunds``; required for ``base="net_sales"``.
    costs : pandas.DataFrame, optional
        ``shop.costs``; required for cost types of that table.
    marketing_spend : pandas.DataFrame, optional
        ``shop.marketing_spend``; required for ``kind="marketing"``.
    kind : {"logistics", "marketing", "warehousing", "packaging", "platform_fee", \
"payment_fee", "staff", "other"}
        The cost in the numerator.
    base : {"net_sales", "gmv", "paid_amount"}, default="net_sales"
        The sales in the denominator.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period (a Series) instead of one number.
    order_id_col, order_ts_col, paid_ts_col, order_amount_col, paid_amount_col, \
list_amount_col, discount_amount_col, shipping_cost_col, refund_ts_col, \
refund_amount_col, date_col, cost_type_col, amount_col, spend_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        The ratio (a fraction; it can exceed 1 when a cost exceeds sales); with
        ``freq`` a Series named ``<kind>_cost_ratio`` indexed by ``period``.

    Raises
    ------
    TypeError, ValueError
        As :func:`pnl_table`; also an unknown ``kind`` or ``base``, or a table
        the chosen ``kind``/``base`` needs is missing.

    See Also
    --------
    pnl_table, fulfilment_cost_per_order

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-01-06"]),
    ...     "list_amount": [100.0, 100.0], "discount_amount": [0.0, 0.0],
    ...     "paid_amount": [110.0, 110.0], "shipping_cost": [6.0, 6.0]})
    >>> refunds = pd.DataFrame({"order_id": [1], "refund_ts": pd.to_datetime(["2024-01-09"]),
    ...                         "refund_amount": [50.0]})
    >>> cost_ratio(orders, refunds, kind="logistics")  # 12 / (200 - 50)
    0.08
    >>> cost_ratio(orders, kind="logistics", base="paid_amount")  # 12 / 220
    0.0545...
    """
    func = "cost_ratio"
    check_option(kind, _COST_KINDS, func, param="kind")
    check_option(base, _BASES, func, param="base")
    need = {"refunds": (refunds, base == "net_sales", "base='net_sales'"),
            "costs": (costs, kind in COST_TYPES, f"kind={kind!r}"),
            "marketing_spend": (marketing_spend, kind == "marketing",
                                "kind='marketing'")}
    for name, (table, needed, why) in need.items():
        if needed and table is None:
            raise ValueError(
                f"{func}(): `{name}` is required for {why}. Pass shop.{name}"
                + (", or base='paid_amount'." if name == "refunds" else ".")
            )
    win = _Window.make(func, freq, start, end)
    c = _cols(
        order_id_col=order_id_col, order_ts_col=order_ts_col, paid_ts_col=paid_ts_col,
        order_amount_col=order_amount_col, paid_amount_col=paid_amount_col,
        list_amount_col=list_amount_col, discount_amount_col=discount_amount_col,
        shipping_cost_col=shipping_cost_col, refund_ts_col=refund_ts_col,
        refund_amount_col=refund_amount_col, date_col=date_col,
        cost_type_col=cost_type_col, amount_col=amount_col, spend_col=spend_col,
    )
    paid = {"net_sales": ("list_amount", "discount_amount"), "gmv": (),
            "paid_amount": ("paid_amount",)}[base]
    if kind == "logistics":
        paid = (*paid, "shipping_cost")
    books = _ledger(
        func, orders=orders,
        refunds=refunds if base == "net_sales" else None,
        costs=costs if kind in COST_TYPES else None,
        marketing_spend=marketing_spend if kind == "marketing" else None,
        win=win, c=c, gmv=base == "gmv", paid=paid,
    )
    cost = books["shipping_cost"] if kind == "logistics" else books[kind]
    return _per_period(_share_of_sales(cost, books[base]), win,
                       f"{kind}_cost_ratio")


@register_metric(
    "fulfilment_cost_per_order",
    name="Fulfilment cost per order",
    name_zh="单均履约成本",
    family="finance",
    formula="(packaging + warehousing + outbound shipping cost) ÷ shipped orders",
    numerator=(
        "Σ costs of type packaging and warehousing dated in the window + Σ "
        "shipping_cost of orders shipped in the window"
    ),
    denominator="orders shipped (shipped_ts) in the window",
    window="shipped_ts and cost dates in [start, end]",
    basis="shipped orders",
    unit="currency/order",
    notes=(
        "No authoritative source: ecomkit's recommendation. The costs table does "
        "not split warehousing into storage and handling, so all of it is counted "
        "(an upper bound of pick/pack handling)."
    ),
)
def fulfilment_cost_per_order(
    orders: pd.DataFrame,
    costs: pd.DataFrame,
    *,
    start=None,
    end=None,
    freq: str | None = None,
    shipped_ts_col: str = "shipped_ts",
    shipping_cost_col: str = "shipping_cost",
    date_col: str = "date",
    cost_type_col: str = "cost_type",
    amount_col: str = "amount",
):
    """Fulfilment cost per order 单均履约成本 = fulfilment costs ÷ shipped orders.

    Numerator: packaging 包材 + warehousing 仓储 (``costs`` lines dated in the
    window) + outbound shipping 物流 (Σ ``shipping_cost`` of orders shipped in the
    window). Denominator: orders with ``shipped_ts`` in the window. Orders are
    dated by shipment here (not payment as in :func:`pnl_table`), because the
    costs occur when the parcel leaves. The ``costs`` table does not split
    warehousing into storage and handling, so all of it is counted. NaN when no
    order shipped.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``shop.orders``.
    costs : pandas.DataFrame
        ``shop.costs``.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period.
    shipped_ts_col, shipping_cost_col : str
        Columns of ``orders``.
    date_col, cost_type_col, amount_col : str
        Columns of ``costs``.

    Returns
    -------
    float or pandas.Series
        Currency per shipped order; with ``freq`` a Series named
        ``fulfilment_cost_per_order`` indexed by ``period``.

    Raises
    ------
    TypeError, ValueError
        A table is not a DataFrame, a column is missing or has the wrong dtype,
        negative money, unknown cost types, a bad window or ``freq``.

    See Also
    --------
    cost_ratio, pnl_table

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "shipped_ts": pd.to_datetime(["2024-01-05", "2024-01-06", pd.NaT]),
    ...     "shipping_cost": [8.0, 6.0, 0.0]})
    >>> costs = pd.DataFrame({"date": pd.to_datetime(["2024-01-31"] * 3),
    ...     "cost_type": ["packaging", "warehousing", "staff"],
    ...     "amount": [2.0, 10.0, 99.0]})
    >>> fulfilment_cost_per_order(orders, costs)  # (8 + 6 + 2 + 10) / 2
    13.0
    """
    func = "fulfilment_cost_per_order"
    win = _Window.make(func, freq, start, end)
    c = _cols(shipped_ts_col=shipped_ts_col, shipping_cost_col=shipping_cost_col,
              date_col=date_col, cost_type_col=cost_type_col, amount_col=amount_col)
    _check(orders, func, c, ["shipped_ts", "shipping_cost"], param="orders",
           hint="shop.orders")
    _check(costs, func, c, ["date", "cost_type", "amount"], param="costs",
           hint="shop.costs")
    shipped = take(orders, win.select(orders[c.shipped_ts]),
                   [c.shipped_ts, c.shipping_cost])
    keys = win.keys(shipped[c.shipped_ts])
    per = {"shipping": shipped[c.shipping_cost], "orders": np.ones(len(shipped))}
    parts = [_sum_by(per, keys), _cost_lines(costs, win, c)]
    books = _combine(parts, win)
    total = books["shipping"] + books["packaging"] + books["warehousing"]
    return _per_period(safe_divide(total, books["orders"]), win,
                       "fulfilment_cost_per_order")


# ------------------------------------------------------ grouped ratio helpers ----
def _plain_index(idx: pd.Index) -> pd.Index:
    """Group keys as plain values (categorical levels become their categories' type)."""
    if isinstance(idx, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(
            [_plain_level(idx.get_level_values(i)) for i in range(idx.nlevels)],
            names=idx.names,
        )
    return _plain_level(idx)


def _plain_level(level: pd.Index) -> pd.Index:
    if isinstance(level, pd.CategoricalIndex):
        return pd.Index(level.astype(level.categories.dtype), name=level.name)
    return level


def _gsum(values: pd.Series, keys: dict) -> pd.Series:
    """Σ values per combination of ``keys`` ({name: array aligned with values}).

    Rows with a missing key (e.g. no campaign) belong to no group. Without
    ``freq`` the ``period`` key is one constant (see :meth:`_Window.keys`); it is
    added after grouping instead of being hashed for every row.
    """
    constant = "period" in keys and np.asarray(keys["period"]).dtype == np.int64
    # keys are aligned by position (never by index label: it may repeat)
    groupers = [
        pd.Series(k.array if isinstance(k, pd.Series) else k, index=values.index,
                  name=name)
        for name, k in keys.items()
        if not (constant and name == "period")
    ]
    if not groupers:
        return pd.Series([values.sum()], index=pd.Index([0], name="period"),
                         dtype=values.dtype)
    out = values.groupby(groupers if len(groupers) > 1 else groupers[0],
                         observed=True, sort=False).sum()
    index = _plain_index(out.index)
    if constant:
        levels = [index.get_level_values(i) for i in range(index.nlevels)]
        index = pd.MultiIndex.from_arrays(
            [np.zeros(len(index), dtype=np.int64), *levels],
            names=["period", *index.names],
        )
    out.index = index
    return out


def _levels_of(by: list, *tables) -> dict:
    """Display order of each ``by`` column: its categories, or the schema levels."""
    levels = {}
    for col in by:
        for t in tables:
            if t is not None and col in t and isinstance(t[col].dtype,
                                                         pd.CategoricalDtype):
                levels[col] = tuple(t[col].cat.categories)
                break
        else:
            if col in _KNOWN_LEVELS:
                levels[col] = _KNOWN_LEVELS[col]
    return levels


def _sorted_groups(r: pd.Series, levels: dict) -> pd.Series:
    """Sort by period, then by each group column in its display order."""
    if len(r) == 0:
        return r
    frame = r.index.to_frame(index=False)
    ranks = []
    for name in frame.columns:
        col = frame[name]
        lv = levels.get(name)
        if lv is not None and col.isin(lv).all():
            ranks.append(col.map({v: i for i, v in enumerate(lv)}).to_numpy())
            continue
        try:
            ranks.append(pd.factorize(col, sort=True)[0])
        except TypeError:  # mixed types: sort by their text
            ranks.append(pd.factorize(col.astype(str), sort=True)[0])
    return r.iloc[np.lexsort(ranks[::-1])]


def _ratio(num: pd.Series, den: pd.Series, *, name: str, by: list, freq,
           levels: dict, scale: float = 1.0):
    """num ÷ den per group (groups of either side; NaN where den is 0).

    Shape: a float without ``freq`` and ``by``; else a Series indexed by
    ``period`` (when ``freq``) and the ``by`` columns.
    """
    idx = num.index.union(den.index) if len(num) or len(den) else num.index
    n = num.reindex(idx, fill_value=0.0).astype(float) * scale
    d = den.reindex(idx, fill_value=0.0).astype(float)
    r = safe_divide(n, d).rename(name)
    names = ["period", *by]
    r.index = r.index.set_names(names) if len(names) > 1 else r.index.rename("period")
    if freq is None:
        if not by:
            return float(r.iloc[0]) if len(r) else float("nan")
        r = r.droplevel("period") if len(by) else r
    elif "period" in r.index.names:
        if isinstance(r.index, pd.MultiIndex):
            r.index = r.index.set_levels(
                r.index.levels[0].astype("datetime64[ns]"), level=0
            )
        else:
            r.index = pd.DatetimeIndex(r.index.astype("datetime64[ns]"),
                                       name="period")
    return _sorted_groups(r, levels)


def _check_by_both(by, func, a, a_name, b, b_name) -> list:
    """``by``: None or one column present in both tables."""
    if by is None:
        return []
    if not isinstance(by, str):
        raise TypeError(f"{func}(): `by` must be a column name (str) or None, got "
                        f"{by!r}.")
    check_table(a, func, param=a_name, columns={"by": by})
    check_table(b, func, param=b_name, columns={"by": by})
    if id_kinds(a=a[by], b=b[by]) is not None:
        raise TypeError(
            f"{func}(): column {by!r} (from `by`) holds numbers in one table and text "
            f"in the other, so they never match. Use one type, e.g. `.astype(str)`."
        )
    return [by]


# ------------------------------------------------------------ ad economics ----
def _spend_by(marketing_spend, win, c, by, value: str = "spend") -> pd.Series:
    rows = take(marketing_spend, win.select(marketing_spend[c.date]),
                [c.date, getattr(c, value), *by])
    keys = {"period": win.keys(rows[c.date])}
    for col in by:
        keys[col] = rows[col]
    return _gsum(rows[getattr(c, value)].astype(float), keys)


def _attributed(paid: pd.DataFrame, values: pd.Series, win, c, by, attribution,
                spend: pd.Series, attr_col: str) -> pd.Series:
    """Revenue (or profit, or counts) of paid orders credited to the ads.

    last_click: an order counts for the channel (or campaign) of its own row, and
    only where that channel had spend; blended: every order counts.
    """
    keys = {"period": win.keys(paid[c.paid_ts])}
    if attribution == "blended":
        return _gsum(values, keys)
    keys[attr_col] = paid[attr_col]
    out = _gsum(values, keys)
    if by:
        return out
    # overall last-click total: only channels that were paid for in that period
    bought = spend.index[spend.to_numpy() > 0]
    out = out[out.index.isin(bought)]
    return out.groupby(level="period", sort=False).sum() if len(out) else \
        pd.Series(dtype=float)


def _check_attr(func, attribution, by):
    check_option(attribution, _ATTRIBUTIONS, func, param="attribution")
    if attribution == "blended" and by is not None:
        raise ValueError(
            f"{func}(): attribution='blended' credits all sales to all spend, so it "
            f"cannot be split `by` {by!r}. Use by=None, or attribution='last_click'."
        )


_ROAS_BASES = ("paid_amount", "net_sales")


@register_metric(
    "roas",
    name="Return on ad spend",
    name_zh="投产比 (ROAS)",
    family="finance",
    formula="attributed paid amount ÷ ad spend",
    numerator="Σ paid_amount of orders paid in the window whose channel "
    "(last click) had spend",
    denominator="Σ marketing_spend.spend dated in the window",
    window="orders paid in [start, end]; spend dated in [start, end]",
    basis="paid_amount",
    unit="ratio",
    variants={
        "last_click": "an order is credited to its own channel (default)",
        "blended": "all paid amount ÷ all spend (全店投产比, MER)",
        "net_sales": "basis='net_sales': (list − discount − refunded goods of the order) "
        "÷ spend",
    },
    notes=(
        "国内运营 often call ROAS \"ROI\" (投产比 is often called ROI): 直通车 / 引力魔方 "
        "'ROI' = 成交金额 ÷ 花费 is this ROAS, not the profit-based ecomkit.roi. "
        "One 直通车 source even inverts it (spend ÷ sales = ACoS)."
    ),
)
def roas(
    orders: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    refunds: pd.DataFrame | None = None,
    by: str | None = "channel",
    attribution: str = "last_click",
    basis: str = "paid_amount",
    start=None,
    end=None,
    freq: str | None = None,
    channel_col: str = "channel",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    refund_amount_col: str = "refund_amount",
    date_col: str = "date",
    spend_col: str = "spend",
):
    """ROAS 投产比 = attributed revenue ÷ ad spend (Chinese operators often call it "ROI").

    Numerator: Σ ``paid_amount`` 支付金额 of orders paid in the window, credited
    by last click to the ``channel`` of the order (or the ``by`` column, e.g.
    ``campaign_id``). Denominator: Σ ``spend`` of ``marketing_spend`` dated in the
    window, on the same channel. Overall (``by=None``) last-click ROAS counts only
    orders of channels that had spend; ``attribution="blended"`` divides all paid
    amount by all spend (全店投产比, MER). NaN where the spend is 0 (e.g. organic
    channels).

    In 国内运营 usage "ROI" usually means this ratio (直通车 ROI = 成交金额 ÷
    花费). The profit-based ROI, (gross profit − spend) ÷ spend, is
    :func:`roi`; with the same revenue basis, ROI = ROAS × gross margin − 1.

    Parameters
    ----------
    orders, marketing_spend : pandas.DataFrame
        ``shop.orders`` and ``shop.marketing_spend``.
    refunds : pandas.DataFrame, optional
        ``shop.refunds``; required for ``basis="net_sales"``.
    by : str or None, default="channel"
        A column of both tables to split by (``"channel"``, ``"campaign_id"``);
        None for one number.
    attribution : {"last_click", "blended"}, default="last_click"
        Which orders are credited to the ads.
    basis : {"paid_amount", "net_sales"}, default="paid_amount"
        Revenue per order: 支付金额 (shipping included, refunds not deducted), or
        net sales = list − discount − every refund of that order (whenever it
        was completed): the basis of :func:`break_even_roas`.
    start, end : date-like, optional
        Inclusive window (payment time for orders, date for spend).
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period too.
    channel_col, order_id_col, paid_ts_col, paid_amount_col, list_amount_col, \
discount_amount_col, refund_amount_col, date_col, spend_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        One ratio without ``by`` and ``freq``; else a Series named ``roas``
        indexed by ``period`` (with ``freq``) and the ``by`` column, sorted by
        period then the column's level order (channels in schema order).

    Raises
    ------
    TypeError, ValueError
        A table is not a DataFrame, a column is missing or has the wrong dtype,
        negative money, an unknown option, ``blended`` with ``by``, missing
        ``refunds`` for ``basis="net_sales"``, a bad window or ``freq``.

    See Also
    --------
    roi, break_even_roas, cac

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"channel": ["paid_search", "paid_search", "direct"],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-06"]),
    ...     "paid_amount": [200.0, 100.0, 50.0]})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]),
    ...     "channel": ["paid_search"], "spend": [100.0]})
    >>> roas(orders, spend)
    channel
    paid_search    3.0
    direct         NaN
    Name: roas, dtype: float64
    >>> roas(orders, spend, by=None, attribution="blended")  # 350 / 100
    3.5
    """
    func = "roas"
    check_option(basis, _ROAS_BASES, func, param="basis")
    _check_attr(func, attribution, by)
    if basis == "net_sales" and refunds is None:
        raise ValueError(f"{func}(): `refunds` is required for basis='net_sales'. "
                         f"Pass refunds=shop.refunds, or basis='paid_amount'.")
    win = _Window.make(func, freq, start, end)
    c = _cols(channel_col=channel_col, order_id_col=order_id_col,
              paid_ts_col=paid_ts_col, paid_amount_col=paid_amount_col,
              list_amount_col=list_amount_col,
              discount_amount_col=discount_amount_col,
              refund_amount_col=refund_amount_col, date_col=date_col,
              spend_col=spend_col)
    by_cols = _check_by_both(by, func, orders, "orders", marketing_spend,
                             "marketing_spend")
    attr_col = by if by is not None else c.channel
    names = ["paid_ts"] + (["paid_amount"] if basis == "paid_amount" else
                           ["order_id", "list_amount", "discount_amount"])
    if attribution == "last_click":
        _check_by_both(attr_col, func, orders, "orders", marketing_spend,
                       "marketing_spend")
    _check(orders, func, c, names, param="orders", hint="shop.orders")
    _check(marketing_spend, func, c, ["date", "spend"], param="marketing_spend",
           hint="shop.marketing_spend")
    paid = take(orders, win.select(orders[c.paid_ts]),
                [getattr(c, n) for n in names] + [attr_col])
    if basis == "paid_amount":
        revenue = paid[c.paid_amount].astype(float)
    else:
        _check(refunds, func, c, ["order_id", "refund_amount"], param="refunds",
               hint="shop.refunds")
        check_same_id_type(func, "order_id_col", c.order_id, orders=orders,
                           refunds=refunds)
        goods = (paid[c.list_amount] - paid[c.discount_amount]).astype(float)
        # refunded goods only: what exceeds the goods value gave back shipping
        revenue = goods - np.minimum(_refunds_per_order(paid, refunds, c), goods.to_numpy())
    keep_by = by_cols if attribution == "last_click" else []
    spend_keys = [attr_col] if attribution == "last_click" else []
    spend = _spend_by(marketing_spend, win, c, spend_keys)
    num = _attributed(paid, revenue, win, c, keep_by, attribution, spend, attr_col)
    den = spend if by is not None or attribution == "blended" else \
        spend.groupby(level="period", sort=False).sum()
    return _ratio(num, den, name="roas", by=by_cols, freq=freq,
                  levels=_levels_of(by_cols, orders, marketing_spend))


def _refunds_per_order(paid: pd.DataFrame, refunds: pd.DataFrame, c) -> np.ndarray:
    """Σ refund_amount of each paid order (every refund, whenever completed)."""
    pos = pd.Index(paid[c.order_id]).get_indexer(refunds[c.order_id])
    hit = pos >= 0
    amount = refunds[c.refund_amount].to_numpy(dtype=float)
    return np.bincount(pos[hit], weights=amount[hit], minlength=len(paid))


@register_metric(
    "roi",
    name="Return on investment (ad spend)",
    name_zh="投资回报率 (ROI)",
    family="finance",
    formula="(attributed gross profit − ad spend) ÷ ad spend",
    numerator="Σ over attributed paid orders of (list − discount − refunds − COGS "
    "+ cost of returned goods) − spend",
    denominator="Σ marketing_spend.spend dated in the window",
    window="orders paid in [start, end] (with all their refunds); spend dated in "
    "[start, end]",
    basis="gross profit",
    unit="ratio",
    variants={
        "last_click": "an order is credited to its own channel (default)",
        "blended": "all gross profit ÷ all spend",
    },
    notes=(
        "国内运营 often call ROAS \"ROI\" (投产比 is often called ROI): a 直通车 'ROI "
        "of 3' is ROAS 3. This is the profit-based ROI: ROI = ROAS × gross margin − "
        "1 on the same revenue basis, so ROAS 3 at 40 % gross margin is ROI 0.2. "
        "ROI < 0 means the ads lose money even before other costs."
    ),
)
def roi(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    refunds: pd.DataFrame | None = None,
    by: str | None = "channel",
    attribution: str = "last_click",
    returned_goods: str = "restock",
    start=None,
    end=None,
    freq: str | None = None,
    channel_col: str = "channel",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    list_amount_col: str = "list_amount",
    discount_amount_col: str = "discount_amount",
    quantity_col: str = "quantity",
    unit_cost_col: str = "unit_cost",
    refund_amount_col: str = "refund_amount",
    is_return_col: str = "is_return",
    date_col: str = "date",
    spend_col: str = "spend",
):
    """ROI 投资回报率 = (attributed gross profit − ad spend) ÷ ad spend.

    Gross profit of an order = list − discount − COGS (Σ quantity × unit_cost);
    with ``refunds``, also − its refunds + the cost of goods that came back
    (``returned_goods="restock"``, as in :func:`pnl_table`). Orders paid in the
    window are credited by last click to their ``channel`` (or ``by`` column),
    as in :func:`roas`; spend is dated in the window. NaN where the spend is 0.

    Chinese operators (国内运营) often say "ROI" for ROAS 投产比 (成交金额 ÷
    花费); that ratio is :func:`roas`. This function is the profit-based ROI:
    with the same revenue basis ROI = ROAS × gross margin − 1, so ROAS 3 at a
    40 % gross margin is ROI 3 × 0.4 − 1 = 0.2.

    Parameters
    ----------
    orders, order_items, marketing_spend : pandas.DataFrame
        ``shop.orders``, ``shop.order_items``, ``shop.marketing_spend``.
    refunds : pandas.DataFrame, optional
        ``shop.refunds``. Without it the gross profit is before refunds.
    by : str or None, default="channel"
        A column of both ``orders`` and ``marketing_spend``; None for one number.
    attribution : {"last_click", "blended"}, default="last_click"
        Which orders are credited to the ads (see :func:`roas`).
    returned_goods : {"restock", "write_off"}, default="restock"
        Whether returned goods give their cost back (with ``refunds``).
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period too.
    channel_col, order_id_col, paid_ts_col, list_amount_col, discount_amount_col, \
quantity_col, unit_cost_col, refund_amount_col, is_return_col, date_col, \
spend_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        One ratio without ``by`` and ``freq`` (can be negative); else a Series
        named ``roi`` indexed by ``period`` and/or the ``by`` column.

    Raises
    ------
    TypeError, ValueError
        As :func:`roas`.

    See Also
    --------
    roas, gross_margin

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1], "channel": ["social"],
    ...     "paid_ts": pd.to_datetime(["2024-01-05"]),
    ...     "list_amount": [300.0], "discount_amount": [0.0]})
    >>> items = pd.DataFrame({"order_id": [1], "quantity": [2],
    ...                       "unit_cost": [90.0]})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]),
    ...     "channel": ["social"], "spend": [100.0]})
    >>> roi(orders, items, spend, by=None)  # ROAS 3, margin 0.4: (120 - 100) / 100
    0.2
    """
    func = "roi"
    check_option(returned_goods, _RETURNED_GOODS, func, param="returned_goods")
    _check_attr(func, attribution, by)
    win = _Window.make(func, freq, start, end)
    c = _cols(channel_col=channel_col, order_id_col=order_id_col,
              paid_ts_col=paid_ts_col, list_amount_col=list_amount_col,
              discount_amount_col=discount_amount_col, quantity_col=quantity_col,
              unit_cost_col=unit_cost_col, refund_amount_col=refund_amount_col,
              is_return_col=is_return_col, date_col=date_col, spend_col=spend_col)
    by_cols = _check_by_both(by, func, orders, "orders", marketing_spend,
                             "marketing_spend")
    attr_col = by if by is not None else c.channel
    names = ["order_id", "paid_ts", "list_amount", "discount_amount"]
    if attribution == "last_click":
        _check_by_both(attr_col, func, orders, "orders", marketing_spend,
                       "marketing_spend")
    _check(orders, func, c, names, param="orders", hint="shop.orders")
    check_unique_ids(orders, c.order_id, func, "order_id_col")
    _check(order_items, func, c, ["order_id", "quantity", "unit_cost"],
           param="order_items", hint="shop.order_items")
    _check(marketing_spend, func, c, ["date", "spend"], param="marketing_spend",
           hint="shop.marketing_spend")
    if refunds is not None:
        _check(refunds, func, c, ["order_id", "refund_amount", "is_return"],
               param="refunds", hint="shop.refunds")
    check_same_id_type(func, "order_id_col", c.order_id, orders=orders,
                       order_items=order_items, refunds=refunds)

    paid = take(orders, win.select(orders[c.paid_ts]),
                [getattr(c, n) for n in names] + [attr_col])
    goods = (paid[c.list_amount] - paid[c.discount_amount]).to_numpy(dtype=float)
    cogs = _order_cogs(paid, order_items, c)
    profit = goods - cogs
    if refunds is not None:
        # refunded goods only: what exceeds the goods value gave back shipping
        profit = profit - np.minimum(_refunds_per_order(paid, refunds, c), goods)
        if returned_goods == "restock":
            is_ret = _check_bool(refunds, c.is_return, func, param="is_return_col",
                                 table_name="refunds")
            back = _refunds_per_order(paid, refunds.loc[is_ret], c)
            share = np.divide(back, goods, out=(back > 0).astype(float),
                              where=goods > 0)
            profit = profit + np.minimum(share, 1.0) * cogs
    profit = pd.Series(profit, index=paid.index)
    keep_by = by_cols if attribution == "last_click" else []
    spend = _spend_by(marketing_spend, win, c,
                      [attr_col] if attribution == "last_click" else [])
    gp = _attributed(paid, profit, win, c, keep_by, attribution, spend, attr_col)
    den = spend if by is not None or attribution == "blended" else \
        spend.groupby(level="period", sort=False).sum()
    idx = gp.index.union(den.index) if len(gp) or len(den) else gp.index
    net = gp.reindex(idx, fill_value=0.0) - den.reindex(idx, fill_value=0.0)
    return _ratio(net, den, name="roi", by=by_cols, freq=freq,
                  levels=_levels_of(by_cols, orders, marketing_spend))


# ------------------------------------------------------- ad delivery ratios ----
def _ad_ratio(func, marketing_spend, *, num, den, scale, name, by, freq, start, end,
              c):
    win = _Window.make(func, freq, start, end)
    check_table(marketing_spend, func, param="marketing_spend",
                hint="shop.marketing_spend")
    by_cols = by_columns(by)
    for col in by_cols:
        check_table(marketing_spend, func, param="marketing_spend",
                    columns={"by": col})
    _check(marketing_spend, func, c, ["date", num, den], param="marketing_spend",
           hint="shop.marketing_spend")
    if name == "ctr":
        over = (marketing_spend[c.clicks] > marketing_spend[c.impressions]).to_numpy()
        if over.any():
            raise ValueError(
                f"{func}(): {int(over.sum())} row(s) of `marketing_spend` have more "
                f"clicks (`clicks_col`={c.clicks!r}) than impressions "
                f"(`impressions_col`={c.impressions!r}); a click needs an "
                f"impression. Check the export. Examples:\n"
                + marketing_spend.loc[over].head(3).to_string(max_cols=8)
            )
    n = _spend_by(marketing_spend, win, c, by_cols, value=num)
    d = _spend_by(marketing_spend, win, c, by_cols, value=den)
    return _ratio(n, d, name=name, by=by_cols, freq=freq, scale=scale,
                  levels=_levels_of(by_cols, marketing_spend))


_AD_DOC_PARAMS = """
    Parameters
    ----------
    marketing_spend : pandas.DataFrame
        Daily ad delivery (``shop.marketing_spend``).
    by : str or list of str, optional
        Columns to split by (``"channel"``, ``"campaign_id"``).
    start, end : date-like, optional
        Inclusive window on ``date``.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period too.
    date_col, spend_col, impressions_col, clicks_col : str
        Column names (canonical by default).
"""


@register_metric(
    "cpc",
    name="Cost per click",
    name_zh="平均点击花费 (CPC)",
    family="finance",
    formula="ad spend ÷ clicks",
    numerator="Σ spend",
    denominator="Σ clicks",
    window="marketing_spend rows dated in [start, end] (pooled)",
    basis="marketing_spend",
    unit="currency/click",
)
def cpc(
    marketing_spend: pd.DataFrame,
    *,
    by=None,
    start=None,
    end=None,
    freq: str | None = None,
    date_col: str = "date",
    spend_col: str = "spend",
    clicks_col: str = "clicks",
):
    """CPC 平均点击花费 = Σ spend ÷ Σ clicks, pooled over the window.

    NaN when there are no clicks.
    {params}
    Returns
    -------
    float or pandas.Series
        Currency per click; with ``by``/``freq`` a Series named ``cpc`` indexed by
        ``period`` and the ``by`` columns.

    Raises
    ------
    TypeError, ValueError
        Not a DataFrame, a missing column, non-numeric or negative values, a bad
        window or ``freq``.

    See Also
    --------
    cpm, ctr, roas

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...     "spend": [30.0, 10.0], "impressions": [1000, 3000], "clicks": [15, 5]})
    >>> cpc(ads)  # 40 / 20
    2.0
    """
    c = _cols(date_col=date_col, spend_col=spend_col, clicks_col=clicks_col)
    return _ad_ratio("cpc", marketing_spend, num="spend", den="clicks", scale=1.0,
                     name="cpc", by=by, freq=freq, start=start, end=end, c=c)


@register_metric(
    "cpm",
    name="Cost per mille",
    name_zh="千次展现成本 (CPM)",
    family="finance",
    formula="1000 × ad spend ÷ impressions",
    numerator="1000 × Σ spend",
    denominator="Σ impressions",
    window="marketing_spend rows dated in [start, end] (pooled)",
    basis="marketing_spend",
    unit="currency/1000 impressions",
)
def cpm(
    marketing_spend: pd.DataFrame,
    *,
    by=None,
    start=None,
    end=None,
    freq: str | None = None,
    date_col: str = "date",
    spend_col: str = "spend",
    impressions_col: str = "impressions",
):
    """CPM 千次展现成本 = 1000 × Σ spend ÷ Σ impressions, pooled over the window.

    NaN when there are no impressions.
    {params}
    Returns
    -------
    float or pandas.Series
        Currency per thousand impressions; with ``by``/``freq`` a Series named
        ``cpm`` indexed by ``period`` and the ``by`` columns.

    Raises
    ------
    TypeError, ValueError
        As :func:`cpc`.

    See Also
    --------
    cpc, ctr

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...     "spend": [30.0, 10.0], "impressions": [1000, 3000], "clicks": [15, 5]})
    >>> cpm(ads)  # 1000 * 40 / 4000
    10.0
    """
    c = _cols(date_col=date_col, spend_col=spend_col, impressions_col=impressions_col)
    return _ad_ratio("cpm", marketing_spend, num="spend", den="impressions",
                     scale=1000.0, name="cpm", by=by, freq=freq, start=start,
                     end=end, c=c)


@register_metric(
    "ctr",
    name="Click-through rate",
    name_zh="点击率 (CTR)",
    family="finance",
    formula="clicks ÷ impressions",
    numerator="Σ clicks",
    denominator="Σ impressions",
    window="marketing_spend rows dated in [start, end] (pooled)",
    basis="marketing_spend",
    unit="fraction",
    notes="展现量 = 点击量 ÷ 点击率.",
)
def ctr(
    marketing_spend: pd.DataFrame,
    *,
    by=None,
    start=None,
    end=None,
    freq: str | None = None,
    date_col: str = "date",
    impressions_col: str = "impressions",
    clicks_col: str = "clicks",
):
    """CTR 点击率 = Σ clicks ÷ Σ impressions, pooled over the window.

    A fraction in [0, 1]. NaN when there are no impressions. Rows with more
    clicks than impressions are rejected.
    {params}
    Returns
    -------
    float or pandas.Series
        The rate; with ``by``/``freq`` a Series named ``ctr`` indexed by
        ``period`` and the ``by`` columns.

    Raises
    ------
    TypeError, ValueError
        As :func:`cpc`; also a row with clicks > impressions.

    See Also
    --------
    cpc, cpm

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...     "channel": ["social", "paid_search"],
    ...     "spend": [30.0, 10.0], "impressions": [1000, 3000], "clicks": [15, 5]})
    >>> ctr(ads)  # 20 / 4000
    0.005
    >>> ctr(ads, by="channel")
    channel
    paid_search    0.001667
    social         0.015000
    Name: ctr, dtype: float64
    """
    c = _cols(date_col=date_col, impressions_col=impressions_col,
              clicks_col=clicks_col)
    return _ad_ratio("ctr", marketing_spend, num="clicks", den="impressions",
                     scale=1.0, name="ctr", by=by, freq=freq, start=start, end=end,
                     c=c)


for _f in (cpc, cpm, ctr):
    if _f.__doc__:  # docstrings are stripped under python -OO
        _f.__doc__ = _f.__doc__.replace("{params}", _AD_DOC_PARAMS)


# ----------------------------------------------------------------------- CAC ----
@register_metric(
    "cac",
    name="Customer acquisition cost",
    name_zh="获客成本 (CAC)",
    family="finance",
    formula="acquisition spend ÷ new customers",
    numerator="Σ marketing_spend.spend dated in the window",
    denominator="customers whose first ever paid order falls in the window "
    "(credited to the channel of that order)",
    window="first paid order in [start, end]; spend dated in [start, end]",
    basis="new customers",
    unit="currency/customer",
    variants={
        "last_click": "new customers of channels with spend only (paid CAC, "
        "default)",
        "blended": "all spend ÷ all new customers, organic included (blended CAC)",
    },
    notes=(
        "Spend only; 'fully loaded' CAC would add agency, creative and salaries. "
        "Blended CAC looks lower than paid CAC because organic customers are free."
    ),
)
def cac(
    orders: pd.DataFrame,
    marketing_spend: pd.DataFrame,
    *,
    by: str | None = "channel",
    attribution: str = "last_click",
    start=None,
    end=None,
    freq: str | None = None,
    customer_id_col: str = "customer_id",
    order_id_col: str = "order_id",
    channel_col: str = "channel",
    paid_ts_col: str = "paid_ts",
    date_col: str = "date",
    spend_col: str = "spend",
):
    """CAC 获客成本 = acquisition spend ÷ new customers.

    New customer 新客: a customer whose first ever paid order (over all of
    ``orders``) was paid in the window, credited to that order's ``channel``
    (last click; ties on the payment time go to the smaller order id). Spend:
    Σ ``marketing_spend.spend`` dated in the window, per channel. Overall
    (``by=None``) last-click CAC divides all spend by the new customers of
    channels that had spend; ``attribution="blended"`` divides it by all new
    customers (organic ones too). NaN where a channel had no new customers.

    Parameters
    ----------
    orders, marketing_spend : pandas.DataFrame
        ``shop.orders`` (all history: the first order decides who is new) and
        ``shop.marketing_spend``.
    by : str or None, default="channel"
        A column of both tables; None for one number.
    attribution : {"last_click", "blended"}, default="last_click"
        Which new customers the spend is divided by.
    start, end : date-like, optional
        Inclusive window.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split by period too (new customers by the period of their first order).
    customer_id_col, order_id_col, channel_col, paid_ts_col, date_col, \
spend_col : str
        Column names (canonical by default).

    Returns
    -------
    float or pandas.Series
        Currency per new customer; with ``by``/``freq`` a Series named ``cac``
        indexed by ``period`` and/or the ``by`` column. NaN for channels with
        no new customers (organic channels with new customers get 0).

    Raises
    ------
    TypeError, ValueError
        As :func:`roas`; also missing customer ids.

    See Also
    --------
    ltv_cac, cac_payback_months, roas

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3, 4],
    ...     "customer_id": [10, 10, 11, 12],
    ...     "channel": ["social", "social", "social", "direct"],
    ...     "paid_ts": pd.to_datetime(["2024-01-02", "2024-01-09", "2024-01-05",
    ...                                "2024-01-06"])})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]),
    ...     "channel": ["social"], "spend": [100.0]})
    >>> cac(orders, spend, by=None)  # 100 / 2 new social customers
    50.0
    >>> cac(orders, spend, by=None, attribution="blended")  # 100 / 3
    33.33...
    """
    func = "cac"
    _check_attr(func, attribution, by)
    win = _Window.make(func, freq, start, end)
    c = _cols(customer_id_col=customer_id_col, order_id_col=order_id_col,
              channel_col=channel_col, paid_ts_col=paid_ts_col, date_col=date_col,
              spend_col=spend_col)
    by_cols = _check_by_both(by, func, orders, "orders", marketing_spend,
                             "marketing_spend")
    attr_col = by if by is not None else c.channel
    if attribution == "last_click":
        _check_by_both(attr_col, func, orders, "orders", marketing_spend,
                       "marketing_spend")
    _check(orders, func, c, ["order_id", "customer_id", "paid_ts"], param="orders",
           hint="shop.orders")
    _check(marketing_spend, func, c, ["date", "spend"], param="marketing_spend",
           hint="shop.marketing_spend")
    cols = list(dict.fromkeys([c.customer_id, c.order_id, c.paid_ts, attr_col]))
    paid = orders.loc[orders[c.paid_ts].notna().to_numpy(), cols]
    # each customer's first paid order; ties on the time go to the smaller order id
    first_ts = paid.groupby(c.customer_id, sort=False)[c.paid_ts].transform("min")
    first = paid.loc[(paid[c.paid_ts] == first_ts).to_numpy()]
    if first[c.customer_id].duplicated().any():
        first = first.sort_values(c.order_id, kind="stable").drop_duplicates(
            c.customer_id)
    new = first.loc[win.select(first[c.paid_ts])]
    count = pd.Series(1.0, index=new.index)
    spend = _spend_by(marketing_spend, win, c,
                      [attr_col] if attribution == "last_click" else [])
    keep_by = by_cols if attribution == "last_click" else []
    n_new = _attributed(new, count, win, c, keep_by, attribution, spend, attr_col)
    den = spend if by is not None or attribution == "blended" else \
        spend.groupby(level="period", sort=False).sum()
    return _ratio(den, n_new, name="cac", by=by_cols, freq=freq,
                  levels=_levels_of(by_cols, orders, marketing_spend))


def _number_or_series(value, func: str, param: str, *, nonnegative: bool):
    """A number (NaN allowed: it may come from an upstream metric) or numeric Series."""
    if isinstance(value, pd.Series):
        if not pd.api.types.is_numeric_dtype(value.dtype) or \
                pd.api.types.is_bool_dtype(value.dtype):
            raise TypeError(f"{func}(): `{param}` must be a number or a numeric "
                            f"Series, got a Series of dtype {value.dtype}.")
        if nonnegative and (value < 0).any():
            raise ValueError(f"{func}(): `{param}` must be >= 0, got negative "
                             f"values: {value[value < 0].head(3).to_dict()}.")
        return value.astype(float)
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return float("nan")
    return check_number(value, func, param=param, low=0.0 if nonnegative else None)


def _divide(num, den, name: str):
    """num ÷ den for numbers or index-aligned Series; NaN where den is 0 or NaN."""
    if not isinstance(num, pd.Series) and not isinstance(den, pd.Series):
        return safe_divide(num, den)
    if not isinstance(num, pd.Series):
        num = pd.Series(num, index=den.index)
    if not isinstance(den, pd.Series):
        den = pd.Series(den, index=num.index)
    num, den = num.align(den)
    return safe_divide(num, den).rename(name)


@register_metric(
    "ltv_cac",
    name="LTV to CAC ratio",
    name_zh="生命周期价值/获客成本 (LTV/CAC)",
    family="finance",
    formula="LTV ÷ CAC",
    numerator="customer lifetime value (gross profit per customer)",
    denominator="customer acquisition cost",
    window="as the LTV and CAC passed in",
    basis="gross profit",
    unit="ratio",
    notes="About 3 is widely cited as healthy; below 1 each new customer loses "
    "money. Measure LTV in gross profit, not revenue.",
)
def ltv_cac(ltv, *, cac):
    """LTV/CAC = lifetime value per customer ÷ acquisition cost per customer.

    Both may be numbers or Series (e.g. per acquisition channel, aligned on the
    index). LTV should be gross profit per customer (historic or predicted, see
    the ``clv`` module), not revenue. NaN where CAC is 0 or NaN.

    Parameters
    ----------
    ltv : float or pandas.Series
        Lifetime value per customer (may be negative).
    cac : float or pandas.Series
        Acquisition cost per customer (>= 0), e.g. from :func:`cac`.

    Returns
    -------
    float or pandas.Series
        The ratio; a Series named ``ltv_cac`` when either input is a Series.

    Raises
    ------
    TypeError
        A value is not a number or a numeric Series.
    ValueError
        A negative CAC.

    See Also
    --------
    cac, cac_payback_months

    Examples
    --------
    >>> ltv_cac(300.0, cac=100.0)
    3.0
    >>> ltv_cac(300.0, cac=0.0)
    nan
    """
    func = "ltv_cac"
    ltv = _number_or_series(ltv, func, "ltv", nonnegative=False)
    cac = _number_or_series(cac, func, "cac", nonnegative=True)
    return _divide(ltv, cac, "ltv_cac")


@register_metric(
    "cac_payback_months",
    name="CAC payback period",
    name_zh="获客回本周期",
    family="finance",
    formula="CAC ÷ (monthly revenue per customer × gross margin)",
    numerator="customer acquisition cost",
    denominator="monthly gross profit per customer",
    window="as the inputs passed in",
    basis="gross profit",
    unit="months",
    notes="NaN when the monthly gross profit per customer is <= 0 (never paid back).",
)
def cac_payback_months(cac, *, monthly_revenue_per_customer, gross_margin):
    """CAC payback 获客回本周期 = CAC ÷ (monthly revenue per customer × gross margin).

    The months of gross profit a new customer needs to repay what it cost to
    acquire. NaN when the monthly gross profit per customer is ≤ 0 (the CAC is
    never paid back) or an input is NaN.

    Parameters
    ----------
    cac : float or pandas.Series
        Acquisition cost per customer (>= 0), e.g. from :func:`cac`.
    monthly_revenue_per_customer : float or pandas.Series
        Average revenue per active customer per month (>= 0).
    gross_margin : float or pandas.Series
        Gross margin as a fraction (e.g. from :func:`gross_margin`), not a
        percentage.

    Returns
    -------
    float or pandas.Series
        Months; a Series named ``cac_payback_months`` when an input is a Series.

    Raises
    ------
    TypeError
        A value is not a number or numeric Series.
    ValueError
        Negative CAC or revenue, or a gross margin above 1 (a percentage?).

    See Also
    --------
    cac, ltv_cac, gross_margin

    Examples
    --------
    >>> cac_payback_months(120.0, monthly_revenue_per_customer=100.0,
    ...                    gross_margin=0.4)  # 120 / 40
    3.0
    """
    func = "cac_payback_months"
    cac = _number_or_series(cac, func, "cac", nonnegative=True)
    revenue = _number_or_series(monthly_revenue_per_customer, func,
                                "monthly_revenue_per_customer", nonnegative=True)
    margin = _number_or_series(gross_margin, func, "gross_margin", nonnegative=False)
    if np.any(np.asarray(margin) > 1):
        raise ValueError(
            f"{func}(): `gross_margin` must be a fraction <= 1 (0.4 for 40 %), got "
            f"{gross_margin!r}."
        )
    monthly_profit = revenue * margin
    # a customer who never earns gross profit never pays the CAC back: NaN
    if isinstance(monthly_profit, pd.Series):
        monthly_profit = monthly_profit.where(monthly_profit > 0, 0.0)
    elif monthly_profit <= 0:
        monthly_profit = 0.0
    return _divide(cac, monthly_profit, "cac_payback_months")
