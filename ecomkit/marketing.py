"""Marketing metrics (营销): campaigns, A/B tests, coupons, private domain, growth.

- Campaigns 活动: daily averages per phase (baseline 日常, pre-heat 预热,
  burst 爆发, after 余热) and the campaign uplift over the baseline.
- A/B tests: two conversion rates, Wald interval and pooled z-test.
- Coupons 优惠券: redemption rate 核销率, coupon cost, incremental GMV per unit
  of coupon cost against an un-couponed comparison group.
- Private domain 私域: the 引流 → 承接 → 转化 → 复购 funnel, and repurchase of
  contacts vs non-contacts.
- Growth: new customers 拉新, reactivation 促活/回流, win-back 流失召回.

Money is the ``paid_amount`` 支付金额 of paid orders (shipping included,
refunds not deducted) unless a function says otherwise; an order counts when
``paid_ts`` is set, dated by ``paid_ts``. tz-aware timestamps are compared on
their local wall-clock time.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._keys import count_distinct, wall_time, wall_values
from ._orders import paid_orders
from ._validation import (
    by_columns,
    check_by,
    check_datetime,
    check_freq,
    check_no_missing,
    check_number,
    check_numeric,
    check_option,
    check_positive_int,
    check_same_ids,
    check_table,
    check_window,
    period_start,
    safe_divide,
    window_mask,
)

__all__ = [
    "ab_test",
    "campaign_phases",
    "campaign_uplift",
    "contact_repurchase_comparison",
    "coupon_cost",
    "coupon_incremental_gmv",
    "coupon_redemption_rate",
    "new_customer_acquisition",
    "private_domain_funnel",
    "reactivation_rate",
    "win_back_rate",
]

_FAMILY = "marketing"
_DAY = np.int64(86_400_000_000_000)  # one day in nanoseconds
PHASES = ("baseline", "preheat", "burst", "after")


# ------------------------------------------------------------- helpers ----
def _ns(s: pd.Series) -> np.ndarray:
    """int64 nanoseconds of a datetime Series (NaT must be removed first)."""
    return wall_time(s).to_numpy(dtype="datetime64[ns]").view("int64")


def _paid(orders, func, *, customer_id_col, paid_ts_col, paid_amount_col=None,
          end=None) -> pd.DataFrame:
    """Every paid order (all history up to ``end``): customer_id, paid_ts, amount."""
    cols = {"customer_id_col": customer_id_col}
    if paid_amount_col is not None:
        cols["paid_amount_col"] = paid_amount_col
    paid = paid_orders(orders, func, end=end, paid_ts_col=paid_ts_col, columns=cols)
    check_no_missing(paid, customer_id_col, func, param="customer_id_col")
    out = pd.DataFrame({"customer_id": paid[customer_id_col].to_numpy(),
                        "paid_ts": wall_values(paid[paid_ts_col])})
    if paid_amount_col is not None:
        check_numeric(orders, paid_amount_col, func, param="paid_amount_col",
                      table="orders", nonnegative=True)
        out["paid_amount"] = paid[paid_amount_col].to_numpy(dtype="float64")
    return out


def _interval_sums(ts_ns: np.ndarray, weights, lo: np.ndarray, hi: np.ndarray):
    """Σ weights of the times in each ``[lo, hi)`` (ts sorted; cumulative sums)."""
    cum = np.concatenate([[0.0], np.cumsum(weights, dtype="float64")])
    return cum[np.searchsorted(ts_ns, hi, "left")] - cum[np.searchsorted(ts_ns, lo,
                                                                          "left")]


def _sorted_times(s: pd.Series, weights=None):
    """Sorted int64 times (NaT dropped) and their weights (1 each by default)."""
    keep = s.notna().to_numpy()
    ts = _ns(s[keep])
    w = np.ones(len(ts)) if weights is None else np.asarray(weights, "float64")[keep]
    order = np.argsort(ts, kind="stable")
    return ts[order], w[order]


# ------------------------------------------------------------ campaigns ----
def _campaigns(campaigns, func, *, campaign_id_col, preheat_start_col, start_col,
               end_col):
    check_table(campaigns, func, param="campaigns", hint="shop.campaigns",
                columns={"campaign_id_col": campaign_id_col,
                         "preheat_start_col": preheat_start_col,
                         "start_col": start_col, "end_col": end_col})
    check_no_missing(campaigns, campaign_id_col, func, param="campaign_id_col")
    dup = campaigns[campaign_id_col].duplicated().to_numpy()
    if dup.any():
        raise ValueError(
            f"{func}(): `campaigns` has {int(dup.sum())} duplicated campaign id(s) "
            f"in {campaign_id_col!r}; one row per campaign is needed."
        )
    ps = check_datetime(campaigns, preheat_start_col, func, param="preheat_start_col",
                        table="campaigns")
    st = check_datetime(campaigns, start_col, func, param="start_col",
                        table="campaigns")
    en = check_datetime(campaigns, end_col, func, param="end_col", table="campaigns")
    check_no_missing(campaigns, start_col, func, param="start_col", what="starts")
    check_no_missing(campaigns, end_col, func, param="end_col", what="ends")
    bad = (en <= st).to_numpy() | (ps >= st).to_numpy(dtype=bool, na_value=False)
    if bad.any():
        raise ValueError(
            f"{func}(): {int(bad.sum())} campaign(s) do not satisfy preheat_start < "
            f"start < end (end is exclusive). Examples: "
            f"{campaigns.loc[bad, campaign_id_col].head(3).tolist()}."
        )
    return pd.DataFrame({"campaign_id": campaigns[campaign_id_col].to_numpy(),
                         "preheat_start": wall_values(ps),
                         "start": wall_values(st),
                         "end": wall_values(en)})


def _phase_intervals(camp: pd.DataFrame, selected: np.ndarray, baseline_days: int,
                     after_days: int, span: tuple[int, int]) -> pd.DataFrame:
    """Time intervals ``[lo, hi)`` of each phase of the selected campaigns.

    Baseline and after are cut into 24-hour slots; a slot that overlaps any
    campaign's pre-heat or sale (of the whole table) is dropped, and so is a
    slot outside ``span`` (the days the data cover, in ns: no data is not zero
    sales). Pre-heat and sale are cut to ``span``.
    """
    has_ps = camp["preheat_start"].notna().to_numpy()
    first_all = np.where(has_ps, _ns(camp["preheat_start"].fillna(camp["start"])),
                         _ns(camp["start"]))
    start_all, end_all = _ns(camp["start"]), _ns(camp["end"])
    idx = np.flatnonzero(selected)
    parts = []
    for phase, days, anchor, sign in (("baseline", baseline_days, first_all, -1),
                                      ("after", after_days, end_all, 1)):
        ci = np.repeat(idx, days)
        k = np.tile(np.arange(days, dtype="int64"), len(idx))
        lo = anchor[ci] + (k * _DAY if sign > 0 else -(k + 1) * _DAY)
        hi = lo + _DAY
        # drop slots touching any campaign (a phase must be campaign-free)
        touched = (lo[:, None] < end_all[None, :]) & (hi[:, None] > first_all[None, :])
        clean = ~touched.any(axis=1) & (lo >= span[0]) & (hi <= span[1])
        parts.append(pd.DataFrame({"c": ci[clean], "phase": phase, "lo": lo[clean],
                                   "hi": hi[clean]}))
    pre = idx[has_ps[idx]]
    for phase, c, lo, hi in (("preheat", pre, first_all[pre], start_all[pre]),
                             ("burst", idx, start_all[idx], end_all[idx])):
        lo, hi = np.clip(lo, *span), np.clip(hi, *span)
        parts.append(pd.DataFrame({"c": c, "phase": phase, "lo": lo, "hi": hi})[hi > lo])
    return pd.concat(parts, ignore_index=True)


def _data_span(*times: pd.Series) -> tuple[int, int]:
    """``[first midnight, midnight after the last day)`` of the times, in ns."""
    lo = [t.min() for t in times if t.notna().any()]
    if not lo:
        return (0, 0)
    hi = max(t.max() for t in times if t.notna().any())
    return (_ns(pd.Series([min(lo).normalize()]))[0],
            _ns(pd.Series([hi.normalize() + pd.Timedelta(days=1)]))[0])


def _phase_table(orders, campaigns, func, *, sessions, events, baseline_days,
                 after_days, start, end, cols) -> pd.DataFrame:
    """Totals, days and per-day averages per campaign and phase (internal names)."""
    baseline_days = check_positive_int(baseline_days, func, param="baseline_days")
    after_days = check_positive_int(after_days, func, param="after_days",
                                    allow_zero=True)
    camp = _campaigns(campaigns, func, campaign_id_col=cols["campaign_id_col"],
                      preheat_start_col=cols["preheat_start_col"],
                      start_col=cols["start_col"], end_col=cols["end_col"])
    selected = window_mask(camp["start"], start, end, func)
    check_table(orders, func, param="orders", hint="shop.orders", columns={
        k: cols[k] for k in ("order_ts_col", "paid_ts_col", "order_amount_col",
                             "paid_amount_col")})
    order_ts = check_datetime(orders, cols["order_ts_col"], func,
                              param="order_ts_col", table="orders")
    paid_ts = check_datetime(orders, cols["paid_ts_col"], func, param="paid_ts_col",
                             table="orders")
    for p in ("order_amount_col", "paid_amount_col"):
        check_numeric(orders, cols[p], func, param=p, table="orders",
                      nonnegative=True)
    # the days the orders cover: a baseline day before the first one is unknown, not zero
    iv = _phase_intervals(camp, selected, baseline_days, after_days,
                          _data_span(order_ts, paid_ts))
    lo, hi = iv["lo"].to_numpy(), iv["hi"].to_numpy()
    # every measure is a sum over time: sort once, then cumulative sums
    measures = {}
    ts, w = _sorted_times(order_ts, orders[cols["order_amount_col"]])
    measures["gmv"] = _interval_sums(ts, w, lo, hi)
    measures["orders"] = _interval_sums(ts, np.ones(len(ts)), lo, hi)
    ts, w = _sorted_times(paid_ts, orders[cols["paid_amount_col"]])
    measures["paid_amount"] = _interval_sums(ts, w, lo, hi)
    measures["paid_orders"] = _interval_sums(ts, np.ones(len(ts)), lo, hi)
    if sessions is not None:
        check_table(sessions, func, param="sessions", hint="shop.sessions", columns={
            "visitor_id_col": cols["visitor_id_col"],
            "start_ts_col": cols["start_ts_col"]})
        sts = check_datetime(sessions, cols["start_ts_col"], func,
                             param="start_ts_col", table="sessions")
        # a visitor-day counts once, at the visitor's first visit of the day:
        # sort the visits by time, then keep the first of each (visitor, day)
        # pair, keyed by one int64 (hashing one int column is the cheap way)
        keep = (sts.notna() & sessions[cols["visitor_id_col"]].notna()).to_numpy()
        ts = _ns(sts[keep])
        order = np.argsort(ts, kind="stable")
        ts = ts[order]
        visitor = pd.factorize(sessions[cols["visitor_id_col"]].to_numpy()[keep])[0]
        day = ts // _DAY
        key = visitor[order].astype("int64") * (day.max() - day.min() + 1) + (
            day - day.min())
        ts = ts[~pd.Series(key).duplicated().to_numpy()]
        measures["visitors"] = _interval_sums(ts, np.ones(len(ts)), lo, hi)
    if events is not None:
        check_table(events, func, param="events", hint="shop.events", columns={
            "event_ts_col": cols["event_ts_col"],
            "event_type_col": cols["event_type_col"]})
        ets = check_datetime(events, cols["event_ts_col"], func,
                             param="event_ts_col", table="events")
        etype = events[cols["event_type_col"]]
        for name, kind in (("favorites", "favorite"), ("add_to_carts", "add_to_cart")):
            ts, w = _sorted_times(ets[(etype == kind).to_numpy(dtype=bool)])
            measures[name] = _interval_sums(ts, w, lo, hi)
    iv = iv.assign(days=(hi - lo) / _DAY, **measures)
    g = iv.groupby(["c", "phase"], sort=False)
    totals = g[["days", *measures]].sum()
    unit = camp["start"].dtype  # report times in the campaigns' own resolution
    totals["phase_start"] = pd.to_datetime(g["lo"].min()).astype(unit)
    totals["phase_end"] = pd.to_datetime(g["hi"].max()).astype(unit)
    # every selected campaign gets all four phases (no pre-heat: 0 days, NaN)
    grid = pd.MultiIndex.from_product([np.flatnonzero(selected), list(PHASES)],
                                      names=["c", "phase"])
    totals = totals.reindex(grid)
    totals["days"] = totals["days"].fillna(0.0)
    totals = totals.reset_index()
    totals.insert(0, "campaign_id", camp["campaign_id"].to_numpy()[totals["c"]])
    totals["_start"] = camp["start"].to_numpy()[totals["c"]]
    totals["phase"] = pd.Categorical(totals["phase"], categories=PHASES,
                                     ordered=True)
    for m in measures:
        totals[m + "_per_day"] = safe_divide(totals[m].fillna(0.0), totals["days"])
    totals = totals.sort_values(["_start", "campaign_id", "phase"], kind="mergesort")
    return totals.drop(columns=["c", "_start"]).reset_index(drop=True), list(measures)


_CAMPAIGN_COLS = dict(
    campaign_id_col="campaign_id", preheat_start_col="preheat_start",
    start_col="start", end_col="end", order_ts_col="order_ts", paid_ts_col="paid_ts",
    order_amount_col="order_amount", paid_amount_col="paid_amount",
)


@register_metric(
    "campaign_phases",
    name="Campaign phase daily averages",
    name_zh="活动分阶段日均 (日常 / 预热 / 爆发 / 余热)",
    family=_FAMILY,
    formula="per campaign and phase: Σ measure in the phase ÷ days in the phase",
    numerator="GMV (order_amount by order_ts), placed orders, paid amount and paid "
    "orders (by paid_ts), visitor-days, favourites, add-to-carts in the phase",
    denominator="days in the phase (baseline/after: campaign-free days only)",
    window="baseline = baseline_days before pre-heat (or start); preheat = "
    "[preheat_start, start); burst = [start, end); after = after_days from end",
    basis="whole shop (not only the campaign's orders)",
    unit="per day",
)
def campaign_phases(
    orders: pd.DataFrame,
    *,
    campaigns: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    baseline_days: int = 28,
    after_days: int = 7,
    start=None,
    end=None,
    campaign_id_col: str = "campaign_id",
    preheat_start_col: str = "preheat_start",
    start_col: str = "start",
    end_col: str = "end",
    order_ts_col: str = "order_ts",
    paid_ts_col: str = "paid_ts",
    order_amount_col: str = "order_amount",
    paid_amount_col: str = "paid_amount",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
) -> pd.DataFrame:
    """Daily averages of a campaign's phases: baseline, pre-heat 预热, burst 爆发, after.

    Phases of each campaign (times are the campaign's own timestamps):

    - ``baseline`` 日常: the ``baseline_days`` 24-hour slots just before the
      first phase (pre-heat, or the sale when there is none). Slots that
      overlap **any** campaign's pre-heat or sale are dropped, not replaced,
      so the baseline is "normal days" only; it is empty (NaN) when every
      slot is taken by other campaigns.
    - ``preheat`` 预热: ``[preheat_start, start)``; 0 days and NaN averages
      when the campaign has no pre-heat.
    - ``burst`` 爆发: the sale, ``[start, end)`` (``end`` is exclusive).
    - ``after`` 余热: ``after_days`` slots from ``end``, campaign-free slots only.

    Measures are whole-shop totals in each phase divided by its days:
    ``gmv`` 拍下金额 (Σ ``order_amount`` of orders placed, by ``order_ts``,
    paid or not), ``orders`` placed, ``paid_amount`` 支付金额 and
    ``paid_orders`` (by ``paid_ts``), ``visitors`` (visitor-days: each visitor
    once per day, at the first visit of the day; needs ``sessions``),
    ``favorites`` and ``add_to_carts`` (event counts; needs ``events``).

    Parameters
    ----------
    orders : pandas.DataFrame
        ``order_ts, paid_ts, order_amount, paid_amount``.
    campaigns : pandas.DataFrame
        ``campaign_id, preheat_start`` (NaT when none), ``start, end``.
    sessions : pandas.DataFrame, default=None
        ``visitor_id, start_ts``: adds ``visitors_per_day``.
    events : pandas.DataFrame, default=None
        ``event_ts, event_type``: adds ``favorites_per_day`` and
        ``add_to_carts_per_day``.
    baseline_days : int, default=28
        Length of the baseline look-back (positive).
    after_days : int, default=7
        Length of the after phase (0 allowed: no after phase).
    start, end : date-like, default=None
        Keep campaigns whose sale ``start`` is inside this inclusive window.
    campaign_id_col, preheat_start_col, start_col, end_col, order_ts_col, \
paid_ts_col, order_amount_col, paid_amount_col, visitor_id_col, start_ts_col, \
event_ts_col, event_type_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per campaign and phase: ``campaign_id, phase`` (ordered
        categorical baseline < preheat < burst < after), ``phase_start,
        phase_end`` (first and last moment of the days used), ``days``, the
        phase totals (``gmv, orders, paid_amount, paid_orders`` and
        ``visitors, favorites, add_to_carts`` when their tables are given)
        and the same with a ``_per_day`` suffix (NaN when ``days`` is 0).
        Sorted by campaign start, campaign_id, phase.

    Raises
    ------
    ValueError
        Missing columns, negative amounts, duplicated campaign ids, a
        campaign without ``preheat_start < start < end``, bad day counts.

    See Also
    --------
    campaign_uplift : burst vs baseline in one number per campaign.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> campaigns = pd.DataFrame({"campaign_id": [1], "preheat_start": [pd.NaT],
    ...     "start": pd.to_datetime(["2024-03-10"]), "end": pd.to_datetime(["2024-03-12"])})
    >>> ts = pd.to_datetime(["2024-02-29", "2024-03-10", "2024-03-11", "2024-03-11",
    ...                      "2024-03-14"])  # the data: Feb 29 to Mar 14
    >>> orders = pd.DataFrame({"order_ts": ts, "paid_ts": ts,
    ...     "order_amount": [100.0, 300.0, 200.0, 100.0, 0.0],
    ...     "paid_amount": [100.0, 300.0, 200.0, 100.0, 0.0]})
    >>> t = em.campaign_phases(orders, campaigns=campaigns, baseline_days=10,
    ...                        after_days=2)
    >>> t[["phase", "days", "paid_amount", "paid_amount_per_day"]]
          phase  days  paid_amount  paid_amount_per_day
    0  baseline  10.0        100.0                 10.0
    1   preheat   0.0          NaN                  NaN
    2     burst   2.0        600.0                300.0
    3     after   2.0          0.0                  0.0
    """
    cols = dict(
        campaign_id_col=campaign_id_col, preheat_start_col=preheat_start_col,
        start_col=start_col, end_col=end_col, order_ts_col=order_ts_col,
        paid_ts_col=paid_ts_col, order_amount_col=order_amount_col,
        paid_amount_col=paid_amount_col, visitor_id_col=visitor_id_col,
        start_ts_col=start_ts_col, event_ts_col=event_ts_col,
        event_type_col=event_type_col,
    )
    table, measures = _phase_table(
        orders, campaigns, "campaign_phases", sessions=sessions, events=events,
        baseline_days=baseline_days, after_days=after_days, start=start, end=end,
        cols=cols)
    keep = ["campaign_id", "phase", "phase_start", "phase_end", "days", *measures,
            *(m + "_per_day" for m in measures)]
    return table[keep].rename(columns={"campaign_id": campaign_id_col})


@register_metric(
    "campaign_uplift",
    name="Campaign uplift",
    name_zh="活动提升率",
    family=_FAMILY,
    formula="campaign daily paid amount ÷ baseline daily paid amount − 1",
    numerator="paid amount per day during the sale [start, end)",
    denominator="paid amount per day over the campaign-free days among the "
    "baseline_days before the pre-heat (or the start)",
    window="per campaign",
    basis="paid_amount (whole shop, by paid_ts)",
    unit="fraction (can be negative or > 1)",
    variants={"gmv": "basis='gmv': order_amount of placed orders by order_ts",
              "include_preheat": "campaign period = pre-heat + sale"},
)
def campaign_uplift(
    orders: pd.DataFrame,
    *,
    campaigns: pd.DataFrame,
    baseline_days: int = 28,
    basis: str = "paid_amount",
    include_preheat: bool = False,
    start=None,
    end=None,
    campaign_id_col: str = "campaign_id",
    preheat_start_col: str = "preheat_start",
    start_col: str = "start",
    end_col: str = "end",
    order_ts_col: str = "order_ts",
    paid_ts_col: str = "paid_ts",
    order_amount_col: str = "order_amount",
    paid_amount_col: str = "paid_amount",
) -> pd.DataFrame:
    """Campaign uplift 活动提升率 = campaign daily paid amount ÷ baseline daily − 1.

    ``campaign_per_day`` = shop paid amount in the sale ``[start, end)`` ÷ its
    days (with ``include_preheat=True``, pre-heat and sale pooled).
    ``baseline_per_day`` = shop paid amount per day over the
    ``baseline_days`` 24-hour slots before the pre-heat (or the sale), after
    dropping the slots that overlap any campaign (see
    :func:`campaign_phases`). Uplift 0.5 means the sale sold 1.5× a normal
    day. Whole-shop sales are compared, so cannibalised sales of other
    products count; the baseline does not remove trend or seasonality.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``paid_ts, paid_amount`` (``order_ts, order_amount`` too).
    campaigns : pandas.DataFrame
        ``campaign_id, preheat_start, start, end``.
    baseline_days : int, default=28
        Length of the baseline look-back (positive).
    basis : {"paid_amount", "gmv"}, default="paid_amount"
        Paid amount by ``paid_ts``, or GMV (``order_amount`` by ``order_ts``).
    include_preheat : bool, default=False
        Pool pre-heat and sale as the campaign period.
    start, end : date-like, default=None
        Keep campaigns whose sale starts inside this window.
    campaign_id_col, preheat_start_col, start_col, end_col, order_ts_col, \
paid_ts_col, order_amount_col, paid_amount_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``campaign_id, baseline_days_used, baseline_per_day,
        campaign_per_day, uplift``, sorted by campaign start. ``uplift`` is
        NaN when the baseline has no campaign-free day or sold nothing.

    Raises
    ------
    ValueError
        As :func:`campaign_phases`; unknown ``basis``.

    See Also
    --------
    campaign_phases

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> campaigns = pd.DataFrame({"campaign_id": [1], "preheat_start": [pd.NaT],
    ...     "start": pd.to_datetime(["2024-03-10"]), "end": pd.to_datetime(["2024-03-12"])})
    >>> ts = pd.to_datetime(["2024-02-29", "2024-03-10", "2024-03-11"])
    >>> orders = pd.DataFrame({"order_ts": ts, "paid_ts": ts,
    ...     "order_amount": [100.0, 300.0, 300.0], "paid_amount": [100.0, 300.0, 300.0]})
    >>> em.campaign_uplift(orders, campaigns=campaigns, baseline_days=10)
       campaign_id  baseline_days_used  baseline_per_day  campaign_per_day  uplift
    0            1                10.0              10.0             300.0    29.0
    """
    func = "campaign_uplift"
    check_option(basis, ("paid_amount", "gmv"), func, param="basis")
    cols = dict(
        campaign_id_col=campaign_id_col, preheat_start_col=preheat_start_col,
        start_col=start_col, end_col=end_col, order_ts_col=order_ts_col,
        paid_ts_col=paid_ts_col, order_amount_col=order_amount_col,
        paid_amount_col=paid_amount_col,
    )
    table, _ = _phase_table(orders, campaigns, func, sessions=None, events=None,
                            baseline_days=baseline_days, after_days=0, start=start,
                            end=end, cols=cols)
    order = pd.unique(table["campaign_id"])

    def totals(phases):
        """Σ basis and Σ days of the phases, per campaign (in campaign order)."""
        sel = table[table["phase"].isin(phases).to_numpy()]
        g = sel.groupby("campaign_id", sort=False)[[basis, "days"]].sum()
        return g.reindex(order)

    base = totals(["baseline"])
    camp = totals(["burst", "preheat"] if include_preheat else ["burst"])
    out = pd.DataFrame({
        "campaign_id": order,
        "baseline_days_used": base["days"].to_numpy(dtype="float64"),
        "baseline_per_day": safe_divide(base[basis], base["days"]).to_numpy(
            dtype="float64"),
        "campaign_per_day": safe_divide(camp[basis], camp["days"]).to_numpy(
            dtype="float64"),
    })
    out["uplift"] = safe_divide(out["campaign_per_day"], out["baseline_per_day"]) - 1
    return out.rename(columns={"campaign_id": campaign_id_col})


# -------------------------------------------------------------- A/B test ----
@register_metric(
    "ab_test",
    name="A/B test of two conversion rates",
    name_zh="A/B 测试 (两比例检验)",
    family=_FAMILY,
    formula="diff = p_B − p_A; Wald CI diff ± z(1−α/2)·√(p_A(1−p_A)/n_A + "
    "p_B(1−p_B)/n_B); pooled z = diff ÷ √(p(1−p)(1/n_A + 1/n_B)), "
    "p = (x_A + x_B) ÷ (n_A + n_B); p-value = 2·(1 − Φ(|z|))",
    numerator="conversions per group",
    denominator="units (visitors, sessions) per group",
    window="as given",
    basis="0/1 outcome per unit",
    unit="fraction, p-value",
    notes="The two-sided pooled z-test equals the chi-square test of the 2×2 "
    "table without continuity correction.",
)
def ab_test(
    data: pd.DataFrame | None = None,
    *,
    group_col: str = "group",
    outcome_col: str = "converted",
    groups: tuple | None = None,
    conversions_a: int | None = None,
    n_a: int | None = None,
    conversions_b: int | None = None,
    n_b: int | None = None,
    alpha: float = 0.05,
) -> pd.Series:
    """A/B test of two conversion rates: difference, Wald interval, pooled z-test.

    With ``p_A = x_A / n_A`` and ``p_B = x_B / n_B`` (conversions over units):

    - ``diff`` = p_B − p_A (B is the variant, A the control);
      ``relative_diff`` = p_B ÷ p_A − 1 (NaN when p_A = 0);
    - Wald ``(1 − alpha)`` interval: diff ± z·√(p_A(1−p_A)/n_A +
      p_B(1−p_B)/n_B), z the ``1 − alpha/2`` normal quantile (unpooled);
    - two-sided p-value of the pooled two-proportion z-test:
      p = (x_A + x_B) ÷ (n_A + n_B), z = diff ÷ √(p(1−p)(1/n_A + 1/n_B)),
      p-value = 2·(1 − Φ(|z|)). It equals the chi-square test of the 2 × 2
      table without continuity correction. NaN when p is 0 or 1 (no
      variation: nothing to test).

    The Wald interval is poor for tiny samples or rates near 0/1; use it with
    at least ~10 conversions and ~10 non-conversions per group.

    Parameters
    ----------
    data : pandas.DataFrame, default=None
        One row per unit with a group label and a 0/1 (or bool) outcome.
        Give either ``data`` or the four counts.
    group_col, outcome_col : str, default="group", "converted"
        Columns of ``data``.
    groups : tuple of two labels, default=None
        ``(A, B)`` labels in ``group_col``; rows of other groups are ignored.
        Default: the two labels of the column, sorted (exactly two needed).
    conversions_a, n_a, conversions_b, n_b : int, default=None
        Counts instead of ``data``: 0 ≤ conversions ≤ n, n > 0.
    alpha : float, default=0.05
        1 − confidence level of the interval, in (0, 1).

    Returns
    -------
    pandas.Series
        Named ``ab_test``, float values indexed ``n_a, conversions_a, rate_a,
        n_b, conversions_b, rate_b, diff, relative_diff, ci_low, ci_high, z,
        p_value``.

    Raises
    ------
    ValueError
        Both or neither of ``data`` and counts, conversions > n, n = 0, an
        outcome that is not 0/1, not exactly two groups, bad ``alpha``.

    Examples
    --------
    >>> import ecomkit.marketing as em
    >>> r = em.ab_test(conversions_a=200, n_a=5000, conversions_b=260, n_b=5000)
    >>> r[["rate_a", "rate_b", "diff"]].round(3).tolist()
    [0.04, 0.052, 0.012]
    >>> print(round(r["p_value"], 4))
    0.0042
    """
    func = "ab_test"
    alpha = check_number(alpha, func, param="alpha", low=0, high=1,
                         low_inclusive=False, high_inclusive=False)
    counts = (conversions_a, n_a, conversions_b, n_b)
    given = [c is not None for c in counts]
    if data is not None and any(given):
        raise ValueError(
            f"{func}(): give either `data` (one row per unit) or the four counts "
            "(conversions_a, n_a, conversions_b, n_b), not both."
        )
    if data is None:
        if not all(given):
            raise ValueError(
                f"{func}(): give `data` or all four counts conversions_a, n_a, "
                "conversions_b, n_b."
            )
        names = ("conversions_a", "n_a", "conversions_b", "n_b")
        xa, na, xb, nb = (check_positive_int(v, func, param=p, allow_zero=True)
                          for v, p in zip(counts, names, strict=True))
    else:
        check_table(data, func, param="data",
                    columns={"group_col": group_col, "outcome_col": outcome_col})
        check_no_missing(data, group_col, func, param="group_col", what="groups")
        y = data[outcome_col]
        ok = pd.api.types.is_bool_dtype(y.dtype) or (
            pd.api.types.is_numeric_dtype(y.dtype) and y.isin([0, 1]).all())
        if not ok:
            raise ValueError(
                f"{func}(): column {outcome_col!r} (from `outcome_col`) must hold "
                "0/1 or True/False outcomes (one row per unit); found other values "
                "or missing ones. Map it first, e.g. `(data['paid'] > 0).astype(int)`."
            )
        labels = (sorted(pd.unique(data[group_col]).tolist()) if groups is None
                  else list(groups))
        if len(labels) != 2:
            raise ValueError(
                f"{func}(): an A/B test needs exactly two groups in {group_col!r}, "
                f"found {labels[:5]}. Pass `groups=(control, variant)` to choose."
            )
        g = data[group_col]
        y = y.astype("int64")
        sel = [g.eq(lab).to_numpy() for lab in labels]
        na, nb = (int(s.sum()) for s in sel)
        xa, xb = (int(y.to_numpy()[s].sum()) for s in sel)
    for x, n, side in ((xa, na, "a"), (xb, nb, "b")):
        if n == 0:
            raise ValueError(f"{func}(): group {side.upper()} has no units (n_{side} "
                             "= 0); a rate needs at least one.")
        if x > n:
            raise ValueError(f"{func}(): conversions_{side} ({x}) is larger than "
                             f"n_{side} ({n}).")
    pa, pb = xa / na, xb / nb
    diff = pb - pa
    zq = NormalDist().inv_cdf(1 - alpha / 2)
    half = zq * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    pool = (xa + xb) / (na + nb)
    se0 = math.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
    z = diff / se0 if se0 > 0 else float("nan")
    # 2·(1 − Φ(|z|)) = erfc(|z| / √2), accurate in the far tail
    p_value = math.erfc(abs(z) / math.sqrt(2)) if se0 > 0 else float("nan")
    return pd.Series({
        "n_a": float(na), "conversions_a": float(xa), "rate_a": pa,
        "n_b": float(nb), "conversions_b": float(xb), "rate_b": pb,
        "diff": diff, "relative_diff": safe_divide(pb, pa) - 1,
        "ci_low": diff - half, "ci_high": diff + half, "z": z, "p_value": p_value,
    }, name="ab_test", dtype="float64")


# --------------------------------------------------------------- coupons ----
def _coupons(coupons, func, *, start, end, orders, by, granted_ts_col,
             redeemed_order_id_col, order_id_col, paid_ts_col, columns=None):
    """Coupons granted in the window, their ``redeemed`` flags and the ``by`` keys.

    A coupon is redeemed when ``redeemed_order_id`` is set and, when
    ``orders`` is given, that order was paid. ``columns`` are further
    ``{param: column}`` pairs of ``coupons`` the caller needs.
    """
    check_table(coupons, func, param="coupons", hint="shop.coupons",
                columns={"granted_ts_col": granted_ts_col,
                         "redeemed_order_id_col": redeemed_order_id_col,
                         **(columns or {})})
    keys = check_by(by, coupons, func, table="coupons")
    granted = check_datetime(coupons, granted_ts_col, func, param="granted_ts_col",
                             table="coupons")
    check_no_missing(coupons, granted_ts_col, func, param="granted_ts_col",
                     what="grant times")
    c = coupons.loc[window_mask(granted, start, end, func)]
    redeemed = c[redeemed_order_id_col].notna().to_numpy()
    if orders is not None:
        check_table(orders, func, param="orders", hint="shop.orders",
                    columns={"order_id_col": order_id_col,
                             "paid_ts_col": paid_ts_col})
        check_datetime(orders, paid_ts_col, func, param="paid_ts_col",
                       table="orders")
        check_same_ids(coupons[redeemed_order_id_col].dropna(), orders[order_id_col],
                       func, left_param="`coupons`", right_param="`orders`")
        paid_ids = orders.loc[orders[paid_ts_col].notna().to_numpy(), order_id_col]
        redeemed = redeemed & c[redeemed_order_id_col].isin(paid_ids).to_numpy()
    return c, redeemed, keys


def _by_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum the count columns of ``frame`` per key, sorted by key."""
    return frame.groupby(keys, observed=True, sort=True).sum().reset_index()


@register_metric(
    "coupon_redemption_rate",
    name="Coupon redemption rate",
    name_zh="核销率",
    family=_FAMILY,
    formula="redeemed coupons ÷ granted coupons",
    numerator="coupons granted in the window with a redeemed_order_id (paid, when "
    "orders are given)",
    denominator="coupons granted in the window",
    window="granted_ts in [start, end] (a cohort of grants)",
    basis="coupons",
    unit="fraction",
)
def coupon_redemption_rate(
    coupons: pd.DataFrame,
    *,
    orders: pd.DataFrame | None = None,
    by: str | list[str] | None = "kind",
    start=None,
    end=None,
    granted_ts_col: str = "granted_ts",
    redeemed_order_id_col: str = "redeemed_order_id",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
) -> float | pd.DataFrame:
    """Coupon redemption rate 核销率 = redeemed ÷ granted, for coupons granted in the window.

    A coupon is redeemed when ``redeemed_order_id`` is set; with ``orders``
    given, only when that order was paid (a cancelled order gives the coupon
    back). The window is on ``granted_ts``: coupons granted late in the window
    may still be redeemed later, so recent cohorts rise.

    Parameters
    ----------
    coupons : pandas.DataFrame
        ``granted_ts, redeemed_order_id`` and the ``by`` columns.
    orders : pandas.DataFrame, default=None
        ``order_id, paid_ts``: count only redemptions on paid orders.
    by : str or list of str or None, default="kind"
        Columns of ``coupons`` to group by (e.g. ``"kind"``, ``"campaign_id"``);
        ``None`` gives one number.
    start, end : date-like, default=None
        Inclusive window on ``granted_ts``.
    granted_ts_col, redeemed_order_id_col, order_id_col, paid_ts_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        A float when ``by=None`` (NaN when no coupon was granted). Otherwise
        columns ``<by>, granted, redeemed, redemption_rate``, sorted by key.

    Raises
    ------
    ValueError
        Missing columns, string dates, ids of different types.

    See Also
    --------
    coupon_cost, coupon_incremental_gmv

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> coupons = pd.DataFrame({"kind": ["threshold", "threshold", "member"],
    ...     "granted_ts": pd.to_datetime(["2024-01-01"] * 3),
    ...     "redeemed_order_id": pd.array([7, None, None], dtype="Int64")})
    >>> em.coupon_redemption_rate(coupons)
            kind  granted  redeemed  redemption_rate
    0     member        1         0              0.0
    1  threshold        2         1              0.5
    """
    func = "coupon_redemption_rate"
    c, redeemed, keys = _coupons(
        coupons, func, start=start, end=end, orders=orders, by=by,
        granted_ts_col=granted_ts_col, redeemed_order_id_col=redeemed_order_id_col,
        order_id_col=order_id_col, paid_ts_col=paid_ts_col)
    frame = c[keys].copy() if keys else pd.DataFrame(index=c.index)
    frame["granted"] = 1
    frame["redeemed"] = redeemed.astype("int64")
    if not keys:
        return safe_divide(int(frame["redeemed"].sum()), int(frame["granted"].sum()))
    table = _by_table(frame, keys)
    table["redemption_rate"] = safe_divide(table["redeemed"], table["granted"])
    return table


@register_metric(
    "coupon_cost",
    name="Coupon cost",
    name_zh="优惠券成本",
    family=_FAMILY,
    formula="Σ face_value of redeemed coupons",
    numerator="face value (the discount) of coupons granted in the window and "
    "redeemed (on a paid order, when orders are given)",
    denominator="—",
    window="granted_ts in [start, end]",
    basis="face value (discount given)",
    unit="currency",
)
def coupon_cost(
    coupons: pd.DataFrame,
    *,
    orders: pd.DataFrame | None = None,
    by: str | list[str] | None = "kind",
    start=None,
    end=None,
    face_value_col: str = "face_value",
    granted_ts_col: str = "granted_ts",
    redeemed_order_id_col: str = "redeemed_order_id",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
) -> float | pd.DataFrame:
    """Coupon cost 优惠券成本 = Σ face value (discount) of redeemed coupons.

    Only redeemed coupons cost money; granted but unused ones are free. The
    cohort is the coupons granted in the window (as in
    :func:`coupon_redemption_rate`), so cost and redemption rate match.

    Parameters
    ----------
    coupons : pandas.DataFrame
        ``face_value, granted_ts, redeemed_order_id`` and the ``by`` columns.
    orders : pandas.DataFrame, default=None
        ``order_id, paid_ts``: count only redemptions on paid orders.
    by : str or list of str or None, default="kind"
        Columns of ``coupons`` to group by; ``None`` gives one number.
    start, end : date-like, default=None
        Inclusive window on ``granted_ts``.
    face_value_col, granted_ts_col, redeemed_order_id_col, order_id_col, \
paid_ts_col : str
        Column names.

    Returns
    -------
    float or pandas.DataFrame
        A float when ``by=None``; otherwise columns ``<by>, redeemed,
        coupon_cost, cost_per_redeemed``, sorted by key.

    Raises
    ------
    ValueError
        Missing columns, negative face values.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> coupons = pd.DataFrame({"kind": ["threshold", "threshold", "member"],
    ...     "face_value": [20.0, 20.0, 5.0],
    ...     "granted_ts": pd.to_datetime(["2024-01-01"] * 3),
    ...     "redeemed_order_id": pd.array([7, 8, None], dtype="Int64")})
    >>> em.coupon_cost(coupons, by=None)
    40.0
    """
    func = "coupon_cost"
    c, redeemed, keys = _coupons(
        coupons, func, start=start, end=end, orders=orders, by=by,
        granted_ts_col=granted_ts_col, redeemed_order_id_col=redeemed_order_id_col,
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        columns={"face_value_col": face_value_col})
    check_numeric(coupons, face_value_col, func, param="face_value_col",
                  table="coupons", nonnegative=True)
    frame = c[keys].copy() if keys else pd.DataFrame(index=c.index)
    frame["redeemed"] = redeemed.astype("int64")
    frame["coupon_cost"] = np.where(redeemed, c[face_value_col].to_numpy(
        dtype="float64"), 0.0)
    if not keys:
        return float(frame["coupon_cost"].sum())
    table = _by_table(frame, keys)
    table["cost_per_redeemed"] = safe_divide(table["coupon_cost"], table["redeemed"])
    return table


@register_metric(
    "coupon_incremental_gmv",
    name="Incremental GMV per coupon cost",
    name_zh="优惠券增量 GMV / 券成本",
    family=_FAMILY,
    formula="(holders' paid amount per customer-day in validity − comparison "
    "customers' paid amount per customer-day) × holders' validity days ÷ coupon cost",
    numerator="incremental paid amount of coupon holders vs the comparison rate",
    denominator="Σ face value of redeemed coupons (coupon cost)",
    window="coupons granted in [start, end]; each holder's validity "
    "[first granted_ts, last expires_ts]; comparison over the same calendar span",
    basis="paid_amount",
    unit="currency per currency of coupon cost",
    notes="Not a randomised test: holders are targeted, so the gap mixes the "
    "coupon effect with who was chosen. Pass control_customers for a holdout.",
)
def coupon_incremental_gmv(
    coupons: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    control_customers=None,
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    kind_col: str = "kind",
    face_value_col: str = "face_value",
    granted_ts_col: str = "granted_ts",
    expires_ts_col: str = "expires_ts",
    redeemed_order_id_col: str = "redeemed_order_id",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    signup_ts_col: str = "signup_ts",
) -> pd.DataFrame:
    """Incremental GMV per unit of coupon cost 券投入产出, against un-couponed customers.

    For each coupon ``kind`` granted in the window:

    - holders = customers granted a coupon of the kind; each holder's
      validity = [first ``granted_ts``, last ``expires_ts``] of their coupons
      of the kind; ``treated_days`` = Σ validity lengths (days);
      ``treated_per_day`` = holders' paid amount inside their validity ÷
      treated_days (paid amount per customer-day);
    - comparison = customers (from ``customers``) who never got a coupon of
      the kind, observed over the kind's span [first grant, last expiry],
      each from ``max(span start, signup_ts)``; ``comparison_per_day`` =
      their paid amount in that time ÷ their customer-days.
      ``control_customers`` (e.g. a random holdout) replaces this group;
    - ``incremental_gmv`` = (treated_per_day − comparison_per_day) ×
      treated_days: what holders spent above the comparison pace;
    - ``incremental_gmv_per_cost`` = incremental_gmv ÷ ``coupon_cost`` (Σ face
      value of the kind's coupons redeemed on paid orders).

    When every coupon has the same validity this is "paid amount per holder
    in the validity − the same per comparison customer, × holders ÷ cost".

    **Caveat**: this is not a randomised test. Coupons go to chosen customers
    (members, lapsed buyers, new sign-ups), who differ from the others before
    any coupon, so the gap mixes the coupon's effect with selection. Read it
    as an upper or lower bound, and keep a random holdout
    (``control_customers``) when you can.

    Parameters
    ----------
    coupons : pandas.DataFrame
        ``customer_id, kind, face_value, granted_ts, expires_ts,
        redeemed_order_id``.
    orders : pandas.DataFrame
        ``order_id, customer_id, paid_ts, paid_amount``.
    customers : pandas.DataFrame
        ``customer_id, signup_ts``: the population of the comparison group.
    control_customers : list-like, default=None
        Customer ids of a holdout group, used for every kind instead of the
        non-recipients (holders among them are dropped).
    start, end : date-like, default=None
        Inclusive window on ``granted_ts``.
    customer_id_col, kind_col, face_value_col, granted_ts_col, expires_ts_col, \
redeemed_order_id_col, order_id_col, paid_ts_col, paid_amount_col, \
signup_ts_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind, holders, coupon_cost, treated_paid_amount,
        treated_days, treated_per_day, comparison_customers,
        comparison_per_day, incremental_gmv, incremental_gmv_per_cost``, one
        row per kind granted in the window, sorted by kind. NaN per-cost when
        nothing was redeemed.

    Raises
    ------
    ValueError
        Missing columns, negative money, expiry before grant, ids of
        different types.

    See Also
    --------
    coupon_cost, coupon_redemption_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3],
    ...     "signup_ts": pd.to_datetime(["2023-01-01"] * 3)})
    >>> coupons = pd.DataFrame({"customer_id": [1], "kind": ["threshold"],
    ...     "face_value": [10.0], "granted_ts": pd.to_datetime(["2024-01-01"]),
    ...     "expires_ts": pd.to_datetime(["2024-01-11"]),
    ...     "redeemed_order_id": pd.array([100], dtype="Int64")})
    >>> orders = pd.DataFrame({"order_id": [100, 101], "customer_id": [1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-01-06"]),
    ...     "paid_amount": [80.0, 40.0]})
    >>> t = em.coupon_incremental_gmv(coupons, orders=orders, customers=customers)
    >>> t[["kind", "treated_per_day", "comparison_per_day", "incremental_gmv_per_cost"]]
            kind  treated_per_day  comparison_per_day  incremental_gmv_per_cost
    0  threshold              8.0                 2.0                       6.0
    """
    func = "coupon_incremental_gmv"
    c, redeemed, _ = _coupons(
        coupons, func, start=start, end=end, orders=orders, by=None,
        granted_ts_col=granted_ts_col, redeemed_order_id_col=redeemed_order_id_col,
        order_id_col=order_id_col, paid_ts_col=paid_ts_col,
        columns={"customer_id_col": customer_id_col, "kind_col": kind_col,
                 "face_value_col": face_value_col, "expires_ts_col": expires_ts_col})
    check_numeric(coupons, face_value_col, func, param="face_value_col",
                  table="coupons", nonnegative=True)
    check_no_missing(coupons, customer_id_col, func, param="customer_id_col")
    expires = check_datetime(coupons, expires_ts_col, func, param="expires_ts_col",
                             table="coupons")
    check_no_missing(coupons, expires_ts_col, func, param="expires_ts_col",
                     what="expiry times")
    bad = (expires < coupons[granted_ts_col]).to_numpy(dtype=bool, na_value=False)
    if bad.any():
        raise ValueError(
            f"{func}(): {int(bad.sum())} coupon(s) expire before they were granted "
            f"({expires_ts_col!r} < {granted_ts_col!r}); fix those rows."
        )
    check_table(customers, func, param="customers", hint="shop.customers",
                columns={"customer_id_col": customer_id_col,
                         "signup_ts_col": signup_ts_col})
    signup = check_datetime(customers, signup_ts_col, func, param="signup_ts_col",
                            table="customers")
    check_no_missing(customers, customer_id_col, func, param="customer_id_col")
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col, paid_amount_col=paid_amount_col)
    for other, name in ((orders, "`orders`"), (customers, "`customers`")):
        check_same_ids(coupons[customer_id_col], other[customer_id_col], func,
                       left_param="`coupons`", right_param=name)
    grants = pd.DataFrame({
        "customer_id": c[customer_id_col].to_numpy(),
        "kind": c[kind_col].to_numpy(),
        "lo": wall_values(c[granted_ts_col]),
        "hi": wall_values(c[expires_ts_col]),
        "cost": np.where(redeemed, c[face_value_col].to_numpy(dtype="float64"), 0.0),
    })
    if isinstance(c[kind_col].dtype, pd.CategoricalDtype):
        grants["kind"] = grants["kind"].astype(c[kind_col].dtype)
    pop = pd.DataFrame({"customer_id": customers[customer_id_col].to_numpy(),
                        "signup": wall_values(signup)})
    if control_customers is not None:
        pop = pop[pop["customer_id"].isin(list(control_customers)).to_numpy()]
    all_holders = coupons[[customer_id_col, kind_col]]
    rows = []
    for kind, g in grants.groupby("kind", observed=True, sort=True):
        holders = g.groupby("customer_id", sort=False).agg(lo=("lo", "min"),
                                                          hi=("hi", "max"))
        spend = paid.merge(holders, left_on="customer_id", right_index=True)
        inside = (spend["paid_ts"] >= spend["lo"]) & (spend["paid_ts"] <= spend["hi"])
        treated_amount = float(spend.loc[inside, "paid_amount"].sum())
        treated_days = float(((holders["hi"] - holders["lo"]) / pd.Timedelta(days=1))
                             .sum())
        span_lo, span_hi = g["lo"].min(), g["hi"].max()
        ever = all_holders.loc[all_holders[kind_col].eq(kind).to_numpy(),
                               customer_id_col]
        comp = pop[~pop["customer_id"].isin(ever).to_numpy()
                   & (pop["signup"] <= span_hi).to_numpy(dtype=bool, na_value=True)]
        comp_from = comp["signup"].where(comp["signup"] > span_lo, span_lo)
        comp_from = comp_from.fillna(span_lo)
        comp_days = float(((span_hi - comp_from) / pd.Timedelta(days=1)).sum())
        since = pd.Series(comp_from.to_numpy(), index=comp["customer_id"].to_numpy())
        cspend = paid[paid["customer_id"].isin(since.index).to_numpy()]
        c_from = cspend["customer_id"].map(since)
        c_in = (cspend["paid_ts"] >= c_from) & (cspend["paid_ts"] <= span_hi)
        comp_amount = float(cspend.loc[c_in.to_numpy(), "paid_amount"].sum())
        rows.append({
            "kind": kind, "holders": len(holders), "coupon_cost": g["cost"].sum(),
            "treated_paid_amount": treated_amount, "treated_days": treated_days,
            "treated_per_day": safe_divide(treated_amount, treated_days),
            "comparison_customers": len(comp),
            "comparison_per_day": safe_divide(comp_amount, comp_days),
        })
    cols = ["kind", "holders", "coupon_cost", "treated_paid_amount", "treated_days",
            "treated_per_day", "comparison_customers", "comparison_per_day"]
    table = pd.DataFrame(rows, columns=cols)
    if isinstance(c[kind_col].dtype, pd.CategoricalDtype):
        table["kind"] = table["kind"].astype(c[kind_col].dtype)
    table = table.astype({"holders": "int64", "comparison_customers": "int64",
                          "coupon_cost": "float64", "treated_paid_amount": "float64",
                          "treated_days": "float64", "treated_per_day": "float64",
                          "comparison_per_day": "float64"})
    table["incremental_gmv"] = (table["treated_per_day"]
                                - table["comparison_per_day"]) * table["treated_days"]
    table["incremental_gmv_per_cost"] = safe_divide(table["incremental_gmv"],
                                                    table["coupon_cost"])
    return table.rename(columns={"kind": kind_col})


