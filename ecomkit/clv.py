"""Customer lifetime value (CLV, 客户生命周期价值): historic and predicted.

Two ways to put a number on a customer:

- **historic** (:func:`historic_clv`): the gross profit they have brought so
  far, from order lines, costs and refunds;
- **predicted** (the "buy till you die" models): summarise each customer's
  purchase history as ``frequency, recency, T, monetary_value``
  (:func:`btyd_summary`), fit the BG/NBD model of *how often* they buy and
  whether they are still "alive" (:func:`fit_bgnbd`, Fader, Hardie & Lee
  2005) and the Gamma-Gamma model of *how much* they spend per purchase
  (:func:`fit_gamma_gamma`, Fader & Hardie 2013), then discount the expected
  future spend (:func:`predicted_clv`).

Both models are fitted by maximum likelihood with :func:`scipy.optimize.minimize`
on log parameters and reproduce the published CDNOW estimates (see
``tests/test_clv.py``). The conventions follow the ``lifetimes`` package so that
its tutorials can be read alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

from ._catalog import register_metric
from ._keys import (
    dense_codes,
    first_of_group,
    half_open,
    local_bound,
    period_index,
    wall_values,
)
from ._orders import paid_purchases
from ._validation import (
    check_datetime,
    check_no_missing,
    check_number,
    check_numeric,
    check_option,
    check_positive_int,
    check_table,
    check_window,
    to_timestamp,
)

__all__ = [
    "BGNBDFit",
    "GammaGammaFit",
    "btyd_summary",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gg_expected_spend",
    "historic_clv",
    "p_alive",
    "predicted_clv",
]
#: public helpers that build model inputs or fit models rather than compute a metric
__not_metrics__ = ("btyd_summary", "fit_bgnbd", "fit_gamma_gamma")

# ------------------------------------------------------------ historic ----


@register_metric(
    "clv_historic",
    name="Historic CLV (gross profit to date)",
    name_zh="历史客户价值 (累计毛利)",
    family="clv",
    formula="Σ over the customer's paid orders of (quantity × unit_price − line "
    "discount − quantity × unit_cost) − refunds of those orders",
    numerator="gross profit of the customer's paid orders in the window",
    window="orders paid in [start, end]; refunds up to end",
    basis="merchandise gross profit net of refunds (shipping excluded)",
    unit="currency",
    notes="Measured in gross profit, not revenue: a high-revenue, low-margin "
    "customer is worth less than their 支付金额 suggests.",
)
def historic_clv(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    refunds: pd.DataFrame | None = None,
    *,
    customer_id_col: str = "customer_id",
    order_id_col: str = "order_id",
    paid_ts_col: str = "paid_ts",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    discount_amount_col: str = "discount_amount",
    unit_cost_col: str = "unit_cost",
    refund_amount_col: str = "refund_amount",
    refund_ts_col: str = "refund_ts",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Historic CLV 历史客户价值: each customer's gross profit to date, net of refunds.

    For the paid orders of each customer in ``[start, end]``::

        sales        = Σ (quantity × unit_price − discount_amount)   over order lines
        cogs         = Σ quantity × unit_cost                         (商品成本)
        refunds      = Σ refund_amount of those orders, refunded up to ``end``
        gross_profit = sales − cogs − refunds

    Basis: merchandise gross profit. Shipping charged to the buyer and
    carrier costs are left out (they belong to contribution margin), and the
    cost of returned goods is not added back (a refund is counted as lost
    revenue whether or not the goods came back), so the figure is
    conservative.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``order_id``, ``customer_id``, ``paid_ts``).
    order_items : pandas.DataFrame
        The order lines (``order_id``, ``quantity``, ``unit_price``,
        ``discount_amount``, ``unit_cost``).
    refunds : pandas.DataFrame, optional
        The refunds table (``order_id``, ``refund_amount``, ``refund_ts``).
        Without it, refunds are 0.
    customer_id_col, order_id_col, paid_ts_col : str
        Columns of ``orders`` (``order_id_col`` also in the other tables).
    quantity_col, unit_price_col, discount_amount_col, unit_cost_col : str
        Columns of ``order_items``.
    refund_amount_col, refund_ts_col : str
        Columns of ``refunds`` (``refund_ts_col`` only needed with ``end``).
    start, end : date-like, optional
        Inclusive window on the payment time.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, orders, sales, cogs, refunds, gross_profit``,
        one row per customer with a paid order in the window, sorted by
        customer id.

    Raises
    ------
    TypeError, ValueError
        Bad tables or columns, negative money, repeated order ids in ``orders``.

    See Also
    --------
    ecomkit.member.cohort_revenue : paid amount per cohort (revenue basis).
    predicted_clv : the forward-looking counterpart.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [1, 2, 3], "customer_id": [7, 7, 8],
    ...     "paid_ts": pd.to_datetime(["2024-01-02", "2024-02-03", None])})
    >>> items = pd.DataFrame({"order_id": [1, 1, 2, 3], "quantity": [2, 1, 1, 1],
    ...     "unit_price": [50.0, 30.0, 100.0, 80.0],
    ...     "discount_amount": [10.0, 0.0, 0.0, 0.0],
    ...     "unit_cost": [20.0, 10.0, 60.0, 40.0]})
    >>> refunds = pd.DataFrame({"order_id": [2], "refund_amount": [25.0],
    ...     "refund_ts": pd.to_datetime(["2024-02-10"])})
    >>> print(historic_clv(orders, items, refunds).to_string())
       customer_id  orders  sales  cogs  refunds  gross_profit
    0            7       2  220.0 110.0     25.0          85.0
    """
    func = "historic_clv"
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        start=start,
        end=end,
    )
    check_table(orders, func, param="orders", columns={"order_id_col": order_id_col})
    check_no_missing(paid, order_id_col, func, param="order_id_col", what="order ids")
    if paid[order_id_col].duplicated().any():
        raise ValueError(
            f"{func}(): `orders` repeats order ids in {order_id_col!r}; one row per "
            f"order is needed (e.g. `orders.drop_duplicates({order_id_col!r})`)."
        )
    item_cols = {
        "order_id_col": order_id_col,
        "quantity_col": quantity_col,
        "unit_price_col": unit_price_col,
        "discount_amount_col": discount_amount_col,
        "unit_cost_col": unit_cost_col,
    }
    check_table(
        order_items,
        func,
        param="order_items",
        columns=item_cols,
        hint="shop.order_items",
    )
    for param in (
        "quantity_col",
        "unit_price_col",
        "discount_amount_col",
        "unit_cost_col",
    ):
        check_numeric(
            order_items,
            item_cols[param],
            func,
            param=param,
            table="order_items",
            nonnegative=True,
        )

    codes, uniques = dense_codes(paid[customer_id_col])
    n = len(uniques)
    order_index = pd.Index(paid[order_id_col])
    # each line goes to the customer of its order (lines of unpaid orders drop out)
    line_cust = order_index.get_indexer(pd.Index(order_items[order_id_col]))
    line_cust = np.where(line_cust >= 0, codes[np.maximum(line_cust, 0)], -1)
    ok = line_cust >= 0
    qty = order_items[quantity_col].to_numpy(dtype=np.float64)[ok]
    sales = np.bincount(
        line_cust[ok],
        weights=qty * order_items[unit_price_col].to_numpy(dtype=np.float64)[ok]
        - order_items[discount_amount_col].to_numpy(dtype=np.float64)[ok],
        minlength=n,
    ).astype(np.float64)
    cogs = np.bincount(
        line_cust[ok],
        weights=qty * order_items[unit_cost_col].to_numpy(dtype=np.float64)[ok],
        minlength=n,
    ).astype(np.float64)
    refunded = np.zeros(n)
    if refunds is not None:
        ref_cols = {
            "order_id_col": order_id_col,
            "refund_amount_col": refund_amount_col,
        }
        _, hi = check_window(start, end, func)
        if hi is not None:
            ref_cols["refund_ts_col"] = refund_ts_col
        check_table(
            refunds, func, param="refunds", columns=ref_cols, hint="shop.refunds"
        )
        check_numeric(
            refunds,
            refund_amount_col,
            func,
            param="refund_amount_col",
            table="refunds",
            nonnegative=True,
        )
        keep = np.ones(len(refunds), dtype=bool)
        if hi is not None:
            ts = check_datetime(
                refunds, refund_ts_col, func, param="refund_ts_col", table="refunds"
            )
            keep = half_open(ts, None, hi)
        ref_cust = order_index.get_indexer(pd.Index(refunds[order_id_col]))
        keep &= ref_cust >= 0
        refunded = np.bincount(
            codes[ref_cust[keep]],
            weights=refunds[refund_amount_col].to_numpy(dtype=np.float64)[keep],
            minlength=n,
        ).astype(np.float64)
    return pd.DataFrame(
        {
            customer_id_col: uniques.to_numpy(),
            "orders": np.bincount(codes, minlength=n).astype(np.int64),
            "sales": sales,
            "cogs": cogs,
            "refunds": refunded,
            "gross_profit": sales - cogs - refunded,
        }
    )


