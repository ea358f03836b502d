"""Member metrics (会员 / 用户): who buys, who comes back, who is slipping away.

A *purchase* is a paid order (``paid_ts`` set; see :func:`ecomkit._orders.paid_orders`)
and its time is the payment time. Every function works on the orders table
alone (plus ``customers`` for demographics and ``sessions`` for visit-based
cohorts) and is vectorised: customers are turned into integer codes once, and
counts come from ``groupby`` / ``bincount`` on those codes, never from a loop
over customers.

Contents
--------
- who buys: :func:`buyer_profile`, :func:`new_vs_returning`
- do they come back: :func:`repurchase_rate` (every 口径), :func:`cohort_retention`,
  :func:`cohort_revenue`
- flows of the customer base: :func:`lifecycle_table`, :func:`lifecycle_counts`,
  :func:`churn_thresholds`, :func:`customer_status`
- value segments: :func:`rfm_table`, :func:`rfm_segments` (:data:`RFM_SEGMENTS`)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._keys import (
    between,
    bound_period,
    day_number,
    dense_codes,
    distinct_keys,
    first_of_group,
    half_open,
    local_bound,
    period_index,
    period_label,
    wall_values,
)
from ._orders import paid_purchases
from ._validation import (
    check_by,
    check_datetime,
    check_freq,
    check_number,
    check_numeric,
    check_option,
    check_positive_int,
    check_table,
    check_window,
    id_kinds,
    safe_divide,
    to_timestamp,
    window_mask,
)

__all__ = [
    "RFM_SEGMENTS",
    "buyer_profile",
    "churn_thresholds",
    "cohort_retention",
    "cohort_revenue",
    "customer_status",
    "lifecycle_counts",
    "lifecycle_table",
    "new_vs_returning",
    "repurchase_rate",
    "rfm_segments",
    "rfm_table",
]

# ------------------------------------------------------------ helpers ----


def _group_extreme(codes: np.ndarray, values: np.ndarray, n: int, *, largest=False):
    """Smallest (or largest) value per code 0..n-1; datetime64 values stay datetime64.

    ``np.minimum.at`` on integer views is several times faster than a pandas
    groupby here, which would factorize the codes a second time.
    """
    values = np.ascontiguousarray(values)
    ints = (
        values.view(np.int64) if values.dtype.kind == "M" else values.astype(np.int64)
    )
    info = np.iinfo(np.int64)
    out = np.full(n, info.min if largest else info.max, dtype=np.int64)
    (np.maximum if largest else np.minimum).at(out, codes, ints)
    return out.view(values.dtype) if values.dtype.kind == "M" else out


def _sorted_pairs(
    codes: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (code, value) pairs sorted by code then value."""
    if len(codes) == 0:
        return codes[:0], values[:0]
    vmin = values.min()
    span = int(values.max() - vmin) + 1
    key = distinct_keys(codes * span + (values - vmin), (int(codes.max()) + 1) * span)
    return key // span, key % span + vmin


def _as_timestamps(values: np.ndarray, dtype) -> pd.DatetimeIndex:
    """Local wall-time values back in the column's dtype (zone re-attached)."""
    out = pd.DatetimeIndex(values)
    tz = getattr(dtype, "tz", None)
    return out.tz_localize(tz) if tz is not None else out


def _check_same_id_kind(
    left: pd.Series, right: pd.Series, func: str, table: str
) -> None:
    """Customer ids must be comparable across tables (both numbers or both text)."""
    if id_kinds(left=left, right=right) is not None:
        raise TypeError(
            f"{func}(): customer ids in `orders` ({left.dtype}) and `{table}` "
            f"({right.dtype}) are of different kinds, so no customer would match. "
            f"Convert one of them, e.g. `{table}['{right.name}'] = "
            f"{table}['{right.name}'].astype(orders['{left.name}'].dtype)`."
        )


def _check_as_of(as_of, func: str) -> pd.Timestamp:
    if as_of is None:
        raise TypeError(
            f"{func}(): `as_of` is required: the date the scores are computed at, "
            f"e.g. as_of='2024-12-31'."
        )
    return to_timestamp(as_of, func, param="as_of")


# --------------------------------------------------------- who buys ----

_AGE_EDGES = (18, 26, 31, 36, 41, 51)
_AGE_LABELS = ("<18", "18-25", "26-30", "31-35", "36-40", "41-50", "51+")