# ------------------------------------------------------- private domain ----
def _contacts(contacts, func, *, start, end, cols, need_removed=True):
    columns = {"customer_id_col": cols["customer_id_col"],
               "invited_ts_col": cols["invited_ts_col"],
               "added_ts_col": cols["added_ts_col"]}
    if need_removed:
        columns["removed_ts_col"] = cols["removed_ts_col"]
    check_table(contacts, func, param="contacts", hint="shop.contacts",
                columns=columns)
    check_no_missing(contacts, cols["customer_id_col"], func,
                     param="customer_id_col")
    invited = check_datetime(contacts, cols["invited_ts_col"], func,
                             param="invited_ts_col", table="contacts")
    out = {"customer_id": contacts[cols["customer_id_col"]].to_numpy(),
           "invited": wall_values(invited)}
    for key, p in (("added", "added_ts_col"), ("removed", "removed_ts_col")):
        if p in columns:
            s = check_datetime(contacts, cols[p], func, param=p, table="contacts")
            out[key] = wall_values(s)
    # positional index: the caller's index may have duplicated labels
    frame = pd.DataFrame(out, index=np.arange(len(contacts)))
    return frame.loc[window_mask(invited, start, end, func)]


@register_metric(
    "private_domain_funnel",
    name="Private-domain funnel",
    name_zh="私域漏斗: 引流 → 承接 → 转化 → 复购",
    family=_FAMILY,
    formula="引流 add_rate = added ÷ invited; 承接 retention_rate = still a contact "
    "retention_days after adding ÷ added; 转化 conversion_rate = retained with a "
    "paid order after adding ÷ retained; 复购 repurchase_rate = converted with ≥ 2 "
    "purchase days after adding ÷ converted",
    numerator="contacts reaching each step",
    denominator="contacts reaching the previous step",
    window="contacts invited in [start, end]; their paid orders after adding, to "
    "the end of the data",
    basis="contacts (one invitation = one contact)",
    unit="fraction",
    variants={"orders": "repeat_by='orders': ≥ 2 paid orders instead of ≥ 2 "
              "purchase days"},
)
def private_domain_funnel(
    contacts: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    by: str | list[str] | None = "source",
    retention_days: int = 7,
    repeat_by: str = "days",
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    invited_ts_col: str = "invited_ts",
    added_ts_col: str = "added_ts",
    removed_ts_col: str = "removed_ts",
    paid_ts_col: str = "paid_ts",
) -> pd.DataFrame:
    """Private-domain funnel 私域漏斗: 引流 → 承接 → 转化 → 复购, per source or month.

    For the contacts (invitations) made in the window:

    - ``invited`` 触达; ``added`` 引流成功 = accepted (``added_ts`` set);
      ``add_rate`` = added ÷ invited;
    - ``retained`` 承接 = added and still a contact ``retention_days`` after
      adding (``removed_ts`` missing or ≥ added_ts + retention_days);
      ``retention_rate`` = retained ÷ added;
    - ``converted`` 转化 = retained with a paid order at or after
      ``added_ts``; ``conversion_rate`` = converted ÷ retained;
    - ``repurchased`` 复购 = converted with ≥ 2 purchase days after adding
      (same-day orders merged, the ecomkit 复购率 rule; ``repeat_by="orders"``
      counts orders); ``repurchase_rate`` = repurchased ÷ converted.

    Orders count to the end of the data, so contacts added near the end have
    had less time: compare cohorts of equal age, and keep the window at least
    ``retention_days`` before the data ends (a recent contact cannot yet have
    been removed). Restrict ``orders`` (e.g. to ``channel ==
    'private_domain'``) to count only orders through the private domain.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``customer_id, invited_ts, added_ts, removed_ts`` and the ``by`` columns.
    orders : pandas.DataFrame
        ``customer_id, paid_ts``.
    by : str or list of str or None, default="source"
        Columns of ``contacts``; ``"month"`` = month of invitation. ``None``
        gives one row.
    retention_days : int, default=7
        Days a contact must stay to count as 承接.
    repeat_by : {"days", "orders"}, default="days"
        复购 = ≥ 2 purchase days (default) or ≥ 2 paid orders.
    start, end : date-like, default=None
        Inclusive window on ``invited_ts``.
    customer_id_col, invited_ts_col, added_ts_col, removed_ts_col, paid_ts_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>, invited, added, retained, converted, repurchased,
        add_rate, retention_rate, conversion_rate, repurchase_rate``, sorted
        by key. Counts never increase along the funnel; a rate is NaN when
        its previous step is 0.

    Raises
    ------
    ValueError
        Missing columns, string dates, unknown ``repeat_by``.

    See Also
    --------
    contact_repurchase_comparison

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> contacts = pd.DataFrame({"customer_id": [1, 2, 3, 4],
    ...     "source": ["parcel_card"] * 4,
    ...     "invited_ts": pd.to_datetime(["2024-01-01"] * 4),
    ...     "added_ts": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-01-03", None]),
    ...     "removed_ts": pd.to_datetime([None, "2024-01-04", None, None])})
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-01-01"])})
    >>> t = em.private_domain_funnel(contacts, orders=orders)
    >>> t[["source", "invited", "added", "retained", "converted", "repurchased"]]
            source  invited  added  retained  converted  repurchased
    0  parcel_card        4      3         2          1            1

    Contact 2 left after 2 days (not 承接); contact 3 bought only before
    joining (not 转化).
    """
    func = "private_domain_funnel"
    retention_days = check_positive_int(retention_days, func,
                                        param="retention_days", allow_zero=True)
    check_option(repeat_by, ("days", "orders"), func, param="repeat_by")
    by_cols = by_columns(by)
    check_by([b for b in by_cols if b != "month"], contacts, func, table="contacts")
    cols = dict(customer_id_col=customer_id_col, invited_ts_col=invited_ts_col,
                added_ts_col=added_ts_col, removed_ts_col=removed_ts_col)
    c = _contacts(contacts, func, start=start, end=end, cols=cols)
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col)
    check_same_ids(contacts[customer_id_col], orders[customer_id_col], func,
                   left_param="`contacts`", right_param="`orders`")
    added = c["added"].notna()
    keep_until = c["added"] + pd.Timedelta(days=retention_days)
    retained = added & (c["removed"].isna() | (c["removed"] >= keep_until))
    # purchases of each retained contact at/after joining (a customer invited
    # twice is two contacts, each counted from its own added_ts)
    r = c.loc[retained, ["customer_id", "added"]].rename_axis("contact").reset_index()
    bought = r.merge(paid, on="customer_id")
    bought = bought[(bought["paid_ts"] >= bought["added"]).to_numpy()]
    if repeat_by == "days":
        bought = bought.assign(day=bought["paid_ts"].dt.normalize()).drop_duplicates(
            ["contact", "day"])
    n_buys = bought.groupby("contact", sort=False).size()
    n = pd.Series(n_buys.reindex(c.index).fillna(0).to_numpy(), index=c.index)
    frame = pd.DataFrame({
        "invited": 1, "added": added.astype("int64"),
        "retained": retained.astype("int64"),
        "converted": (retained & (n >= 1)).astype("int64"),
        "repurchased": (retained & (n >= 2)).astype("int64"),
    }, index=c.index)
    for b in by_cols:
        frame[b] = (period_start(c["invited"], "M") if b == "month"
                    else pd.Series(contacts[b].iloc[c.index].array, index=c.index))
    frame = frame.reset_index(drop=True)
    if by_cols:
        table = frame.groupby(by_cols, observed=True, sort=True).sum().reset_index()
    else:
        table = frame.sum().to_frame().T.astype("int64")
    steps = ["invited", "added", "retained", "converted", "repurchased"]
    for rate, (den, num) in zip(
        ("add_rate", "retention_rate", "conversion_rate", "repurchase_rate"),
        zip(steps[:-1], steps[1:], strict=True), strict=True,
    ):
        table[rate] = safe_divide(table[num], table[den])
    return table[by_cols + steps + ["add_rate", "retention_rate", "conversion_rate",
                                    "repurchase_rate"]]