# -------------------------------------------------------- BTYD summary ----

_BTYD_FREQS = ("D", "W", "M")
#: periods of each ``freq`` per month, as in lifetimes' customer_lifetime_value
_PERIODS_PER_MONTH = {"D": 30.0, "W": 4.345, "M": 1.0}


def _rfm_periods(codes, period, amount, n, end_period):
    """frequency, recency, T, monetary_value per customer code (lifetimes rules)."""
    # merge purchases of one customer in one period: they count once, amounts add up
    key_df = pd.DataFrame({"c": codes, "p": period, "a": amount})
    per = key_df.groupby(["c", "p"], sort=True)["a"].sum().reset_index()
    c = per["c"].to_numpy()
    p = per["p"].to_numpy()
    a = per["a"].to_numpy(dtype=np.float64)
    count = np.bincount(c, minlength=n)
    first_p = pd.Series(p).groupby(c).min().reindex(range(n)).to_numpy()
    last_p = pd.Series(p).groupby(c).max().reindex(range(n)).to_numpy()
    first_row = first_of_group(c)
    total = np.bincount(c, weights=a, minlength=n).astype(np.float64)
    first_amount = np.zeros(n)
    first_amount[c[first_row]] = a[first_row]
    repeat = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(
            repeat > 0, (total - first_amount) / np.maximum(repeat, 1), 0.0
        )
    return (
        repeat.astype(np.float64),
        (last_p - first_p).astype(np.float64),
        (end_period - first_p).astype(np.float64),
        monetary,
    )