@register_metric(
    "buyer_profile",
    name="Buyer profile",
    name_zh="买家画像 (人群分布)",
    family="member",
    formula="per group of a customer attribute: paying buyers, share of buyers, "
    "paid amount, 客单价 = paid amount ÷ buyers",
    numerator="paying buyers in the group",
    denominator="all paying buyers in the window",
    window="orders paid in [start, end]",
    basis="paid_amount",
    unit="people / fraction / currency",
    notes="by = gender, city_tier, age_band (18-25, 26-30, ... as in 生意参谋), "
    "province, member_level, risk_level or any customers column.",
)
def buyer_profile(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    by: str | list[str] = "gender",
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    age_col: str = "age",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Who the paying buyers are: counts, shares and 客单价 per customer attribute.

    Buyers 支付买家 are customers with at least one paid order in the window.
    For each group of ``by`` (a column of ``customers``)::

        buyers            = distinct paying buyers in the group
        buyer_share       = buyers ÷ all paying buyers in the window
        orders            = paid orders of those buyers in the window
        paid_amount       = Σ paid_amount of those orders (支付金额)
        revenue_per_buyer = paid_amount ÷ buyers (客单价)

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``, ``paid_amount``).
    customers : pandas.DataFrame
        The customers table (``customer_id`` and the ``by`` columns).
    by : str or list of str, default="gender"
        Customer attribute(s) to group by: ``"gender"``, ``"city_tier"``,
        ``"province"``, ``"member_level"``, ``"risk_level"``, ... or
        ``"age_band"``, which is derived from ``age_col`` when ``customers``
        has no such column: ``<18, 18-25, 26-30, 31-35, 36-40, 41-50, 51+``.
    customer_id_col, paid_ts_col, paid_amount_col, age_col : str
        Column names (in ``orders``; ``customer_id_col`` and ``age_col`` also in
        ``customers``).
    start, end : date-like, optional
        Inclusive window on the payment time.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...>, buyers, buyer_share, orders, paid_amount,
        revenue_per_buyer``, sorted by the group keys (categorical levels in
        their documented order; levels with no buyer are kept with 0 buyers).
        Buyers missing from ``customers`` or with a missing attribute form a
        last row with a missing key, so shares always sum to 1.
        ``buyer_share`` is NaN when the window has no buyer and
        ``revenue_per_buyer`` is NaN for a group without buyers.

    Raises
    ------
    TypeError
        A table is not a DataFrame, ids are of different kinds in the two tables.
    ValueError
        A column is missing, ``customers`` repeats a customer id, bad window.

    See Also
    --------
    new_vs_returning : the same buyers split into new and returning.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-03", None]),
    ...     "paid_amount": [100.0, 50.0, 80.0, 0.0],
    ... })
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3],
    ...                           "gender": ["female", "male", "female"]})
    >>> buyer_profile(orders, customers, by="gender")
       gender  buyers  buyer_share  orders  paid_amount  revenue_per_buyer
    0  female       1          0.5       2        150.0              150.0
    1    male       1          0.5       1         80.0               80.0
    """
    func = "buyer_profile"
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col,
        start=start,
        end=end,
    )
    check_table(
        customers,
        func,
        param="customers",
        columns={"customer_id_col": customer_id_col},
        hint="shop.customers",
    )
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError(f"{func}(): `by` must name at least one customers column.")
    derive_age = "age_band" in keys and "age_band" not in customers.columns
    if derive_age:
        check_table(customers, func, param="customers", columns={"age_col": age_col})
        check_numeric(customers, age_col, func, param="age_col", table="customers")
    check_by(
        [k for k in keys if not (k == "age_band" and derive_age)],
        customers,
        func,
        table="customers",
    )
    ids = customers[customer_id_col]
    _check_same_id_kind(paid[customer_id_col], ids, func, "customers")
    if ids.duplicated().any():
        raise ValueError(
            f"{func}(): `customers` has {int(ids.duplicated().sum())} repeated "
            f"customer id(s) in {customer_id_col!r}; one row per customer is needed "
            f"(e.g. `customers.drop_duplicates({customer_id_col!r})`)."
        )

    # one row per buyer, then attach the attributes
    per_buyer = paid.groupby(customer_id_col, sort=False).agg(
        orders=(paid_amount_col, "size"), paid_amount=(paid_amount_col, "sum")
    )
    attrs = customers[[customer_id_col] + [k for k in keys if k in customers.columns]]
    if derive_age:
        band = pd.cut(
            customers[age_col],
            bins=[-np.inf, *_AGE_EDGES, np.inf],
            labels=list(_AGE_LABELS),
            right=False,
            ordered=True,
        )
        attrs = attrs.assign(age_band=band)
    buyers = per_buyer.reset_index().merge(attrs, on=customer_id_col, how="left")
    table = (
        buyers.groupby(keys, observed=False, dropna=False, sort=True)
        .agg(
            buyers=(customer_id_col, "size"),
            orders=("orders", "sum"),
            paid_amount=("paid_amount", "sum"),
        )
        .reset_index()
    )
    if table[keys].isna().any(axis=1).any():
        # a missing-key row appears only when some buyer has no attribute
        empty = table[keys].isna().any(axis=1) & table["buyers"].eq(0)
        table = table.loc[~empty].reset_index(drop=True)
    table["buyers"] = table["buyers"].astype(np.int64)
    table["orders"] = table["orders"].astype(np.int64)
    table["paid_amount"] = table["paid_amount"].astype(np.float64)
    table.insert(
        len(keys) + 1,
        "buyer_share",
        safe_divide(table["buyers"].to_numpy(), int(table["buyers"].sum())),
    )
    table["revenue_per_buyer"] = safe_divide(table["paid_amount"], table["buyers"])
    return table


_CUSTOMER_TYPES = ("new", "returning", "reactivated")


@register_metric(
    "new_customers",
    name="New customers",
    name_zh="新客 (新买家)",
    family="member",
    formula="buyers whose first ever paid order falls in the window",
    numerator="buyers with first paid order in [start, end]",
    denominator="all paying buyers in the window (for the share)",
    window="orders paid in [start, end]; all earlier history is looked at",
    basis="paid_amount",
    unit="people",
    notes="生意参谋 新买家 = 支付买家 − 老买家 (its 365-day look-back), i.e. "
    "new + reactivated here when lookback=365.",
)
@register_metric(
    "returning_customers",
    name="Returning customers",
    name_zh="老买家 (老客)",
    family="member",
    formula="buyers who paid before the window (within `lookback` days) and again "
    "in it",
    numerator="buyers with a paid order in [start − lookback, start) and one in "
    "[start, end]",
    denominator="all paying buyers in the window (for the share)",
    window="orders paid in [start, end]",
    basis="paid_amount",
    unit="people",
    variants={
        "all_history": "lookback=None: any paid order before the window",
        "sycm_365": "lookback=365: 生意参谋 老买家数, paid in the 365 days before the "
        "window and again in it",
    },
)
def new_vs_returning(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    lookback: int | None = None,
) -> pd.DataFrame:
    """Split the window's paying buyers into new, returning and reactivated (新客 / 老买家).

    Every buyer of the window ``[start, end]`` gets exactly one type:

    - ``new`` 新客: their first ever paid order falls in the window;
    - ``returning`` 老买家: they paid before the window, within ``lookback``
      days before ``start`` (any time before when ``lookback=None``);
    - ``reactivated`` 回流: they paid before the window, but only longer than
      ``lookback`` days before it (always 0 when ``lookback=None``).

    With ``lookback=365`` ``returning`` is 生意参谋's 老买家数 and its 新买家 is
    ``new + reactivated``. For each type: ``buyers``, ``buyer_share`` (÷ all
    buyers of the window), ``orders``, ``paid_amount``, ``paid_amount_share``
    (÷ the window's paid amount) and ``revenue_per_buyer`` (客单价), so that
    ``GMV = GMV_new + GMV_old`` can be read off directly.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``, ``paid_amount``); the
        whole history, since "before the window" is looked at.
    customer_id_col, paid_ts_col, paid_amount_col : str
        Column names.
    start, end : date-like, optional
        Inclusive window on the payment time. Without ``start`` every buyer is new.
    lookback : int, optional
        Days before ``start`` in which an earlier purchase makes a buyer
        returning. ``None`` (default) looks at all history; 生意参谋 uses 365.

    Returns
    -------
    pandas.DataFrame
        Three rows (``customer_type`` = new, returning, reactivated, an ordered
        categorical) and columns ``customer_type, buyers, buyer_share, orders,
        paid_amount, paid_amount_share, revenue_per_buyer``. Shares are NaN
        when the window has no buyer; ``revenue_per_buyer`` is NaN for a type
        without buyers.

    Raises
    ------
    TypeError, ValueError
        Bad tables, columns, window or ``lookback``.

    See Also
    --------
    repurchase_rate : shares of customers who buy again.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 3, 3],
    ...     "paid_ts": pd.to_datetime(["2022-12-01", "2024-01-05", "2024-01-06",
    ...                                "2023-12-20", "2024-01-07"]),
    ...     "paid_amount": [10.0, 20.0, 30.0, 40.0, 50.0],
    ... })
    >>> t = new_vs_returning(orders, start="2024-01-01", end="2024-01-31", lookback=365)
    >>> print(t.to_string())
      customer_type  buyers  buyer_share  orders  paid_amount  paid_amount_share  revenue_per_buyer
    0           new       1     0.333333       1         30.0                0.3               30.0
    1     returning       1     0.333333       1         50.0                0.5               50.0
    2   reactivated       1     0.333333       1         20.0                0.2               20.0
    """
    func = "new_vs_returning"
    if lookback is not None:
        lookback = check_positive_int(lookback, func, param="lookback")
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col,
    )
    lo, hi = check_window(start, end, func)
    dtype = paid[paid_ts_col].dtype
    v = wall_values(paid[paid_ts_col])
    codes, uniques = dense_codes(paid[customer_id_col])
    n = len(uniques)
    in_window = between(v, lo, hi, dtype)
    # an earlier purchase that counts: before `start`, and within the look-back
    early_lo = (
        None if (lo is None or lookback is None) else lo - pd.Timedelta(days=lookback)
    )
    before = between(v, None, lo, dtype) if lo is not None else np.zeros(len(v), bool)
    recent_before = between(v, early_lo, lo, dtype) if lo is not None else before
    has_before = np.bincount(codes[before], minlength=n) > 0
    has_recent = np.bincount(codes[recent_before], minlength=n) > 0
    kind = np.where(~has_before, 0, np.where(has_recent, 1, 2))  # per customer

    wc = codes[in_window]
    buyer = np.bincount(wc, minlength=n) > 0
    buyers = np.bincount(kind[buyer], minlength=3)
    n_orders = np.bincount(kind[wc], minlength=3)
    amount = np.bincount(
        kind[wc],
        weights=paid[paid_amount_col].to_numpy(dtype=np.float64)[in_window],
        minlength=3,
    ).astype(np.float64)
    return pd.DataFrame(
        {
            "customer_type": pd.Categorical(
                _CUSTOMER_TYPES, categories=_CUSTOMER_TYPES, ordered=True
            ),
            "buyers": buyers.astype(np.int64),
            "buyer_share": safe_divide(buyers, buyers.sum()),
            "orders": n_orders.astype(np.int64),
            "paid_amount": amount,
            "paid_amount_share": safe_divide(amount, amount.sum()),
            "revenue_per_buyer": safe_divide(amount, buyers),
        }
    )


# ------------------------------------------------- do they come back ----

_REPURCHASE_METHODS = (
    "customers",
    "orders",
    "n_day",
    "next_period",
    "shopify",
    "rolling",
)


@register_metric(
    "repeat_purchase_rate",
    name="Repeat purchase rate",
    name_zh="复购率 (按人数, 按天去重)",
    family="member",
    formula="customers with ≥ 2 purchase days in the window ÷ customers with ≥ 1 "
    "purchase in the window",
    numerator="buyers with paid orders on at least 2 different days in [start, end]",
    denominator="buyers with a paid order in [start, end]",
    window="orders paid in [start, end] (same-day orders merged)",
    basis="paid orders",
    unit="fraction",
    variants={
        "orders": "复购率 (按订单): (paid orders − first orders) ÷ paid orders in the "
        "window; first orders = one per buyer",
        "n_day": "N日复购率: first-time buyers of the window who buy again on a later "
        "day within n_days ÷ first-time buyers of the window (cohort view)",
        "next_period": "回购率: buyers of the window who also buy in the next window "
        "of the same length ÷ buyers of the window",
        "shopify": "returning customer rate (Shopify): buyers of the window with > 1 "
        "paid order ever (up to end) ÷ buyers of the window",
        "rolling": "JD 商智 30/90-day 重复购买率: buyers with ≥ 2 paid orders in the "
        "n_days ending at `end` ÷ buyers in those days",
    },
    notes="One word, six numbers: see repurchase_rate's Notes for why they differ.",
)
def repurchase_rate(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    method: str = "customers",
    n_days: int = 30,
) -> float:
    """Repurchase rate 复购率 in one of its 口径 (default: by person, days merged).

    ``method="customers"`` (default, 复购率 按人数)::

        customers with paid orders on ≥ 2 different days in [start, end]
        ÷ customers with ≥ 1 paid order in [start, end]

    Other 口径 (``method=``):

    ``"orders"`` 复购率 (按订单)
        ``(paid orders − first orders) ÷ paid orders`` in the window, where
        each buyer's first order of the window is a "first order".
    ``"n_day"`` N日复购率
        customers whose first ever purchase is in the window and who buy again
        on a later day within ``n_days`` (possibly after ``end``) ÷ those
        first-time customers.
    ``"next_period"`` 回购率
        buyers of the window who also buy in the next window of the same
        length (``end + 1 day`` onwards) ÷ buyers of the window. Needs
        ``start`` and ``end``.
    ``"shopify"`` returning customer rate
        buyers of the window with more than one paid order ever (up to ``end``,
        including before ``start``) ÷ buyers of the window.
    ``"rolling"`` JD 商智 30/90天重复购买率
        buyers with ≥ 2 paid orders in the ``n_days`` days ending at ``end``
        (default: the last day with a paid order) ÷ buyers in those days.
        ``start`` is not used.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``), whole history.
    customer_id_col, paid_ts_col : str
        Column names.
    start, end : date-like, optional
        Inclusive window on the payment time.
    method : {"customers", "orders", "n_day", "next_period", "shopify", "rolling"}
        The 口径, see above.
    n_days : int, default=30
        Follow-up days for ``"n_day"`` and window length for ``"rolling"``
        (JD shows 30 and 90).

    Returns
    -------
    float
        A fraction in [0, 1]; NaN when the denominator is 0 (no buyer or no
        first-time buyer in the window).

    Raises
    ------
    TypeError, ValueError
        Bad table, column, window, ``method`` or ``n_days``; ``"next_period"``
        without both bounds; ``"rolling"`` with a ``start``.

    Notes
    -----
    Why the six numbers differ on the same data:

    - *By person vs by order*: one customer with 5 orders counts once in
      ``"customers"`` but 4 times in the numerator of ``"orders"``.
    - *Same-day merging*: a customer who splits one basket into two orders on
      the same day is not a repeat buyer in ``"customers"`` and ``"n_day"``,
      but is in ``"orders"``, ``"shopify"`` and ``"rolling"``.
    - *Inside vs outside the window*: ``"customers"``, ``"orders"`` and
      ``"rolling"`` look only inside their window, so a short window gives a
      low rate. ``"shopify"`` also counts orders *before* the window (a loyal
      customer who buys once this month counts), so it is higher and drifts as
      the window moves. ``"n_day"`` and ``"next_period"`` look *after* the
      window, so their last values rise as later data arrive.
    - *Denominator*: ``"n_day"`` divides by first-time buyers only.

    Window-contained 口径 (the default) do not change when later data arrive,
    which is why graded exercises use it.

    See Also
    --------
    cohort_retention : the same question asked period by period.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 18:00",
    ...                                "2024-01-20 10:00", "2024-01-05 10:00",
    ...                                "2024-01-05 11:00", "2024-01-09 10:00"]),
    ... })
    >>> repurchase_rate(orders, start="2024-01-01", end="2024-01-31")
    0.3333333333333333
    >>> repurchase_rate(orders, start="2024-01-01", end="2024-01-31", method="orders")
    0.5
    """
    func = "repurchase_rate"
    check_option(method, _REPURCHASE_METHODS, func, param="method")
    n_days = check_positive_int(n_days, func, param="n_days")
    paid = paid_purchases(
        orders, func, customer_id_col=customer_id_col, paid_ts_col=paid_ts_col
    )
    ts = paid[paid_ts_col]
    dtype, v = ts.dtype, wall_values(ts)
    codes, uniques = dense_codes(paid[customer_id_col])
    n = len(uniques)

    if method == "rolling":
        if start is not None:
            raise ValueError(
                f"{func}(): `start` is not used with method='rolling': its window is "
                f"the `n_days` days ending at `end`. Pass only `end` (and `n_days`)."
            )
        _, hi = check_window(None, end, func)
        if hi is None:
            if len(ts) == 0:
                return float("nan")
            hi = local_bound(ts.max(), ts.dtype).normalize() + pd.Timedelta(days=1)
        lo = hi - pd.Timedelta(days=n_days)
        counts = np.bincount(codes[between(v, lo, hi, dtype)], minlength=n)
        return safe_divide(int((counts >= 2).sum()), int((counts >= 1).sum()))

    lo, hi = check_window(start, end, func)
    in_window = between(v, lo, hi, dtype)
    if method == "orders":
        orders_n = int(in_window.sum())
        buyers = int(np.count_nonzero(np.bincount(codes[in_window], minlength=n)))
        return safe_divide(orders_n - buyers, orders_n)
    if method == "shopify":
        buyer = np.bincount(codes[in_window], minlength=n) > 0
        upto_end = np.bincount(codes[between(v, None, hi, dtype)], minlength=n)
        return safe_divide(int((buyer & (upto_end > 1)).sum()), int(buyer.sum()))
    if method == "next_period":
        if lo is None or hi is None:
            raise ValueError(
                f"{func}(): method='next_period' needs both `start` and `end`: the "
                f"next period is the window of the same length right after `end`."
            )
        nxt = between(v, hi, hi + (hi - lo), dtype)
        now = np.bincount(codes[in_window], minlength=n) > 0
        later = np.bincount(codes[nxt], minlength=n) > 0
        return safe_divide(int((now & later).sum()), int(now.sum()))

    day = period_index(v, "D")
    if method == "customers":
        pc, _ = _sorted_pairs(codes[in_window], day[in_window])
        days_per = np.bincount(pc, minlength=n)
        return safe_divide(int((days_per >= 2).sum()), int((days_per >= 1).sum()))

    # n_day: first-time buyers of the window, second purchase day within n_days
    pc, pdays = _sorted_pairs(codes, day)
    first = first_of_group(pc)
    cohort = between(_group_extreme(codes, v, n), lo, hi, dtype)  # indexed by code
    second = ~first & np.r_[False, first[:-1]]
    gap = np.full(n, np.iinfo(np.int64).max)
    gap[pc[second]] = pdays[second] - pdays[np.flatnonzero(second) - 1]
    return safe_divide(int((cohort & (gap <= n_days)).sum()), int(cohort.sum()))


_CALCULATIONS = ("standard", "rolling", "cumulative")
_INCLUSIONS = ("first_purchase", "first_visit")
_RETURNS = ("purchase", "visit")


def _events(
    func, orders, sessions, *, customer_id_col, paid_ts_col, start_ts_col, need_sessions
):
    """(ids, timestamps) of paid orders and, when needed, of identified sessions."""
    paid = paid_purchases(
        orders, func, customer_id_col=customer_id_col, paid_ts_col=paid_ts_col
    )
    purchases = (paid[customer_id_col], paid[paid_ts_col])
    visits = None
    if need_sessions:
        check_table(
            sessions,
            func,
            param="sessions",
            columns={"customer_id_col": customer_id_col, "start_ts_col": start_ts_col},
            hint="shop.sessions",
        )
        check_datetime(
            sessions, start_ts_col, func, param="start_ts_col", table="sessions"
        )
        # anonymous visits (no customer id) cannot be linked to a customer
        known = sessions.loc[
            sessions[customer_id_col].notna() & sessions[start_ts_col].notna(),
            [customer_id_col, start_ts_col],
        ]
        ids = known[customer_id_col]
        if isinstance(ids.dtype, pd.api.extensions.ExtensionDtype) and (
            pd.api.types.is_integer_dtype(ids.dtype)
        ):
            ids = ids.astype(np.int64)  # nullable Int64 without nulls
        _check_same_id_kind(paid[customer_id_col], ids, func, "sessions")
        visits = (ids, known[start_ts_col])
    return purchases, visits


@register_metric(
    "cohort_retention",
    name="Cohort retention",
    name_zh="同期群留存率",
    family="member",
    formula="active customers of cohort c in period k ÷ cohort size; period 0 = 100 %",
    numerator="cohort members with a return event (paid order by default) in period "
    "c + k",
    denominator="customers whose inclusion event (first paid order by default) falls "
    "in period c",
    window="cohorts whose first event falls in [start, end]; events after end unseen",
    basis="paid orders (or sessions)",
    unit="fraction",
    variants={
        "standard": "active in period k",
        "rolling": "active in every period 1..k (GA4 rolling)",
        "cumulative": "active in at least one period 1..k (non-decreasing from k = 1)",
        "first_visit": "inclusion = first identified session instead of first purchase",
        "visit": "return event = any identified session instead of a paid order",
    },
)
def cohort_retention(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    freq: str = "M",
    calculation: str = "standard",
    inclusion: str = "first_purchase",
    returning: str = "purchase",
    sessions: pd.DataFrame | None = None,
    values: str = "rate",
) -> pd.DataFrame:
    """Cohort retention 同期群留存: share of each cohort active k periods later.

    A customer's cohort is the period (``freq``) of their *inclusion* event:
    their first ever paid order (default) or first identified visit. They are
    *active* in period ``k`` (``k = 0, 1, 2, ...`` periods after the cohort
    period) when they have a *return* event then: a paid order (default) or
    any visit::

        retention(c, k) = active(c, k) ÷ cohort_size(c),   retention(c, 0) = 1

    ``calculation`` follows GA4's cohort exploration: ``"standard"`` counts
    customers active in period k; ``"rolling"`` those active in *every* period
    1..k; ``"cumulative"`` those active in *at least one* of periods 1..k
    (so it never decreases from period 1 on; period 0 is 100 % by definition).

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``), whole history.
    customer_id_col, paid_ts_col : str
        Column names (``customer_id_col`` is also used in ``sessions``).
    start_ts_col : str, default="start_ts"
        Session start column of ``sessions``.
    start, end : date-like, optional
        Only cohorts whose inclusion event falls in ``[start, end]``; events
        after ``end`` are not observed (periods are cut at ``end``).
    freq : {"D", "W", "M", "Q", "Y"}, default="M"
        Cohort and period granularity (weeks start on Monday).
    calculation : {"standard", "rolling", "cumulative"}, default="standard"
    inclusion : {"first_purchase", "first_visit"}, default="first_purchase"
    returning : {"purchase", "visit"}, default="purchase"
    sessions : pandas.DataFrame, optional
        The sessions table; needed for ``inclusion="first_visit"`` or
        ``returning="visit"``. Anonymous sessions (no ``customer_id``) are
        ignored: the unit is always the customer.
    values : {"rate", "count"}, default="rate"
        ``"count"`` leaves out the ``retention`` column.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per cohort and period, sorted by ``cohort`` then
        ``period``: ``cohort`` (start of the cohort period, same dtype as the
        timestamps), ``period`` (int, 0 = the cohort period), ``cohort_size``,
        ``active`` and ``retention`` (float in [0, 1]). Periods run from 0 to
        the last observed period (that of ``end``, else of the last event);
        cells beyond it are absent, not 0. Empty when no cohort.
        ``table.pivot(index="cohort", columns="period", values="retention")``
        gives the familiar triangle.

    Raises
    ------
    TypeError, ValueError
        Bad tables, columns, window or options; sessions needed but missing.

    See Also
    --------
    cohort_revenue : paid amount of the same cohorts.
    repurchase_rate : one-number 口径 of coming back.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 3, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-20",
    ...                                "2024-02-03", "2024-03-09"]),
    ... })
    >>> cohort_retention(orders, freq="M")
          cohort  period  cohort_size  active  retention
    0 2024-01-01       0            2       2        1.0
    1 2024-01-01       1            2       0        0.0
    2 2024-01-01       2            2       1        0.5
    3 2024-02-01       0            1       1        1.0
    4 2024-02-01       1            1       1        1.0
    """
    func = "cohort_retention"
    check_freq(freq, func)
    check_option(calculation, _CALCULATIONS, func, param="calculation")
    check_option(inclusion, _INCLUSIONS, func, param="inclusion")
    check_option(returning, _RETURNS, func, param="returning")
    check_option(values, ("rate", "count"), func, param="values")
    need_sessions = inclusion == "first_visit" or returning == "visit"
    if need_sessions and sessions is None:
        raise ValueError(
            f"{func}(): inclusion={inclusion!r} / returning={returning!r} uses visits: "
            f"pass the sessions table, e.g. `sessions=shop.sessions`."
        )
    purchases, visits = _events(
        func,
        orders,
        sessions,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        start_ts_col=start_ts_col,
        need_sessions=need_sessions,
    )
    incl = purchases if inclusion == "first_purchase" else visits
    ret = purchases if returning == "purchase" else visits
    lo, hi = check_window(start, end, func)
    cells = _cohort_cells(
        incl,
        ret,
        same=(inclusion == "first_purchase") == (returning == "purchase"),
        lo=lo,
        hi=hi,
        freq=freq,
        calculation=calculation,
    )
    if values == "count":
        cells = cells.drop(columns="retention")
    return cells


def _cohort_setup(incl_ids, incl_ts, lo, hi, freq):
    """Codes of the inclusion events, cohort period per customer code, membership."""
    dtype, v = incl_ts.dtype, wall_values(incl_ts)
    if hi is not None:
        keep = between(v, None, hi, dtype)
        incl_ids, v = incl_ids[keep], v[keep]
    codes, uniques = dense_codes(incl_ids, sort=False)
    first = _group_extreme(codes, v, len(uniques))
    return codes, uniques, v, period_index(first, freq), between(first, lo, hi, dtype)


def _cohort_cells(incl, ret, *, same, lo, hi, freq, calculation):
    """Long cohort table from inclusion and return events ((ids, ts) pairs)."""
    dtype = incl[1].dtype
    codes, uniques, v, cohort, member = _cohort_setup(*incl, lo, hi, freq)
    if same:  # return events are the inclusion events: reuse their codes
        rc, rp = codes, period_index(v, freq)
    else:
        rv = wall_values(ret[1])
        keep = between(rv, None, hi, dtype) if hi is not None else slice(None)
        rc = uniques.get_indexer(pd.Index(ret[0][keep]))
        rp = period_index(rv[keep], freq)
    if hi is not None:
        last = bound_period(hi - pd.Timedelta(1, "ns"), dtype, freq)
    else:
        last = int(
            max(
                cohort.max(initial=np.iinfo(np.int64).min),
                rp.max(initial=np.iinfo(np.int64).min),
            )
        )
    if not member.any():
        return pd.DataFrame(
            {
                "cohort": pd.Series(period_label([], freq, dtype)),
                "period": pd.Series(dtype=np.int64),
                "cohort_size": pd.Series(dtype=np.int64),
                "active": pd.Series(dtype=np.int64),
                "retention": pd.Series(dtype=np.float64),
            }
        )

    c0 = int(cohort[member].min())
    n_coh = width = last - c0 + 1  # cohorts c0..last; periods 0..last - c0
    # return events of cohort members, k >= 1 periods after their cohort
    ok = rc >= 0
    rc, rp = rc[ok], rp[ok]
    ok = member[rc]
    rc, rp = rc[ok], rp[ok]
    k = rp - cohort[rc]
    ok = k >= 1
    rc, k = rc[ok], k[ok]
    # one (customer, k) pair per active period, sorted by customer then k
    key = distinct_keys(rc * width + k, len(uniques) * width)
    rc, k = key // width, key % width
    row = cohort[rc] - c0
    if calculation == "standard":
        counts = np.bincount(row * width + k, minlength=n_coh * width)
    else:
        first = first_of_group(rc)
        if calculation == "cumulative":
            # counted from the first period they came back in onwards
            starts = np.bincount(row[first] * width + k[first], minlength=n_coh * width)
            counts = np.cumsum(starts.reshape(n_coh, width), axis=1)
        else:
            # rolling: length m of the unbroken run 1..m; active for every k <= m
            group_start = np.maximum.accumulate(np.where(first, np.arange(len(rc)), 0))
            in_run = k == np.arange(len(rc)) - group_start + 1
            run = np.bincount(rc[in_run], minlength=len(uniques))
            runners = run > 0
            ends = np.bincount(
                (cohort[runners] - c0) * width + run[runners], minlength=n_coh * width
            ).reshape(n_coh, width)
            counts = np.cumsum(ends[:, ::-1], axis=1)[:, ::-1]
    counts = np.array(counts, dtype=np.int64).reshape(n_coh, width)
    size = np.bincount(cohort[member] - c0, minlength=n_coh)
    counts[:, 0] = size
    # keep observed cells of non-empty cohorts: k <= last - cohort
    observed = (
        np.arange(width)[None, :] <= (last - c0 - np.arange(n_coh))[:, None]
    ) & (size[:, None] > 0)
    r, kk = np.nonzero(observed)
    active = counts[r, kk]
    return pd.DataFrame(
        {
            "cohort": period_label(r + c0, freq, dtype),
            "period": kk.astype(np.int64),
            "cohort_size": size[r].astype(np.int64),
            "active": active.astype(np.int64),
            "retention": active / size[r],
        }
    )


@register_metric(
    "cohort_revenue",
    name="Cohort revenue (cumulative value per customer)",
    name_zh="同期群贡献 (累计客户价值)",
    family="member",
    formula="Σ paid amount of cohort c in period k; cumulative per customer = "
    "Σ over periods 0..k ÷ cohort size",
    numerator="paid amount of cohort members' orders paid in period c + k",
    denominator="cohort size (customers whose first paid order is in period c)",
    window="cohorts whose first paid order falls in [start, end]; orders after end "
    "unseen",
    basis="paid_amount",
    unit="currency",
)
def cohort_revenue(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    end=None,
    freq: str = "M",
) -> pd.DataFrame:
    """Paid amount of each first-purchase cohort per period and its value per customer.

    Cohorts as in :func:`cohort_retention` (period of the first paid order)::

        paid_amount(c, k)             = Σ paid_amount of cohort c's orders in period c + k
        cumulative_paid_amount(c, k)  = Σ_{j <= k} paid_amount(c, j)
        cumulative_per_customer(c, k) = cumulative_paid_amount(c, k) ÷ cohort_size(c)

    The last column is the historic value curve (累计客单价 / LTV to date on a
    支付金额 basis, refunds not deducted).

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``, ``paid_amount``).
    customer_id_col, paid_ts_col, paid_amount_col : str
        Column names.
    start, end : date-like, optional
        Only cohorts whose first paid order falls in ``[start, end]``; orders
        after ``end`` are not seen.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"

    Returns
    -------
    pandas.DataFrame
        Columns ``cohort, period, cohort_size, paid_amount,
        cumulative_paid_amount, cumulative_per_customer``, sorted by cohort
        then period, periods 0 to the last observed one.

    See Also
    --------
    cohort_retention, ecomkit.clv.historic_clv

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-02-02", "2024-01-20"]),
    ...     "paid_amount": [100.0, 40.0, 60.0],
    ... })
    >>> print(cohort_revenue(orders).to_string())
          cohort  period  cohort_size  paid_amount  cumulative_paid_amount  cumulative_per_customer
    0 2024-01-01       0            2        160.0                   160.0                     80.0
    1 2024-01-01       1            2         40.0                   200.0                    100.0
    """
    func = "cohort_revenue"
    check_freq(freq, func)
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col,
    )
    lo, hi = check_window(start, end, func)
    ts = paid[paid_ts_col]
    if hi is not None:
        keep = half_open(ts, None, hi)
        paid, ts = paid.loc[keep], ts[keep]
    codes, _, v, cohort, member = _cohort_setup(paid[customer_id_col], ts, lo, hi, freq)
    per = period_index(v, freq)
    if hi is not None:
        last = bound_period(hi - pd.Timedelta(1, "ns"), ts.dtype, freq)
    else:
        last = int(per.max(initial=np.iinfo(np.int64).min))
    if not member.any():
        return pd.DataFrame(
            {
                "cohort": pd.Series(period_label([], freq, ts.dtype)),
                "period": pd.Series(dtype=np.int64),
                "cohort_size": pd.Series(dtype=np.int64),
                "paid_amount": pd.Series(dtype=np.float64),
                "cumulative_paid_amount": pd.Series(dtype=np.float64),
                "cumulative_per_customer": pd.Series(dtype=np.float64),
            }
        )
    c0 = int(cohort[member].min())
    n_coh = width = last - c0 + 1
    ok = member[codes]
    row = cohort[codes[ok]] - c0
    k = per[ok] - cohort[codes[ok]]
    amount = (
        np.bincount(
            row * width + k,
            weights=paid[paid_amount_col].to_numpy(dtype=np.float64)[ok],
            minlength=n_coh * width,
        )
        .astype(np.float64)
        .reshape(n_coh, width)
    )
    size = np.bincount(cohort[member] - c0, minlength=n_coh)
    observed = (
        np.arange(width)[None, :] <= (last - c0 - np.arange(n_coh))[:, None]
    ) & (size[:, None] > 0)
    cum = np.cumsum(amount, axis=1)
    r, kk = np.nonzero(observed)
    return pd.DataFrame(
        {
            "cohort": period_label(r + c0, freq, ts.dtype),
            "period": kk.astype(np.int64),
            "cohort_size": size[r].astype(np.int64),
            "paid_amount": amount[r, kk],
            "cumulative_paid_amount": cum[r, kk],
            "cumulative_per_customer": cum[r, kk] / size[r],
        }
    )


# ------------------------------------------------ flows of the base ----

_STATES = ("new", "retained", "reactivated", "churned")


def _lifecycle(orders, func, *, customer_id_col, paid_ts_col, start, end, freq):
    """Per customer-period state codes (0..3) over the reporting periods."""
    check_freq(freq, func)
    paid = paid_purchases(
        orders, func, customer_id_col=customer_id_col, paid_ts_col=paid_ts_col
    )
    lo, hi = check_window(start, end, func)
    ts = paid[paid_ts_col]
    v = wall_values(ts)
    ids = paid[customer_id_col]
    if hi is not None:
        keep = between(v, None, hi, ts.dtype)
        ids, v = ids[keep], v[keep]
    codes, uniques = dense_codes(ids)
    per = period_index(v, freq)
    if hi is not None:
        last = bound_period(hi - pd.Timedelta(1, "ns"), ts.dtype, freq)
    else:
        last = int(per.max(initial=-1))
    if lo is not None:
        first_report = bound_period(lo, ts.dtype, freq)
    else:
        first_report = int(per.min(initial=last + 1))
    pc, pp = _sorted_pairs(codes, per)  # active (customer, period), sorted
    first = first_of_group(pc)
    prev_same = np.r_[False, pp[1:] - 1 == pp[:-1]] & ~first
    state = np.where(first, 0, np.where(prev_same, 1, 2))
    # churned in p + 1: active in p, not in p + 1, and p + 1 is observed
    last_of = np.r_[pc[1:] != pc[:-1], True] if len(pc) else np.zeros(0, bool)
    next_gap = np.r_[pp[1:] - pp[:-1], 0] if len(pp) else np.zeros(0, np.int64)
    churn = (last_of | (next_gap > 1)) & (pp + 1 <= last)
    cust = np.r_[pc, pc[churn]]
    period = np.r_[pp, pp[churn] + 1]
    state = np.r_[state, np.full(int(churn.sum()), 3)]
    keep = (period >= first_report) & (period <= last)
    return uniques, cust[keep], period[keep], state[keep], first_report, last, ts.dtype


@register_metric(
    "lifecycle_state",
    name="Lifecycle state",
    name_zh="生命周期状态 (新增/留存/回流/流失)",
    family="member",
    formula="per customer and period: new = first paid period; retained = active "
    "last and this period; reactivated 回流 = active now, not last period, not new; "
    "churned 流失 = active last period, not now",
    window="periods of `freq` overlapping [start, end]; all earlier history is used",
    basis="paid orders",
    unit="label",
)
def lifecycle_table(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    freq: str = "M",
) -> pd.DataFrame:
    """Lifecycle state of each customer per period: new, retained, reactivated, churned.

    A customer is *active* in a period (``freq``) with at least one paid order
    in it. In period ``t`` (火山引擎 增长分析 definitions):

    - ``new`` 新增: ``t`` is the customer's first active period;
    - ``retained`` 留存: active in ``t − 1`` and ``t``;
    - ``reactivated`` 回流: active in ``t``, not in ``t − 1``, and not new;
    - ``churned`` 流失: active in ``t − 1``, not in ``t``.

    Customers inactive in both ``t − 1`` and ``t`` have no row for ``t``.
    History before ``start`` is used to tell new from reactivated.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``), whole history.
    customer_id_col, paid_ts_col : str
        Column names.
    start, end : date-like, optional
        Report the periods from the one containing ``start`` to the one
        containing ``end`` (default: first and last period with a paid order).
        Orders after ``end`` are not seen.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, period, state``; ``period`` is the start of the
        period, ``state`` an ordered categorical (new < retained < reactivated
        < churned). Sorted by customer id, then period.

    See Also
    --------
    lifecycle_counts : the same states counted per period.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-02-02", "2024-04-10"]),
    ... })
    >>> lifecycle_table(orders)
       customer_id     period        state
    0            1 2024-01-01          new
    1            1 2024-02-01     retained
    2            1 2024-03-01      churned
    3            1 2024-04-01  reactivated
    """
    func = "lifecycle_table"
    uniques, cust, period, state, _, _, dtype = _lifecycle(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        start=start,
        end=end,
        freq=freq,
    )
    order = np.lexsort((period, cust))
    cust, period, state = cust[order], period[order], state[order]
    return pd.DataFrame(
        {
            customer_id_col: uniques.take(cust).to_numpy(),
            "period": period_label(period, freq, dtype),
            "state": pd.Categorical.from_codes(
                state, categories=list(_STATES), ordered=True
            ),
        }
    )


@register_metric(
    "lifecycle_counts",
    name="Lifecycle flow counts",
    name_zh="生命周期流转 (新增/留存/回流/流失人数)",
    family="member",
    formula="per period: customers new, retained, reactivated (回流) and churned "
    "(流失); active = new + retained + reactivated",
    window="periods of `freq` overlapping [start, end]; all earlier history is used",
    basis="paid orders",
    unit="people",
    notes="active(t) = active(t − 1) + new + reactivated − churned holds exactly.",
)
def lifecycle_counts(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    freq: str = "M",
) -> pd.DataFrame:
    """How many customers are new, retained, reactivated and churned in each period.

    The counts of :func:`lifecycle_table` per period, plus ``active`` =
    ``new + retained + reactivated`` (customers with a paid order in the
    period). The flow identity ``active(t) = active(t − 1) + new(t) +
    reactivated(t) − churned(t)`` holds exactly.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``), whole history.
    customer_id_col, paid_ts_col : str
        Column names.
    start, end : date-like, optional
        Reporting periods, as in :func:`lifecycle_table`.
    freq : {"D", "W", "M", "Q", "Y"}, default="M"

    Returns
    -------
    pandas.DataFrame
        Columns ``period, new, retained, reactivated, churned, active``, one
        row per period (periods without any customer included), sorted by period.

    See Also
    --------
    lifecycle_table, churn_thresholds

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-05", "2024-02-02", "2024-01-10",
    ...                                "2024-03-01"]),
    ... })
    >>> lifecycle_counts(orders)
          period  new  retained  reactivated  churned  active
    0 2024-01-01    2         0            0        0       2
    1 2024-02-01    0         1            0        1       1
    2 2024-03-01    0         0            1        1       1
    """
    func = "lifecycle_counts"
    _, _, period, state, first_report, last, dtype = _lifecycle(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        start=start,
        end=end,
        freq=freq,
    )
    n_per = max(last - first_report + 1, 0)
    counts = np.bincount(
        (period - first_report) * 4 + state, minlength=n_per * 4
    ).reshape(n_per, 4)
    out = pd.DataFrame(counts.astype(np.int64), columns=list(_STATES))
    out.insert(
        0, "period", period_label(np.arange(first_report, last + 1), freq, dtype)
    )
    out["active"] = out["new"] + out["retained"] + out["reactivated"]
    return out


@register_metric(
    "churn_threshold",
    name="Silent / churn thresholds",
    name_zh="沉默 / 流失阈值 (复购间隔分位数)",
    family="member",
    formula="quantiles of the gaps (days) between consecutive purchase days of the "
    "same customer: 80th percentile = 沉默/预警, 90th = 流失",
    window="orders paid in [start, end]",
    basis="paid orders (same-day orders merged)",
    unit="days",
    variants={
        "all": "every gap between consecutive purchase days",
        "last": "only each customer's last gap (between their last two purchases)",
    },
)
def churn_thresholds(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    start=None,
    end=None,
    quantiles: float | Iterable[float] = (0.8, 0.9),
    gaps: str = "all",
) -> pd.Series:
    """Data-driven silent / churn day thresholds from the repurchase-gap distribution.

    Take every gap, in days, between consecutive purchase days of the same
    customer (same-day orders merged; only customers with ≥ 2 purchase days
    contribute) and return its quantiles. The usual reading: 80 % of repeat
    purchases happen within the 80th percentile, so a customer silent for
    longer is *silent / at risk* (沉默 / 预警); beyond the 90th percentile
    they are *churned* (流失). Feed the numbers to :func:`customer_status`.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``).
    customer_id_col, paid_ts_col : str
        Column names.
    start, end : date-like, optional
        Inclusive window on the payment time.
    quantiles : float or sequence of float, default=(0.8, 0.9)
        Quantiles in (0, 1); linear interpolation (numpy's default).
    gaps : {"all", "last"}, default="all"
        ``"last"`` uses only each customer's gap between their last two
        purchase days (the rule in some Chinese practice guides).

    Returns
    -------
    pandas.Series
        Named ``gap_days``, indexed by ``quantile``; NaN when no customer has
        two purchase days.

    See Also
    --------
    customer_status

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31",
    ...                                "2024-01-01", "2024-01-31"]),
    ... })
    >>> churn_thresholds(orders)  # gaps 10, 20 (customer 1) and 30 (customer 2)
    quantile
    0.8    26.0
    0.9    28.0
    Name: gap_days, dtype: float64
    """
    func = "churn_thresholds"
    check_option(gaps, ("all", "last"), func, param="gaps")
    qs = (
        [quantiles]
        if isinstance(quantiles, (int, float, np.number))
        else list(quantiles)
    )
    if not qs:
        raise ValueError(
            f"{func}(): `quantiles` must hold at least one number in (0, 1)."
        )
    qs = [
        check_number(
            q,
            func,
            param="quantiles",
            low=0,
            high=1,
            low_inclusive=False,
            high_inclusive=False,
        )
        for q in qs
    ]
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        start=start,
        end=end,
    )
    codes, _ = dense_codes(paid[customer_id_col])
    pc, pdays = _sorted_pairs(codes, period_index(wall_values(paid[paid_ts_col]), "D"))
    follows = ~first_of_group(pc)  # rows that have an earlier day of the same customer
    gap = (pdays[1:] - pdays[:-1])[follows[1:]] if len(pc) else pdays
    if gaps == "last" and len(gap):
        is_last = np.r_[pc[1:] != pc[:-1], True][follows]
        gap = gap[is_last]
    values = np.quantile(gap, qs) if len(gap) else np.full(len(qs), np.nan)
    return pd.Series(
        np.asarray(values, dtype=np.float64),
        index=pd.Index(qs, name="quantile"),
        name="gap_days",
    )


_STATUSES = ("active", "silent", "churned")


def _per_customer(paid, func, *, customer_id_col, paid_ts_col, as_of, start=None):
    """Codes, ids and day indices of purchases up to ``as_of`` (inclusive day)."""
    as_of = _check_as_of(as_of, func)
    ts = paid[paid_ts_col]
    keep = window_mask(ts, start, as_of, func)
    paid = paid.loc[keep]
    codes, uniques = dense_codes(paid[customer_id_col])
    day = period_index(wall_values(paid[paid_ts_col]), "D")
    return paid, codes, uniques, day, day_number(local_bound(as_of, ts.dtype))


@register_metric(
    "customer_status",
    name="Customer status by days since last purchase",
    name_zh="客户状态 (活跃/沉默/流失)",
    family="member",
    formula="days since last paid order at as_of: ≤ silent_days active; "
    "≤ churn_days silent 沉默; > churn_days churned 流失",
    window="orders paid up to as_of (inclusive day)",
    basis="paid orders",
    unit="label",
    notes="Fixed day counts (default 90 / 180); churn_thresholds() gives data-driven "
    "ones.",
)
def customer_status(
    orders: pd.DataFrame,
    *,
    as_of=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    silent_days: int = 90,
    churn_days: int = 180,
) -> pd.DataFrame:
    """Classify each buyer as active, silent (沉默) or churned (流失) at a date.

    ``days_since_last = as_of − day of the last paid order`` (calendar days;
    0 if they bought on ``as_of``)::

        days_since_last <= silent_days               -> active
        silent_days < days_since_last <= churn_days  -> silent  沉默
        days_since_last > churn_days                 -> churned 流失

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``).
    as_of : date-like
        The date of the classification (required); later orders are ignored.
    customer_id_col, paid_ts_col : str
        Column names.
    silent_days : int, default=90
    churn_days : int, default=180
        Must exceed ``silent_days``. Data-driven values:
        ``churn_thresholds(orders)`` (80th / 90th percentile of repurchase gaps).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, last_paid_ts, days_since_last, status`` (ordered
        categorical active < silent < churned), one row per customer with a
        paid order up to ``as_of``, sorted by customer id.

    See Also
    --------
    churn_thresholds, rfm_table

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-06-25", "2024-03-01", "2023-10-01"]),
    ... })
    >>> customer_status(orders, as_of="2024-06-30")
       customer_id last_paid_ts  days_since_last   status
    0            1   2024-06-25                5   active
    1            2   2024-03-01              121   silent
    2            3   2023-10-01              273  churned
    """
    func = "customer_status"
    silent_days = check_positive_int(silent_days, func, param="silent_days")
    churn_days = check_positive_int(churn_days, func, param="churn_days")
    if churn_days <= silent_days:
        raise ValueError(
            f"{func}(): `churn_days` ({churn_days}) must be larger than `silent_days` "
            f"({silent_days}): a customer is silent first, churned later."
        )
    paid = paid_purchases(
        orders, func, customer_id_col=customer_id_col, paid_ts_col=paid_ts_col
    )
    paid, codes, uniques, _, _ = _per_customer(
        paid,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        as_of=as_of,
    )
    as_of = _check_as_of(as_of, func)
    dtype = paid[paid_ts_col].dtype
    last_v = _group_extreme(
        codes, wall_values(paid[paid_ts_col]), len(uniques), largest=True
    )
    since = day_number(local_bound(as_of, dtype)) - period_index(last_v, "D")
    status = np.where(since <= silent_days, 0, np.where(since <= churn_days, 1, 2))
    return pd.DataFrame(
        {
            customer_id_col: uniques.to_numpy(),
            "last_paid_ts": _as_timestamps(last_v, dtype),
            "days_since_last": since.astype(np.int64),
            "status": pd.Categorical.from_codes(
                status, categories=list(_STATUSES), ordered=True
            ),
        }
    )


# ---------------------------------------------------------------- RFM ----


def _quintile_score(worst_to_best: pd.Series) -> np.ndarray:
    """Tie-aware quintile score 1..5: ``1 + floor(5 · (rank_min − 1) / n)``.

    Rank from worst (rank 1) to best; tied values share the lowest rank, so
    identical values always get the identical score.
    """
    n = len(worst_to_best)
    rank = worst_to_best.rank(method="min").to_numpy(dtype=np.int64)
    return 1 + (5 * (rank - 1)) // max(n, 1)


def _check_thresholds(thresholds, func) -> dict[str, np.ndarray]:
    if not isinstance(thresholds, Mapping) or set(thresholds) != {
        "recency",
        "frequency",
        "monetary",
    }:
        raise ValueError(
            f"{func}(): scores='thresholds' needs `thresholds` = a dict with keys "
            f"'recency', 'frequency' and 'monetary', each 4 increasing cut points, "
            f"e.g. {{'recency': [30, 60, 90, 180], 'frequency': [2, 3, 5, 8], "
            f"'monetary': [200, 500, 1000, 3000]}}; got {thresholds!r}."
        )
    out = {}
    for name, cuts in thresholds.items():
        try:
            arr = np.asarray(cuts, dtype=np.float64)
        except (TypeError, ValueError):
            arr = np.array([])
        if arr.shape != (4,) or np.isnan(arr).any() or np.any(np.diff(arr) <= 0):
            raise ValueError(
                f"{func}(): `thresholds[{name!r}]` must be 4 strictly increasing "
                f"numbers (the cut points between scores 1-5), got {cuts!r}."
            )
        out[name] = arr
    return out


@register_metric(
    "rfm_score",
    name="RFM score",
    name_zh="RFM 评分",
    family="member",
    formula="R = days since last paid order at as_of, F = paid orders (or purchase "
    "days), M = paid amount; each scored 1–5 by tie-aware quintile "
    "1 + ⌊5·(rank_min − 1)/n⌋ ranked worst to best (5 = best); rfm_score = 'RFM'",
    window="orders paid in [start, as_of]",
    basis="paid_amount",
    unit="score 1–5 / 3 digits",
    variants={
        "quintile": "scores by tie-aware quintile within the shop (Shopify style)",
        "thresholds": "scores by fixed business cut points (4 per dimension)",
        "days": "frequency = distinct purchase days instead of paid orders",
    },
)
def rfm_table(
    orders: pd.DataFrame,
    *,
    as_of=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    start=None,
    frequency: str = "orders",
    scores: str = "quintile",
    thresholds: Mapping | None = None,
) -> pd.DataFrame:
    """RFM table: recency, frequency, monetary and their 1–5 scores per buyer.

    For each customer with a paid order in ``[start, as_of]``::

        recency_days = as_of − day of the last paid order   (calendar days, 0 = today)
        frequency    = paid orders  (frequency="days": distinct purchase days)
        monetary     = Σ paid_amount (支付金额, refunds not deducted)

    **Scores** (5 = best: most recent, most frequent, highest spend).
    ``scores="quintile"`` ranks customers from worst to best and uses::

        score = 1 + floor(5 · (rank_min − 1) / n)

    where ``rank_min`` is the rank with ties sharing the *lowest* rank. So
    identical values always get identical scores (deterministic, no arbitrary
    splitting of ties as SQL ``NTILE`` does), the top 20 % of distinct ranks
    get 5, and a value shared by many customers gets the score of its lowest
    rank: when 80 % of buyers have one order they all get F = 1 and every repeat
    buyer gets F = 5. ``scores="thresholds"`` uses fixed cut points
    ``thresholds={"recency": [r1..r4], "frequency": [f1..f4], "monetary":
    [m1..m4]}``: R = 5 for ``recency <= r1``, 4 for ``<= r2``, ..., 1 for
    ``> r4``; F (and M) = 1 + number of cut points ``<=`` the value.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``, ``paid_amount``).
    as_of : date-like
        Scoring date (required); orders after it (after that whole day when a
        bare date) are ignored.
    customer_id_col, paid_ts_col, paid_amount_col : str
        Column names.
    start : date-like, optional
        Ignore orders before this date (e.g. only the last 365 days).
    frequency : {"orders", "days"}, default="orders"
    scores : {"quintile", "thresholds"}, default="quintile"
    thresholds : dict, optional
        Required for ``scores="thresholds"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, recency_days, frequency, monetary, r_score,
        f_score, m_score, rfm_score`` (``rfm_score`` is the text ``"555"``),
        one row per buyer, sorted by customer id.

    See Also
    --------
    rfm_segments : named segments from the scores.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 3, 4, 5],
    ...     "paid_ts": pd.to_datetime(["2024-06-01", "2024-06-28", "2024-06-20",
    ...                                "2024-05-01", "2024-04-01", "2024-06-29"]),
    ...     "paid_amount": [50.0, 50.0, 300.0, 20.0, 80.0, 40.0],
    ... })
    >>> print(rfm_table(orders, as_of="2024-06-30").to_string())
       customer_id  recency_days  frequency  monetary  r_score  f_score  m_score rfm_score
    0            1             2          2     100.0        4        5        4       454
    1            2            10          1     300.0        3        1        5       315
    2            3            60          1      20.0        2        1        1       211
    3            4            90          1      80.0        1        1        3       113
    4            5             1          1      40.0        5        1        2       512
    """
    func = "rfm_table"
    check_option(frequency, ("orders", "days"), func, param="frequency")
    check_option(scores, ("quintile", "thresholds"), func, param="scores")
    cuts = _check_thresholds(thresholds, func) if scores == "thresholds" else None
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col,
    )
    paid, codes, uniques, day, as_of_day = _per_customer(
        paid,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        as_of=as_of,
        start=start,
    )
    n = len(uniques)
    last_day = _group_extreme(codes, day, n, largest=True)
    if frequency == "orders":
        freq_v = np.bincount(codes, minlength=n)
    else:
        freq_v = np.bincount(_sorted_pairs(codes, day)[0], minlength=n)
    monetary = np.bincount(
        codes, weights=paid[paid_amount_col].to_numpy(dtype=np.float64), minlength=n
    ).astype(np.float64)
    recency = as_of_day - last_day
    if cuts is None:
        r = _quintile_score(pd.Series(-recency))
        f = _quintile_score(pd.Series(freq_v))
        m = _quintile_score(pd.Series(monetary))
    else:
        r = 5 - np.searchsorted(cuts["recency"], recency, side="left")
        f = 1 + np.searchsorted(cuts["frequency"], freq_v, side="right")
        m = 1 + np.searchsorted(cuts["monetary"], monetary, side="right")
    r, f, m = (np.asarray(x, dtype=np.int64) for x in (r, f, m))
    return pd.DataFrame(
        {
            customer_id_col: uniques.to_numpy(),
            "recency_days": recency.astype(np.int64),
            "frequency": freq_v.astype(np.int64),
            "monetary": monetary,
            "r_score": r,
            "f_score": f,
            "m_score": m,
            "rfm_score": pd.Series(r * 100 + f * 10 + m).astype(str).to_numpy(),
        }
    )


#: Default RFM segments: Shopify's 10 group labels on an R × FM grid
#: (FM = (F + M) / 2 rounded half up). Entries are checked in order and the
#: first whose ``r`` and ``fm`` ranges (inclusive) contain a customer wins;
#: together they must cover all 25 cells. Copy and edit to change the grid:
#: ``m = {k: dict(v) for k, v in RFM_SEGMENTS.items()}``. The labels and their
#: meaning are Shopify's (CustomerRfmGroup); the exact cell boundaries are
#: ecomkit's reading of those descriptions, not a copy of Shopify's chart.
RFM_SEGMENTS: dict[str, dict] = {
    "Champions": {
        "r": (5, 5),
        "fm": (4, 5),
        "action": "Reward: early access, VIP perks, ask for reviews and referrals.",
    },
    "Loyal": {
        "r": (3, 4),
        "fm": (4, 5),
        "action": "Upsell and cross-sell; invite to the member programme (会员体系).",
    },
    "Active": {
        "r": (4, 5),
        "fm": (3, 3),
        "action": "Recommend related products to raise frequency and 客单价.",
    },
    "Needs attention": {
        "r": (3, 3),
        "fm": (3, 3),
        "action": "Time-limited offer before they drift; personalised recommendations.",
    },
    "New": {  # before Promising: first match wins
        "r": (5, 5),
        "fm": (1, 1),
        "action": "Onboard: welcome series, 新客 coupon for the second order.",
    },
    "Promising": {
        "r": (4, 5),
        "fm": (1, 2),
        "action": "Nurture the second purchase: 满减 threshold coupons, bundles.",
    },
    "Almost lost": {
        "r": (2, 3),
        "fm": (1, 2),
        "action": "Re-engage cheaply (push / SMS) with a popular product.",
    },
    "At risk": {
        "r": (2, 2),
        "fm": (3, 4),
        "action": "Win back now: personal message, 召回券 coupon.",
    },
    "Previously loyal": {
        "r": (1, 2),
        "fm": (4, 5),
        "action": "Strong win-back: ask why they left, exclusive offer, 1-to-1 care.",
    },
    "Dormant": {
        "r": (1, 1),
        "fm": (1, 3),
        "action": "Low-cost reactivation in big sales (618, 双11); cap the spend.",
    },
}


def _segment_grid(mapping, func) -> tuple[list[str], list[str], np.ndarray]:
    """Labels, actions and a 5 × 5 lookup (r − 1, fm − 1) -> label code."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise TypeError(
            f"{func}(): `mapping` must be a dict like RFM_SEGMENTS "
            f"({{label: {{'r': (lo, hi), 'fm': (lo, hi), 'action': '...'}}}}), got "
            f"{type(mapping).__name__}."
        )
    grid = np.full((5, 5), -1, dtype=np.int64)
    labels, actions = [], []
    for code, (label, spec) in enumerate(mapping.items()):
        ranges = []
        for axis in ("r", "fm"):
            rng = spec.get(axis) if isinstance(spec, Mapping) else None
            ok = (
                isinstance(rng, (tuple, list))
                and len(rng) == 2
                and all(isinstance(v, (int, np.integer)) and 1 <= v <= 5 for v in rng)
                and rng[0] <= rng[1]
            )
            if not ok:
                raise ValueError(
                    f"{func}(): `mapping[{label!r}][{axis!r}]` must be an inclusive "
                    f"range (lo, hi) of scores 1-5, e.g. (4, 5); got {rng!r}."
                )
            ranges.append(rng)
        (r_lo, r_hi), (fm_lo, fm_hi) = ranges
        cell = grid[r_lo - 1 : r_hi, fm_lo - 1 : fm_hi]
        cell[cell < 0] = code  # first entry wins
        labels.append(str(label))
        actions.append(str(spec.get("action", "")))
    if (grid < 0).any():
        missing = [(r + 1, fm + 1) for r, fm in zip(*np.nonzero(grid < 0), strict=True)]
        raise ValueError(
            f"{func}(): `mapping` leaves (R, FM) cells without a segment: {missing}. "
            f"Every R and FM score 1-5 must be covered."
        )
    return labels, actions, grid