@register_metric(
    "contact_repurchase_rate",
    name="Repurchase of private-domain contacts vs non-contacts",
    name_zh="私域用户 vs 非私域用户 复购率",
    family=_FAMILY,
    formula="per group: prior buyers with a paid order in the window ÷ prior buyers",
    numerator="customers with a paid order before start who pay again in [start, end]",
    denominator="customers with a paid order before start, split into contacts "
    "(accepted before start, not removed before start) and the others",
    window="[start, end]; history before start",
    basis="customers",
    unit="fraction",
    notes="Selection, not effect: customers who accept an invitation are more "
    "engaged to begin with.",
)
def contact_repurchase_comparison(
    contacts: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    invited_ts_col: str = "invited_ts",
    added_ts_col: str = "added_ts",
    removed_ts_col: str = "removed_ts",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
) -> pd.DataFrame:
    """Repurchase of private-domain contacts vs comparable non-contacts 私域复购对比.

    The comparable base is every customer with a paid order **before**
    ``start`` (existing buyers, as most contacts are recruited after a
    purchase, e.g. by a parcel card). They split into:

    - ``contact``: had an accepted contact (``added_ts`` < start) not removed
      before ``start``, i.e. were in the private domain when the window opened;
    - ``non_contact``: everyone else in the base.

    ``repurchase_rate`` = customers of the group with a paid order in
    ``[start, end]`` ÷ customers of the group; ``paid_amount_per_customer`` =
    their paid amount in the window ÷ customers of the group.

    **Caveat (selection)**: customers who accept an invitation were more
    engaged before it; the gap is an upper bound of the private domain's
    effect, not the effect.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``customer_id, invited_ts, added_ts, removed_ts``.
    orders : pandas.DataFrame
        ``customer_id, paid_ts, paid_amount``.
    start : date-like
        Required: the start of the comparison window.
    end : date-like, default=None
        Inclusive end of the window (open when None).
    customer_id_col, invited_ts_col, added_ts_col, removed_ts_col, paid_ts_col, \
paid_amount_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Rows ``contact`` then ``non_contact``; columns ``group, customers,
        repurchasers, repurchase_rate, paid_amount_per_customer`` (NaN for an
        empty group).

    Raises
    ------
    ValueError
        ``start`` missing, missing columns, string dates.

    See Also
    --------
    private_domain_funnel

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> contacts = pd.DataFrame({"customer_id": [1],
    ...     "invited_ts": pd.to_datetime(["2024-01-01"]),
    ...     "added_ts": pd.to_datetime(["2024-01-01"]), "removed_ts": [pd.NaT]})
    >>> orders = pd.DataFrame({"customer_id": [1, 2, 3, 1],
    ...     "paid_ts": pd.to_datetime(["2023-12-01", "2023-12-02", "2023-12-03",
    ...                                "2024-02-10"]),
    ...     "paid_amount": [50.0, 60.0, 70.0, 80.0]})
    >>> t = em.contact_repurchase_comparison(contacts, orders=orders,
    ...                                      start="2024-02-01")
    >>> t[["group", "customers", "repurchasers", "repurchase_rate"]]
             group  customers  repurchasers  repurchase_rate
    0      contact          1             1              1.0
    1  non_contact          2             0              0.0
    """
    func = "contact_repurchase_comparison"
    if start is None:
        raise ValueError(
            f"{func}(): `start` is required: customers are compared on what they "
            "do from `start` on, given who was a contact at `start`."
        )
    lo, hi = check_window(start, end, func)
    cols = dict(customer_id_col=customer_id_col, invited_ts_col=invited_ts_col,
                added_ts_col=added_ts_col, removed_ts_col=removed_ts_col)
    c = _contacts(contacts, func, start=None, end=None, cols=cols)
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col, paid_amount_col=paid_amount_col)
    check_same_ids(contacts[customer_id_col], orders[customer_id_col], func,
                   left_param="`contacts`", right_param="`orders`")
    member = (c["added"] < lo) & ~(c["removed"] < lo)
    members = pd.unique(c.loc[member.to_numpy(), "customer_id"])
    before = paid["paid_ts"] < lo
    base = pd.unique(paid.loc[before.to_numpy(), "customer_id"])
    in_window = ~before
    if hi is not None:
        in_window &= paid["paid_ts"] < hi
    w = paid[in_window.to_numpy()]
    spend = w.groupby("customer_id", sort=False)["paid_amount"].sum()
    frame = pd.DataFrame({"customer_id": base})
    frame["group"] = np.where(frame["customer_id"].isin(members), "contact",
                              "non_contact")
    frame["repurchasers"] = frame["customer_id"].isin(spend.index).astype("int64")
    frame["paid_amount"] = frame["customer_id"].map(spend).fillna(0.0)
    frame["customers"] = 1
    table = (frame.groupby("group", sort=False)[["customers", "repurchasers",
                                                  "paid_amount"]].sum()
             .reindex(["contact", "non_contact"], fill_value=0))
    table = table.astype({"customers": "int64", "repurchasers": "int64",
                          "paid_amount": "float64"})
    table["repurchase_rate"] = safe_divide(table["repurchasers"], table["customers"])
    table["paid_amount_per_customer"] = safe_divide(table["paid_amount"],
                                                    table["customers"])
    table = table.rename_axis("group").reset_index()
    return table[["group", "customers", "repurchasers", "repurchase_rate",
                  "paid_amount_per_customer"]]