def btyd_summary(
    orders: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    freq: str = "D",
    observation_end=None,
    calibration_end=None,
) -> pd.DataFrame:
    """Per-customer ``frequency, recency, T, monetary_value``: the BTYD model inputs.

    Time is counted in whole periods of ``freq`` (days, Monday weeks or
    months) and all purchases (paid orders) of a customer in one period are
    merged into one, their amounts added, exactly as lifetimes'
    ``summary_data_from_transaction_data``::

        frequency      = purchase periods − 1   (repeat purchases; 0 for one-time buyers)
        recency        = last purchase period − first purchase period (age at last purchase)
        T              = observation_end period − first purchase period (age at the end)
        monetary_value = mean amount of the REPEAT purchase periods (the first is
                         left out; 0 when frequency is 0)

    With ``calibration_end`` the four columns describe the calibration
    period (purchases up to ``calibration_end``) and three more describe the
    holdout ``(calibration_end, observation_end]`` for the same customers:
    ``frequency_holdout`` (purchase periods in the holdout),
    ``monetary_value_holdout`` (their mean amount, 0 if none) and
    ``duration_holdout`` (holdout length in periods), as lifetimes'
    ``calibration_and_holdout_data``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``customer_id``, ``paid_ts``, ``paid_amount``).
    customer_id_col, paid_ts_col, paid_amount_col : str
        Column names; ``paid_amount_col`` is the monetary value (支付金额).
    freq : {"D", "W", "M"}, default="D"
        The time unit of ``recency`` and ``T`` and of the fitted models.
    observation_end : date-like, optional
        Last day observed (inclusive); default: the day of the last paid order.
        Later orders are ignored.
    calibration_end : date-like, optional
        Last day of the calibration period (inclusive), before ``observation_end``.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, frequency, recency, T, monetary_value`` (floats,
        as in lifetimes), plus the holdout columns with ``calibration_end``;
        one row per customer whose first purchase is observed (up to
        ``calibration_end`` when given), sorted by customer id.
        ``attrs["freq"]`` records ``freq`` for :func:`predicted_clv`.

    Notes
    -----
    lifetimes compares ``calibration_period_end`` with full timestamps, so a
    purchase at 10:00 on that day falls in its holdout; here dates are
    inclusive whole days, as everywhere in ecomkit.

    See Also
    --------
    fit_bgnbd, fit_gamma_gamma

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 20:00",
    ...                                "2024-01-05 12:00", "2024-01-11 12:00",
    ...                                "2024-01-08 12:00"]),
    ...     "paid_amount": [10.0, 20.0, 30.0, 50.0, 40.0],
    ... })
    >>> btyd_summary(orders, observation_end="2024-01-31")
       customer_id  frequency  recency     T  monetary_value
    0            1        2.0     10.0  30.0            40.0
    1            2        0.0      0.0  23.0             0.0
    """
    func = "btyd_summary"
    check_option(freq, _BTYD_FREQS, func, param="freq")
    paid = paid_purchases(
        orders,
        func,
        customer_id_col=customer_id_col,
        paid_ts_col=paid_ts_col,
        paid_amount_col=paid_amount_col,
    )
    ts = paid[paid_ts_col]
    if observation_end is None:
        if len(ts) == 0:
            obs_hi = None
        else:
            obs_hi = local_bound(ts.max(), ts.dtype).normalize() + pd.Timedelta(days=1)
    else:
        _, obs_hi = check_window(
            None, to_timestamp(observation_end, func, param="observation_end"), func
        )
        obs_hi = local_bound(obs_hi, ts.dtype)
    cal_hi = None
    if calibration_end is not None:
        cal = to_timestamp(calibration_end, func, param="calibration_end")
        _, cal_hi = check_window(None, cal, func)
        cal_hi = local_bound(cal_hi, ts.dtype)
        if obs_hi is not None and cal_hi >= obs_hi:
            raise ValueError(
                f"{func}(): `calibration_end` ({calibration_end!r}) must be before "
                f"`observation_end` ({observation_end!r}, default: the last paid "
                f"order) so that a holdout period remains."
            )
    if obs_hi is not None:
        keep = half_open(ts, None, obs_hi)
        paid, ts = paid.loc[keep], ts[keep]
    period = period_index(wall_values(ts), freq)
    amount = paid[paid_amount_col].to_numpy(dtype=np.float64)

    def end_period(hi):
        last = np.array(
            [(hi - pd.Timedelta(1, "ns")).to_datetime64()], dtype="datetime64[ns]"
        )
        return int(period_index(last, freq)[0])

    if cal_hi is None:
        calib = np.ones(len(ts), dtype=bool)
        cal_end_p = end_period(obs_hi) if obs_hi is not None else 0
    else:
        calib = wall_values(ts) < cal_hi.to_datetime64()
        cal_end_p = end_period(cal_hi)
    codes, uniques = dense_codes(paid.loc[calib, customer_id_col])
    n = len(uniques)
    frequency, recency, T, monetary = _rfm_periods(
        codes, period[calib], amount[calib], n, cal_end_p
    )
    out = pd.DataFrame(
        {
            customer_id_col: uniques.to_numpy(),
            "frequency": frequency,
            "recency": recency,
            "T": T,
            "monetary_value": monetary,
        }
    )
    if cal_hi is not None:
        hold = ~calib
        hc = uniques.get_indexer(pd.Index(paid.loc[hold, customer_id_col]))
        ok = hc >= 0  # only customers already seen in the calibration period
        per = pd.DataFrame({"c": hc[ok], "p": period[hold][ok], "a": amount[hold][ok]})
        per = per.groupby(["c", "p"])["a"].sum().reset_index()
        count = np.bincount(per["c"].to_numpy(), minlength=n)
        total = np.bincount(
            per["c"].to_numpy(), weights=per["a"].to_numpy(), minlength=n
        ).astype(np.float64)
        out["frequency_holdout"] = count.astype(np.float64)
        out["monetary_value_holdout"] = np.where(
            count > 0, total / np.maximum(count, 1), 0.0
        )
        out["duration_holdout"] = float(end_period(obs_hi) - cal_end_p)
    out.attrs["freq"] = freq
    return out