@register_metric(
    "rfm_segment",
    name="RFM segment",
    name_zh="RFM 客户分群",
    family="member",
    formula="segment = mapping(R, FM) with FM = (F + M) / 2 rounded half up; default "
    "RFM_SEGMENTS (Shopify labels: Champions, Loyal, Active, Needs attention, "
    "Promising, New, Almost lost, At risk, Previously loyal, Dormant)",
    window="as the RFM table",
    basis="RFM scores",
    unit="label",
)
def rfm_segments(
    rfm: pd.DataFrame,
    *,
    mapping: Mapping | None = None,
    r_score_col: str = "r_score",
    f_score_col: str = "f_score",
    m_score_col: str = "m_score",
) -> pd.DataFrame:
    """Name RFM segments (Champions, At risk, ...) from the R × FM grid, with actions.

    ``FM = (F + M) / 2`` rounded half up (so F = 4, M = 5 gives FM = 5), then
    the first entry of ``mapping`` whose inclusive ``r`` and ``fm`` ranges
    contain the customer names their segment. The default
    :data:`RFM_SEGMENTS` uses Shopify's labels on this grid (R down, FM
    across)::

                 FM=1          FM=2          FM=3             FM=4              FM=5
        R=5      New           Promising     Active           Champions         Champions
        R=4      Promising     Promising     Active           Loyal             Loyal
        R=3      Almost lost   Almost lost   Needs attention  Loyal             Loyal
        R=2      Almost lost   Almost lost   At risk          At risk           Previously loyal
        R=1      Dormant       Dormant       Dormant          Previously loyal  Previously loyal

    Parameters
    ----------
    rfm : pandas.DataFrame
        Output of :func:`rfm_table` (or any frame with 1–5 score columns).
    mapping : dict, optional
        ``{label: {"r": (lo, hi), "fm": (lo, hi), "action": text}}``; default
        :data:`RFM_SEGMENTS`. Must cover all 25 (R, FM) cells.
    r_score_col, f_score_col, m_score_col : str
        Score columns of ``rfm``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``rfm`` with ``fm_score`` (int), ``segment`` (ordered
        categorical, in mapping order) and ``action`` (suggested next step,
        for teaching) added; row order unchanged.

    Raises
    ------
    TypeError, ValueError
        Not a table, missing score columns, scores outside 1–5, a bad mapping.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"customer_id": [1, 2, 3],
    ...                     "r_score": [5, 2, 1], "f_score": [5, 4, 1],
    ...                     "m_score": [4, 4, 2]})
    >>> rfm_segments(rfm)[["customer_id", "fm_score", "segment"]]
       customer_id  fm_score    segment
    0            1         5  Champions
    1            2         4    At risk
    2            3         2    Dormant
    """
    func = "rfm_segments"
    check_table(
        rfm,
        func,
        param="rfm",
        columns={
            "r_score_col": r_score_col,
            "f_score_col": f_score_col,
            "m_score_col": m_score_col,
        },
        hint="rfm_table(shop.orders, as_of=...)",
    )
    scores = {}
    for param, col in (
        ("r_score_col", r_score_col),
        ("f_score_col", f_score_col),
        ("m_score_col", m_score_col),
    ):
        s = check_numeric(rfm, col, func, param=param, table="rfm")
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if not np.isin(v, [1, 2, 3, 4, 5]).all():
            raise ValueError(
                f"{func}(): column {col!r} (from `{param}`) must hold whole scores "
                f"1-5 (as made by rfm_table), got values outside that."
            )
        scores[param] = v.astype(np.int64)
    labels, actions, grid = _segment_grid(
        RFM_SEGMENTS if mapping is None else mapping, func
    )
    fm = (scores["f_score_col"] + scores["m_score_col"] + 1) // 2
    code = grid[scores["r_score_col"] - 1, fm - 1]
    out = rfm.copy()
    out["fm_score"] = fm
    out["segment"] = pd.Categorical.from_codes(code, categories=labels, ordered=True)
    out["action"] = np.asarray(actions, dtype=object)[code] if len(code) else []
    out["action"] = out["action"].astype(str)
    return out