# ---------------------------------------------------------------- growth ----
def _period_grid(first: pd.Timestamp, last: pd.Timestamp, freq: str) -> np.ndarray:
    """Start of every period from ``first``'s to ``last``'s, as int64 ns."""
    p = pd.period_range(first, last, freq=freq)
    return p.start_time.to_numpy(dtype="datetime64[ns]").view("int64")


@register_metric(
    "new_customer_acquisition",
    name="New customers acquired",
    name_zh="拉新人数 (新客数)",
    family=_FAMILY,
    formula="customers whose first ever paid order falls in the period",
    numerator="customers with their first paid order (all history) in the period",
    denominator="—",
    window="per period (freq) of the first paid order, in [start, end]",
    basis="customers",
    unit="customers",
)
def new_customer_acquisition(
    orders: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    by: str | None = None,
    freq: str = "M",
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
) -> pd.DataFrame:
    """New customers acquired 拉新: customers whose first ever paid order is in the period.

    A customer is new in the period of their first paid order over **all**
    of ``orders`` (pass the full history: a window-only table would call
    returning customers new). ``by`` splits by a column of ``customers``,
    e.g. ``"acquisition_channel"`` 获客渠道.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id, paid_ts``.
    customers : pandas.DataFrame, default=None
        ``customer_id`` and the ``by`` column; required when ``by`` is given.
    by : str, default=None
        A column of ``customers`` to split by.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Period length (weeks start on Monday).
    start, end : date-like, default=None
        Inclusive window on the first paid order.
    customer_id_col, paid_ts_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (first day of the period), ``<by>``,
        ``new_customers``; every period from ``start`` (default: the first
        new customer) to ``end`` (default: the last paid order), 0 when
        nobody was new; sorted by period then key. A customer missing from
        ``customers`` gets a missing ``<by>``.

    Raises
    ------
    ValueError
        Missing columns, bad ``freq``, ``by`` without ``customers``.

    See Also
    --------
    reactivation_rate, win_back_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-09",
    ...                                "2024-03-20"])})
    >>> em.new_customer_acquisition(orders)
          period  new_customers
    0 2024-01-01              1
    1 2024-02-01              0
    2 2024-03-01              2
    """
    func = "new_customer_acquisition"
    freq = check_freq(freq, func)
    if by is not None and customers is None:
        raise ValueError(
            f"{func}(): `by={by!r}` is a column of `customers`; pass "
            "`customers=shop.customers` too."
        )
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col)
    first = paid.groupby("customer_id", sort=False)["paid_ts"].min()
    first = first[window_mask(first, start, end, func)]
    frame = pd.DataFrame({"period": period_start(first, freq).to_numpy()},
                         index=first.index)
    keys = ["period"]
    if by is not None:
        check_table(customers, func, param="customers", hint="shop.customers",
                    columns={"customer_id_col": customer_id_col, "by": by})
        check_same_ids(orders[customer_id_col], customers[customer_id_col], func,
                       left_param="`orders`", right_param="`customers`")
        lookup = customers.drop_duplicates(customer_id_col).set_index(
            customer_id_col)[by]
        frame[by] = frame.index.map(lookup)
        if isinstance(customers[by].dtype, pd.CategoricalDtype):
            frame[by] = frame[by].astype(customers[by].dtype)
        keys.append(by)
    counts = frame.groupby(keys, observed=True, dropna=False, sort=False).size()
    lo, hi = check_window(start, end, func)
    # the periods run from the window's start (or the first new customer) to its
    # end (or the last paid order): a period with nobody new shows 0
    p_first = lo if lo is not None else (first.min() if len(first) else None)
    p_last = (hi - pd.Timedelta(1, "ns") if hi is not None
              else (paid["paid_ts"].max() if len(paid) else None))
    if p_first is None or p_last is None or p_last < p_first:
        p_first = None
    periods = (pd.DatetimeIndex([]) if p_first is None else
               pd.period_range(p_first, p_last, freq=freq).start_time)
    # period keys in the unit of the data (period_range alone gives microseconds)
    periods = periods.as_unit(np.datetime_data(paid["paid_ts"].dtype)[0]
                              if isinstance(paid["paid_ts"].dtype, np.dtype)
                              else paid["paid_ts"].dtype.unit)
    if by is None:
        grid = pd.Index(periods, name="period")
    else:
        levels = pd.unique(frame[by]) if len(frame) else []
        grid = pd.MultiIndex.from_product([periods, levels], names=keys)
    table = counts.reindex(grid, fill_value=0).rename("new_customers").reset_index()
    table["new_customers"] = table["new_customers"].astype("int64")
    table["period"] = pd.to_datetime(table["period"])
    return table.sort_values(keys, kind="mergesort").reset_index(drop=True)