# ------------------------------------------------------------- BG/NBD ----


def _summary_arrays(summary, func, cols: dict[str, str]) -> dict[str, np.ndarray]:
    """Check a BTYD summary and return its columns as float arrays."""
    check_table(
        summary, func, param="summary", columns=cols, hint="btyd_summary(shop.orders)"
    )
    out = {}
    for param, col in cols.items():
        if param == "customer_id_col":
            continue
        out[param] = check_numeric(
            summary, col, func, param=param, table="summary", nonnegative=True
        ).to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isnan(out[param]).any():
            raise ValueError(
                f"{func}(): column {col!r} (from `{param}`) has missing values; "
                f"build the summary with btyd_summary() or drop those rows."
            )
    return out


def _check_btyd(x, t_x, T, func, cols):
    if len(x) == 0:
        raise ValueError(f"{func}(): `summary` has no customers to fit.")
    if np.any(x != np.round(x)):
        raise ValueError(
            f"{func}(): column {cols['frequency_col']!r} must hold whole numbers of "
            f"repeat purchase periods (0, 1, 2, ...)."
        )
    if np.any(t_x > T):
        raise ValueError(
            f"{func}(): recency is larger than T for {int((t_x > T).sum())} "
            f"customer(s); recency (age at last purchase) can never exceed T (age "
            f"at the end of observation). Check the column order."
        )
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError(
            f"{func}(): customers with frequency 0 must have recency 0 (a single "
            f"purchase period); build the summary with btyd_summary()."
        )


def _bgnbd_loglik(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    buyer = x > 0
    xb = np.where(buyer, x, 1.0)  # keeps log(b + x − 1) finite for non-buyers
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(
        buyer, np.log(a) - np.log(b + xb - 1) - (r + x) * np.log(alpha + t_x), -np.inf
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def _fit(neg_loglik, n_params, func):
    """Minimise over log parameters (bounded, so exp() never overflows)."""
    with np.errstate(all="ignore"):
        res = minimize(
            neg_loglik,
            np.zeros(n_params),
            method="L-BFGS-B",
            bounds=[(-20.0, 20.0)] * n_params,
        )
    return np.exp(res.x), bool(res.success), str(res.message)


@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD model (Fader, Hardie & Lee 2005).

    Purchases follow a Poisson process with rate λ ~ Gamma(r, α) while the
    customer is alive; after each purchase they drop out with probability
    p ~ Beta(a, b). Time is in periods of ``freq``.

    Attributes
    ----------
    r, alpha : float
        Shape and scale of the purchase-rate distribution (``alpha`` is in
        periods: doubling the time unit halves it).
    a, b : float
        Beta parameters of the drop-out probability.
    log_likelihood : float
        Maximised log-likelihood.
    n_customers : int
    freq : str or None
        Time unit of the summary it was fitted on (``"D"``, ``"W"``, ``"M"``).
    converged : bool
        Whether the optimiser reported success.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    freq: str | None = None
    converged: bool = True

    @property
    def params(self) -> dict[str, float]:
        """``{"r": ..., "alpha": ..., "a": ..., "b": ...}``."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected purchases in the next ``t`` periods (FHL eq. 10)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t, x, t_x, T = (
            np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T)
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = t / (alpha + T + t)
            tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
                r + x, b + x, a + b + x - 1, z
            )
            head = (a + b + x - 1) / (a - 1)
        return head * tail * self.p_alive(x, t_x, T)

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability the customer is still alive at T (FHL 2005, eq. 13)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        xb = np.where(x > 0, x, 1.0)
        log_odds = (
            np.log(a)
            - np.log(b + xb - 1)
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
        return np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700))), 1.0)

    def expected_purchases_new(self, t) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a customer just acquired (FHL eq. 9)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (
                (a + b - 1)
                / (a - 1)
                * (
                    1
                    - (alpha / (alpha + t)) ** r
                    * hyp2f1(r, b, a + b - 1, t / (alpha + t))
                )
            )


_BTYD_COLS = {"frequency_col": "frequency", "recency_col": "recency", "T_col": "T"}


def fit_bgnbd(
    summary: pd.DataFrame,
    *,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    penalizer: float = 0.0,
    freq: str | None = None,
) -> BGNBDFit:
    """Fit the BG/NBD model of repeat purchasing by maximum likelihood.

    BG/NBD (Beta-Geometric / Negative Binomial Distribution, Fader, Hardie &
    Lee 2005, "Counting your customers the easy way"): while alive a customer
    buys at Poisson rate λ ~ Gamma(r, α); after each purchase they become
    inactive with probability p ~ Beta(a, b). The log-likelihood of
    ``(x = frequency, t_x = recency, T)`` is the paper's closed form (eq. 6),
    maximised over ``log r, log α, log a, log b`` with L-BFGS-B.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer, e.g. from :func:`btyd_summary`.
    frequency_col, recency_col, T_col : str
        Columns of ``summary`` (repeat purchase periods, age at last purchase,
        age at end of observation, all in periods of ``freq``).
    penalizer : float, default=0.0
        L2 penalty ``penalizer × Σ params²`` added to the mean negative
        log-likelihood (as lifetimes' ``penalizer_coef``); try 0.001–0.1 on
        small or odd data.
    freq : str, optional
        Time unit, for :func:`predicted_clv`; default ``summary.attrs["freq"]``.

    Returns
    -------
    BGNBDFit
        ``r, alpha, a, b, log_likelihood, n_customers, freq, converged`` and the
        methods ``expected_purchases(t, frequency, recency, T)``,
        ``p_alive(frequency, recency, T)``, ``expected_purchases_new(t)``.

    Raises
    ------
    TypeError, ValueError
        Not a table, missing or negative columns, recency > T, frequency 0
        with recency > 0, no customers.

    See Also
    --------
    expected_purchases, p_alive, fit_gamma_gamma

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"frequency": [0, 1, 2, 0, 3, 1, 0, 5],
    ...                         "recency": [0, 5, 20, 0, 30, 2, 0, 35],
    ...                         "T": [40, 30, 38, 20, 36, 33, 10, 39]})
    >>> model = fit_bgnbd(summary, freq="W")
    >>> sorted(model.params)
    ['a', 'alpha', 'b', 'r']
    >>> bool(0 < model.p_alive(2, 20, 38) < 1)
    True
    """
    func = "fit_bgnbd"
    cols = {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}
    arrays = _summary_arrays(summary, func, cols)
    x, t_x, T = arrays["frequency_col"], arrays["recency_col"], arrays["T_col"]
    _check_btyd(x, t_x, T, func, cols)
    penalizer = check_number(penalizer, func, param="penalizer", low=0)
    n = len(x)

    def neg_loglik(log_params):
        params = np.exp(log_params)
        ll = _bgnbd_loglik(*params, x, t_x, T).sum()
        value = -ll / n + penalizer * np.sum(params**2)
        return value if np.isfinite(value) else 1e300

    (r, alpha, a, b), ok, _ = _fit(neg_loglik, 4, func)
    ll = float(_bgnbd_loglik(r, alpha, a, b, x, t_x, T).sum())
    return BGNBDFit(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=ll,
        n_customers=n,
        freq=freq if freq is not None else summary.attrs.get("freq"),
        converged=ok,
    )


def _ids(summary, customer_id_col):
    if customer_id_col in summary.columns:
        return pd.Index(summary[customer_id_col], name=customer_id_col)
    return summary.index


def _check_model(model, cls, func, param, hint):
    if not isinstance(model, cls):
        raise TypeError(
            f"{func}(): `{param}` must be a fitted {cls.__name__}, e.g. "
            f"`{param}={hint}`, got {type(model).__name__}."
        )


@register_metric(
    "expected_purchases",
    name="Expected purchases (BG/NBD)",
    name_zh="预期购买次数 (BG/NBD)",
    family="clv",
    formula="E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · "
    "₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)",
    window="next t periods after the end of observation",
    basis="repeat purchase periods",
    unit="purchases",
)
def expected_purchases(
    summary: pd.DataFrame,
    *,
    model: BGNBDFit,
    t: float,
    customer_id_col: str = "customer_id",
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.Series:
    """Expected number of purchases of each customer in the next ``t`` periods (BG/NBD).

    The conditional expectation of Fader, Hardie & Lee (2005, eq. 10), given
    ``x = frequency``, ``t_x = recency`` and ``T``::

        E[Y(t)] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ·
                  ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)

    Parameters
    ----------
    summary : pandas.DataFrame
        Customers' ``frequency, recency, T`` (e.g. :func:`btyd_summary`).
    model : BGNBDFit
        From :func:`fit_bgnbd`.
    t : float
        Horizon in periods of the model's ``freq`` (e.g. 39 weeks).
    customer_id_col, frequency_col, recency_col, T_col : str
        Columns of ``summary``; without ``customer_id_col`` its index is used.

    Returns
    -------
    pandas.Series
        Named ``expected_purchases``, indexed by customer id.

    See Also
    --------
    p_alive, predicted_clv

    Examples
    --------
    >>> import pandas as pd
    >>> model = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426,
    ...                  log_likelihood=-9582.4, n_customers=2357, freq="W")
    >>> s = pd.DataFrame({"customer_id": [1], "frequency": [2], "recency": [30.43],
    ...                   "T": [38.86]})
    >>> expected_purchases(s, model=model, t=39).round(3)
    customer_id
    1    1.226
    Name: expected_purchases, dtype: float64
    """
    func = "expected_purchases"
    _check_model(model, BGNBDFit, func, "model", "fit_bgnbd(summary)")
    t = check_number(t, func, param="t", low=0)
    arrays = _summary_arrays(summary, func, _cols(frequency_col, recency_col, T_col))
    values = model.expected_purchases(
        t, arrays["frequency_col"], arrays["recency_col"], arrays["T_col"]
    )
    return pd.Series(values, index=_ids(summary, customer_id_col), name=func)


def _cols(frequency_col, recency_col, T_col):
    return {"frequency_col": frequency_col, "recency_col": recency_col, "T_col": T_col}


@register_metric(
    "p_alive",
    name="Probability alive (BG/NBD)",
    name_zh="存活概率 P(alive)",
    family="clv",
    formula="P(alive | x, t_x, T) = 1 ÷ (1 + δ(x>0) · a/(b+x−1) · "
    "((α+T)/(α+t_x))^(r+x))",
    window="at the end of observation (T)",
    basis="repeat purchase periods",
    unit="fraction",
    notes="Customers without repeat purchases have P(alive) = 1 under BG/NBD "
    "(they can only drop out right after a purchase).",
)
def p_alive(
    summary: pd.DataFrame,
    *,
    model: BGNBDFit,
    customer_id_col: str = "customer_id",
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.Series:
    """Probability that each customer is still "alive" (active) at the end of the data.

    Fader, Hardie & Lee (2005, eq. 13)::

        P(alive) = 1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))

    A customer with many past purchases and a long silence since the last one
    (``T − t_x`` large) gets a low value; a customer with no repeat purchase
    gets 1 (in BG/NBD customers only drop out right after a purchase).

    Parameters
    ----------
    summary : pandas.DataFrame
        Customers' ``frequency, recency, T``.
    model : BGNBDFit
        From :func:`fit_bgnbd`.
    customer_id_col, frequency_col, recency_col, T_col : str
        Columns of ``summary``; without ``customer_id_col`` its index is used.

    Returns
    -------
    pandas.Series
        Named ``p_alive``, values in [0, 1], indexed by customer id.

    Examples
    --------
    >>> import pandas as pd
    >>> model = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426,
    ...                  log_likelihood=-9582.4, n_customers=2357, freq="W")
    >>> s = pd.DataFrame({"customer_id": [1, 2], "frequency": [0, 3],
    ...                   "recency": [0.0, 5.0], "T": [30.0, 30.0]})
    >>> p_alive(s, model=model).round(3)
    customer_id
    1    1.000
    2    0.077
    Name: p_alive, dtype: float64
    """
    func = "p_alive"
    _check_model(model, BGNBDFit, func, "model", "fit_bgnbd(summary)")
    arrays = _summary_arrays(summary, func, _cols(frequency_col, recency_col, T_col))
    values = model.p_alive(
        arrays["frequency_col"], arrays["recency_col"], arrays["T_col"]
    )
    return pd.Series(values, index=_ids(summary, customer_id_col), name=func)


# -------------------------------------------------------- Gamma-Gamma ----


def _gg_loglik(p, q, v, x, m) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of mean spend ``m`` over ``x`` purchases."""
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + v)
    )


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model (Fader & Hardie 2013).

    Each transaction value z ~ Gamma(p, ν) with the customer's ν ~ Gamma(q, γ);
    so a customer's mean spend is pν⁻¹ and the population mean is
    ``p · v / (q − 1)``. ``v`` is the paper's γ (lifetimes calls it ``v``).

    Attributes
    ----------
    p, q, v : float
        Model parameters (``v`` = γ, a money scale).
    log_likelihood : float
    n_customers : int
        Customers used in the fit (frequency > 0 and monetary value > 0).
    frequency_monetary_corr : float
        Pearson correlation of frequency and monetary value among them. The
        model assumes independence: check that it is close to 0.
    converged : bool
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int
    frequency_monetary_corr: float = float("nan")
    converged: bool = True

    @property
    def params(self) -> dict[str, float]:
        """``{"p": ..., "q": ..., "v": ...}``."""
        return {"p": self.p, "q": self.q, "v": self.v}

    @property
    def mean_spend(self) -> float:
        """Population mean spend per purchase, ``p · v / (q − 1)`` (NaN if q <= 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("nan")

    def conditional_expected_average_spend(
        self, frequency, monetary_value
    ) -> np.ndarray:
        """E[Z | x, m̄] = p (v + x m̄) / (p x + q − 1): shrinks m̄ toward the mean."""
        x = np.asarray(frequency, dtype=np.float64)
        m = np.asarray(monetary_value, dtype=np.float64)
        return self.p * (self.v + x * m) / (self.p * x + self.q - 1)


def fit_gamma_gamma(
    summary: pd.DataFrame,
    *,
    frequency_col: str = "frequency",
    monetary_value_col: str = "monetary_value",
    penalizer: float = 0.0,
) -> GammaGammaFit:
    """Fit the Gamma-Gamma model of spend per purchase by maximum likelihood.

    Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": a
    customer's transaction values are Gamma(p, ν) around their own mean, and
    ν varies across customers as Gamma(q, γ). Fitted on the customers with
    ``frequency > 0`` and ``monetary_value > 0`` only (the mean of repeat
    purchases is undefined for one-time buyers; zero spends break the Gamma
    density), maximising the note's likelihood over ``log p, log q, log γ``.

    .. warning::
       The model assumes spend per purchase is independent of purchase
       frequency. Check ``fit.frequency_monetary_corr`` (Pearson, on the
       fitted customers) is close to 0 before trusting CLV figures.

    Parameters
    ----------
    summary : pandas.DataFrame
        Customers' ``frequency`` and ``monetary_value`` (from :func:`btyd_summary`).
    frequency_col, monetary_value_col : str
        Columns of ``summary``.
    penalizer : float, default=0.0
        L2 penalty on the parameters, as in :func:`fit_bgnbd`.

    Returns
    -------
    GammaGammaFit
        ``p, q, v, log_likelihood, n_customers, frequency_monetary_corr,
        converged``, with ``conditional_expected_average_spend(frequency,
        monetary_value)``.

    Raises
    ------
    TypeError, ValueError
        Not a table, missing or negative columns, fewer than 2 repeat buyers.

    See Also
    --------
    gg_expected_spend, predicted_clv

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"frequency": [1, 2, 3, 1, 4, 0, 2, 5],
    ...                         "monetary_value": [20.0, 35.0, 28.0, 60.0, 31.0, 0.0,
    ...                                            18.0, 40.0]})
    >>> gg = fit_gamma_gamma(summary)
    >>> gg.n_customers
    7
    """
    func = "fit_gamma_gamma"
    cols = {"frequency_col": frequency_col, "monetary_value_col": monetary_value_col}
    arrays = _summary_arrays(summary, func, cols)
    penalizer = check_number(penalizer, func, param="penalizer", low=0)
    use = (arrays["frequency_col"] > 0) & (arrays["monetary_value_col"] > 0)
    x, m = arrays["frequency_col"][use], arrays["monetary_value_col"][use]
    if len(x) < 2:
        raise ValueError(
            f"{func}(): the model is fitted on customers with frequency > 0 and "
            f"monetary value > 0 (repeat buyers), and `summary` has {len(x)}; at "
            f"least 2 are needed."
        )
    n = len(x)

    def neg_loglik(log_params):
        params = np.exp(log_params)
        value = -_gg_loglik(*params, x, m).sum() / n + penalizer * np.sum(params**2)
        return value if np.isfinite(value) else 1e300

    (p, q, v), ok, _ = _fit(neg_loglik, 3, func)
    sx, sm = x.std(), m.std()
    corr = (
        float(np.mean((x - x.mean()) * (m - m.mean())) / (sx * sm))
        if sx * sm > 0
        else float("nan")
    )
    return GammaGammaFit(
        p=float(p),
        q=float(q),
        v=float(v),
        log_likelihood=float(_gg_loglik(p, q, v, x, m).sum()),
        n_customers=n,
        frequency_monetary_corr=corr,
        converged=ok,
    )


@register_metric(
    "gg_expected_spend",
    name="Expected spend per purchase (Gamma-Gamma)",
    name_zh="预期客单价 (Gamma-Gamma)",
    family="clv",
    formula="E[Z | x, m̄] = p·(γ + x·m̄) ÷ (p·x + q − 1): a weighted average of the "
    "population mean p·γ/(q−1) and the customer's own mean m̄",
    window="as the BTYD summary",
    basis="monetary_value = mean amount of repeat purchase periods",
    unit="currency/purchase",
)
def gg_expected_spend(
    summary: pd.DataFrame,
    *,
    model: GammaGammaFit,
    customer_id_col: str = "customer_id",
    frequency_col: str = "frequency",
    monetary_value_col: str = "monetary_value",
) -> pd.Series:
    """Expected spend per future purchase of each customer (Gamma-Gamma).

    Fader & Hardie (2013)::

        E[Z | x, m̄] = p (γ + x m̄) / (p x + q − 1)
                    = w · p γ / (q − 1) + (1 − w) · m̄,   w = (q − 1) / (p x + q − 1)

    A customer's observed mean ``m̄`` is pulled toward the population mean,
    less so the more purchases ``x`` it rests on. One-time buyers (``x = 0``)
    get the population mean.

    Parameters
    ----------
    summary : pandas.DataFrame
        Customers' ``frequency`` and ``monetary_value``.
    model : GammaGammaFit
        From :func:`fit_gamma_gamma`.
    customer_id_col, frequency_col, monetary_value_col : str
        Columns of ``summary``; without ``customer_id_col`` its index is used.

    Returns
    -------
    pandas.Series
        Named ``expected_spend``, indexed by customer id.

    Examples
    --------
    >>> import pandas as pd
    >>> gg = GammaGammaFit(p=6.25, q=3.74, v=15.44, log_likelihood=-4055.9,
    ...                    n_customers=946)
    >>> s = pd.DataFrame({"customer_id": [1, 2], "frequency": [0, 2],
    ...                   "monetary_value": [0.0, 22.35]})
    >>> gg_expected_spend(s, model=gg).round(2)
    customer_id
    1    35.22
    2    24.66
    Name: expected_spend, dtype: float64
    """
    func = "gg_expected_spend"
    _check_model(model, GammaGammaFit, func, "model", "fit_gamma_gamma(summary)")
    cols = {"frequency_col": frequency_col, "monetary_value_col": monetary_value_col}
    arrays = _summary_arrays(summary, func, cols)
    values = model.conditional_expected_average_spend(
        arrays["frequency_col"], arrays["monetary_value_col"]
    )
    return pd.Series(
        values, index=_ids(summary, customer_id_col), name="expected_spend"
    )


@register_metric(
    "clv_predicted",
    name="Predicted CLV (BG/NBD + Gamma-Gamma)",
    name_zh="预测客户价值 (BG/NBD + Gamma-Gamma)",
    family="clv",
    formula="Σ_{i=1..horizon months} margin · E[spend] · (E[purchases up to month i] − "
    "E[purchases up to month i−1]) ÷ (1 + discount_rate)^i",
    window="the `horizon` months after the end of observation",
    basis="Gamma-Gamma expected spend × margin (margin=1: revenue; gross margin "
    "rate: gross profit)",
    unit="currency",
    notes="Same discounting as lifetimes' customer_lifetime_value (monthly steps, "
    "30 days or 4.345 weeks per month).",
)
def predicted_clv(
    summary: pd.DataFrame,
    *,
    bgnbd: BGNBDFit,
    gamma_gamma: GammaGammaFit,
    horizon: int = 12,
    freq: str | None = None,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    customer_id_col: str = "customer_id",
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_value_col: str = "monetary_value",
) -> pd.DataFrame:
    """Predicted CLV 预测客户价值: discounted expected spend over the next months.

    For each month ``i = 1..horizon``, BG/NBD gives the expected purchases in
    that month and Gamma-Gamma the expected spend per purchase::

        clv = Σ_i margin · spend · (E[Y(i·f)] − E[Y((i−1)·f)]) / (1 + discount_rate)^i

    where ``f`` is the number of model periods per month (30 days, 4.345 weeks
    or 1 month), exactly as lifetimes' ``customer_lifetime_value``.

    Parameters
    ----------
    summary : pandas.DataFrame
        Customers' ``frequency, recency, T, monetary_value`` (:func:`btyd_summary`).
    bgnbd : BGNBDFit
        From :func:`fit_bgnbd`.
    gamma_gamma : GammaGammaFit
        From :func:`fit_gamma_gamma`.
    horizon : int, default=12
        Months ahead.
    freq : {"D", "W", "M"}, optional
        Time unit of the summary; default: the one ``bgnbd`` was fitted with.
    discount_rate : float, default=0.01
        Monthly discount rate (0.01 ≈ 12.7 % a year).
    margin : float, default=1.0
        Share of spend kept as profit. 1.0 gives revenue CLV; pass the gross
        margin rate (e.g. 0.35) for profit CLV, the basis recommended for
        budgeting acquisition.
    customer_id_col, frequency_col, recency_col, T_col, monetary_value_col : str
        Columns of ``summary``; without ``customer_id_col`` its index is used.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, p_alive, expected_purchases`` (over the horizon,
        undiscounted), ``expected_spend`` (per purchase, Gamma-Gamma) and
        ``clv``; same row order as ``summary``.

    Raises
    ------
    TypeError, ValueError
        Bad models, columns or options; unknown time unit.

    Examples
    --------
    >>> import pandas as pd
    >>> bg = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426,
    ...               log_likelihood=-9582.4, n_customers=2357, freq="W")
    >>> gg = GammaGammaFit(p=6.25, q=3.74, v=15.44, log_likelihood=-4055.9,
    ...                    n_customers=946)
    >>> s = pd.DataFrame({"customer_id": [1], "frequency": [2], "recency": [30.43],
    ...                   "T": [38.86], "monetary_value": [22.35]})
    >>> out = predicted_clv(s, bgnbd=bg, gamma_gamma=gg, horizon=12)
    >>> list(out.columns)
    ['customer_id', 'p_alive', 'expected_purchases', 'expected_spend', 'clv']
    >>> bool(out["clv"].iloc[0] < out["expected_purchases"].iloc[0] * 24.66)
    True
    """
    func = "predicted_clv"
    _check_model(bgnbd, BGNBDFit, func, "bgnbd", "fit_bgnbd(summary)")
    _check_model(
        gamma_gamma, GammaGammaFit, func, "gamma_gamma", "fit_gamma_gamma(summary)"
    )
    horizon = check_positive_int(horizon, func, param="horizon")
    discount_rate = check_number(discount_rate, func, param="discount_rate", low=0)
    margin = check_number(margin, func, param="margin", low=0)
    unit = freq if freq is not None else bgnbd.freq
    if unit is None:
        raise ValueError(
            f"{func}(): the time unit of the summary is unknown: pass `freq` "
            f"('D', 'W' or 'M'), the `freq` used in btyd_summary()."
        )
    check_option(unit, _BTYD_FREQS, func, param="freq")
    cols = {
        **_cols(frequency_col, recency_col, T_col),
        "monetary_value_col": monetary_value_col,
    }
    arrays = _summary_arrays(summary, func, cols)
    x, t_x, T = arrays["frequency_col"], arrays["recency_col"], arrays["T_col"]
    spend = gamma_gamma.conditional_expected_average_spend(
        x, arrays["monetary_value_col"]
    )
    f = _PERIODS_PER_MONTH[unit]
    months = np.arange(0, horizon + 1, dtype=np.float64)
    # cumulative expected purchases at the end of each month, customers × months
    cum = bgnbd.expected_purchases(
        months[None, :] * f, x[:, None], t_x[:, None], T[:, None]
    )
    per_month = np.diff(cum, axis=1)
    discount = (1.0 + discount_rate) ** -months[1:]
    clv = margin * spend * (per_month * discount[None, :]).sum(axis=1)
    ids = _ids(summary, customer_id_col)
    return pd.DataFrame(
        {
            ids.name or customer_id_col: ids.to_numpy(),
            "p_alive": bgnbd.p_alive(x, t_x, T),
            "expected_purchases": cum[:, -1],
            "expected_spend": spend,
            "clv": clv,
        }
    )