@register_metric(
    "reactivation_rate",
    name="Reactivation rate",
    name_zh="回流率 (促活)",
    family=_FAMILY,
    formula="lapsed customers at the period start who pay in the period ÷ lapsed "
    "customers at the period start",
    numerator="customers whose last paid order before the period start is ≥ "
    "inactive_days old and who pay in the period",
    denominator="customers whose last paid order before the period start is ≥ "
    "inactive_days old (lapsed 沉睡)",
    window="per period (freq) in [start, end]; history before it",
    basis="customers",
    unit="fraction",
)
def reactivation_rate(
    orders: pd.DataFrame,
    *,
    inactive_days: int = 90,
    freq: str = "M",
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
) -> pd.DataFrame:
    """Reactivation rate 回流率: lapsed customers who buy again ÷ lapsed customers.

    At the start ``s`` of each period, a customer is *lapsed* (沉睡) when
    they have a paid order before ``s`` and none in the ``inactive_days``
    before ``s``. *Reactivated* 回流 = lapsed customers with a paid order in
    the period (their gap is then ≥ ``inactive_days``). New customers are
    never reactivated. ``reactivated_share`` = reactivated ÷ the period's
    buyers (how much of the period's buyers came back from dormancy).

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id, paid_ts`` (pass the full history).
    inactive_days : int, default=90
        Days without a paid order that make a customer lapsed.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Period length (weeks start on Monday).
    start, end : date-like, default=None
        Report the periods that start inside this window.
    customer_id_col, paid_ts_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Columns ``period, buyers, lapsed_at_start, reactivated,
        reactivation_rate, reactivated_share``, sorted by period; every
        period from the first paid order to the last reported one. Rates are
        NaN when nobody was lapsed / nobody bought.

    Raises
    ------
    ValueError
        Missing columns, bad ``freq`` or ``inactive_days``.

    See Also
    --------
    win_back_rate : the same question for win-back coupon receivers.

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> orders = pd.DataFrame({"customer_id": [1, 2, 1],
    ...     "paid_ts": pd.to_datetime(["2024-01-10", "2024-01-20", "2024-05-03"])})
    >>> t = em.reactivation_rate(orders, inactive_days=60, start="2024-05-01",
    ...                          end="2024-05-31")
    >>> t[["period", "buyers", "lapsed_at_start", "reactivated", "reactivation_rate"]]
          period  buyers  lapsed_at_start  reactivated  reactivation_rate
    0 2024-05-01       1                2            1                0.5
    """
    func = "reactivation_rate"
    inactive_days = check_positive_int(inactive_days, func, param="inactive_days")
    freq = check_freq(freq, func)
    lo, hi = check_window(start, end, func)
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col)
    if hi is not None:
        paid = paid[(paid["paid_ts"] < hi).to_numpy()]
    cols = ["period", "buyers", "lapsed_at_start", "reactivated",
            "reactivation_rate", "reactivated_share"]
    if paid.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    # each customer's orders in time order (integer codes sort fastest)
    cust, _ = pd.factorize(paid["customer_id"].to_numpy())
    ts = _ns(paid["paid_ts"])
    order = np.lexsort((ts, cust))
    cust, ts = cust[order], ts[order]
    last_p = hi - pd.Timedelta(1, "ns") if hi is not None else paid["paid_ts"].max()
    grid = _period_grid(paid["paid_ts"].min(), last_p, freq)
    n = len(grid)
    same_next = np.r_[cust[1:] == cust[:-1], False]
    nxt = np.where(same_next, np.r_[ts[1:], 0], np.iinfo("int64").max)
    gap = np.int64(inactive_days) * _DAY
    # each order o "owns" the period starts s with o + gap <= s <= next order:
    # there the customer is lapsed; count them with a difference array
    a = np.searchsorted(grid, ts + gap, "left")
    b = np.searchsorted(grid, nxt, "right")
    diff = np.zeros(n + 1, dtype="int64")
    ok = a < b
    np.add.at(diff, a[ok], 1)
    np.add.at(diff, b[ok], -1)
    lapsed = np.cumsum(diff)[:n]
    # reactivated in p: the next order falls in p and p starts >= o + gap
    p_next = np.searchsorted(grid, nxt, "right") - 1
    react = same_next & (grid[np.clip(p_next, 0, n - 1)] >= ts + gap)
    reactivated = np.bincount(p_next[react], minlength=n)[:n]
    p_of = np.searchsorted(grid, ts, "right") - 1
    # a buyer counts once per period
    buyers = count_distinct(p_of, cust, n, int(cust.max()) + 1)
    table = pd.DataFrame({
        "period": pd.to_datetime(grid.view("datetime64[ns]")).astype(
            paid["paid_ts"].dtype),
        "buyers": buyers.astype("int64"),
        "lapsed_at_start": lapsed.astype("int64"),
        "reactivated": reactivated.astype("int64"),
    })
    table["reactivation_rate"] = safe_divide(table["reactivated"],
                                             table["lapsed_at_start"])
    table["reactivated_share"] = safe_divide(table["reactivated"], table["buyers"])
    if lo is not None:
        table = table[(table["period"] >= lo).to_numpy()]
    return table.reset_index(drop=True)


@register_metric(
    "win_back_rate",
    name="Win-back rate",
    name_zh="流失召回率",
    family=_FAMILY,
    formula="lapsed customers who got a win-back coupon and paid within its "
    "validity ÷ lapsed customers who got one; vs lapsed customers without one",
    numerator="receivers (lapsed at grant) with a paid order in [granted_ts, "
    "expires_ts]",
    denominator="customers lapsed (≥ inactive_days without a paid order) when "
    "granted a coupon of the kind in [start, end]",
    window="coupons granted in [start, end]",
    basis="customers",
    unit="fraction",
    notes="The no-coupon group is observed from the first grant for the median "
    "validity; it is a comparison, not a randomised control.",
)
def win_back_rate(
    coupons: pd.DataFrame,
    *,
    orders: pd.DataFrame,
    inactive_days: int = 90,
    kind: str = "win_back",
    start=None,
    end=None,
    customer_id_col: str = "customer_id",
    kind_col: str = "kind",
    granted_ts_col: str = "granted_ts",
    expires_ts_col: str = "expires_ts",
    paid_ts_col: str = "paid_ts",
) -> pd.DataFrame:
    """Win-back rate 流失召回率 of win-back coupons 召回券, against lapsed customers without one.

    - ``coupon`` group: customers granted a coupon of ``kind`` in the window
      who were lapsed at the grant (a paid order before it, none in the
      ``inactive_days`` before it). Won back = a paid order within the
      coupon's validity ``[granted_ts, expires_ts]`` (any of their coupons).
      Coupons sent to customers who were not lapsed are ignored.
    - ``no_coupon`` group: customers lapsed at ``t0`` (the first grant in the
      window) who got no coupon of ``kind`` in the window; won back = a paid
      order in ``[t0, t0 + median validity]``.

    ``win_back_rate`` = won back ÷ customers of the group. The difference of
    the two rates estimates the coupon's effect, but the groups are not
    randomised (who got a coupon was chosen), and the no-coupon window is
    one fixed span.

    Parameters
    ----------
    coupons : pandas.DataFrame
        ``customer_id, kind, granted_ts, expires_ts``.
    orders : pandas.DataFrame
        ``customer_id, paid_ts`` (full history).
    inactive_days : int, default=90
        Days without a paid order that make a customer lapsed.
    kind : str, default="win_back"
        The coupon kind 召回券.
    start, end : date-like, default=None
        Inclusive window on ``granted_ts``.
    customer_id_col, kind_col, granted_ts_col, expires_ts_col, paid_ts_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Rows ``coupon`` then ``no_coupon``; columns ``group, lapsed_customers,
        won_back, win_back_rate`` (NaN for an empty group).

    Raises
    ------
    ValueError
        Missing columns, string dates, bad ``inactive_days``.

    See Also
    --------
    reactivation_rate, coupon_incremental_gmv

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.marketing as em
    >>> coupons = pd.DataFrame({"customer_id": [1, 2], "kind": ["win_back"] * 2,
    ...     "granted_ts": pd.to_datetime(["2024-06-01"] * 2),
    ...     "expires_ts": pd.to_datetime(["2024-06-15"] * 2)})
    >>> orders = pd.DataFrame({"customer_id": [1, 2, 3, 4, 1],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                "2024-01-04", "2024-06-05"])})
    >>> em.win_back_rate(coupons, orders=orders)
           group  lapsed_customers  won_back  win_back_rate
    0     coupon                 2         1            0.5
    1  no_coupon                 2         0            0.0
    """
    func = "win_back_rate"
    inactive_days = check_positive_int(inactive_days, func, param="inactive_days")
    check_table(coupons, func, param="coupons", hint="shop.coupons",
                columns={"customer_id_col": customer_id_col, "kind_col": kind_col,
                         "granted_ts_col": granted_ts_col,
                         "expires_ts_col": expires_ts_col})
    granted = check_datetime(coupons, granted_ts_col, func, param="granted_ts_col",
                             table="coupons")
    expires = check_datetime(coupons, expires_ts_col, func, param="expires_ts_col",
                             table="coupons")
    for p, col, what in (("granted_ts_col", granted_ts_col, "grant times"),
                         ("expires_ts_col", expires_ts_col, "expiry times"),
                         ("customer_id_col", customer_id_col, "ids")):
        check_no_missing(coupons, col, func, param=p, what=what)
    paid = _paid(orders, func, customer_id_col=customer_id_col,
                 paid_ts_col=paid_ts_col)
    check_same_ids(coupons[customer_id_col], orders[customer_id_col], func,
                   left_param="`coupons`", right_param="`orders`")
    sel = window_mask(granted, start, end, func) & coupons[kind_col].eq(
        kind).to_numpy(dtype=bool, na_value=False)
    g = pd.DataFrame({"customer_id": coupons[customer_id_col].to_numpy()[sel],
                      "lo": wall_values(granted)[sel],
                      "hi": wall_values(expires)[sel]})
    gap = pd.Timedelta(days=inactive_days)
    # last paid order strictly before each grant
    m = g.reset_index().merge(paid, on="customer_id")
    before = m[(m["paid_ts"] < m["lo"]).to_numpy()]
    last = before.groupby("index", sort=False)["paid_ts"].max()
    g["last"] = last.reindex(g.index).to_numpy()
    lapsed = g[(g["last"] <= g["lo"] - gap).to_numpy(dtype=bool, na_value=False)]
    mm = lapsed.reset_index().merge(paid, on="customer_id")
    won = mm[((mm["paid_ts"] >= mm["lo"]) & (mm["paid_ts"] <= mm["hi"])).to_numpy()]
    rows = [("coupon", lapsed["customer_id"].nunique(), won["customer_id"].nunique())]
    if len(g):
        t0 = g["lo"].min()
        t1 = t0 + (g["hi"] - g["lo"]).median()
        holders = pd.unique(g["customer_id"])
        prior = paid[(paid["paid_ts"] < t0).to_numpy()]
        last_c = prior.groupby("customer_id", sort=False)["paid_ts"].max()
        ctrl = last_c[(last_c <= t0 - gap).to_numpy()
                      & ~last_c.index.isin(holders)].index
        after = paid[((paid["paid_ts"] >= t0) & (paid["paid_ts"] <= t1)).to_numpy()]
        rows.append(("no_coupon", len(ctrl),
                     int(pd.Index(pd.unique(after["customer_id"])).isin(ctrl).sum())))
    else:
        rows.append(("no_coupon", 0, 0))
    table = pd.DataFrame(rows, columns=["group", "lapsed_customers", "won_back"])
    table = table.astype({"lapsed_customers": "int64", "won_back": "int64"})
    table["win_back_rate"] = safe_divide(table["won_back"], table["lapsed_customers"])
    return table
